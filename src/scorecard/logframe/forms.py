from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from scorecard.logframe.catalogue import CATALOGUE
from scorecard.logframe.models import MANUAL, Indicator, Level


def computation_choices() -> list[tuple[str, str]]:
    return [(MANUAL, str(_("entered by hand, with evidence")))] + [
        (name, name) for name in sorted(CATALOGUE)
    ]


class LevelForm(forms.ModelForm):
    class Meta:
        model = Level
        fields = ["parent", "kind", "code", "title_km", "title_en", "order"]

    def __init__(self, *args: Any, programme: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.programme = programme
        self.fields["parent"].queryset = Level.objects.filter(programme=programme)  # type: ignore[attr-defined]


class IndicatorForm(forms.ModelForm):
    computation = forms.ChoiceField(label=_("computation"), choices=computation_choices)
    params = forms.CharField(
        label=_("parameters (JSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_('For example {"round": "R2019", "training": "T-YOUTH-2019"}'),
    )

    class Meta:
        model = Indicator
        fields = [
            "level", "code", "statement_km", "statement_en", "unit", "currency", "direction",
            "baseline_value", "baseline_date", "target", "rule", "on_track_at", "computation",
            "params", "means_of_verification", "sentence_km", "sentence_en", "manual_value",
            "manual_numerator", "manual_denominator", "manual_female", "evidence", "order",
        ]  # fmt: skip
        widgets = {
            "baseline_date": forms.DateInput(attrs={"type": "date"}),
            "statement_km": forms.Textarea(attrs={"rows": 2}),
            "statement_en": forms.Textarea(attrs={"rows": 2}),
            "sentence_km": forms.Textarea(attrs={"rows": 3}),
            "sentence_en": forms.Textarea(attrs={"rows": 3}),
            "means_of_verification": forms.Textarea(attrs={"rows": 2}),
            "evidence": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, programme: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.programme = programme
        self.fields["level"].queryset = Level.objects.filter(programme=programme)  # type: ignore[attr-defined]
        if not self.is_bound:
            self.initial["params"] = json.dumps(self.instance.params or {}, ensure_ascii=False)

    def clean_params(self) -> dict[str, Any]:
        text = (self.cleaned_data.get("params") or "").strip() or "{}"
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                _("Not valid JSON: %(error)s") % {"error": exc.msg}
            ) from exc
        if not isinstance(value, dict):
            raise forms.ValidationError(_("Give the parameters as a JSON object: {...}"))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        name = data.get("computation")
        if name and name != MANUAL:
            spec = CATALOGUE[name]
            params = data.get("params") or {}
            unknown = set(params) - set(spec.params)
            missing = [p for p in spec.params if p not in params and p not in spec.defaults]
            if unknown or missing:
                self.add_error(
                    "params",
                    _("%(name)s takes: %(params)s")
                    % {"name": name, "params": ", ".join(spec.params)},
                )
        elif name == MANUAL and data.get("manual_value") is not None and not data.get("evidence"):
            self.add_error("evidence", _("A value entered by hand needs its evidence."))
        return data


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Logframe file (YAML)"))
