"""Enumerator quality checks of a survey round, computed from its raw interviews.

``round_quality(round_)`` reads the round's responses once (only the columns the rules
need, in chunks) and returns the per-enumerator table, trained enumerators marked: the
youth trainees of the programme's youth-enumerator trainings (events app), matched on the
enumerator id, as the demo's sign-in sheet does.

Who succeeded is decided in one place, ``_succeeded`` and ``_counts``: the table uses
them, and so does ``success_counts(round_, trainees, rules)``, which reads only the
trainees' needs (the results framework's indicator and ``success_summary`` call it), so
the dashboard and the donor report cannot disagree.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from scorecard.quality.rules import (
    QualityRules,
    duration_minutes,
    has_concrete_need,
    is_straight_lined,
    median,
    missing_values,
)
from scorecard.scorecards.models import Enumerator, Response, Round

# Interview flags, in the order pages and exports show them.
NO_NEED = "no_concrete_need"
TOO_SHORT = "too_short"
NO_DURATION = "no_duration"
STRAIGHT = "straight_lined"
DUPLICATE = "duplicate"
MISSING = "missing_values"
FLAGS = (NO_NEED, TOO_SHORT, NO_DURATION, STRAIGHT, DUPLICATE, MISSING)

FIELDS = (
    "pk",
    "stable_id",
    "enumerator_code",
    "commune_id",
    "village_id",
    "sex",
    "age",
    "disability",
    "minority",
    "idpoor",
    "overall",
    "overall_dk",
    "change",
    "ratings",
    "needs",
    "started",
    "ended",
)


@dataclass(frozen=True)
class InterviewCheck:
    pk: int
    stable_id: str
    enumerator: str
    started: dt.datetime | None
    minutes: float | None
    concrete: bool
    straight_lined: bool
    missing: int
    duplicate: bool
    too_short: bool
    needs: dict[str, str]  # facility type code -> what the enumerator typed

    @property
    def needs_text(self) -> str:
        return " · ".join(str(v).strip() for v in self.needs.values() if str(v).strip())

    @property
    def flags(self) -> list[str]:
        found = {
            NO_NEED: not self.concrete,
            TOO_SHORT: self.too_short,
            NO_DURATION: self.minutes is None,
            STRAIGHT: self.straight_lined,
            DUPLICATE: self.duplicate,
            MISSING: self.missing > 0,
        }
        return [f for f in FLAGS if found[f]]


@dataclass(frozen=True)
class EnumeratorQuality:
    code: str
    sex: str  # from the registry, or the training's sign-in sheet; "" when unknown
    trained: bool
    interviews: int
    concrete: int
    median_minutes: float | None
    too_short: int
    no_duration: int
    straight_lined: int
    duplicates: int
    missing_values: int  # unanswered questions over all interviews
    with_missing: int  # interviews with at least one unanswered question
    succeeded: bool

    @property
    def concrete_share(self) -> float | None:
        return self.concrete / self.interviews if self.interviews else None

    @property
    def female(self) -> bool:
        return self.sex == "female"

    @property
    def flags(self) -> list[str]:
        """Checks this enumerator should be asked about (any interview flagged)."""
        counts = {
            NO_NEED: 0 if self.succeeded else 1,
            TOO_SHORT: self.too_short,
            NO_DURATION: self.no_duration,
            STRAIGHT: self.straight_lined,
            DUPLICATE: self.duplicates,
            MISSING: self.with_missing,
        }
        return [f for f in FLAGS if counts[f]]


class _Shares:
    """The two shares both summaries report (the table's and the light counts')."""

    trained: int
    succeeded: int
    succeeded_female: int

    @property
    def succeeded_share(self) -> float | None:
        return self.succeeded / self.trained if self.trained else None

    @property
    def succeeded_female_share(self) -> float | None:
        return self.succeeded_female / self.succeeded if self.succeeded else None


@dataclass(frozen=True)
class SuccessSummary(_Shares):
    round_code: str
    rules: QualityRules
    trained: int  # trained enumerators (youth trainees), whether they interviewed or not
    succeeded: int  # of the trained, those whose concrete-needs share reached the threshold
    succeeded_female: int
    interviews: int
    enumerators: list[EnumeratorQuality]


@dataclass(frozen=True)
class SuccessCounts(_Shares):
    """Who of the given trainees succeeded in a round (the light figure, no table)."""

    trained: int  # trainees given, whether they interviewed or not
    trained_female: int
    succeeded: int  # of the trainees, those whose concrete-needs share reached the threshold
    succeeded_female: int
    interviews: int  # the trainees' interviews in the round
    ids: tuple[str, ...]  # the trainees who succeeded, sorted


def _succeeded(interviews: int, concrete: int, rules: QualityRules) -> bool:
    """The success rule: interviews, and a concrete need in at least the threshold share."""
    return bool(interviews) and concrete >= rules.success_threshold * interviews


def _counts(
    trainees: Mapping[str, str], done: Mapping[str, tuple[int, int]], rules: QualityRules
) -> SuccessCounts:
    """``done``: enumerator id -> (interviews, with a concrete need); ``trainees``: id -> sex."""
    ok = sorted(c for c in trainees if _succeeded(*done.get(c, (0, 0)), rules))
    return SuccessCounts(
        trained=len(trainees),
        trained_female=sum(1 for s in trainees.values() if s == "female"),
        succeeded=len(ok),
        succeeded_female=sum(1 for c in ok if trainees[c] == "female"),
        interviews=sum(done.get(c, (0, 0))[0] for c in trainees),
        ids=tuple(ok),
    )


def success_counts(
    round_: Round, trainees: Mapping[str, str], rules: QualityRules
) -> SuccessCounts:
    """How many of ``trainees`` (id -> sex) succeeded in the round, reading only their
    interviews' needs: ~100 times cheaper than the whole table (durations, duplicates)."""
    interviews: Counter[str] = Counter()
    concrete: Counter[str] = Counter()
    rows = Response.objects.filter(round=round_, enumerator_code__in=list(trainees))
    for code, needs in rows.values_list("enumerator_code", "needs").iterator(chunk_size=5000):
        interviews[code] += 1
        concrete[code] += has_concrete_need(needs, rules)
    return _counts(trainees, {c: (n, concrete[c]) for c, n in interviews.items()}, rules)


