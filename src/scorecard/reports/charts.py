"""Charts for reports: SVG with every text drawn as paths.

The two survey charts (% satisfied with intervals, change since the baseline) are
written by hand, their labels drawn with matplotlib's text-to-path; the distribution
chart of meetings and self-assessments is a matplotlib figure. Paths need no font on the reader's machine and look the same in the browser and in
WeasyPrint. Matplotlib 3.11 lays text out with libraqm (HarfBuzz), so Khmer clusters
such as ស្ត្រី are shaped correctly (checked on rendered PNGs); labels still stay short
(level names, round codes, row numbers): the indicator texts are in the HTML table next
to the chart, where the page engine wraps them.

All functions return SVG text; :func:`data_url` turns it into an ``<img src>``, which
keeps each chart's ids (clip paths, glyph defs) private to its own document.
"""

from __future__ import annotations

import base64
import io
import threading
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from django.conf import settings
from matplotlib import font_manager
from matplotlib import rc_context as mpl_rc_context
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MultipleLocator

from scorecard.public.display import digits

from .data import Change, IndicatorResult
from .wording import LEVELS

# The five levels' colours: the same as the faces (static/scorecard/faces/*.svg).
LEVEL_COLOURS = ("#c62828", "#ef6c00", "#f9a825", "#7cb342", "#2e7d32")
INK, GRID, BASE, LATER = "#222222", "#d9d9d9", "#9e9e9e", "#1565c0"
_LOCK = threading.Lock()  # font_manager and rcParams are process-wide


@lru_cache(maxsize=1)
def font_name() -> str:
    path = str(settings.FONT_FILE)
    font_manager.fontManager.addfont(path)
    return font_manager.FontProperties(fname=path).get_name()


def _rc() -> Any:
    return {
        "font.family": [font_name(), "DejaVu Sans"],
        "font.size": 8,
        "svg.fonttype": "path",
        "svg.hashsalt": "scorecard",  # stable ids: the same data gives the same file
        "axes.edgecolor": GRID,
        "axes.labelcolor": INK,
        "xtick.color": INK,
        "ytick.color": INK,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }


def _svg(fig: Figure) -> str:
    out = io.StringIO()
    FigureCanvasSVG(fig).print_svg(out, metadata={"Date": None})
    text = out.getvalue()
    return text[text.index("<svg") :]


