from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from scorecard.accounts.access import profile_of
from scorecard.accounts.models import Role
from scorecard.places.models import Commune
from scorecard.plans import money
from scorecard.plans.models import Action, Contribution, Status
from scorecard.programmes.models import Programme

DATE = forms.DateInput(attrs={"type": "date"})


class PlanForm(forms.Form):
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=Programme.objects.none())
    commune_code = forms.CharField(
        label=_("Commune code"),
        max_length=6,
        help_text=_("The 6-digit code of one of the programme's communes."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title_en = forms.CharField(label=_("Title (English)"), max_length=300, required=False)
    title_km = forms.CharField(label=_("Title (Khmer)"), max_length=300, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["programme"].queryset = Programme.objects.visible_to(user)  # type: ignore[attr-defined]
        self.initial.setdefault("year", dt.date.today().year)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        programme, code = data.get("programme"), data.get("commune_code", "").strip()
        if programme is None or not code:
            return data
        commune = programme.communes.filter(code=code).first()
        profile = profile_of(self.user)
        if commune is None:
            self.add_error("commune_code", _("Not one of the programme's communes."))
        elif (
            profile is not None
            and profile.role == Role.COMMUNE_OFFICIAL
            and not profile.communes.filter(pk=commune.pk).exists()
        ):
            self.add_error("commune_code", _("You can make plans only for your own communes."))
        data["commune"] = commune
        return data


class ActionForm(forms.ModelForm):
    class Meta:
        model = Action
        fields = [
            "section",
            "number",
            "activity_km",
            "activity_en",
            "proposer",
            "target_response",
            "location",
            "quantity",
            "unit",
            "start",
            "end",
            "beneficiaries",
            "beneficiaries_female",
            "estimated_cost_khr",
            "implementer",
            "collaborators",
            "provider",
            "responsible",
            "themes",
        ]
        widgets = {
            "themes": forms.CheckboxSelectMultiple,
            "start": DATE,
            "end": DATE,
            "activity_en": forms.Textarea(attrs={"rows": 2}),
            "activity_km": forms.Textarea(attrs={"rows": 2}),
            "target_response": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        themes = self.fields["themes"]
        themes.queryset = themes.queryset.select_related("facility_type")  # type: ignore[attr-defined]
        themes.label_from_instance = lambda t: f"{t.facility_type.name}: {t.name}"  # type: ignore[attr-defined]


class ProgressForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    date = forms.DateField(label=_("Date"), widget=DATE)
    percent = forms.IntegerField(
        label=_("Progress (%)"), min_value=0, max_value=100, required=False
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the action is dropped: say why."),
    )
    photo = forms.FileField(
        label=_("Photo or document"),
        required=False,
        help_text=_("JPEG, PNG, WebP or PDF, at most 10 MB."),
    )


class ContributionForm(forms.ModelForm):
    class Meta:
        model = Contribution
        fields = [
            "source_type",
            "source_name",
            "amount",
            "currency",
            "rate_khr_per_usd",
            "rate_date",
            "in_kind",
            "date",
        ]
        widgets = {"date": DATE, "rate_date": DATE}
        help_texts = {
            "amount": _("Riel in whole numbers; USD with at most two decimals."),
            "rate_khr_per_usd": _("The rate used to show the amount in both currencies."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rate_date"].required = False
        self.fields["rate_date"].help_text = _("Leave blank if it is the contribution's date.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        amount, currency = data.get("amount"), data.get("currency")
        if amount is not None and currency:
            try:
                money.parse_amount(str(amount), currency)
            except ValueError:
                self.add_error(
                    "amount",
                    _("Give an amount above zero: whole riel for KHR, at most cents for USD."),
                )
        if not data.get("rate_date"):
            data["rate_date"] = data.get("date")
        return data


class ImportForm(forms.Form):
    KINDS = [
        ("plans", _("Actions and progress (scorecard plans import)")),
        ("contributions", _("Contributions (scorecard contributions import)")),
    ]
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=Programme.objects.none())
    kind = forms.ChoiceField(label=_("File of"), choices=KINDS)
    file = forms.FileField(label=_("File"), help_text=_("CSV (UTF-8) or XLSX with a header row."))
    dry_run = forms.BooleanField(
        label=_("Dry run: check the file, store nothing"), required=False, initial=True
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = Programme.objects.visible_to(user)  # type: ignore[attr-defined]


def commune_choices(user: Any) -> Any:
    return Commune.objects.filter(plans__in=_visible_plans(user)).distinct()


def _visible_plans(user: Any) -> Any:
    from scorecard.plans.models import ActionPlan

    return ActionPlan.objects.visible_to(user).values("pk")


REASON_HELP = _("Kept in the audit log with the values before and after.")


def reason_field(required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=_("Reason for the change"),
        max_length=500,
        required=required,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=REASON_HELP,
    )


class ActionEditForm(ActionForm):
    """The action's columns; a change of its estimated cost needs a reason."""

    reason = reason_field(required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "estimated_cost_khr" in self.changed_data and not data.get("reason", "").strip():
            self.add_error("reason", _("Say why the estimated cost changes."))
        return data


class ContributionEditForm(ContributionForm):
    reason = reason_field()


class EvidenceEditForm(forms.Form):
    caption = forms.CharField(label=_("Caption"), max_length=300, required=False)
    reason = reason_field()


class ReasonForm(forms.Form):
    reason = reason_field()
