"""Charts for reports: matplotlib SVG with every text drawn as paths.

Paths need no font on the reader's machine and look the same in the browser and in
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


def _figure(rows: float, extra: float = 0.0) -> tuple[Figure, Any]:
    # Fixed margins rather than a layout engine: each layout pass re-shapes every text.
    height = 0.45 + extra + 0.24 * rows
    fig = Figure(figsize=(6.7, height))
    fig.subplots_adjust(left=0.06, right=0.97, bottom=0.32 / height, top=1 - (0.1 + extra) / height)
    return fig, fig.subplots()


def share_chart(rows: Sequence[IndicatorResult]) -> str:
    """% satisfied per indicator (dot) with its 95% Wilson interval (whiskers); rows are
    numbered 1.. as in the table, suppressed rows stay empty."""
    with _LOCK, mpl_rc_context(_rc()):
        fig, ax = _figure(len(rows))
        for i, row in enumerate(rows):
            res = row.result
            if not res.shown or res.satisfied_share is None:
                continue
            if res.ci_low is not None and res.ci_high is not None:
                low, high = 100 * res.ci_low, 100 * res.ci_high
                ax.plot([low, high], [i, i], color=INK, lw=1, clip_on=False)
                ax.plot([low, low], [i - 0.2, i + 0.2], color=INK, lw=1, clip_on=False)
                ax.plot([high, high], [i - 0.2, i + 0.2], color=INK, lw=1, clip_on=False)
            ax.plot([100 * res.satisfied_share], [i], "o", color=LATER, ms=4, clip_on=False)
        _rows_axis(ax, len(rows))
        return _svg(fig)


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
    """Before/after bars of % satisfied, one pair per indicator, values written on them."""
    shown = [(c, lab) for c, lab in zip(changes, labels, strict=True) if c.shown]
    with _LOCK, mpl_rc_context(_rc()):
        fig, ax = _figure(1.3 * max(len(shown), 1), extra=0.25)
        for i, (change, _label) in enumerate(shown):
            for offset, share, colour, name in (
                (-0.19, change.base_share, BASE, rounds[0]),
                (0.19, change.share, LATER, rounds[1]),
            ):
                value = 100 * (share or 0)
                ax.barh(
                    2 * i + 0.5 + 2 * offset,
                    value,
                    height=0.76,
                    color=colour,
                    label=name if i == 0 else "",
                    clip_on=False,
                )
        ax.set_yticks([2 * i + 0.5 for i in range(len(shown))], [lab for _c, lab in shown])
        ax.set_ylim(2 * len(shown) - 0.5, -0.5)
        ax.tick_params(axis="y", length=0)
        _percent_axis(ax)
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=2, frameon=False, fontsize=7)
        return _svg(fig)


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
