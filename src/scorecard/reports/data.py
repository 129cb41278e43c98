"""What a report shows, as plain frozen data: no database, no Django models.

The fields follow the contract's ``scorecard results`` and ``scorecard compare`` columns
(docs in ``../shared/docs/contract.md``) so the database side can fill a report from those
rows directly with :func:`scorecard.reports.rows.from_rows`. Shares are 0..1 and never
rounded here; rounding is the template's job.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Mode = Literal["survey", "community", "self_assessment"]
MODES: tuple[Mode, ...] = ("survey", "community", "self_assessment")

# The breakdowns a report shows as tables, in this order (``all`` is the main result).
BREAKDOWNS = ("sex", "youth", "disability", "minority", "idpoor", "sex_youth")


@dataclass(frozen=True, slots=True)
class Label:
    """A text in English and Khmer; ``get`` falls back to the other when one is empty."""

    en: str
    km: str = ""

    def get(self, lang: str) -> str:
        if lang.startswith("km"):
            return self.km or self.en
        return self.en or self.km


@dataclass(frozen=True, slots=True)
class Place:
    code: str
    name_en: str
    name_km: str = ""

    @property
    def label(self) -> Label:
        return Label(self.name_en, self.name_km)


@dataclass(frozen=True, slots=True)
class GroupResult:
    """One cell of a breakdown (for example sex = female), as one contract row.

    When ``suppressed`` is true the numbers may be absent (a ``--public`` export blanks
    them) and are never printed, even when present.
    """

    breakdown: str
    group: str
    n: int | None
    counts: tuple[int, int, int, int, int] | None = None
    mean: float | None = None
    median: float | None = None
    satisfied_n: int | None = None
    satisfied_share: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    suppressed: bool = False

    @property
    def shown(self) -> bool:
        return not self.suppressed and self.n is not None and self.n > 0


@dataclass(frozen=True, slots=True)
class IndicatorResult:
    """An indicator's result for all respondents, with its breakdowns."""

    facility: str
    indicator: str
    text: Label
    result: GroupResult
    breakdowns: dict[str, tuple[GroupResult, ...]] = field(default_factory=dict)

    # Shortcuts to the ``all`` row, named like the contract's columns.
    @property
    def n(self) -> int | None:
        return self.result.n

    @property
    def counts(self) -> tuple[int, int, int, int, int] | None:
        return self.result.counts

    @property
    def median(self) -> float | None:
        return self.result.median

    @property
    def mean(self) -> float | None:
        return self.result.mean

    @property
    def satisfied_share(self) -> float | None:
        return self.result.satisfied_share

    @property
    def ci_low(self) -> float | None:
        return self.result.ci_low

    @property
    def ci_high(self) -> float | None:
        return self.result.ci_high

    @property
    def suppressed(self) -> bool:
        return self.result.suppressed

    def groups(self, breakdown: str) -> tuple[GroupResult, ...]:
        return self.breakdowns.get(breakdown, ())


@dataclass(frozen=True, slots=True)
class FacilitySection:
    code: str
    name: Label
    rows: tuple[IndicatorResult, ...]


@dataclass(frozen=True, slots=True)
class Change:
    """One ``scorecard compare`` row for all respondents: later round minus baseline."""

    facility: str
    indicator: str
    text: Label
    base_round: str
    round: str
    base_n: int | None
    base_share: float | None
    n: int | None
    share: float | None
    diff: float | None
    diff_ci_low: float | None
    diff_ci_high: float | None
    z: float | None
    p_value: float | None
    suppressed: bool = False

    @property
    def shown(self) -> bool:
        return not self.suppressed and self.diff is not None


@dataclass(frozen=True, slots=True)
class Need:
    """A theme of the open answers: how many respondents raised it, and a few quotes."""

    theme: Label
    count: int
    share: float | None = None
    quotes: tuple[str, ...] = ()
    facility: str = ""


@dataclass(frozen=True, slots=True)
class Gap:
    """An indicator rated by citizens and by the providers' self-assessment.

    Gaps are citizens minus providers (negative: providers rate themselves higher).
    ``suppressed``: one side has fewer than the minimum cell size; public reports print
    no figure for it (the numbers are then absent anyway).
    """

    facility: str
    indicator: str
    text: Label
    citizens_n: int | None
    citizens_share: float | None
    citizens_median: float | None
    providers_n: int | None
    providers_share: float | None
    providers_median: float | None
    gap_share: float | None
    gap_median: float | None
    suppressed: bool = False

    @property
    def shown(self) -> bool:
        return not self.suppressed and (self.gap_share is not None or self.gap_median is not None)


