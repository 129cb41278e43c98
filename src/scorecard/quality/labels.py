"""Translatable names of the interview flags (checks.FLAGS)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from scorecard.quality import checks

FLAG_LABELS = {
    checks.NO_NEED: _("no concrete need"),
    checks.TOO_SHORT: _("too short"),
    checks.NO_DURATION: _("no start or end time"),
    checks.STRAIGHT: _("same score everywhere"),
    checks.DUPLICATE: _("duplicate respondent"),
    checks.MISSING: _("missing answers"),
}