def data_url(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")


def _percent_axis(ax: object) -> None:
    ax.set_xlim(0, 100)  # type: ignore[attr-defined]
    ax.xaxis.set_major_locator(MultipleLocator(25))  # type: ignore[attr-defined]
    ax.xaxis.set_major_formatter(  # type: ignore[attr-defined]
        FuncFormatter(lambda v, _pos: digits(f"{v:.0f}%"))
    )
    ax.grid(axis="x", color=GRID, linewidth=0.5)  # type: ignore[attr-defined]
    ax.set_axisbelow(True)  # type: ignore[attr-defined]


# --- Hand-written SVG for the survey charts ------------------------------------------------
# The same look as matplotlib's, at a fraction of the cost: matplotlib took about a third
# of a report's time to draw these (ticks, transforms, clip paths), and WeasyPrint another
# third to draw its verbose SVG. Labels are still paths, from matplotlib's own text-to-path
# (the same font, fallback and shaping), cached per label.

_PT = 72.0  # SVG user units are points, as matplotlib writes them
_TEXT_PATH: dict[tuple[str, float], tuple[str, float, float]] = {}
_SEGMENT = {1: "M", 2: "L", 3: "Q", 4: "C"}


def _outline(text: str, size: float) -> tuple[str, float, float]:
    """SVG path data of ``text`` at the origin (baseline, y down), its x extent."""
    key = (text, size)
    if len(_TEXT_PATH) > 4096:  # labels are digits and round codes: this never fills up
        _TEXT_PATH.clear()
    if key not in _TEXT_PATH:
        from matplotlib.textpath import TextPath

        with _LOCK:
            prop = font_manager.FontProperties(family=[font_name(), "DejaVu Sans"], size=size)
            path = TextPath((0, 0), text, prop=prop)
        parts = []
        for vertices, code in path.iter_segments(curves=True, simplify=False):
            if code == 79:  # CLOSEPOLY
                parts.append("Z")
                continue
            points = vertices.reshape(-1, 2)
            parts.append(_SEGMENT[int(code)] + " ".join(f"{x:.2f} {-y:.2f}" for x, y in points))
        extent = path.get_extents() if len(path.vertices) else None
        x0, x1 = (extent.x0, extent.x1) if extent is not None else (0.0, 0.0)
        _TEXT_PATH[key] = ("".join(parts), float(x0), float(x1))
    return _TEXT_PATH[key]


def _text_width(text: str, size: float) -> float:
    _d, x0, x1 = _outline(text, size)
    return x1 - x0


def _text(text: str, x: float, baseline: float, size: float, anchor: str) -> str:
    """``text`` as a filled path: ``anchor`` start, middle or end at ``x``."""
    d, x0, x1 = _outline(text, size)
    shift = {"start": -x0, "middle": -(x0 + x1) / 2, "end": -x1}[anchor]
    return f'<path transform="translate({x + shift:.2f} {baseline:.2f})" fill="{INK}" d="{d}"/>'


class _Plot:
    """A 0-100% horizontal axis and numbered rows, laid out as ``_figure`` does."""

    def __init__(self, rows: float, slots: int, top: float) -> None:
        self.width = 6.7 * _PT
        self.height = (0.45 + top - 0.1 + 0.24 * rows) * _PT
        self.left, self.right = 0.06 * self.width, 0.97 * self.width
        self.top, self.bottom = top * _PT, self.height - 0.32 * _PT
        self.step = (self.bottom - self.top) / max(slots, 1)  # one row (data unit 1)

    def x(self, percent: float) -> float:
        return self.left + (self.right - self.left) * percent / 100

    def y(self, row: float) -> float:
        return self.top + (row + 0.5) * self.step

    def svg(self, marks: list[str], labels: list[tuple[float, str]]) -> str:
        w, h = self.width, self.height
        parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{w:.2f}pt" height="{h:.2f}pt" '
            f'viewBox="0 0 {w:.2f} {h:.2f}">',
            f'<rect width="{w:.2f}" height="{h:.2f}" fill="#ffffff"/>',
        ]
        grid = "".join(
            f"M{self.x(v):.2f} {self.top:.2f}V{self.bottom:.2f}" for v in (0, 25, 50, 75, 100)
        )
        parts.append(f'<path d="{grid}" stroke="{GRID}" stroke-width="0.5"/>')
        parts.append(
            f'<path d="M{self.left:.2f} {self.top:.2f}V{self.bottom:.2f}H{self.right:.2f}" '
            f'stroke="{GRID}" stroke-width="0.8" fill="none"/>'
        )
        ticks = "".join(f"M{self.x(v):.2f} {self.bottom:.2f}v3.5" for v in (0, 25, 50, 75, 100))
        parts.append(f'<path d="{ticks}" stroke="{INK}" stroke-width="0.8"/>')
        for v in (0, 25, 50, 75, 100):
            parts.append(_text(digits(f"{v}%"), self.x(v), self.bottom + 13, 8, "middle"))
        for y, label in labels:
            parts.append(_text(label, self.left - 3.5, y + 3, 8, "end"))
        parts.extend(marks)
        parts.append("</svg>")
        return "".join(parts)


def _figure(rows: float, extra: float = 0.0) -> tuple[Figure, Any]:
    # Fixed margins rather than a layout engine: each layout pass re-shapes every text.
    height = 0.45 + extra + 0.24 * rows
    fig = Figure(figsize=(6.7, height))
    fig.subplots_adjust(left=0.06, right=0.97, bottom=0.32 / height, top=1 - (0.1 + extra) / height)
    return fig, fig.subplots()


