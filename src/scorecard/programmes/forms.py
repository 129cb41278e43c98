from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from scorecard.places.models import Commune
from scorecard.programmes.models import Programme


class ProgrammeForm(forms.ModelForm):
    # 1,661 communes make a poor <select>: staff type the codes they work in.
    commune_codes = forms.CharField(
        label=_("Target communes"),
        required=False,
        help_text=_("6-digit commune codes, separated by commas or spaces."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    class Meta:
        model = Programme
        fields = [
            "code",
            "title_en",
            "title_km",
            "organisation",
            "donor",
            "partners",
            "start",
            "end",
            "budget",
            "currency",
        ]
        widgets = {
            "start": forms.DateInput(attrs={"type": "date"}),
            "end": forms.DateInput(attrs={"type": "date"}),
            "partners": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            codes = self.instance.communes.values_list("code", flat=True)
            self.initial["commune_codes"] = ", ".join(codes)

    def clean_commune_codes(self) -> list[Commune]:
        codes = self.cleaned_data["commune_codes"].replace(",", " ").split()
        communes = list(Commune.objects.filter(code__in=codes))
        unknown = sorted(set(codes) - {c.code for c in communes})
        if unknown:
            raise forms.ValidationError(
                _("Unknown commune codes: %(codes)s"), params={"codes": ", ".join(unknown)}
            )
        return communes

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The programme cannot end before it starts."))
        return data

    def changes(self) -> dict[str, Any]:
        data = {f: self.cleaned_data[f] for f in self.Meta.fields}
        data["communes"] = self.cleaned_data["commune_codes"]
        return data
