"""The demo programme's logframe, loaded from ``demo_logframe.yaml`` through the same
path as ``scorecard logframe load`` (loading twice changes nothing)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from scorecard.logframe.actions import load_logframe
from scorecard.programmes.models import Programme

PROGRAMME_CODE = "UDF-KHM-2019"
DEMO_FILE = Path(__file__).with_name("demo_logframe.yaml")


def load_demo_logframe() -> Iterator[str]:
    programme = Programme.objects.filter(code=PROGRAMME_CODE).first()
    if programme is None:
        yield f"Demo logframe skipped: no programme {PROGRAMME_CODE}."
        return
    count = load_logframe("demo", programme, DEMO_FILE.read_text(encoding="utf-8"))
    yield f"Demo logframe: {count} indicators."
