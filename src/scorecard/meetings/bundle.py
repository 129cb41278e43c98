"""What a device stores for one meeting: the data the meeting screens need, and the
list of URLs the service worker must keep (pictures, audio, faces, the app itself)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.templatetags.static import static
from django.urls import reverse

from scorecard.meetings.models import Meeting
from scorecard.scorecards.cube import youth_band

APP_FILES = (
    "meetings/app.js",
    "meetings/store.js",
    "meetings/steps.js",
    "meetings/meeting.css",
    "scorecard/site.css",
    "fonts/NotoSansKhmer[wdth,wght].ttf",  # site.css's Khmer font
)
FACES = tuple(f"scorecard/faces/{k}.svg" for k in range(1, 6))


def _media(meeting: Meeting, indicator: Any, what: str) -> str:
    return reverse("meeting_media", args=[meeting.uuid, indicator.pk, what])


def bundle_scale(meeting: Meeting) -> list[dict[str, Any]]:
    """The five faces with their labels (the template's scale)."""
    labels = (meeting.round.template.scale or [{}] * 5)[:5]
    return [
        {"level": k + 1, "km": s.get("km", ""), "en": s.get("en", ""), "face": static(FACES[k])}
        for k, s in enumerate(labels)
    ]


def bundle_of(meeting: Meeting, records: list[dict[str, Any]]) -> dict[str, Any]:
    round_ = meeting.round
    indicators = []
    for ind in round_.template_version.ordered_indicators():
        if ind.facility_type_id != meeting.facility.type_id:
            continue
        indicators.append(
            {
                "code": ind.code,
                "text_km": ind.text_km or ind.text_en,
                "text_en": ind.text_en,
                "picture": _media(meeting, ind, "picture") if ind.picture else "",
                "audio": _media(meeting, ind, "audio") if (ind.audio_km or ind.audio_en) else "",
            }
        )
    villages = [
        {"code": v.code, "name_km": v.name_km, "name_en": v.name_en}
        for v in meeting.facility.commune.villages.order_by("code")  # type: ignore[attr-defined]
    ]
    scale = bundle_scale(meeting)
    # the manifest too: Chromium asks for it again when the page opens with no network
    urls = [reverse("meeting_run", args=[meeting.uuid]), reverse("meeting_manifest")]
    urls += [static(f) for f in APP_FILES + FACES]
    # site.css asks for the font by its percent-encoded name: keep that spelling too
    urls += [quote(u, safe="/:") for u in urls if quote(u, safe="/:") != u]
    urls += [i["picture"] for i in indicators if i["picture"]]
    urls += [i["audio"] for i in indicators if i["audio"]]
    return {
        "meeting": {
            "uuid": str(meeting.uuid),
            "status": meeting.status,
            "review_note": meeting.review_note,
            "mode": round_.mode,
            "round": round_.code,
            "round_title": round_.title,
            "year": round_.year,
            "facility": meeting.facility.code,
            "facility_name": meeting.facility.name_km or meeting.facility.name_en,
            "commune": meeting.facility.commune.name_km,
        },
        "youth": list(youth_band()),
        "indicators": indicators,
        "villages": villages,
        "scale": scale,
        "records": records,
        "cache": urls,
    }
