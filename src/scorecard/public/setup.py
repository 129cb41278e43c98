"""What `scorecard init` loads: reference data always, the demo programme on request."""

from __future__ import annotations

from collections.abc import Iterator

from django.db import transaction

from scorecard.places.gazetteer import load_gazetteer
from scorecard.places.models import FacilityType

FACILITY_TYPES = [
    ("commune_office", "Commune/sangkat administration", "រដ្ឋបាលឃុំ/សង្កាត់", True),
    ("health_centre", "Health centre", "មណ្ឌលសុខភាព", False),
    ("primary_school", "Primary school", "សាលាបឋមសិក្សា", False),
]


@transaction.atomic
def load_facility_types() -> int:
    for order, (code, en, km, one) in enumerate(FACILITY_TYPES):
        FacilityType.objects.update_or_create(
            code=code,
            defaults={"name_en": en, "name_km": km, "order": order, "one_per_commune": one},
        )
    return len(FACILITY_TYPES)


def initialise(demo: bool = False) -> Iterator[str]:
    report = load_gazetteer()
    yield f"Places: {report.summary()}."
    for line in report.skipped[:5]:
        yield f"  skipped {line}"
    if len(report.skipped) > 5:
        yield f"  … and {len(report.skipped) - 5} more (run `scorecard places --defects`)"
    yield f"Facility types: {load_facility_types()}."
    from scorecard.scorecards.actions import load_default_template

    yield load_default_template()
    if demo:
        from scorecard.public.demo import load_demo

        yield from load_demo()
