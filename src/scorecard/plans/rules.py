"""Status rules of an action: the order of statuses and why a change is refused."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


class Status(models.TextChoices):
    PROPOSED = "proposed", _("proposed")
    AGREED = "agreed", _("agreed")
    IN_PROGRESS = "in_progress", _("in progress")
    IMPLEMENTED = "implemented", _("implemented")
    DROPPED = "dropped", _("dropped")


ORDER: list[str] = [Status.PROPOSED, Status.AGREED, Status.IN_PROGRESS, Status.IMPLEMENTED]
CLOSED = {Status.IMPLEMENTED, Status.DROPPED}


# Why a write is refused: English for the command line and the import reports, and
# translated on the web pages (``PlanError.translated``).
PROBLEMS = {
    "closed": gettext_noop("an action that is %(before)s cannot change status"),
    "reason": gettext_noop("dropping an action needs a reason"),
    "back": gettext_noop("an action cannot go back from %(before)s to %(after)s"),
    "done": gettext_noop("an implemented action is at 100 percent"),
    "percent": gettext_noop("progress is a percent from 0 to 100"),
    "columns": gettext_noop("status and progress change through a progress update"),
    "delete": gettext_noop("deleting a contribution needs a reason"),
    "edit": gettext_noop("changing a contribution needs a reason"),
    "evidence": gettext_noop("changing or removing evidence needs a reason"),
    "too_large": gettext_noop("the file is larger than 10 MB"),
    "empty": gettext_noop("the file is empty"),
    "pixels": gettext_noop("the image has too many pixels"),
    "damaged": gettext_noop("the image is damaged"),
    "type": gettext_noop("only photos (JPEG, PNG, WebP) and PDF documents are accepted"),
}


def transition_problem(
    before: str, after: str, percent: int | None, note: str
) -> tuple[str, dict[str, str]] | None:
    """Why a status change is not allowed (a PROBLEMS code and its values), or None."""
    values = {"before": before, "after": after}
    if before in CLOSED and after != before:
        return "closed", values
    if after == Status.DROPPED:
        return None if note.strip() else ("reason", values)
    if after in ORDER and before in ORDER and ORDER.index(after) < ORDER.index(before):
        return "back", values
    if after == Status.IMPLEMENTED and percent is not None and percent != 100:
        return "done", values
    if percent is not None and not 0 <= percent <= 100:
        return "percent", values
    return None


def transition_error(before: str, after: str, percent: int | None, note: str) -> str:
    """The English reason a status change is not allowed, or ""."""
    problem = transition_problem(before, after, percent, note)
    return PROBLEMS[problem[0]] % problem[1] if problem else ""
