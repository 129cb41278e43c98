"""Validation of export rows against a FormSpec (pure: no database).

``check_form(spec, columns)`` refuses a file that is not an export of the form;
``validate_rows(spec, export)`` streams one ``ParsedResponse`` or one list of ``RowError``
per row (every problem of the row, not only the first). ``classify_within_file`` tells
duplicates and conflicts within one file apart; ``write_rejects`` writes the rejects CSV
with formula injection neutralised.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Iterator, Sequence
from operator import itemgetter
from typing import Any

from scorecard.scorecards.exports.read import (
    EXTRA,
    ID_COLUMNS,
    Export,
    ExportError,
    canonical_columns,
)
from scorecard.scorecards.exports.rejects import Result
from scorecard.scorecards.spec import (
    CHANGE_CHOICES,
    IDPOOR_CHOICES,
    SEX_CHOICES,
    FormSpec,
    ParsedResponse,
    RowError,
)

REQUIRED = ("commune", "sex", "age", "enumerator", "overall")
STANDARD_FACILITIES = ("commune_office", "health_centre", "primary_school")
VERSION_COLUMNS = ("__version__", "FormVersion", "_version_")
REVIEW_COLUMNS = ("ReviewState", "_validation_status")
REJECTED_UPSTREAM = "rejected in review upstream"

_SCORES: dict[str, int | None] = {"1": 1, "2": 2, "3": 3, "4": 4, "5": 5, "dk": None, "": None}
_BAD = -1
_YES_NO = {"yes": True, "no": False}
_REVIEW = {
    "approved": "approved",
    "hasissues": "has_issues",
    "onhold": "has_issues",
    "rejected": "rejected",
    "notapproved": "rejected",
    "edited": None,
    "received": None,
}


def _review_state(value: str) -> str | None:
    key = value.strip().lower().replace("_", "").replace(" ", "").replace("-", "")
    key = key.removeprefix("validationstatus")
    return _REVIEW.get(key)


def strip_uuid(value: str) -> str:
    value = value.strip()
    return value[5:] if value[:5].lower() == "uuid:" else value


_FIELDS = frozenset(f.name for f in dataclasses.fields(ParsedResponse))
# ParsedResponse(**values) costs 8 us/row in a frozen dataclass's per-field setattr; a
# plain frozen dataclass (no slots, no __post_init__) can take its __dict__ whole instead.
_PLAIN = not hasattr(ParsedResponse, "__slots__") and not hasattr(ParsedResponse, "__post_init__")
_new = object.__new__
_set = object.__setattr__


def _response(values: dict[str, Any]) -> ParsedResponse:
    if _PLAIN and values.keys() == _FIELDS:
        obj = _new(ParsedResponse)
        _set(obj, "__dict__", values)
        return obj
    return ParsedResponse(**values)


# --------------------------------------------------------------------------- the header


def check_form(spec: FormSpec, columns: Sequence[str]) -> list[RowError]:
    """Why a header is not an export of ``spec``'s form (an empty list when it is)."""
    names = canonical_columns(columns)
    present = set(names)
    errors: list[RowError] = []
    missing = [c for c in REQUIRED if c not in present]
    missing += [f"{f}/{i}" for f, i in spec.indicator_codes() if f"{f}/{i}" not in present]
    if not present.intersection(ID_COLUMNS):
        missing.append("meta/instanceID (or KEY, _uuid)")
    if missing:
        hint = ""
        flat = {i for _, i in spec.indicator_codes()} & present
        if flat:
            hint = (
                " (the indicator columns have no group names: export with"
                " 'Include groups in headers')"
            )
        errors.append(
            RowError(
                0,
                ", ".join(missing),
                "",
                f"not an export of the form {spec.form_id}: missing columns "
                f"{', '.join(missing)}{hint}",
            )
        )
    groups = {f.code: {i.code for i in f.indicators} | {"needs"} for f in spec.facilities}
    facility_types = set(groups) | set(STANDARD_FACILITIES)
    unknown = []
    for n in names:
        group, sep, rest = n.partition("/")
        if sep and group in facility_types:
            question = rest.split("/", 1)[0]
            if group not in groups or question not in groups[group]:
                unknown.append(n)
    if unknown:
        errors.append(
            RowError(
                0,
                ", ".join(unknown),
                "",
                f"not an export of the form {spec.form_id} version {spec.version}: "
                f"columns of indicators the form does not have: {', '.join(unknown)}",
            )
        )
    return errors


# --------------------------------------------------------------------------- rows


