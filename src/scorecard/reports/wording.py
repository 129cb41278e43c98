"""Numbers and sentences in the active language (call under ``translation.override``).

Percentages are rounded half up to one decimal from the decimal form of the share
(0.37065 -> 37.1%), never truncated and never subject to binary-float surprises.
Digits are Khmer in Khmer (``scorecard.public.display.digits``).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from scorecard.public.display import digits

from .data import Change, Method

TENTH = Decimal("0.1")

LEVELS = (
    gettext_lazy("very bad"),
    gettext_lazy("bad"),
    gettext_lazy("acceptable"),
    gettext_lazy("good"),
    gettext_lazy("very good"),
)

BREAKDOWN_NAMES = {
    "sex": gettext_lazy("sex"),
    "youth": pgettext_lazy("report breakdown", "Youth"),
    "disability": pgettext_lazy("report breakdown", "Disability"),
    "minority": pgettext_lazy("report breakdown", "Ethnic minority"),
    "idpoor": pgettext_lazy("report breakdown", "IDPoor"),
    "sex_youth": pgettext_lazy("report breakdown", "Sex and youth"),
}

GROUP_NAMES = {
    ("sex", "female"): pgettext_lazy("report group", "Women"),
    ("sex", "male"): pgettext_lazy("report group", "Men"),
    ("sex", "other"): pgettext_lazy("report group", "Other sex"),
    ("youth", "youth"): pgettext_lazy("report group", "Youth (15-30)"),
    ("youth", "non_youth"): pgettext_lazy("report group", "Not youth"),
    ("disability", "yes"): pgettext_lazy("report group", "With a disability"),
    ("disability", "no"): pgettext_lazy("report group", "No disability"),
    ("minority", "yes"): pgettext_lazy("report group", "Ethnic minority"),
    ("minority", "no"): pgettext_lazy("report group", "Not a minority"),
    ("idpoor", "level1"): pgettext_lazy("report group", "IDPoor 1"),
    ("idpoor", "level2"): pgettext_lazy("report group", "IDPoor 2"),
    ("idpoor", "none"): pgettext_lazy("report group", "Not IDPoor"),
    ("sex_youth", "female+youth"): pgettext_lazy("report group", "Young women"),
    ("sex_youth", "female+non_youth"): pgettext_lazy("report group", "Older women"),
    ("sex_youth", "male+youth"): pgettext_lazy("report group", "Young men"),
    ("sex_youth", "male+non_youth"): pgettext_lazy("report group", "Older men"),
    ("sex_youth", "other+youth"): pgettext_lazy("report group", "Other sex, youth"),
    ("sex_youth", "other+non_youth"): pgettext_lazy("report group", "Other sex, not youth"),
}


def group_name(breakdown: str, group: str) -> str:
    return str(GROUP_NAMES.get((breakdown, group), group))


def _tenths(value: float) -> Decimal:
    # str() gives the shortest repr that round-trips, so 0.37065 stays 0.37065 here.
    return (Decimal(str(value)) * 100).quantize(TENTH, rounding=ROUND_HALF_UP)


def number(value: int | None) -> str:
    return "" if value is None else digits(f"{value:,}")


def pct(share: float | None) -> str:
    """0.37065 -> '37.1%' (or '៣៧.១%' in Khmer); None -> ''."""
    if share is None:
        return ""
    return digits(f"{_tenths(share)}%")


def pct_range(low: float | None, high: float | None) -> str:
    """Wilson limits as '37.1–43.1%'."""
    if low is None or high is None:
        return ""
    return digits(f"{_tenths(low)}–{_tenths(high)}%")


def points(diff: float | None, sign: bool = True) -> str:
    """A difference of shares in percentage points: 0.1999 -> '+20.0'."""
    if diff is None:
        return ""
    value = _tenths(diff)
    if value == 0:
        value = abs(value)  # no "-0.0"
    text = f"{value:+}" if sign else f"{abs(value)}"
    return digits(text.replace("-", "−"))


def points_range(low: float | None, high: float | None) -> str:
    if low is None or high is None:
        return ""
    return _("%(low)s to %(high)s points") % {"low": points(low), "high": points(high)}


def decimal(value: float | None, places: int = 1) -> str:
    if value is None:
        return ""
    quantum = Decimal(1).scaleb(-places)
    return digits(str(Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)))


NBSP = "\u00a0"


def p_text(p: float) -> str:
    """'p < 0.001', or p to two decimals (three below 0.01); never broken across lines."""
    if p < 0.001:
        return f"p{NBSP}<{NBSP}" + digits("0.001")
    places = 2 if p >= 0.0095 else 3
    return f"p{NBSP}={NBSP}" + decimal(p, places)


SIGNIFICANCE = 0.05


def direction(change: Change) -> str:
    """'up', 'down' or 'same' as the change reads once rounded to one decimal."""
    if change.diff is None or _tenths(change.diff) == 0:
        return "same"
    return "up" if change.diff > 0 else "down"


def is_significant(change: Change) -> bool:
    return change.p_value is not None and change.p_value < SIGNIFICANCE


def change_statement(change: Change) -> str:
    """The plain-language sentence for a change, in the active language.

    "up 20.0 points, from 40.0% to 60.0%; a change this large is very unlikely to be
    chance (p < 0.001)", or the honest version when the test does not reject chance.
    """
    if not change.shown:
        return ""
    values = {
        "points": points(change.diff, sign=False),
        "base": pct(change.base_share),
        "share": pct(change.share),
    }
    way = direction(change)
    if way == "up":
        what = _("up %(points)s points, from %(base)s to %(share)s") % values
    elif way == "down":
        what = _("down %(points)s points, from %(base)s to %(share)s") % values
    else:
        what = _("no change from %(base)s to %(share)s") % values
    p = change.p_value
    if p is None:
        test = _("no test is possible: everyone or no one was satisfied in both rounds")
    elif p < 0.001:
        test = _("a change this large is very unlikely to be chance (%(p)s)") % {"p": p_text(p)}
    elif p < SIGNIFICANCE:
        test = _("a change this large is unlikely to be chance (%(p)s)") % {"p": p_text(p)}
    else:
        test = _(
            "a change this small could well be chance (%(p)s): the surveys do not show a real change"
        ) % {"p": p_text(p)}
    return _("%(what)s; %(test)s") % {"what": what, "test": test}


def method_paragraphs(method: Method, survey: bool) -> list[str]:
    """The method note, one paragraph per rule, with this report's own figures."""
    level = digits(f"{method.confidence * 100:.0f}%")
    paragraphs = [
        _(
            "Each respondent rates each indicator on five levels, from 1 (very bad) to 5 (very good). A rating of %(threshold)s or more counts as satisfied: the share satisfied is the number of such ratings divided by the number of ratings. An answer of “don’t know” or a blank is not a rating."
        )
        % {"threshold": digits(method.threshold)},
    ]
    if survey:
        paragraphs += [
            _(
                "A survey measures a sample, not everyone. Next to each share is its %(level)s interval (Wilson score interval): the range of true values that the sample is compatible with. It stays between 0 and 100 and is reliable in small samples."
            )
            % {"level": level},
            _(
                "Change since the baseline round is the later share minus the baseline share, in percentage points, with a %(level)s interval by Newcombe’s hybrid score method. A two-sided, pooled two-proportion z-test gives the p-value: below %(alpha)s, a change this large is unlikely to be chance."
            )
            % {"level": level, "alpha": digits(f"{SIGNIFICANCE}")},
        ]
    else:
        paragraphs.append(
            _(
                "The votes of a meeting are not a random sample, so no confidence interval is given: the report shows the median, the number of votes at each level and the number of votes."
            )
        )
    if method.tie_rule == "up":
        paragraphs.append(
            _(
                "The median is the middle rating; with an even number of ratings it is the higher of the two middle ratings (the ISAF rule)."
            )
        )
    else:
        paragraphs.append(
            _(
                "The median is the middle rating; with an even number of ratings it is the mean of the two middle ratings."
            )
        )
    paragraphs.append(
        _(
            "Cells with fewer than %(min_cell)s respondents are not shown (—): with so few people one answer moves the share by %(points)s points or more, and people could be identified."
        )
        % {
            "min_cell": digits(method.min_cell),
            "points": digits(f"{100 / max(method.min_cell - 1, 1):.0f}"),
        }
    )
    return paragraphs


def face_level(share: float | None, median: float | None, survey: bool) -> int | None:
    """The face (1-5) an indicator gets: by % satisfied in surveys (0-19% very bad ...
    80-100% very good), by the median (rounded half up) for meetings."""
    if survey and share is not None:
        return min(5, 1 + int(_tenths(share) // 20))
    if median is not None:
        level = int(Decimal(str(median)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        return max(1, min(5, level))
    return None
