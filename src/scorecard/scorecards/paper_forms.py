"""The entry form of one paper questionnaire: the survey form's questions, in its order.

Every field is plain text or a choice; the checks are ``paper.check_entry`` (the import's
validator), whose errors name the column, so they are shown next to the right field.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from scorecard.bilingual import pick
from scorecard.scorecards.models import Round
from scorecard.scorecards.paper import check_entry, paper_columns, round_facilities
from scorecard.scorecards.spec import (
    CHANGE_CHOICES,
    FormSpec,
    Text,
)


def field_name(column: str) -> str:
    return column.replace("/", "__")


def _t(text: Text) -> str:
    return pick(text.en, text.km)


class PaperForm(forms.Form):
    number = forms.CharField(label=_("Questionnaire number"), max_length=40)

    def __init__(self, *args: Any, round_: Round, spec: FormSpec, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.round, self.spec = round_, spec
        self.self_assessment = round_.mode == Round.Mode.SELF_ASSESSMENT
        radio = forms.RadioSelect
        f = self.fields
        if self.self_assessment:
            facilities = round_facilities(round_)
            f["facility"] = forms.ChoiceField(
                label=_("Facility assessed"),
                choices=[("", "—")] + [(x.code, f"{x.code} {x}") for x in facilities],
                required=False,
            )
        f["commune"] = forms.ChoiceField(
            label=_("Commune"),
            choices=[("", "—")] + [(c.code, f"{c.code} {_t(c.name)}") for c in spec.communes],
            required=False,
        )
        f["village"] = forms.ChoiceField(
            label=_("Village"),
            choices=[("", "—")] + [(v.code, f"{v.code} {_t(v.name)}") for v in spec.villages],
            required=False,
        )
        sexes = [("female", _("female")), ("male", _("male")), ("other", _("other"))]
        f["sex"] = forms.ChoiceField(label=_("Sex"), choices=sexes, widget=radio, required=False)
        f["age"] = forms.CharField(
            label=_("Age"),
            required=False,
            widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 4}),
        )
        yes_no = [("yes", _("yes")), ("no", _("no"))]
        f["disability"] = forms.ChoiceField(
            label=_("Living with a disability"), choices=yes_no, widget=radio, required=False
        )
        f["minority"] = forms.ChoiceField(
            label=_("Ethnic minority"), choices=yes_no, widget=radio, required=False
        )
        idpoor = [("level1", _("IDPoor level 1")), ("level2", _("IDPoor level 2")), ("none", _("not IDPoor"))]  # fmt: skip
        f["idpoor"] = forms.ChoiceField(
            label=_("IDPoor"), choices=idpoor, widget=radio, required=False
        )
        f["enumerator"] = forms.CharField(
            label=_("Enumerator id") if not self.self_assessment else _("Facilitator id"),
            required=False,
        )
        scale = [(str(k + 1), _t(t)) for k, t in enumerate(spec.scale)]
        scale.append(("dk", _t(spec.dont_know)))
        self.groups: list[tuple[str, list[str]]] = []
        for fac in spec.facilities:
            names = []
            for ind in fac.indicators:
                name = field_name(f"{fac.code}/{ind.code}")
                f[name] = forms.ChoiceField(
                    label=_t(ind.text), choices=scale, widget=radio, required=False
                )
                names.append(name)
            name = field_name(f"{fac.code}/needs")
            f[name] = forms.CharField(
                label=_("What needs to improve"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            names.append(name)
            self.groups.append((fac.code, names))
        f["overall"] = forms.ChoiceField(
            label=_("Overall satisfaction"), choices=scale, widget=radio, required=False
        )
        changes = dict(better=_("better"), same=_("the same"), worse=_("worse"), dk=_("don't know"))
        f["change"] = forms.ChoiceField(
            label=_("Compared with a year ago"),
            choices=[(c, changes[c]) for c in CHANGE_CHOICES],
            widget=radio,
            required=False,
        )
        self.labels = {fac.code: _t(fac.label) for fac in spec.facilities}

    def facility_groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        """(facility type label, its bound fields); a self-assessment shows only one type."""
        wanted = ""
        if self.self_assessment:
            code = self.data.get("facility") or self.initial.get("facility", "")
            wanted = next((x.type.code for x in round_facilities(self.round) if x.code == code), "")
        return [
            (self.labels[code], [self[n] for n in names])
            for code, names in self.groups
            if not self.self_assessment or not wanted or code == wanted
        ]

    def row(self) -> dict[str, str]:
        data = self.cleaned_data
        row = {c: str(data.get(field_name(c), "") or "") for c in paper_columns(self.spec)}
        if self.self_assessment:
            row["facility"] = data.get("facility", "")
        return row

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        for err in check_entry(self.round, self.spec, data.get("number", ""), self.row()):
            name = field_name(err.column) if err.column else None
            if name == "questionnaire":
                name = "number"
            self.add_error(name if name in self.fields else None, f"{err.reason}")
        return data