def share_chart(rows: Sequence[IndicatorResult]) -> str:
    """% satisfied per indicator (dot) with its 95% Wilson interval (whiskers); rows are
    numbered 1.. as in the table, suppressed rows stay empty."""
    plot = _Plot(len(rows), len(rows), top=0.1)
    marks = []
    for i, row in enumerate(rows):
        res = row.result
        if not res.shown or res.satisfied_share is None:
            continue
        y = plot.y(i)
        if res.ci_low is not None and res.ci_high is not None:
            low, high = plot.x(100 * res.ci_low), plot.x(100 * res.ci_high)
            cap = 0.2 * plot.step
            marks.append(
                f'<path d="M{low:.2f} {y:.2f}H{high:.2f}M{low:.2f} {y - cap:.2f}V{y + cap:.2f}'
                f'M{high:.2f} {y - cap:.2f}V{y + cap:.2f}" stroke="{INK}" stroke-width="1"/>'
            )
        x = plot.x(100 * res.satisfied_share)
        marks.append(f'<circle cx="{x:.2f}" cy="{y:.2f}" r="2" fill="{LATER}"/>')
    labels = [(plot.y(i), digits(i + 1)) for i in range(len(rows))]
    return plot.svg(marks, labels)


def distribution_chart(rows: Sequence[IndicatorResult]) -> str:
    """The five levels per indicator as 100% stacked bars, with the level names."""
    with _LOCK, mpl_rc_context(_rc()):
        fig, ax = _figure(len(rows), extra=0.3)
        lefts = [0.0] * len(rows)
        for level in range(5):
            widths = []
            for row in rows:
                counts = row.counts if row.result.shown else None
                total = sum(counts) if counts else 0
                widths.append(100 * counts[level] / total if counts and total else 0.0)
            ax.barh(
                range(len(rows)),
                widths,
                left=lefts,
                height=0.62,
                color=LEVEL_COLOURS[level],
                label=f"{digits(level + 1)} {LEVELS[level]}",
                clip_on=False,
            )
            lefts = [a + b for a, b in zip(lefts, widths, strict=True)]
        _rows_axis(ax, len(rows))
        ax.legend(
            loc="lower left",
            bbox_to_anchor=(0, 1.0),
            ncols=5,
            frameon=False,
            fontsize=7,
            handlelength=1,
            handletextpad=0.4,
            columnspacing=0.9,
            borderaxespad=0.2,
        )
        return _svg(fig)


def _rows_axis(ax: Any, count: int) -> None:
    ax.set_yticks(range(count), [digits(i + 1) for i in range(count)])
    ax.set_ylim(count - 0.5, -0.5)
    ax.tick_params(axis="y", length=0)
    _percent_axis(ax)


def change_chart(changes: Sequence[Change], labels: Sequence[str], rounds: tuple[str, str]) -> str:
    """Before/after bars of % satisfied, one pair per indicator, with a legend of the two
    rounds above."""
    shown = [(c, lab) for c, lab in zip(changes, labels, strict=True) if c.shown]
    count = max(len(shown), 1)
    plot = _Plot(1.3 * count, 2 * count, top=0.35)
    marks, ticks = [], []
    for i, (change, label) in enumerate(shown):
        ticks.append((plot.y(2 * i + 0.5), label))
        for offset, share, colour in (
            (-0.38, change.base_share, BASE),
            (0.38, change.share, LATER),
        ):
            y = plot.y(2 * i + 0.5 + offset) - 0.38 * plot.step
            width = plot.x(100 * (share or 0)) - plot.left
            marks.append(
                f'<rect x="{plot.left:.2f}" y="{y:.2f}" width="{width:.2f}" '
                f'height="{0.76 * plot.step:.2f}" fill="{colour}"/>'
            )
    x = plot.left
    for name, colour in ((rounds[0], BASE), (rounds[1], LATER)):
        marks.append(f'<rect x="{x:.2f}" y="8" width="14" height="5" fill="{colour}"/>')
        marks.append(_text(name, x + 17, 13, 7, anchor="start"))
        x += 17 + _text_width(name, 7) + 12
    return plot.svg(marks, ticks)


def distribution_bar(counts: Sequence[int] | None, width: int = 120, height: int = 10) -> str:
    """A small stacked bar of the five levels as plain SVG (no matplotlib: one per row)."""
    total = sum(counts) if counts else 0
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">',
        f'<rect width="{width}" height="{height}" fill="#eeeeee"/>',
    ]
    x = 0.0
    for level, count in enumerate(counts or ()):
        if not total or not count:
            continue
        w = width * count / total
        parts.append(
            f'<rect x="{x:.2f}" width="{w:.2f}" height="{height}" fill="{LEVEL_COLOURS[level]}"/>'
        )
        x += w
    parts.append("</svg>")
    return "".join(parts)
