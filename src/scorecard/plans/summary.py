"""Sentences for donor reports, computed from records (English, as donors read them).

For the demo programme: "All 16 priority actions in the four commune action plans were
implemented; contributions of 4,257.33 USD from the private sector, local NGOs, local
authorities and CBOs, and 8,000.00 USD from UNDEF". Contributions are converted to USD
at each row's own rate (``money.py``); donors are named by the contributions' source
names, local sources by their type.
"""

from __future__ import annotations

from decimal import Decimal

from scorecard.plans import money
from scorecard.plans.models import Action, ActionPlan, Contribution, SourceType, Status
from scorecard.programmes.models import Programme

WORDS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
# The order the seed report names local sources in, then the others.
LOCAL_SOURCES = {
    SourceType.PRIVATE_SECTOR: "the private sector",
    SourceType.LOCAL_NGO: "local NGOs",
    SourceType.LOCAL_AUTHORITY: "local authorities",
    SourceType.CBO: "CBOs",
    SourceType.COMMUNITY: "the community",
    SourceType.COMMUNE_FUND: "the commune fund",
}


def count_words(n: int) -> str:
    return WORDS[n] if 0 <= n < len(WORDS) else f"{n:,}"


def listing(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _actions_clause(n_plans: int, n_actions: int, n_done: int) -> str:
    plans = f"the {count_words(n_plans)} commune action plan{'s' if n_plans != 1 else ''}"
    if n_actions == 0:
        return f"No priority actions are recorded in {plans}"
    noun = "priority action" + ("s" if n_actions != 1 else "")
    verb = "was" if n_actions == 1 else "were"
    if n_done == n_actions:
        lead = "The one" if n_actions == 1 else f"All {n_actions:,}"
        return f"{lead} {noun} in {plans} {verb} implemented"
    verb = "was" if n_done == 1 else "were"
    return f"{n_done:,} of the {n_actions:,} {noun} in {plans} {verb} implemented"


def _usd(value: Decimal) -> str:
    return f"{money.format_usd(value)} USD"


def programme_summary(programme: Programme) -> str:
    plans = ActionPlan.objects.filter(programme=programme)
    actions = Action.objects.filter(plan__programme=programme)
    clause = _actions_clause(
        plans.count(), actions.count(), actions.filter(status=Status.IMPLEMENTED).count()
    )
    rows = Contribution.objects.filter(action__plan__programme=programme)
    by_type = rows.exclude(source_type=SourceType.DONOR).by_source_type()
    parts = []
    if by_type:
        local = sum((t.usd for t in by_type.values()), Decimal("0"))
        names = [label for code, label in LOCAL_SOURCES.items() if code in by_type]
        parts.append(f"{_usd(local)} from {listing(names)}")
    donors = rows.filter(source_type=SourceType.DONOR).totals_by("source_name")
    parts += [f"{_usd(t.usd)} from {name}" for name, t in sorted(donors.items())]
    if not parts:
        return f"{clause}; no contributions are recorded"
    return f"{clause}; contributions of " + ", and ".join(parts)