class RowValidator:
    """Validates rows whose keys are canonical names (``Export.names``); build once per file.

    Calling it returns a ParsedResponse, or every RowError of the row.
    """

    def __init__(self, spec: FormSpec, names: Sequence[str]) -> None:
        present = set(names)
        self.spec = spec
        self.communes = frozenset(c.code for c in spec.communes)
        self.villages = {v.code: v.parent for v in spec.villages}
        self.keys = tuple((f, i) for f, i in spec.indicator_codes())
        self.columns = tuple(f"{f}/{i}" for f, i in self.keys)
        self.facilities = tuple(f.code for f in spec.facilities)
        need_cols = [f"{f}/needs" for f in self.facilities]
        # every header column is a key of every row, so itemgetter is safe for those
        self.get_scores = _getter(self.columns, present)
        self.get_needs = _getter(need_cols, present)
        self.id_columns = [c for c in ID_COLUMNS if c in present]
        self.instance_columns = [c for c in ("meta/instanceID", "KEY", "_uuid") if c in present]
        self.version_columns = [c for c in VERSION_COLUMNS if c in present]
        self.review_column = next((c for c in REVIEW_COLUMNS if c in present), "")
        self.sex = frozenset(SEX_CHOICES)
        self.idpoor = frozenset(IDPOOR_CHOICES)
        self.change = frozenset(CHANGE_CHOICES)
        self.min_age, self.max_age = spec.min_age, spec.max_age

    def __call__(self, n: int, row: dict[str, str]) -> Result:
        errs: list[RowError] = []
        g = row.get

        commune = g("commune", "")
        if commune not in self.communes:
            commune = commune.strip()
            if commune not in self.communes:
                why = "unknown commune code" if commune else "commune is empty"
                errs.append(RowError(n, "commune", g("commune", ""), why))
        village: str | None = g("village", "")
        if village:
            village = village.strip()
            if self.villages:
                parent = self.villages.get(village)
                if parent is None:
                    errs.append(RowError(n, "village", village, "unknown village code"))
                elif parent != commune:
                    why = f"village not in commune {commune}"
                    errs.append(RowError(n, "village", village, why))
            elif not (len(village) == 8 and village.isdigit() and village[:6] == commune):
                errs.append(RowError(n, "village", village, f"village not in commune {commune}"))
        village = village or None

        sex = g("sex", "")
        if sex not in self.sex:
            sex = sex.strip().lower()
            if sex not in self.sex:
                why = "sex must be female, male or other" if sex else "sex is empty"
                errs.append(RowError(n, "sex", g("sex", ""), why))

        age = -1
        raw_age = g("age", "")
        if not raw_age.isdecimal():
            raw_age = raw_age.strip()
        if raw_age.isdecimal() or (raw_age[:1] in ("-", "+") and raw_age[1:].isdecimal()):
            age = int(raw_age)
            if not self.min_age <= age <= self.max_age:
                why = f"age must be {self.min_age} to {self.max_age}"
                errs.append(RowError(n, "age", raw_age, why))
        else:
            why = "age is not a whole number" if raw_age else "age is empty"
            errs.append(RowError(n, "age", raw_age, why))

        disability = _yes_no(n, g("disability", ""), "disability", errs)
        minority = _yes_no(n, g("minority", ""), "minority", errs)
        idpoor = _choice(n, g("idpoor", ""), "idpoor", self.idpoor, errs)
        change = _choice(n, g("change", ""), "change", self.change, errs)

        enumerator = g("enumerator", "").strip()
        if not enumerator:
            errs.append(RowError(n, "enumerator", "", "enumerator is empty"))

        overall_raw = g("overall", "")
        overall = _SCORES.get(overall_raw, _BAD)
        if overall == _BAD:
            overall_raw = overall_raw.strip().lower()
            overall = _SCORES.get(overall_raw, _BAD)
            if overall == _BAD:
                errs.append(RowError(n, "overall", g("overall", ""), "score must be 1-5 or dk"))
                overall = None

        try:
            values = self.get_scores(row)
        except KeyError:  # a row without some header column (e.g. Kobo JSON omits blanks)
            values = tuple(g(c, "") for c in self.columns)
        scores = [_SCORES.get(v, _BAD) for v in values]
        if _BAD in scores:
            values, scores = self._slow_scores(n, values, errs)
        ratings = dict(zip(self.keys, scores, strict=True))
        if "dk" in values:
            dont_know = frozenset(k for k, v in zip(self.keys, values, strict=True) if v == "dk")
        else:
            dont_know = frozenset()
        try:
            needs_raw = self.get_needs(row)
        except KeyError:
            needs_raw = tuple(g(f"{f}/needs", "") for f in self.facilities)
        needs = {f: t.strip() for f, t in zip(self.facilities, needs_raw, strict=True)}

        start_raw, end_raw = g("start", ""), g("end", "")
        started = _time(n, start_raw, "start", errs)
        ended = _time(n, end_raw, "end", errs)
        if started is not None and ended is not None:
            try:
                backwards = ended < started
            except TypeError:  # one has a time zone, the other not
                backwards = ended.replace(tzinfo=None) < started.replace(tzinfo=None)
            if backwards:
                errs.append(RowError(n, "end", end_raw, "end is before start"))

        stable_id = ""
        for col in self.id_columns:
            stable_id = g(col, "")
            if stable_id:
                if stable_id[:5] != "uuid:" or stable_id[-1:] == " ":
                    stable_id = strip_uuid(stable_id)
                else:
                    stable_id = stable_id[5:]
                break
        if not stable_id:
            col = self.id_columns[0] if self.id_columns else "meta/instanceID"
            errs.append(RowError(n, col, "", "missing stable id"))

        review: str | None = None
        if self.review_column:
            review_raw = g(self.review_column, "")
            if review_raw:
                review = _review_state(review_raw)
                if review == "rejected":
                    errs.insert(0, RowError(n, self.review_column, review_raw, REJECTED_UPSTREAM))

        if EXTRA in row:
            errs.append(RowError(n, "", row[EXTRA], "more cells than the header has columns"))
        if errs:
            return errs

        instance_id = ""
        for col in self.instance_columns:
            instance_id = g(col, "")
            if instance_id:
                if instance_id[:5] != "uuid:" or instance_id[-1:] == " ":
                    instance_id = strip_uuid(instance_id)
                else:
                    instance_id = instance_id[5:]
                break
        form_version = ""
        for col in self.version_columns:
            form_version = g(col, "")
            if form_version:
                form_version = form_version.strip()
                break

        # the answers only, normalised: re-exports (and Kobo vs ODK) of one submission agree
        answers = "\x1f".join(
            (
                commune,
                village or "",
                sex,
                str(age),
                "" if disability is None else "1" if disability else "0",
                "" if minority is None else "1" if minority else "0",
                idpoor or "",
                enumerator,
                overall_raw.strip(),
                change or "",
                start_raw.strip(),
                end_raw.strip(),
                *values,
                *needs.values(),
            )
        )
        return _response(
            {
                "row": n,
                "stable_id": stable_id,
                "instance_id": instance_id or stable_id,
                "commune": commune,
                "village": village,
                "sex": sex,
                "age": age,
                "disability": disability,
                "minority": minority,
                "idpoor": idpoor,
                "enumerator": enumerator,
                "overall": overall,
                "overall_dk": overall_raw == "dk",
                "change": change,
                "ratings": ratings,
                "dont_know": dont_know,
                "needs": needs,
                "started": started,
                "ended": ended,
                "form_version": form_version,
                "review_state": review,
                "raw": row,
                "content_hash": hashlib.blake2b(answers.encode(), digest_size=16).hexdigest(),
            }
        )

    def _slow_scores(
        self, n: int, values: tuple[str, ...], errs: list[RowError]
    ) -> tuple[tuple[str, ...], list[int | None]]:
        clean: list[str] = []
        scores: list[int | None] = []
        for col, v in zip(self.columns, values, strict=True):
            w = v.strip().lower()
            score = _SCORES.get(w, _BAD)
            if score == _BAD:
                errs.append(RowError(n, col, v, "score must be 1-5 or dk"))
                score = None
            clean.append(w)
            scores.append(score)
        return tuple(clean), scores


