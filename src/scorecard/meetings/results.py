"""A meeting's results per selected indicator: median (ties rounded up, as the ISAF app
does), counts per level, and the average of each group of participants."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from scorecard.meetings.models import Meeting, Participant, Proposal, Vote
from scorecard.scorecards.cube import is_youth
from scorecard.stats import median_from_counts

TIE = "up"
GROUPS: list[tuple[str, Any, Any]] = [
    ("female", _("women"), lambda p: p.sex == "female"),
    ("male", _("men"), lambda p: p.sex == "male"),
    ("youth", _("youth"), lambda p: is_youth(p.age)),
    ("disability", _("with a disability"), lambda p: p.disability),
    ("minority", _("ethnic minority"), lambda p: p.minority),
    ("idpoor", _("IDPoor"), lambda p: p.idpoor in ("level1", "level2")),
]


@dataclass
class IndicatorResult:
    proposal: Proposal
    counts: list[int] = field(default_factory=lambda: [0] * 5)
    group_sums: dict[str, list[int]] = field(default_factory=dict)  # group -> [sum, n]

    @property
    def n(self) -> int:
        return sum(self.counts)

    @property
    def median(self) -> float | None:
        return median_from_counts(self.counts, tie=TIE)

    @property
    def mean(self) -> float | None:
        return sum((k + 1) * c for k, c in enumerate(self.counts)) / self.n if self.n else None

    def averages(self) -> list[tuple[str, Any, float | None, int]]:
        out = []
        for code, label, _test in GROUPS:
            total, n = self.group_sums.get(code, [0, 0])
            out.append((code, label, total / n if n else None, n))
        return out


def meeting_results(meeting: Meeting) -> list[IndicatorResult]:
    proposals = Proposal.objects.filter(meeting=meeting, selected=True, deleted=False)
    results = {p.pk: IndicatorResult(p) for p in proposals.select_related("indicator")}
    people = {
        p.pk: p for p in Participant.objects.filter(meeting=meeting, deleted=False, anonymous=False)
    }
    votes = Vote.objects.filter(meeting=meeting, deleted=False, proposal__in=list(results))
    for pid, participant_id, value in votes.values_list("proposal_id", "participant_id", "value"):
        person = people.get(participant_id)
        if person is None:
            continue
        res = results[pid]
        res.counts[value - 1] += 1
        for code, _label, test in GROUPS:
            if test(person):
                sums = res.group_sums.setdefault(code, [0, 0])
                sums[0] += value
                sums[1] += 1
    return sorted(results.values(), key=lambda r: (r.proposal.order, r.proposal.pk))


def attendance(meeting: Meeting) -> dict[str, int]:
    """Running totals by group (anonymous participants count as present)."""
    people = list(Participant.objects.filter(meeting=meeting, deleted=False))
    totals = {"all": len(people), "anonymous": sum(p.anonymous for p in people)}
    for code, _label, test in GROUPS:
        totals[code] = sum(1 for p in people if test(p))
    for role in Participant.Role.values:
        totals[f"role_{role}"] = sum(1 for p in people if p.role == role)
    return totals


def missing_votes(meeting: Meeting) -> int:
    """Votes still owed: every voter on every selected indicator."""
    voters = Participant.objects.filter(meeting=meeting, deleted=False, anonymous=False).count()
    selected = Proposal.objects.filter(meeting=meeting, selected=True, deleted=False).count()
    cast = Vote.objects.filter(
        meeting=meeting,
        deleted=False,
        proposal__selected=True,
        proposal__deleted=False,
        participant__deleted=False,
        participant__anonymous=False,
    ).count()
    return voters * selected - cast