@dataclass(frozen=True, slots=True)
class SampleSize:
    label: Label
    n: int


@dataclass(frozen=True, slots=True)
class Method:
    """The figures the method note states."""

    sample_sizes: tuple[SampleSize, ...]
    threshold: int = 4
    min_cell: int = 5
    confidence: float = 0.95
    tie_rule: str = "mean"
    base_round: str = ""
    base_n: int | None = None
    generated: dt.date = field(default_factory=dt.date.today)


@dataclass(frozen=True, slots=True)
class ReportData:
    title: Label
    round_code: str
    round_year: int
    mode: Mode
    commune: Place | None  # None: a summary of the whole round
    facilities: tuple[FacilitySection, ...]
    overall: IndicatorResult | None
    method: Method
    change: tuple[Change, ...] = ()
    top_needs: tuple[Need, ...] = ()
    programme: Label | None = None
    organisation: Label | None = None
    place_path: tuple[Place, ...] = ()  # province, district above the commune, if known
    gaps: tuple[Gap, ...] = ()
    provider_round: str = ""  # the self-assessment round the gaps come from

    @property
    def needs_by_facility(self) -> tuple[tuple[Label, tuple[Need, ...]], ...]:
        """Top needs grouped under their facility's name, facilities in report order."""
        names = {s.code: s.name for s in self.facilities}
        order = list(
            dict.fromkeys([s.code for s in self.facilities] + [n.facility for n in self.top_needs])
        )
        return tuple(
            (names.get(code) or Label(code), tuple(n for n in self.top_needs if n.facility == code))
            for code in order
            if any(n.facility == code for n in self.top_needs)
        )

    @property
    def is_survey(self) -> bool:
        return self.mode == "survey"

    @property
    def overall_change(self) -> Change | None:
        return next((c for c in self.change if c.indicator == "overall"), None)

    def change_for(self, facility: str, indicator: str) -> Change | None:
        return next(
            (c for c in self.change if c.facility == facility and c.indicator == indicator),
            None,
        )


# --- Building a report from contract rows ------------------------------------------------

Row = Mapping[str, Any]


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _int(value: object) -> int | None:
    if _blank(value):
        return None
    return int(float(value))  # type: ignore[arg-type]


def _float(value: object) -> float | None:
    if _blank(value):
        return None
    return float(value)  # type: ignore[arg-type]


def _bool(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"true", "1", "yes"}
    return bool(value)


def group_from_row(row: Row) -> GroupResult:
    """A contract ``results`` row (CSV strings or JSON values) as a GroupResult."""
    levels = [_int(row.get(f"n_{k}")) for k in range(1, 6)]
    counts = None if None in levels else tuple(int(c or 0) for c in levels)
    return GroupResult(
        breakdown=str(row.get("breakdown") or "all"),
        group=str(row.get("group") or "all"),
        n=_int(row.get("n")),
        counts=counts,  # type: ignore[arg-type]
        mean=_float(row.get("mean")),
        median=_float(row.get("median")),
        satisfied_n=_int(row.get("satisfied_n")),
        satisfied_share=_float(row.get("satisfied_share")),
        ci_low=_float(row.get("ci_low")),
        ci_high=_float(row.get("ci_high")),
        suppressed=_bool(row.get("suppressed")),
    )


def _text(texts: Mapping[Any, Label], facility: str, indicator: str) -> Label:
    return texts.get((facility, indicator)) or texts.get(indicator) or Label(indicator)