def _getter(columns: Sequence[str], present: set[str]) -> Any:
    """A fast ``row -> tuple of values`` for columns (missing ones read as "")."""
    if not columns:
        return lambda row: ()
    if all(c in present for c in columns):
        if len(columns) == 1:
            one = itemgetter(columns[0])
            return lambda row: (one(row),)
        return itemgetter(*columns)
    cols = tuple(columns)
    return lambda row: tuple(row.get(c, "") for c in cols)


def _yes_no(n: int, v: str, col: str, errs: list[RowError]) -> bool | None:
    if not v:
        return None
    b = _YES_NO.get(v)
    if b is None:
        w = v.strip().lower()
        b = _YES_NO.get(w)
        if b is None and w:
            errs.append(RowError(n, col, v, f"{col} must be yes or no"))
    return b


def _choice(n: int, v: str, col: str, allowed: frozenset[str], errs: list[RowError]) -> str | None:
    if not v or v in allowed:
        return v or None
    w = v.strip().lower()
    if w in allowed:
        return w
    if w:
        errs.append(RowError(n, col, v, f"{col} must be one of {', '.join(sorted(allowed))}"))
    return None


def _time(n: int, v: str, col: str, errs: list[RowError]) -> dt.datetime | None:
    if not v:
        return None
    try:
        return dt.datetime.fromisoformat(v)
    except ValueError:
        pass
    try:
        return dt.datetime.fromisoformat(v.strip()) if v.strip() else None
    except ValueError:
        errs.append(RowError(n, col, v, f"{col} is not a date and time"))
        return None


def validate_rows(spec: FormSpec, export: Export) -> Iterator[Result]:
    """One ParsedResponse or list of RowError per data row; refuses another form's export.

    The header check runs when iteration starts and raises ExportError.
    """
    errors = check_form(spec, export.names)
    if errors:
        raise ExportError(errors)
    validate = RowValidator(spec, export.names)
    for n, row in export.rows():
        yield validate(n, row)
