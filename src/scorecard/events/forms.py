from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from scorecard.events.i4c_models import Sector, ServiceStandard
from scorecard.events.models import OUTCOME_LABELS, Event, ParticipantRole, Sex
from scorecard.places.models import Commune


class UploadForm(forms.Form):
    KINDS = [("sign_in", _("Sign-in sheet")), ("outcomes", _("Outcomes (tests, assessments)"))]
    kind = forms.ChoiceField(label=_("What the file holds"), choices=KINDS)
    file = forms.FileField(
        label=_("File"), help_text=_("CSV (UTF-8, with or without BOM) or XLSX, with a header row.")
    )
    dry_run = forms.BooleanField(
        label=_("Dry run: check the file, store nothing"), required=False, initial=True
    )


class EventForm(forms.ModelForm):
    commune_code = forms.CharField(
        label=_("Commune code"),
        required=False,
        help_text=_("6-digit code; leave empty and type the place for events elsewhere."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    class Meta:
        model = Event
        fields = [
            "code",
            "type",
            "training_kind",
            "title_en",
            "title_km",
            "start",
            "end",
            "place",
            "organiser",
            "partners",
            "topics",
        ]
        widgets = {
            "start": forms.DateInput(attrs={"type": "date"}),
            "end": forms.DateInput(attrs={"type": "date"}),
            "partners": forms.CheckboxSelectMultiple,
            "topics": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_commune_code(self) -> Commune | None:
        code = self.cleaned_data["commune_code"].strip()
        if not code:
            return None
        commune = Commune.objects.filter(code=code.zfill(6)).first()
        if commune is None:
            raise forms.ValidationError(
                _("Unknown commune codes: %(codes)s"), params={"codes": code}
            )
        return commune

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("training_kind") and data.get("type") != "training":
            self.add_error("training_kind", _("Only trainings have a kind."))
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("An event cannot end before it starts."))
        if not data.get("title_en") and not data.get("title_km"):
            self.add_error("title_en", _("Give a title in English or Khmer."))
        return data


class AttendanceForm(forms.Form):
    """One sign-in row typed in; it goes through the same checks as an imported sheet."""

    participant = forms.CharField(label=_("Participant id"), max_length=60)
    role = forms.ChoiceField(label=_("Role"), choices=ParticipantRole.choices)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices)
    age = forms.CharField(label=_("Age"), required=False, widget=forms.NumberInput)
    disability = forms.ChoiceField(
        label=_("Disability"),
        required=False,
        choices=[("", "—"), ("yes", _("yes")), ("no", _("no"))],
    )
    organisation = forms.CharField(label=_("Organisation"), required=False, max_length=200)
    commune = forms.CharField(label=_("Commune code"), required=False, max_length=6)
    outcome = forms.ChoiceField(
        label=_("Outcome (optional)"),
        required=False,
        choices=[("", "—"), *OUTCOME_LABELS.items()],
    )
    value = forms.CharField(
        label=_("Value"), required=False, help_text=_("yes or no, or a test score.")
    )


class StandardForm(forms.ModelForm):
    class Meta:
        model = ServiceStandard
        fields = [
            "facility_type",
            "code",
            "text_en",
            "text_km",
            "target",
            "unit_en",
            "unit_km",
            "at_most",
            "order",
        ]


def budget_form(data: Any, initial: dict[str, int]) -> forms.Form:
    """One whole-riel amount per sector; an empty amount removes the line."""
    form = forms.Form(data)
    for sector, label in Sector.choices:
        form.fields[sector] = forms.IntegerField(
            label=label, required=False, min_value=0, max_value=10**15, initial=initial.get(sector)
        )
    return form


class BudgetUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Budget file"),
        help_text=_(
            "CSV (UTF-8, with or without BOM) or XLSX with the columns commune, year, sector, amount_khr (whole riel)."
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > BUDGET_FILE_LIMIT:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        return upload


BUDGET_FILE_LIMIT = 2 * 1024 * 1024  # a budget file is a few hundred rows
