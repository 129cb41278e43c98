"""Synthetic, realistic exports of a scorecard form (Kobo CSV/XLSX, ODK CSV/zip, Kobo JSON).

Rows are generated one at a time (deterministic for a seed), so a million-row export does
not need memory for all of them. Exact targets (``female``, ``overall_satisfied``,
enumerators' interviews and concrete needs) are met with selection sampling: each row
takes a trait with probability remaining-wanted / remaining-rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import uuid
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from scorecard.scorecards.exports.phrases import NO_NEED, needs_for
from scorecard.scorecards.exports.read import ODK_SYSTEM, ODK_TRAILER
from scorecard.scorecards.spec import FormSpec

Format = Literal["kobo_csv", "kobo_csv_comma", "kobo_xlsx", "odk_csv", "odk_zip"]
FORMATS: tuple[str, ...] = ("kobo_csv", "kobo_csv_comma", "kobo_xlsx", "odk_csv", "odk_zip")
KOBO_SYSTEM = (
    "meta/instanceID",
    "meta/rootUuid",
    "_id",
    "_uuid",
    "_submission_time",
    "_validation_status",
    "_notes",
    "_status",
    "_submitted_by",
    "__version__",
    "_tags",
    "_index",
)
ODK_META = ("meta/instanceID",)
Tweak = Callable[[int, dict[str, str]], None]
ICT = dt.timezone(dt.timedelta(hours=7))


@dataclass(frozen=True)
class EnumeratorPlan:
    id: str
    interviews: int
    concrete_needs: int  # how many of the interviews record a concrete need


def question_columns(spec: FormSpec) -> list[str]:
    """The form's answer columns in form order, canonical names."""
    cols = ["start", "end", "commune", "village", "sex", "age", "disability", "minority"]
    cols += ["idpoor", "enumerator"]
    for f in spec.facilities:
        cols += [f"{f.code}/{i.code}" for i in f.indicators]
        cols.append(f"{f.code}/needs")
    return [*cols, "overall", "change"]


def kobo_columns(spec: FormSpec) -> list[str]:
    return [*question_columns(spec), *KOBO_SYSTEM]


def odk_columns(spec: FormSpec) -> list[str]:
    """Canonical names of an ODK Central export (header: ``/`` written as ``-``)."""
    return ["SubmissionDate", *question_columns(spec), *ODK_META, *ODK_TRAILER]


def odk_header(columns: list[str]) -> list[str]:
    return [c if c in ODK_SYSTEM else c.replace("/", "-") for c in columns]


class _Exact:
    """Exactly ``wanted`` of ``total`` draws are True, spread at random."""

    def __init__(self, wanted: int, total: int, rng: random.Random) -> None:
        if not 0 <= wanted <= total:
            raise ValueError(f"cannot have {wanted} of {total}")
        self.wanted, self.left, self.rng = wanted, total, rng

    def take(self) -> bool:
        hit = self.rng.random() * self.left < self.wanted
        self.left -= 1
        if hit:
            self.wanted -= 1
        return hit


def _weighted(rng: random.Random, table: tuple[tuple[str, float], ...]) -> str:
    x = rng.random()
    for value, p in table:
        x -= p
        if x < 0:
            return value
    return table[-1][0]


_OVERALL = (("1", 0.05), ("2", 0.12), ("3", 0.28), ("4", 0.35), ("5", 0.15), ("dk", 0.05))
# With an exact satisfied total every respondent rates `overall` (no "dk"): the share is
# then of respondents, as field reports state it ("40% of 1,019 respondents").
_UNSATISFIED = (("1", 0.17), ("2", 0.32), ("3", 0.51))
_IDPOOR = (("level1", 0.10), ("level2", 0.15), ("none", 0.75))
_CHANGE = (("better", 0.45), ("same", 0.33), ("worse", 0.10), ("dk", 0.12))


