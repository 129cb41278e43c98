"""Writes of the needs app: themes (create, rename, merge), quotes (classify, move, approve).

Each function runs in one transaction and writes the audit log. Classification of a
whole round writes one audit entry for the round (thousands of quotes would otherwise
flood the log); a staff move or approval writes one entry per quote.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.text import slugify

from scorecard.audit.log import record, snapshot
from scorecard.audit.models import AuditEntry
from scorecard.needs.classify import best_theme, theme_keys
from scorecard.needs.defaults import DEFAULT_THEMES
from scorecard.needs.models import Quote, Theme
from scorecard.needs.text import is_concrete, terms
from scorecard.places.models import FacilityType
from scorecard.scorecards.models import Round


@transaction.atomic
def seed_default_themes(actor: Any) -> int:
    """The default themes of each standard facility type that has no theme yet."""
    created = 0
    for facility_type in FacilityType.objects.filter(code__in=DEFAULT_THEMES):
        if facility_type.themes.exists():
            continue
        for order, (code, en, km, keywords) in enumerate(DEFAULT_THEMES[facility_type.code]):
            theme = Theme.objects.create(
                facility_type=facility_type,
                code=code,
                name_en=en,
                name_km=km,
                keywords=keywords,
                order=order,
            )
            record(actor, AuditEntry.Action.CREATE, theme)
            created += 1
    return created


def _clean_keywords(keywords: list[str]) -> list[str]:
    return list(dict.fromkeys(k.strip() for k in keywords if k.strip()))


@transaction.atomic
def create_theme(
    actor: Any,
    facility_type: FacilityType,
    name_en: str,
    name_km: str = "",
    keywords: list[str] | None = None,
    code: str = "",
) -> Theme:
    code = code or slugify(name_en)[:60] or f"theme-{Theme.objects.count() + 1}"
    last = Theme.objects.filter(facility_type=facility_type).order_by("-order").first()
    theme = Theme(
        facility_type=facility_type,
        code=code,
        name_en=name_en,
        name_km=name_km,
        keywords=_clean_keywords(keywords or []),
        order=(last.order + 1) if last else 0,
    )
    theme.full_clean()
    theme.save()
    record(actor, AuditEntry.Action.CREATE, theme)
    return theme


@transaction.atomic
def update_theme(actor: Any, theme: Theme, **changes: Any) -> Theme:
    """Rename a theme or change its keywords (``name_en``, ``name_km``, ``keywords``)."""
    before = snapshot(Theme.objects.get(pk=theme.pk))
    if "keywords" in changes:
        changes["keywords"] = _clean_keywords(changes["keywords"])
    for field, value in changes.items():
        setattr(theme, field, value)
    theme.full_clean()
    theme.save()
    record(actor, AuditEntry.Action.UPDATE, theme, before=before)
    return theme


@transaction.atomic
def merge_themes(actor: Any, source: Theme, target: Theme) -> Theme:
    """Move every quote of ``source`` to ``target``, keep both keyword lists, drop source."""
    if source.pk == target.pk or source.facility_type_id != target.facility_type_id:
        raise ValueError("a theme merges only into another theme of the same facility type")
    before = snapshot(Theme.objects.get(pk=target.pk))
    source.quotes.update(theme=target)
    target.keywords = _clean_keywords(list(target.keywords) + list(source.keywords))
    target.save()
    record(actor, AuditEntry.Action.UPDATE, target, before=before, reason=f"merged {source.code}")
    record(actor, AuditEntry.Action.DELETE, source, before=snapshot(source))
    source.delete()
    return target


@transaction.atomic
def move_quote(actor: Any, quote: Quote, theme: Theme | None) -> Quote:
    """A staff decision: kept by every later classification."""
    if theme is not None and theme.facility_type_id != quote.facility_type_id:
        raise ValueError("the theme belongs to another facility type")
    before = snapshot(Quote.objects.get(pk=quote.pk))
    quote.theme = theme
    quote.moved = True
    quote.save(update_fields=["theme", "moved"])
    record(actor, AuditEntry.Action.UPDATE, quote, before=before)
    return quote


@transaction.atomic
def set_approval(actor: Any, quote: Quote, approved: bool) -> Quote:
    before = snapshot(Quote.objects.get(pk=quote.pk))
    quote.approved = approved
    quote.approved_by = actor if approved and getattr(actor, "is_authenticated", False) else None
    quote.save(update_fields=["approved", "approved_by"])
    record(
        actor, AuditEntry.Action.PUBLISH if approved else AuditEntry.Action.UPDATE, quote, before
    )
    return quote


@dataclass(frozen=True, slots=True)
class Classified:
    quotes: int  # concrete answers found in the round
    added: int  # new quotes (answers not seen before)
    removed: int  # quotes whose answer is no longer there (or became a stock phrase)
    assigned: int  # quotes in a theme after this run
    moved: int  # quotes kept where staff put them


@transaction.atomic
def classify_round(actor: Any, round_: Round) -> Classified:
    """(Re)build the round's quotes from ``Response.needs`` and assign them to themes.

    Idempotent. A quote whose text did not change keeps its approval; a changed text is a
    new quote (approval and staff move are dropped: the words approved are gone).
    """
    seed_default_themes(actor)
    types = {ft.code: ft for ft in FacilityType.objects.all()}
    keys = {
        code: [theme_keys(t.pk, t.keywords) for t in Theme.objects.filter(facility_type=ft)]
        for code, ft in types.items()
    }
    existing = {
        (q.response_id, q.facility_type_id): q
        for q in Quote.objects.filter(response__round=round_).select_related("facility_type")
    }
    seen: set[tuple[int, int]] = set()
    new: list[Quote] = []
    changed: list[Quote] = []
    answers = round_.responses.exclude(needs={}).values_list("pk", "needs")
    for response_id, needs in answers.iterator(chunk_size=2000):
        for code, text in (needs or {}).items():
            ft = types.get(code)
            if ft is None or not isinstance(text, str) or not is_concrete(text):
                continue
            words = terms(text)
            theme_id = best_theme(words, keys[code])
            key = (response_id, ft.pk)
            seen.add(key)
            quote = existing.get(key)
            if quote is None or quote.text != text.strip():
                if quote is not None:
                    quote.delete()
                new.append(
                    Quote(
                        response_id=response_id,
                        facility_type=ft,
                        text=text.strip(),
                        terms=words,
                        theme_id=theme_id,
                    )
                )
            elif not quote.moved and quote.theme_id != theme_id:
                quote.theme_id = theme_id
                changed.append(quote)
    gone = [q.pk for k, q in existing.items() if k not in seen]
    Quote.objects.filter(pk__in=gone).delete()
    Quote.objects.bulk_create(new, batch_size=1000)
    Quote.objects.bulk_update(changed, ["theme"], batch_size=1000)
    mine = Quote.objects.filter(response__round=round_)
    result = Classified(
        quotes=mine.count(),
        added=len(new),
        removed=len(gone),
        assigned=mine.filter(theme__isnull=False).count(),
        moved=mine.filter(moved=True).count(),
    )
    record(
        actor,
        AuditEntry.Action.UPDATE,
        round_,
        reason=f"needs classified: {result.quotes} quotes, {result.assigned} in a theme",
    )
    return result
