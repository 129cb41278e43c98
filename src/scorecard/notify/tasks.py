"""The task that sends notices: queued after the write commits, run by the task worker."""

from __future__ import annotations

from django_tasks import task

from scorecard.notify.channels import SendError, send_email, send_telegram, sms_backend
from scorecard.notify.messages import notices
from scorecard.notify.models import Channel, Delivery, Subscription
from scorecard.notify.subscribe import unsubscribe_line


def deliver(subscription: Subscription, subject: str, text: str) -> None:
    """Every message ends with its own signed unsubscribe link."""
    text = f"{text}\n\n{unsubscribe_line(subscription)}"
    if subscription.channel == Channel.TELEGRAM:
        send_telegram(subscription.address, text)
    elif subscription.channel == Channel.EMAIL:
        send_email(subscription.address, subject, text)
    else:
        sms_backend().send(subscription.address, text)


@task()
def send_notices(event: str, pk: int) -> int:
    """Tell every active subscriber of the communes concerned; returns the messages sent."""
    sent = 0
    subscriptions = Subscription.objects.filter(active=True).select_related("commune")
    by_language: dict[str, list[Subscription]] = {}
    for sub in subscriptions:
        by_language.setdefault(sub.language, []).append(sub)
    for language, subs in by_language.items():
        for notice in notices(event, pk, language):
            for sub in subs:
                if sub.commune_id != notice.commune.code or not sub.hears(event):
                    continue
                try:
                    deliver(sub, notice.subject, notice.text)
                except (SendError, OSError) as exc:
                    Delivery.objects.create(
                        subscription=sub, event=event, text=notice.text, error=str(exc)
                    )
                    continue
                Delivery.objects.create(subscription=sub, event=event, text=notice.text, ok=True)
                sent += 1
    return sent
