"""The demo's event descriptions, commune budgets and service standards (see ``demo``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

COMMUNES = ["010201", "010203", "060301", "060303"]

EVENTS: dict[str, dict[str, Any]] = {
    "T-YOUTH-2019": {
        "type": "training",
        "training_kind": "youth_enumerators",
        "start": dt.date(2019, 3, 11),
        "end": dt.date(2019, 3, 13),
        "title_en": "Training of youth enumerators in citizen scorecard surveys",
        "title_km": "វគ្គបណ្តុះបណ្តាលយុវជនអ្នកស្ទង់មតិ ស្តីពីការស្ទង់មតិប័ណ្ណដាក់ពិន្ទុប្រជាពលរដ្ឋ",
        "topics": "Survey ethics; sampling households; KoboCollect; recording needs and claims",
        "place": "Mongkol Borei",
    },
    "T-OFFICIALS-2019": {
        "type": "training",
        "training_kind": "local_officials",
        "start": dt.date(2019, 6, 17),
        "end": dt.date(2019, 6, 18),
        "title_en": "Training of local officials on social accountability and service delivery",
        "title_km": "វគ្គបណ្តុះបណ្តាលមន្ត្រីមូលដ្ឋាន ស្តីពីគណនេយ្យភាពសង្គម និងការផ្តល់សេវាសាធារណៈ",
        "topics": "Social accountability; responding to citizens' scores; action plans",
        "place": "Banteay Meanchey and Kampong Thom",
    },
    "T-WOMEN-2019": {
        "type": "training",
        "training_kind": "women_councillors",
        "start": dt.date(2019, 7, 8),
        "end": dt.date(2019, 7, 9),
        "title_en": "Training of women councillors and CWC members on action plan implementation",
        "title_km": "វគ្គបណ្តុះបណ្តាលក្រុមប្រឹក្សាស្ត្រី និងសមាជិកគណៈកម្មាធិការទទួលបន្ទុកកិច្ចការនារី និងកុមារ ស្តីពីការអនុវត្តផែនការសកម្មភាព",
        "topics": "Joint accountability action plans; following up actions; gender",
        "place": "Stueng Saen",
    },
    "W-NATIONAL-2020": {
        "type": "workshop",
        "start": dt.date(2020, 11, 26),
        "title_en": "National workshop: Learning about Social Accountability in Cambodia",
        "title_km": "សិក្ខាសាលាថ្នាក់ជាតិ៖ ការរៀនសូត្រអំពីគណនេយ្យភាពសង្គមនៅកម្ពុជា",
        "topics": "Citizen scorecard reports; success stories and lessons learnt",
        "place": "Phnom Penh",
    },
}
OUTREACH_TITLE = (
    "Outreach on the scorecard process and the Citizens' Budget",
    "ការផ្សព្វផ្សាយអំពីដំណើរការប័ណ្ណដាក់ពិន្ទុ និងថវិកាសម្រាប់ប្រជាពលរដ្ឋ",
)
for _n, _commune in enumerate(COMMUNES):
    EVENTS[f"O-{_commune}"] = {
        "type": "outreach",
        "start": dt.date(2019, 9, 2 + 7 * _n),
        "title_en": OUTREACH_TITLE[0],
        "title_km": OUTREACH_TITLE[1],
        "topics": "The scorecard process; roles of citizens and local authorities; the Citizens' Budget booklet",
    }

BUDGET_2019 = {  # riel, for the first demo commune; the others are scaled
    "administration": 96_400_000,
    "roads": 182_000_000,
    "water_sanitation": 54_500_000,
    "health": 21_800_000,
    "education": 27_300_000,
    "social_services": 18_600_000,
}
GROWTH_2020 = {
    "administration": 1.03,
    "roads": 0.92,
    "water_sanitation": 1.25,
    "health": 1.4,
    "education": 1.18,
    "social_services": 1.1,
}

STANDARDS = [
    # facility type, code, en, km, target, unit en, unit km, at_most, actual per commune
    (
        "commune_office",
        "co_open_days",
        "Days a week the office is open",
        "ចំនួនថ្ងៃដែលសាលាឃុំបើកធ្វើការក្នុងមួយសប្តាហ៍",
        5,
        "days",
        "ថ្ងៃ",
        False,
        (5, 5, 5, 4),
    ),
    (
        "commune_office",
        "co_birth_certificate_days",
        "Days to issue a birth certificate",
        "រយៈពេលចេញសំបុត្រកំណើត",
        1,
        "days",
        "ថ្ងៃ",
        True,
        (1, 3, 2, 1),
    ),
    (
        "commune_office",
        "co_public_meetings",
        "Public council meetings a year",
        "កិច្ចប្រជុំសាធារណៈរបស់ក្រុមប្រឹក្សាឃុំក្នុងមួយឆ្នាំ",
        12,
        "meetings",
        "ដង",
        False,
        (12, 10, 8, 12),
    ),
    (
        "health_centre",
        "hc_midwives_at_night",
        "Midwives on duty at night",
        "ឆ្មបប្រចាំការពេលយប់",
        2,
        "midwives",
        "នាក់",
        False,
        (2, 1, 1, 2),
    ),
    (
        "health_centre",
        "hc_waiting_minutes",
        "Waiting time before seeing a nurse",
        "រយៈពេលរង់ចាំមុនពេលជួបគិលានុបដ្ឋាក",
        30,
        "minutes",
        "នាទី",
        True,
        (45, 25, 40, 30),
    ),
    (
        "health_centre",
        "hc_consultation_hours",
        "Hours a day open for consultations",
        "ម៉ោងបើកពិគ្រោះជំងឺក្នុងមួយថ្ងៃ",
        8,
        "hours",
        "ម៉ោង",
        False,
        (8, 8, 6, 8),
    ),
    (
        "primary_school",
        "ps_pupils_per_teacher",
        "Pupils per teacher",
        "ចំនួនសិស្សក្នុងគ្រូម្នាក់",
        50,
        "pupils",
        "នាក់",
        True,
        (48, 56, 52, 44),
    ),
    (
        "primary_school",
        "ps_working_latrines",
        "Working latrines",
        "បង្គន់ដែលប្រើប្រាស់បាន",
        4,
        "latrines",
        "កន្លែង",
        False,
        (2, 4, 3, 4),
    ),
    (
        "primary_school",
        "ps_textbooks_share",
        "Pupils with a full set of textbooks",
        "សិស្សដែលមានសៀវភៅសិក្សាគ្រប់មុខវិជ្ជា",
        100,
        "%",
        "%",
        False,
        (85, 100, 70, 90),
    ),
]
