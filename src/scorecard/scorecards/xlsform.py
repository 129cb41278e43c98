"""XLSForm writer for the citizen scorecard survey (the contract's "survey form profile").

The question names are fixed so that KoboToolbox / ODK Central exports of the form import
without any mapping:

- top level: ``commune``, ``village`` (only when the spec has villages), ``sex``, ``age``,
  ``disability``, ``minority``, ``idpoor``, ``enumerator``, ``overall``, ``change``;
- one group per facility type, named by its code, holding one ``select_one scale``
  question per indicator (named by its code) and a free-text ``needs``;
- metadata ``start``, ``end`` (``meta/instanceID`` is added by pyxform).

Labels, hints and constraint messages are written in English and Khmer; the form opens in
Khmer. Choice names are ASCII only.
"""

from __future__ import annotations

import io
import pathlib
import re
from collections.abc import Iterable, Sequence
from typing import BinaryIO

from openpyxl import Workbook

from scorecard.scorecards.spec import (
    CHANGE_CHOICES,
    IDPOOR_CHOICES,
    SCALE_CHOICES,
    SEX_CHOICES,
    YES_NO,
    FormSpec,
    PlaceSpec,
    Text,
)

EN = "English (en)"
KM = "Khmer (km)"
DEFAULT_LANGUAGE = KM

# Names used by the profile itself; a facility or indicator code may not take one.
RESERVED_NAMES = frozenset(
    {
        "commune",
        "village",
        "sex",
        "age",
        "disability",
        "minority",
        "idpoor",
        "enumerator",
        "overall",
        "change",
        "needs",
        "start",
        "end",
        "meta",
        "instanceID",
        "data",
    }
)
NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
COMMUNE_RE = re.compile(r"^[0-9]{6}$")
VILLAGE_RE = re.compile(r"^[0-9]{8}$")
ENUMERATOR_RE = "^[A-Za-z0-9_-]+$"
# Above this many choices, communes and villages get a searchable drop-down.
SEARCH_THRESHOLD = 10

SURVEY_COLUMNS = (
    "type",
    "name",
    f"label::{EN}",
    f"label::{KM}",
    f"hint::{EN}",
    f"hint::{KM}",
    "required",
    "constraint",
    f"constraint_message::{EN}",
    f"constraint_message::{KM}",
    "relevant",
    "choice_filter",
    "appearance",
)
CHOICES_COLUMNS = ("list_name", "name", f"label::{EN}", f"label::{KM}", "commune")
SETTINGS_COLUMNS = ("form_title", "form_id", "version", "default_language", "instance_name")

_KM_DIGITS = str.maketrans("0123456789", "០១២៣៤៥៦៧៨៩")

SEX_LABELS = {
    "female": Text("Female", "ស្រី"),
    "male": Text("Male", "ប្រុស"),
    "other": Text("Other", "ផ្សេងទៀត"),
}
YES_NO_LABELS = {"yes": Text("Yes", "បាទ/ចាស"), "no": Text("No", "ទេ")}
IDPOOR_LABELS = {
    "level1": Text("IDPoor level 1 (very poor)", "ប័ណ្ណក្រីក្រកម្រិត ១ (ក្រីក្រខ្លាំង)"),
    "level2": Text("IDPoor level 2 (poor)", "ប័ណ្ណក្រីក្រកម្រិត ២ (ក្រីក្រ)"),
    "none": Text("No IDPoor card", "មិនមានប័ណ្ណក្រីក្រ"),
}
CHANGE_LABELS = {
    "better": Text("Better", "ប្រសើរជាងមុន"),
    "same": Text("The same", "ដូចមុន"),
    "worse": Text("Worse", "អាក្រក់ជាងមុន"),
}


class FormSpecError(ValueError):
    """The FormSpec cannot be written as a form of the profile; the message says why."""


def km_digits(value: object) -> str:
    """``str(value)`` with Khmer digits."""
    return str(value).translate(_KM_DIGITS)


def check_spec(spec: FormSpec) -> None:
    """Raise FormSpecError if the spec would give a form outside the profile."""
    if not spec.version.strip():
        raise FormSpecError("the form needs a version")
    if not NAME_RE.match(spec.form_id):
        raise FormSpecError(f"template code {spec.template!r} gives an invalid form_id")
    if not spec.facilities:
        raise FormSpecError("the form needs at least one facility type")
    seen: set[str] = set()
    for fac in spec.facilities:
        codes = [fac.code] + [i.code for i in fac.indicators]
        if not fac.indicators:
            raise FormSpecError(f"facility {fac.code!r} has no indicators")
        for code in codes:
            if not code.isascii() or not NAME_RE.match(code):
                raise FormSpecError(f"code {code!r} is not an ASCII name (letters, digits, _)")
            if code in RESERVED_NAMES:
                raise FormSpecError(f"code {code!r} is a name reserved by the form profile")
            if code in seen:
                raise FormSpecError(f"code {code!r} is used twice")
            seen.add(code)
    if not 0 <= spec.min_age <= spec.max_age:
        raise FormSpecError(f"bad age range {spec.min_age}..{spec.max_age}")
    if not spec.communes:
        raise FormSpecError("the form needs at least one commune")
    communes: set[str] = set()
    for c in spec.communes:
        if not COMMUNE_RE.match(c.code):
            raise FormSpecError(f"commune code {c.code!r} is not 6 digits")
        if c.code in communes:
            raise FormSpecError(f"commune code {c.code!r} is listed twice")
        communes.add(c.code)
    villages: set[str] = set()
    for v in spec.villages:
        if not VILLAGE_RE.match(v.code):
            raise FormSpecError(f"village code {v.code!r} is not 8 digits")
        if v.parent not in communes:
            raise FormSpecError(f"village {v.code!r}: its commune {v.parent!r} is not in the form")
        if not v.code.startswith(v.parent):
            raise FormSpecError(f"village code {v.code!r} does not start with its commune's code")
        if v.code in villages:
            raise FormSpecError(f"village code {v.code!r} is listed twice")
        villages.add(v.code)


