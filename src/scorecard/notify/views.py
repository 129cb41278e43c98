"""The public subscription form of a commune, and the signed confirm / unsubscribe links."""

from __future__ import annotations

import json

from django import forms
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from scorecard.notify import subscribe, telegram
from scorecard.notify.messages import ACTION_IMPLEMENTED, PLAN_PUBLISHED, ROUND_PUBLISHED
from scorecard.notify.models import Channel
from scorecard.places.models import Commune

CHAT_ID = r"^-?\d{1,20}$"


class SubscribeForm(forms.Form):
    channel = forms.ChoiceField(
        label=gettext_lazy("How"),
        widget=forms.RadioSelect,
        choices=[
            (Channel.EMAIL, gettext_lazy("e-mail")),
            (Channel.TELEGRAM, gettext_lazy("Telegram")),
        ],
        initial=Channel.EMAIL,
    )
    email = forms.EmailField(label=gettext_lazy("E-mail address"), required=False, max_length=200)
    chat_id = forms.RegexField(
        label=gettext_lazy("Telegram chat id"), regex=CHAT_ID, required=False, max_length=21
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language"), choices=[("km", "ខ្មែរ"), ("en", "English")], initial="km"
    )
    events = forms.MultipleChoiceField(
        label=gettext_lazy("Tell me when"),
        widget=forms.CheckboxSelectMultiple,
        choices=[
            (ROUND_PUBLISHED, gettext_lazy("a scorecard is published")),
            (PLAN_PUBLISHED, gettext_lazy("an action plan is published")),
            (ACTION_IMPLEMENTED, gettext_lazy("an action is done")),
        ],
        initial=[ROUND_PUBLISHED, PLAN_PUBLISHED, ACTION_IMPLEMENTED],
    )

    def address(self) -> str:
        data = self.cleaned_data
        return str(data["email"] if data["channel"] == Channel.EMAIL else data["chat_id"]).strip()

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        by_link = data.get("channel") == Channel.TELEGRAM and bool(telegram.bot_name())
        if data.get("channel") and not self.errors and not self.address() and not by_link:
            field = "email" if data["channel"] == Channel.EMAIL else "chat_id"
            self.add_error(field, _("Give an address for the way you chose."))
        return data


@never_cache
def commune_subscribe(request: HttpRequest, code: str) -> HttpResponse:
    commune = get_object_or_404(Commune.objects.select_related("district__province"), code=code)
    form = SubscribeForm(request.POST or None)
    sent = None
    if request.method == "POST" and form.is_valid():
        if subscribe.over_limit(request.META.get("REMOTE_ADDR", "")):
            return render(request, "public/subscribe.html", {"commune": commune}, status=429)
        data = form.cleaned_data
        if data["channel"] == Channel.TELEGRAM and not form.address():
            # No chat id yet: the bot link carries the request; /start confirms it.
            link = telegram.start_link(commune, data["language"], data["events"])
            return render(
                request, "public/subscribe.html", {"commune": commune, "start_link": link}
            )
        sent = subscribe.request_subscription(
            commune, data["channel"], form.address(), data["language"], data["events"]
        )
    context = {"commune": commune, "form": form, "sent": sent, "telegram_bot": telegram.bot_name()}
    return render(request, "public/subscribe.html", context)


@never_cache
def subscription_link(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (mail scanners open links); POST confirms or unsubscribes."""
    found = subscribe.read_link(token)
    if found is None:
        raise Http404("not a valid link")
    sub, action = found
    done = request.method == "POST"
    if done:
        sub.active = action == "confirm"
        sub.save(update_fields=["active"])
    context = {"commune": sub.commune, "action": action, "done": done}
    return render(request, "public/subscription_link.html", context)


@csrf_exempt
def telegram_webhook(request: HttpRequest) -> HttpResponse:
    """Updates pushed by Telegram (setWebhook with a secret_token); off unless configured."""
    secret = telegram.webhook_secret()
    if not secret:
        raise Http404("the Telegram webhook is not configured")
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
    if not constant_time_compare(given, secret):
        return JsonResponse({"ok": False, "error": "wrong secret token"}, status=403)
    try:
        update = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        return JsonResponse({"ok": False, "error": "the body is not valid JSON"}, status=400)
    telegram.handle_update(update)
    # 200 whatever the update was: any other answer makes Telegram send it again.
    return JsonResponse({"ok": True})