def synth_rows(
    spec: FormSpec,
    *,
    rows: int,
    seed: int,
    communes: list[str] | None = None,
    female: int | None = None,
    overall_satisfied: int | None = None,
    enumerators: list[EnumeratorPlan] | None = None,
    start: dt.date = dt.date(2024, 3, 4),
    tweak: Tweak | None = None,
) -> Iterator[dict[str, str]]:
    """Canonical rows (answers plus Kobo and ODK system columns), one at a time."""
    rng = random.Random(seed)
    codes = communes or [c.code for c in spec.communes]
    if not codes:
        raise ValueError("the form has no communes")
    villages: dict[str, list[str]] = {c: [] for c in codes}
    for v in spec.villages:
        if v.parent in villages:
            villages[v.parent].append(v.code)
    if enumerators is None:
        n_enum = max(1, min(40, rows // 30))
        enumerators = []
        for k in range(n_enum):
            interviews = rows // n_enum + (1 if k < rows % n_enum else 0)
            concrete = round(interviews * rng.uniform(0.5, 0.9))
            enumerators.append(EnumeratorPlan(f"enum{k + 1:02d}", interviews, concrete))
    if sum(e.interviews for e in enumerators) != rows:
        raise ValueError("the enumerators' interviews must add up to rows")
    remaining = [e.interviews for e in enumerators]
    concrete_of = [_Exact(e.concrete_needs, e.interviews, rng) for e in enumerators]
    is_female = _Exact(female, rows, rng) if female is not None else None
    satisfied = _Exact(overall_satisfied, rows, rng) if overall_satisfied is not None else None
    lo_age, hi_age = max(15, spec.min_age), min(80, spec.max_age)
    youth_hi = min(30, hi_age)
    days = max(1, min(10, rows // 150 + 1))
    base_id = 300_000_000 + rng.randrange(1_000_000)
    facilities = [(f.code, [f"{f.code}/{i.code}" for i in f.indicators]) for f in spec.facilities]

    for i in range(rows):
        pick = rng.random() * (rows - i)
        e = 0
        last = len(remaining) - 1
        while e < last and (pick >= remaining[e] or not remaining[e]):
            pick -= remaining[e]
            e += 1
        remaining[e] -= 1
        enumerator = enumerators[e]
        concrete = concrete_of[e].take()

        row: dict[str, str] = {}
        commune = codes[rng.randrange(len(codes))]
        vs = villages.get(commune)
        if vs:
            village = vs[rng.randrange(len(vs))]
        else:  # a gazetteer commune without villages: no code the validator would refuse
            village = "" if spec.villages else f"{commune}{rng.randint(1, 12):02d}"
        if is_female is not None:
            sex = "female" if is_female.take() else ("other" if rng.random() < 0.01 else "male")
        else:
            x = rng.random()
            sex = "female" if x < 0.56 else ("other" if x > 0.995 else "male")
        if rng.random() < 0.40:
            age = rng.randint(lo_age, youth_hi)
        else:
            age = rng.randint(min(youth_hi + 1, hi_age), hi_age)
        if satisfied is not None:
            overall = ("4" if rng.random() < 0.6 else "5") if satisfied.take() else None
            overall = overall or _weighted(rng, _UNSATISFIED)
        else:
            overall = _weighted(rng, _OVERALL)
        lean = int(overall) if overall != "dk" else 3
        day = start + dt.timedelta(days=i * days // rows)
        began = dt.datetime(day.year, day.month, day.day, 7, tzinfo=ICT) + dt.timedelta(
            seconds=rng.randrange(10 * 3600), microseconds=rng.randrange(1000) * 1000
        )
        ended = began + dt.timedelta(seconds=rng.randint(8 * 60, 45 * 60))
        submitted = (ended + dt.timedelta(seconds=rng.randint(60, 8 * 3600))).astimezone(dt.UTC)
        row["start"] = _iso(began)
        row["end"] = _iso(ended)
        row["commune"] = commune
        row["village"] = village
        row["sex"] = sex
        row["age"] = str(age)
        row["disability"] = "yes" if rng.random() < 0.08 else "no"
        row["minority"] = "yes" if rng.random() < 0.05 else "no"
        row["idpoor"] = _weighted(rng, _IDPOOR)
        row["enumerator"] = enumerator.id
        with_need = set()
        if concrete and facilities:
            k = 1 if len(facilities) == 1 or rng.random() < 0.6 else 2
            with_need = {f for f, _ in rng.sample(facilities, k)}
        for code, cols in facilities:
            for col in cols:
                if rng.random() < 0.04:
                    row[col] = "dk"
                else:
                    row[col] = str(min(5, max(1, round(rng.gauss(lean + 0.2, 0.9)))))
            if code in with_need:
                bank = needs_for(code)
                row[f"{code}/needs"] = bank[rng.randrange(len(bank))]
            else:
                row[f"{code}/needs"] = NO_NEED[rng.randrange(4)] if rng.random() < 0.3 else ""
        row["overall"] = overall
        row["change"] = _weighted(rng, _CHANGE)
        uid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        row["meta/instanceID"] = f"uuid:{uid}"
        row["meta/rootUuid"] = f"uuid:{uid}"
        row["_id"] = str(base_id + i)
        row["_uuid"] = uid
        row["_submission_time"] = submitted.replace(tzinfo=None).isoformat(timespec="seconds")
        row["_validation_status"] = ""
        row["_notes"] = ""
        row["_status"] = "submitted_via_web"
        row["_submitted_by"] = enumerator.id
        row["__version__"] = spec.version
        row["_tags"] = ""
        row["_index"] = str(i + 1)
        row["SubmissionDate"] = submitted.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        row["KEY"] = f"uuid:{uid}"
        row["SubmitterID"] = str(10 + e)
        row["SubmitterName"] = enumerator.id
        row["AttachmentsPresent"] = "0"
        row["AttachmentsExpected"] = "0"
        row["Status"] = ""
        row["ReviewState"] = ""
        row["DeviceID"] = f"collect:{uid[:16].replace('-', '')}"
        row["Edits"] = "0"
        row["FormVersion"] = spec.version
        if tweak is not None:
            tweak(i, row)
        yield row


def _iso(value: dt.datetime) -> str:
    return value.isoformat(timespec="milliseconds")


def generate(
    spec: FormSpec,
    out: Path,
    *,
    rows: int,
    fmt: Format,
    seed: int,
    communes: list[str] | None = None,
    female: int | None = None,
    overall_satisfied: int | None = None,
    enumerators: list[EnumeratorPlan] | None = None,
    start: dt.date = dt.date(2024, 3, 4),
    bom: bool | None = None,
    tweak: Tweak | None = None,
) -> Path:
    """Write a synthetic export; ``bom`` defaults to Kobo yes, ODK no. Returns ``out``.

    ``tweak(i, row)`` may change a canonical row before it is written (for bad inputs).
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    out = Path(out)
    stream = synth_rows(
        spec,
        rows=rows,
        seed=seed,
        communes=communes,
        female=female,
        overall_satisfied=overall_satisfied,
        enumerators=enumerators,
        start=start,
        tweak=tweak,
    )
    if fmt in ("kobo_csv", "kobo_csv_comma"):
        with out.open("w", encoding="utf-8-sig" if bom is not False else "utf-8", newline="") as fh:
            delim = ";" if fmt == "kobo_csv" else ","
            _write_csv(fh, kobo_columns(spec), None, stream, delim, csv.QUOTE_ALL)
    elif fmt == "odk_csv":
        with out.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
            cols = odk_columns(spec)
            _write_csv(fh, cols, odk_header(cols), stream, ",", csv.QUOTE_MINIMAL)
    elif fmt == "odk_zip":
        with (
            zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf,
            zf.open(f"{spec.form_id}.csv", "w", force_zip64=True) as raw,
        ):
            fh = io.TextIOWrapper(raw, encoding="utf-8-sig" if bom else "utf-8", newline="")
            cols = odk_columns(spec)
            _write_csv(fh, cols, odk_header(cols), stream, ",", csv.QUOTE_MINIMAL)
            fh.flush()
            fh.detach()
    else:
        _write_xlsx(spec, out, stream)
    return out


def _write_csv(
    fh: io.TextIOBase | io.TextIOWrapper,
    columns: list[str],
    header: list[str] | None,
    stream: Iterator[dict[str, str]],
    delimiter: str,
    quoting: int,
) -> None:
    writer = csv.writer(fh, delimiter=delimiter, quoting=quoting)  # type: ignore[arg-type]
    writer.writerow(header or columns)
    for row in stream:
        writer.writerow([row.get(c, "") for c in columns])


_XLSX_INT = ("age", "_id", "_index")


def _write_xlsx(spec: FormSpec, out: Path, stream: Iterator[dict[str, str]]) -> None:
    """Kobo XLSX: numbers as numbers (ages as floats, like Excel), dates as dates."""
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(title=spec.form_id[:31])
    columns = kobo_columns(spec)
    ws.append(columns)
    scores = {c for c in columns if "/" in c and not c.endswith("/needs")} | {"overall"}
    scores -= set(KOBO_SYSTEM)
    for row in stream:
        cells: list[object] = []
        for c in columns:
            v = row.get(c, "")
            if v.isdigit() and (c in scores or c in _XLSX_INT):
                cells.append(float(v) if c == "age" else int(v))
            elif c == "_submission_time" and v:
                try:
                    cells.append(dt.datetime.fromisoformat(v))
                except ValueError:
                    cells.append(v)
            else:
                cells.append(v)
        ws.append(cells)
    wb.save(out)


def kobo_json_submissions(
    spec: FormSpec,
    *,
    rows: int,
    seed: int,
    communes: list[str] | None = None,
    female: int | None = None,
    overall_satisfied: int | None = None,
    enumerators: list[EnumeratorPlan] | None = None,
    start: dt.date = dt.date(2024, 3, 4),
    tweak: Tweak | None = None,
) -> Iterator[dict[str, object]]:
    """The same rows as Kobo's REST API ``/api/v2/assets/<uid>/data/`` returns them."""
    answers = question_columns(spec)
    formhub = uuid.UUID(int=random.Random(seed).getrandbits(128), version=4).hex
    for row in synth_rows(
        spec,
        rows=rows,
        seed=seed,
        communes=communes,
        female=female,
        overall_satisfied=overall_satisfied,
        enumerators=enumerators,
        start=start,
        tweak=tweak,
    ):
        sub: dict[str, object] = {"_id": int(row["_id"]), "formhub/uuid": formhub}
        sub.update((c, row[c]) for c in answers if row.get(c))  # Kobo omits blank answers
        status = row.get("_validation_status", "")
        sub.update(
            {
                "__version__": row["__version__"],
                "meta/instanceID": row["meta/instanceID"],
                "meta/rootUuid": row["meta/rootUuid"],
                "_xform_id_string": spec.form_id,
                "_uuid": row["_uuid"],
                "_attachments": [],
                "_status": row["_status"],
                "_geolocation": [None, None],
                "_submission_time": row["_submission_time"],
                "_tags": [],
                "_notes": [],
                "_validation_status": {"uid": status, "label": status} if status else {},
                "_submitted_by": row["_submitted_by"] or None,
            }
        )
        yield sub