def _labels(text: Text, kind: str = "label") -> dict[str, str]:
    return {f"{kind}::{EN}": text.en, f"{kind}::{KM}": text.km}


def _q(
    type_: str,
    name: str,
    label: Text | None = None,
    *,
    hint: Text | None = None,
    required: bool = False,
    constraint: str = "",
    message: Text | None = None,
    **extra: str,
) -> dict[str, str]:
    row = {"type": type_, "name": name}
    if label is not None:
        row.update(_labels(label))
    if hint is not None:
        row.update(_labels(hint, "hint"))
    if required:
        row["required"] = "yes"
    if constraint:
        row["constraint"] = constraint
    if message is not None:
        row.update(_labels(message, "constraint_message"))
    row.update(extra)
    return row


def survey_rows(spec: FormSpec) -> list[dict[str, str]]:
    """The rows of the survey sheet, as column -> value."""
    big = len(spec.communes) > SEARCH_THRESHOLD
    rows: list[dict[str, str]] = [
        _q("start", "start"),
        _q("end", "end"),
        _q(
            "select_one commune",
            "commune",
            Text("Commune/Sangkat", "ឃុំ/សង្កាត់"),
            required=True,
            appearance="minimal autocomplete" if big else "",
        ),
    ]
    if spec.villages:
        with_villages = {v.parent for v in spec.villages}
        relevant = ""  # skip the question in communes without villages
        if len(with_villages) < len(spec.communes):
            relevant = "count(instance('village')/root/item[commune = ${commune}]) > 0"
        rows.append(
            _q(
                "select_one village",
                "village",
                Text("Village", "ភូមិ"),
                choice_filter="commune=${commune}",
                relevant=relevant,
                appearance="minimal autocomplete" if len(spec.villages) > SEARCH_THRESHOLD else "",
            )
        )
    lo, hi = spec.min_age, spec.max_age
    rows += [
        _q("select_one sex", "sex", Text("Sex of the respondent", "ភេទរបស់អ្នកឆ្លើយ"), required=True),
        _q(
            "integer",
            "age",
            Text("Age of the respondent (completed years)", "អាយុរបស់អ្នកឆ្លើយ (ឆ្នាំគត់)"),
            hint=Text(
                f"Between {lo} and {hi} years.",
                f"ចន្លោះពី {km_digits(lo)} ដល់ {km_digits(hi)} ឆ្នាំ។",
            ),
            required=True,
            constraint=f". >= {lo} and . <= {hi}",
            message=Text(
                f"Age must be between {lo} and {hi} years.",
                f"អាយុត្រូវតែនៅចន្លោះពី {km_digits(lo)} ដល់ {km_digits(hi)} ឆ្នាំ។",
            ),
        ),
        _q(
            "select_one yes_no",
            "disability",
            Text("Does the respondent have a disability?", "តើអ្នកឆ្លើយមានពិការភាពដែរឬទេ?"),
        ),
        _q(
            "select_one yes_no",
            "minority",
            Text(
                "Does the respondent belong to an ethnic minority or indigenous people?",
                "តើអ្នកឆ្លើយជាជនជាតិភាគតិច ឬជនជាតិដើមភាគតិចដែរឬទេ?",
            ),
        ),
        _q(
            "select_one idpoor",
            "idpoor",
            Text(
                "IDPoor status of the respondent's household",
                "ស្ថានភាពប័ណ្ណក្រីក្ររបស់គ្រួសារអ្នកឆ្លើយ (IDPoor)",
            ),
        ),
        _q(
            "text",
            "enumerator",
            Text("Enumerator ID", "លេខសម្គាល់អ្នកសម្ភាសន៍"),
            hint=Text(
                "Your ID as given at the training, e.g. YT-017.",
                "លេខសម្គាល់របស់អ្នក ដែលបានផ្តល់ជូនពេលវគ្គបណ្តុះបណ្តាល ឧ. YT-017។",
            ),
            required=True,
            constraint=f"regex(., '{ENUMERATOR_RE}')",
            message=Text(
                "Use Latin letters, digits, '-' or '_' only, without spaces.",
                "សូមប្រើតែអក្សរឡាតាំង លេខ សញ្ញា '-' ឬ '_' ប៉ុណ្ណោះ ដោយគ្មានដកឃ្លា។",
            ),
        ),
        _q(
            "select_one scale",
            "overall",
            Text(
                "Overall, how satisfied are you with how the local authorities respond to "
                "citizens' needs?",
                "ជារួម តើអ្នកពេញចិត្តកម្រិតណា ចំពោះការឆ្លើយតបរបស់អាជ្ញាធរមូលដ្ឋាន ទៅនឹងតម្រូវការរបស់ប្រជាពលរដ្ឋ?",
            ),
            required=True,
        ),
        _q(
            "select_one change",
            "change",
            Text(
                "Compared with a year ago, are local public services better, the same or worse?",
                "បើប្រៀបធៀបនឹងកាលពីមួយឆ្នាំមុន តើសេវាសាធារណៈនៅមូលដ្ឋាន ប្រសើរជាងមុន ដូចមុន ឬអាក្រក់ជាងមុន?",
            ),
            required=True,
        ),
    ]
    for fac in spec.facilities:
        rows.append(_q("begin group", fac.code, fac.label))
        for ind in fac.indicators:
            hint = None
            if ind.standard is not None:
                hint = Text(
                    f"Service standard: {ind.standard.en}", f"ស្តង់ដារសេវា៖ {ind.standard.km}"
                )
            rows.append(_q("select_one scale", ind.code, ind.text, hint=hint, required=True))
        rows.append(
            _q(
                "text",
                "needs",
                Text(
                    f"{fac.label.en}: what are your concrete needs and requests?",
                    f"តើអ្នកមានតម្រូវការ និងសំណូមពរជាក់ស្តែងអ្វីខ្លះ ចំពោះ{fac.label.km}?",
                ),
                hint=Text(
                    "Write the respondent's own words.",
                    "សូមសរសេរតាមពាក្យសម្តីរបស់អ្នកឆ្លើយផ្ទាល់។",
                ),
                appearance="multiline",
            )
        )
        rows.append(_q("end group", fac.code))
    return rows


