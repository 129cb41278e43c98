"""Small factories: make_<noun>(**overrides) with sensible defaults."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User

from scorecard.accounts.models import Organisation, Profile, Role
from scorecard.places.models import Commune
from scorecard.programmes.models import Programme

_seq = itertools.count(1)
PASSWORD = "a-long-test-password"


def make_organisation(**overrides: Any) -> Organisation:
    n = next(_seq)
    fields = {
        "code": f"org{n}",
        "name_en": f"Organisation {n}",
        "name_km": f"អង្គការ {n}",
        "kind": "ngo",
    }
    fields.update(overrides)
    return Organisation.objects.create(**fields)


def make_user(
    role: str | None = Role.ME_OFFICER, communes: list[str] = (), **overrides: Any
) -> User:  # type: ignore[assignment]
    n = next(_seq)
    organisation = overrides.pop("organisation", None)
    user = User.objects.create_user(
        username=overrides.pop("username", f"user{n}"), password=PASSWORD, **overrides
    )
    if role is not None:
        if organisation is None and role != Role.COMMUNE_OFFICIAL:
            organisation = make_organisation()
        profile = Profile.objects.create(user=user, role=role, organisation=organisation)
        profile.communes.set(Commune.objects.filter(code__in=communes))
    return user


def make_programme(communes: list[str] = ("010201",), **overrides: Any) -> Programme:  # type: ignore[assignment]
    n = next(_seq)
    partners = overrides.pop("partners", [])
    fields: dict[str, Any] = {
        "code": f"prog-{n}",
        "title_en": f"Programme {n}",
        "title_km": f"កម្មវិធី {n}",
        "budget": Decimal("1000.00"),
        "start": dt.date(2019, 1, 1),
        "end": dt.date(2020, 12, 31),
    }
    fields.update(overrides)
    if "organisation" not in fields:
        fields["organisation"] = make_organisation()
    programme = Programme.objects.create(**fields)
    programme.communes.set(Commune.objects.filter(code__in=communes))
    programme.partners.set(partners)
    return programme
