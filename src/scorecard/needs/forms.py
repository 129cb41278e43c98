from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from scorecard.needs.models import Theme


def split_keywords(text: str) -> list[str]:
    """One keyword a line or comma-separated (Khmer has no spaces to split on)."""
    return [k.strip() for line in text.splitlines() for k in line.split(",") if k.strip()]


class ThemeForm(forms.Form):
    name_km = forms.CharField(label=_("name (Khmer)"), max_length=200, required=False)
    name_en = forms.CharField(label=_("name (English)"), max_length=200)
    keywords = forms.CharField(
        label=_("keywords"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Words or short phrases, Khmer or English, separated by commas."),
    )

    def cleaned_keywords(self) -> list[str]:
        return split_keywords(self.cleaned_data.get("keywords", ""))


class MergeForm(forms.Form):
    into = forms.ModelChoiceField(label=_("merge into"), queryset=Theme.objects.none())

    def __init__(self, *args: Any, theme: Theme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        others = Theme.objects.filter(facility_type=theme.facility_type).exclude(pk=theme.pk)
        self.fields["into"].queryset = others  # type: ignore[attr-defined]


class QuoteForm(forms.Form):
    """Move a quote to a theme (blank: "other") and/or set its approval."""

    theme = forms.ModelChoiceField(label=_("theme"), queryset=Theme.objects.none(), required=False)
    approved = forms.BooleanField(label=_("approved for publication"), required=False)

    def __init__(self, *args: Any, facility_type_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = Theme.objects.filter(  # type: ignore[attr-defined]
            facility_type_id=facility_type_id
        )