def _place_label(place: PlaceSpec) -> Text:
    return Text(place.name.en or place.code, place.name.km or place.name.en or place.code)


def choice_rows(spec: FormSpec) -> list[dict[str, str]]:
    """The rows of the choices sheet, as column -> value."""
    rows: list[dict[str, str]] = []

    def add(list_name: str, name: str, label: Text, **extra: str) -> None:
        rows.append({"list_name": list_name, "name": name, **_labels(label), **extra})

    scale_labels = (*spec.scale, spec.dont_know)
    for name, label in zip(SCALE_CHOICES, scale_labels, strict=True):
        add("scale", name, label)
    for name in SEX_CHOICES:
        add("sex", name, SEX_LABELS[name])
    for name in YES_NO:
        add("yes_no", name, YES_NO_LABELS[name])
    for name in IDPOOR_CHOICES:
        add("idpoor", name, IDPOOR_LABELS[name])
    for name in CHANGE_CHOICES:
        add("change", name, spec.dont_know if name == "dk" else CHANGE_LABELS[name])
    for c in spec.communes:
        add("commune", c.code, _place_label(c))
    for v in spec.villages:
        add("village", v.code, _place_label(v), commune=v.parent)
    return rows


def settings_row(spec: FormSpec) -> dict[str, str]:
    # pyxform has no translated form title (settings.form_title is a single h:title).
    return {
        "form_title": spec.title.en,
        "form_id": spec.form_id,
        "version": spec.version,
        "default_language": DEFAULT_LANGUAGE,
        "instance_name": "concat(${commune}, ' ', ${enumerator})",
    }


def _sheet(
    wb: Workbook, title: str, columns: Sequence[str], rows: Iterable[dict[str, str]]
) -> None:
    ws = wb.create_sheet(title)
    ws.append(list(columns))
    for row in rows:
        unknown = set(row) - set(columns)
        if unknown:  # a programming error in this module
            raise AssertionError(f"unknown {title} columns {sorted(unknown)}")
        ws.append([row.get(col) or None for col in columns])


def build_workbook(spec: FormSpec) -> Workbook:
    check_spec(spec)
    wb = Workbook(write_only=True)
    _sheet(wb, "survey", SURVEY_COLUMNS, survey_rows(spec))
    _sheet(wb, "choices", CHOICES_COLUMNS, choice_rows(spec))
    _sheet(wb, "settings", SETTINGS_COLUMNS, [settings_row(spec)])
    return wb


def write_xlsform(spec: FormSpec, out: pathlib.Path | BinaryIO) -> None:
    """Write the XLSForm of ``spec`` to a path or a binary file object.

    Raises FormSpecError if the spec does not fit the form profile.
    """
    wb = build_workbook(spec)
    if isinstance(out, pathlib.Path):
        wb.save(str(out))
    else:
        wb.save(out)


def xlsform_bytes(spec: FormSpec) -> bytes:
    """The XLSForm of ``spec`` as .xlsx bytes (for downloads)."""
    buf = io.BytesIO()
    write_xlsform(spec, buf)
    return buf.getvalue()
