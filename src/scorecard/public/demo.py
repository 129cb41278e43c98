"""The demo: the seed report's programme, its four communes and a user for each role.

Later capabilities add their own demo records (rounds, plans, events) from here, all
through the same actions and import paths that users take.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from importlib import import_module

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import translation

from scorecard.accounts.models import Organisation, Profile, Role
from scorecard.places.models import Commune, Facility, FacilityType
from scorecard.programmes.actions import create_programme
from scorecard.programmes.models import Programme

DEMO_PASSWORD = "scorecard-demo"
PROGRAMME_CODE = "UDF-KHM-2019"
# Two communes in Banteay Meanchey (Mongkol Borei), two in Kampong Thom (Stueng Saen).
COMMUNES = ["010201", "010203", "060301", "060303"]
ORGANISATIONS = [
    ("api", "ngo", "Advocacy and Policy Institute", "វិទ្យាស្ថានតស៊ូមតិ និងគោលនយោបាយ", "API"),
    ("undef", "donor", "United Nations Democracy Fund", "មូលនិធិប្រជាធិបតេយ្យសហប្រជាជាតិ", "UNDEF"),
    ("cows", "partner", "Cambodian Organization for Women Support", "អង្គការគាំទ្រស្ត្រីកម្ពុជា", "COWS"),
    ("vsg", "partner", "Village Support Group", "ក្រុមគាំទ្រភូមិ", "VSG"),
    (
        "cpdd",
        "partner",
        "Coalition for Partnership in Democratic Development",
        "សម្ព័ន្ធភាពដៃគូអភិវឌ្ឍន៍ប្រជាធិបតេយ្យ",
        "CPDD",
    ),
]
# Each capability adds its demo records through the same paths users take; loaded in
# this order because later ones use earlier ones (plans cite rounds, events the trainees).
DEMO_LOADERS = [
    "scorecard.scorecards.demo.load_demo_rounds",
    "scorecard.events.demo.load_demo_events",
    "scorecard.plans.demo.load_demo_plans",
    "scorecard.meetings.demo.load_demo_meetings",
    "scorecard.needs.demo.load_demo_needs",
    "scorecard.logframe.demo.load_demo_logframe",
    "scorecard.public.demo_publish.load_demo_publication",  # last: publishes what came before
]
USERS = [
    ("admin", Role.ADMIN, "api"),
    ("meofficer", Role.ME_OFFICER, "api"),
    ("facilitator", Role.FACILITATOR, "vsg"),
    ("official", Role.COMMUNE_OFFICIAL, None),
    ("donor", Role.DONOR_VIEWER, "undef"),
]


def _organisations() -> dict[str, Organisation]:
    orgs = {}
    for code, kind, en, km, acronym in ORGANISATIONS:
        orgs[code], _ = Organisation.objects.update_or_create(
            code=code, defaults={"kind": kind, "name_en": en, "name_km": km, "acronym": acronym}
        )
    return orgs


def _facilities(communes: list[Commune]) -> int:
    types = {t.code: t for t in FacilityType.objects.all()}
    labels = {
        "commune_office": ("{} Commune Office", "សាលាឃុំ{}"),
        "health_centre": ("{} Health Centre", "មណ្ឌលសុខភាព{}"),
        "primary_school": ("{} Primary School", "សាលាបឋមសិក្សា{}"),
    }
    for commune in communes:
        for code, (en, km) in labels.items():
            Facility.objects.update_or_create(
                code=f"{code[:2].upper()}-{commune.code}",
                defaults={
                    "type": types[code],
                    "commune": commune,
                    "name_en": en.format(commune.name_en),
                    "name_km": km.format(commune.name_km),
                },
            )
    return len(communes) * len(labels)


def _users(orgs: dict[str, Organisation], communes: list[Commune]) -> list[str]:
    logins = []
    for username, role, org in USERS:
        user, created = User.objects.get_or_create(username=username)
        if created:
            user.set_password(DEMO_PASSWORD)
            user.is_staff = role == Role.ADMIN  # the admin reaches Django's admin too
            user.save()
        profile, _ = Profile.objects.update_or_create(
            user=user, defaults={"role": role, "organisation": orgs[org] if org else None}
        )
        if role == Role.COMMUNE_OFFICIAL:
            profile.communes.set(communes[:1])
        with translation.override("en"):  # the console speaks English, like its verbs
            logins.append(f"  {username:<12} {DEMO_PASSWORD}  ({role.label})")
    return logins


def load_demo() -> Iterator[str]:
    # One transaction for the whole demo: a failure leaves no half-loaded programme.
    # (transaction.atomic cannot wrap a generator's body, hence the list.)
    with transaction.atomic():
        lines = list(_load_demo())
    yield from lines


def _load_demo() -> Iterator[str]:
    orgs = _organisations()
    communes = list(Commune.objects.filter(code__in=COMMUNES))
    if not Programme.objects.filter(code=PROGRAMME_CODE).exists():
        create_programme(
            "demo",
            PROGRAMME_CODE,
            "Enhancing Local Democratic Governance in Cambodia, 2019-2020",
            title_km="ការពង្រឹងអភិបាលកិច្ចប្រជាធិបតេយ្យមូលដ្ឋាននៅកម្ពុជា ឆ្នាំ២០១៩-២០២០",
            organisation=orgs["api"],
            donor=orgs["undef"],
            partners=[orgs["cows"], orgs["vsg"], orgs["cpdd"]],
            communes=communes,
            budget=Decimal("165000.00"),
            currency="USD",
            start=dt.date(2019, 1, 1),
            end=dt.date(2020, 12, 31),
        )
    yield f"Demo programme {PROGRAMME_CODE}: 4 communes, {_facilities(communes)} facilities."
    logins = _users(orgs, communes)
    for loader in DEMO_LOADERS:
        module, name = loader.rsplit(".", 1)
        yield from getattr(import_module(module), name)()
    yield "Demo logins (user, password, role):"
    yield from logins