def from_rows(
    results_rows: Iterable[Row],
    compare_rows: Iterable[Row] = (),
    *,
    title: Label,
    round_code: str,
    round_year: int,
    mode: Mode,
    commune: Place | None = None,
    facility_names: Mapping[str, Label] | None = None,
    indicator_texts: Mapping[Any, Label] | None = None,
    needs: Iterable[Need] = (),
    gap_rows: Iterable[Row] = (),
    programme: Label | None = None,
    organisation: Label | None = None,
    place_path: tuple[Place, ...] = (),
    threshold: int = 4,
    min_cell: int = 5,
    tie_rule: str = "mean",
    generated: dt.date | None = None,
) -> ReportData:
    """A report from rows with exactly the contract's column names.

    ``results_rows``/``compare_rows`` may hold every commune of the round: only the rows
    of ``commune`` (or of ``all`` for a round summary) are used. ``indicator_texts`` is
    keyed by ``(facility, indicator)`` or by ``indicator``; facilities are shown in the
    order of ``facility_names``, then in the order the rows name them, and indicators in
    row order (``scorecard results`` keeps the template's order).
    """
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}")
    where = commune.code if commune else "all"
    names = dict(facility_names or {})
    texts = dict(indicator_texts or {})
    cells: dict[tuple[str, str], dict[str, list[GroupResult]]] = {}
    for row in results_rows:
        if str(row.get("commune")) != where:
            continue
        key = (str(row["facility"]), str(row["indicator"]))
        group = group_from_row(row)
        cells.setdefault(key, {}).setdefault(group.breakdown, []).append(group)

    def indicator(key: tuple[str, str]) -> IndicatorResult | None:
        found = cells[key]
        if "all" not in found:
            return None
        return IndicatorResult(
            facility=key[0],
            indicator=key[1],
            text=_text(texts, *key),
            result=found["all"][0],
            breakdowns={b: tuple(g) for b, g in found.items() if b != "all"},
        )

    overall = indicator(("all", "overall")) if ("all", "overall") in cells else None
    order = [f for f in names if any(k[0] == f for k in cells)]
    order += [k[0] for k in cells if k[0] not in order and k[0] != "all"]
    order = list(dict.fromkeys(order))
    sections = []
    for code in order:
        rows = [r for k in cells if k[0] == code and (r := indicator(k)) is not None]
        if rows:
            sections.append(FacilitySection(code, names.get(code) or Label(code), tuple(rows)))

    changes = tuple(
        Change(
            facility=str(row["facility"]),
            indicator=str(row["indicator"]),
            text=_text(texts, str(row["facility"]), str(row["indicator"])),
            base_round=str(row.get("base_round", "")),
            round=str(row.get("round", round_code)),
            base_n=_int(row.get("base_n")),
            base_share=_float(row.get("base_satisfied_share")),
            n=_int(row.get("n")),
            share=_float(row.get("satisfied_share")),
            diff=_float(row.get("diff")),
            diff_ci_low=_float(row.get("diff_ci_low")),
            diff_ci_high=_float(row.get("diff_ci_high")),
            z=_float(row.get("z")),
            p_value=_float(row.get("p_value")),
            suppressed=_bool(row.get("suppressed")) or _blank(row.get("diff")),
        )
        for row in compare_rows
        if str(row.get("commune")) == where
        and str(row.get("breakdown") or "all") == "all"
        and str(row.get("group") or "all") == "all"
    )

    sizes = []
    if overall is not None and overall.n:
        sizes.append(SampleSize(Label("Overall question", "សំណួររួម"), overall.n))
    for section in sections:
        ns = [r.n for r in section.rows if r.n]
        if ns:
            sizes.append(SampleSize(section.name, max(ns)))
    base = next((c for c in changes if c.indicator == "overall"), changes[0] if changes else None)
    method = Method(
        sample_sizes=tuple(sizes),
        threshold=threshold,
        min_cell=min_cell,
        tie_rule=tie_rule,
        base_round=base.base_round if base else "",
        base_n=base.base_n if base else None,
        generated=generated or dt.date.today(),
    )
    gap_list = [r for r in gap_rows if str(r.get("commune")) == where]
    gaps = tuple(
        Gap(
            facility=str(row["facility"]),
            indicator=str(row["indicator"]),
            text=_text(texts, str(row["facility"]), str(row["indicator"])),
            citizens_n=_int(row.get("citizens_n")),
            citizens_share=_float(row.get("citizens_share")),
            citizens_median=_float(row.get("citizens_median")),
            providers_n=_int(row.get("providers_n")),
            providers_share=_float(row.get("providers_share")),
            providers_median=_float(row.get("providers_median")),
            gap_share=_float(row.get("gap_share")),
            gap_median=_float(row.get("gap_median")),
            suppressed=_bool(row.get("suppressed")),
        )
        for row in gap_list
    )
    provider_round = next((str(r.get("provider_round", "")) for r in gap_list), "")
    return ReportData(
        title=title,
        round_code=round_code,
        round_year=round_year,
        mode=mode,
        commune=commune,
        facilities=tuple(sections),
        overall=overall,
        method=method,
        change=changes,
        top_needs=tuple(needs),
        programme=programme,
        organisation=organisation,
        place_path=place_path,
        gaps=gaps,
        provider_round=provider_round,
    )
