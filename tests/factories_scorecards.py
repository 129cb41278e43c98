"""Factories for templates, rounds and exports: make_<noun>(**overrides)."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from scorecard.scorecards.actions import create_round, load_default_template
from scorecard.scorecards.exports.synth import generate
from scorecard.scorecards.forms import form_spec
from scorecard.scorecards.models import Round, Template

_seq = itertools.count(1)
COMMUNES = ["010201", "010203"]


def make_template() -> Template:
    load_default_template()
    return Template.objects.get(code="isaf")


def make_round(**overrides: Any) -> Round:
    make_template()
    fields: dict[str, Any] = {
        "template": "isaf",
        "mode": "survey",
        "year": 2019,
        "communes": COMMUNES,
    }
    fields.update(overrides)
    code = fields.pop("code", f"R{next(_seq)}")
    actor = fields.pop("actor", "test")
    return create_round(actor, code, **fields)


def make_export(round_: Round, out: Path, **overrides: Any) -> Path:
    """A synthetic export of the round's form (Kobo CSV by default)."""
    fields: dict[str, Any] = {"rows": 20, "fmt": "kobo_csv", "seed": 7}
    fields.update(overrides)
    return generate(form_spec(round_.template_version, round_), out, **fields)
