"""The survey charts are hand-written SVG with every label drawn as a path."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from scorecard.reports import charts
from scorecard.reports.data import Change, GroupResult, IndicatorResult, Label

SVG = "{http://www.w3.org/2000/svg}"


def make_item(share: float | None, low: float | None = None, high: float | None = None):
    shown = share is not None
    result = GroupResult(
        "all",
        "all",
        100 if shown else 3,
        satisfied_share=share,
        ci_low=low,
        ci_high=high,
        suppressed=not shown,
    )
    return IndicatorResult("all", "overall", Label("x"), result)


def make_change(base: float, share: float) -> Change:
    return Change(
        "all", "overall", Label("x"), "b", "r", 100, base, 100, share, share - base,
        None, None, None, None,
    )  # fmt: skip


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # noqa: S314 - our own SVG
    assert root.tag == f"{SVG}svg"
    assert list(root.iter(f"{SVG}text")) == []  # text as paths: no font needed to read it
    return root


def test_the_share_chart_draws_a_dot_and_whiskers_per_shown_row():
    rows = [make_item(0.4, 0.35, 0.45), make_item(None), make_item(0.6, 0.55, 0.65)]
    with translation.override("km"):
        root = parse(charts.share_chart(rows))
    dots = list(root.iter(f"{SVG}circle"))
    assert len(dots) == 2  # the suppressed row stays empty
    x40, x60 = (float(d.get("cx") or 0) for d in dots)
    assert x40 < x60
    assert len([p for p in root.iter(f"{SVG}path") if p.get("stroke") == charts.INK]) >= 2


def test_the_share_chart_is_the_same_svg_for_the_same_data():
    rows = [make_item(0.4, 0.35, 0.45)]
    assert charts.share_chart(rows) == charts.share_chart(rows)


def test_the_change_chart_draws_two_bars_per_change_and_a_legend():
    changes = [make_change(0.4, 0.6), make_change(0.5, 0.45)]
    root = parse(charts.change_chart(changes, ["1", "2"], ("R2018", "R2019")))
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("fill") in {charts.BASE, charts.LATER}]
    assert len(bars) == 2 * 2 + 2  # the bars, then one swatch per round in the legend
    widths = [float(r.get("width") or 0) for r in bars[:4]]
    assert widths[1] / widths[0] == pytest.approx(1.5, abs=1e-3)  # 60% vs 40%, to 0.01 pt


def test_khmer_labels_are_shaped():
    # A subscript consonant (coeng) stacks under its base: shaped, the cluster is narrower
    # than its letters set side by side.
    word = "ស្ត្រី"
    assert charts._text_width(word, 8) > 0
    assert charts._text_width(word, 8) < sum(charts._text_width(c, 8) for c in "សតរ")