def _interviews(round_: Round) -> Iterator[dict]:
    rows = Response.objects.filter(round=round_).order_by("pk").values(*FIELDS)
    yield from rows.iterator(chunk_size=5000)


def _respondent_key(row: dict) -> bytes:
    """Same person, same place, same answers: the duplicate-respondent rule."""
    key = [row[f] for f in FIELDS[3:14]]
    key.append(json.dumps(row["needs"], sort_keys=True, ensure_ascii=False))
    return hashlib.blake2b(repr(key).encode(), digest_size=16).digest()


def check_interviews(round_: Round, rules: QualityRules) -> list[InterviewCheck]:
    """Every interview of the round with its flags (duplicates are sought round-wide)."""
    rows = list(_interviews(round_))
    keys = [_respondent_key(r) for r in rows]
    seen = Counter(keys)
    checks = []
    for row, key in zip(rows, keys, strict=True):
        minutes = duration_minutes(row["started"], row["ended"])
        checks.append(
            InterviewCheck(
                pk=row["pk"],
                stable_id=row["stable_id"],
                enumerator=row["enumerator_code"],
                started=row["started"],
                minutes=minutes,
                concrete=has_concrete_need(row["needs"], rules),
                straight_lined=is_straight_lined(row["ratings"], rules),
                missing=missing_values(row["ratings"], row["overall"], row["overall_dk"]),
                duplicate=seen[key] > 1,
                too_short=minutes is not None and minutes < rules.too_short_minutes,
                needs=row["needs"] if isinstance(row["needs"], dict) else {},
            )
        )
    return checks


def trainees(round_: Round) -> dict[str, str]:
    """Youth trainees of the round's programme's youth-enumerator trainings: id -> sex."""
    from scorecard.events.models import Attendance, EventType, ParticipantRole, TrainingKind

    if round_.programme_id is None:
        return {}
    rows = Attendance.objects.filter(
        event__programme_id=round_.programme_id,
        event__type=EventType.TRAINING,
        event__training_kind=TrainingKind.YOUTH_ENUMERATORS,
        role=ParticipantRole.YOUTH_TRAINEE,
    ).values_list("participant__code", "participant__sex")
    return dict(rows)


def _registry_sex(round_: Round, codes: set[str]) -> dict[str, str]:
    """Enumerators' sex from the registry of the round's (or programme's) organisation."""
    org = round_.organisation_id or (round_.programme.organisation_id if round_.programme else None)
    found = Enumerator.objects.filter(code__in=codes)
    found = found.filter(organisation_id=org) if org else found.filter(organisation=None)
    return {e.code: e.sex for e in found if e.sex}


def round_quality(
    round_: Round, rules: QualityRules | None = None, checks: list[InterviewCheck] | None = None
) -> SuccessSummary:
    """The per-enumerator table of a round, trained enumerators first.

    ``checks`` are the round's interviews already checked with these rules (a page that
    also lists interviews passes them, so the round is read once).
    """
    rules = rules or QualityRules.from_settings()
    if checks is None:
        checks = check_interviews(round_, rules)
    per: dict[str, list[InterviewCheck]] = defaultdict(list)
    for check in checks:
        per[check.enumerator].append(check)
    trained = trainees(round_)
    sexes = {**_registry_sex(round_, set(per) | set(trained)), **trained}
    table = [
        _enumerator(code, per.get(code, []), sexes.get(code, ""), code in trained, rules)
        for code in sorted(set(per) | set(trained))
    ]
    table.sort(key=lambda e: (not e.trained, e.code))
    counts = _counts(trained, {e.code: (e.interviews, e.concrete) for e in table}, rules)
    return SuccessSummary(
        round_code=round_.code,
        rules=rules,
        trained=counts.trained,
        succeeded=counts.succeeded,
        succeeded_female=counts.succeeded_female,
        interviews=sum(e.interviews for e in table),
        enumerators=table,
    )


def success_summary(round_: Round, rules: QualityRules | None = None) -> SuccessCounts:
    """How many trained youth enumerators succeeded in this round, and how many women."""
    return success_counts(round_, trainees(round_), rules or QualityRules.from_settings())


def _enumerator(
    code: str, checks: list[InterviewCheck], sex: str, trained: bool, rules: QualityRules
) -> EnumeratorQuality:
    n = len(checks)
    concrete = sum(c.concrete for c in checks)
    return EnumeratorQuality(
        code=code,
        sex=sex,
        trained=trained,
        interviews=n,
        concrete=concrete,
        median_minutes=median(c.minutes for c in checks if c.minutes is not None),
        too_short=sum(c.too_short for c in checks),
        no_duration=sum(c.minutes is None for c in checks),
        straight_lined=sum(c.straight_lined for c in checks),
        duplicates=sum(c.duplicate for c in checks),
        missing_values=sum(c.missing for c in checks),
        with_missing=sum(c.missing > 0 for c in checks),
        succeeded=_succeeded(n, concrete, rules),
    )
