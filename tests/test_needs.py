"""Needs and claims: segmentation, classification, suggestions, staff edits, publication."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from scorecard.needs import actions
from scorecard.needs.classify import best_theme, suggest, theme_keys
from scorecard.needs.models import Quote, Theme
from scorecard.needs.summary import theme_counts, top_needs
from scorecard.needs.text import contains, is_concrete, terms
from scorecard.scorecards.importing import import_export
from tests.factories_scorecards import make_export, make_round

# --- pure parts ---------------------------------------------------------------------------


def test_it_segments_khmer_and_drops_grammar_words():
    assert terms("សូមឱ្យមានថ្នាំគ្រប់គ្រាន់នៅមណ្ឌលសុខភាព") == ["ថ្នាំ", "គ្រប់គ្រាន់"]


def test_it_normalises_spelling_variants_zero_width_marks_and_case():
    assert terms("សូមអោយមាន\u200bថ្នាំ") == terms("សូមឱ្យមានថ្នាំ") == ["ថ្នាំ"]
    assert terms("Teachers should COME") == ["teacher", "come"]


def test_it_treats_stock_phrases_as_no_concrete_need():
    for text in ["", "  ", "none", "No", "N/A", "-", "មិនមាន", "គ្មាន", "មិនមាន។"]:
        assert not is_concrete(text), text
    assert is_concrete("សូមជួសជុលផ្លូវ")


def test_it_matches_keywords_as_whole_word_sequences():
    assert contains(["ទឹក", "ស្អាត", "បង្គន់"], ["ទឹក", "ស្អាត"])
    assert not contains(["ទឹក", "បង្គន់", "ស្អាត"], ["ទឹក", "ស្អាត"])


def test_it_assigns_the_theme_with_most_keywords_and_the_first_on_a_tie():
    water = theme_keys(1, ["ទឹក", "បង្គន់"])
    fees = theme_keys(2, ["តម្លៃ", "លុយ"])
    also_water = theme_keys(3, ["ទឹក"])
    assert best_theme(terms("សូមឱ្យមានទឹកស្អាត និងបង្គន់អនាម័យ"), [fees, water]) == 1
    assert best_theme(terms("តម្លៃទឹក"), [fees, water]) == 2  # a tie: the first listed
    assert best_theme(terms("ទឹក"), [also_water, water]) == 3
    assert best_theme(terms("សូមជួសជុលផ្លូវ"), [fees, water]) is None


def test_it_suggests_frequent_uncovered_terms_and_prefers_a_pair_as_frequent_as_its_word():
    quotes = [terms(t) for t in ["សូមជួសជុលផ្លូវ", "សូមជួសជុលផ្លូវលំ", "ផ្លូវលំខូច", "ភ្លើង"]]
    found = {s.keyword: s.quotes for s in suggest(quotes, [])}
    assert found["ជួសជុលផ្លូវ"] == 2 and "ជួសជុល" not in found  # the pair says more
    assert found["ផ្លូវ"] == 3 and "ភ្លើង" not in found  # below two quotes
    covered = {s.keyword for s in suggest(quotes, [theme_keys(1, ["ផ្លូវ"])])}
    assert "ផ្លូវ" not in covered


# --- with the database --------------------------------------------------------------------


@pytest.fixture
def survey(db, tmp_path):
    round_ = make_round()
    import_export("test", round_, make_export(round_, tmp_path / "a.csv", rows=120, seed=3))
    return round_


def concrete_answers(round_, facility: str, commune: str | None = None) -> list:
    """Independently of the app: every concrete answer, straight from Response.needs."""
    out = []
    for r in round_.responses.all():
        text = (r.needs or {}).get(facility, "")
        if (commune is None or r.commune_id == commune) and text.strip().casefold() not in {
            "",
            "none",
            "no",
            "មិនមាន",
            "គ្មាន",
        }:
            out.append((r, text.strip()))
    return out


def test_it_seeds_default_themes_in_both_languages_once(db):
    assert actions.seed_default_themes("test") == 15
    assert actions.seed_default_themes("test") == 0
    for theme in Theme.objects.all():
        assert theme.name_en and theme.name_km and theme.keywords


def test_it_classifies_every_concrete_answer_and_counts_by_sex_and_youth(survey):
    done = actions.classify_round("test", survey)
    want = concrete_answers(survey, "health_centre")
    assert done.quotes == sum(
        len(concrete_answers(survey, f))
        for f in ("health_centre", "primary_school", "commune_office")
    )
    total, rows = theme_counts(survey, "health_centre")
    assert total == len(want) > 0
    assert sum(r.count or 0 for r in rows) == total
    for row in rows:
        g = {k: v or 0 for k, v in row.groups.items()}
        assert g["female"] + g["male"] + g["other"] == row.count
        assert g["youth"] + g["non_youth"] == row.count
    counts = [r.count or 0 for r in rows if r.theme is not None]
    assert counts == sorted(counts, reverse=True)  # ranked
    medicine = Quote.objects.filter(text__contains="ថ្នាំ", response__round=survey)[0]
    assert medicine is not None and medicine.theme.code == "medicines"


def test_it_counts_one_commune(survey):
    actions.classify_round("test", survey)
    total, _ = theme_counts(survey, "primary_school", "010201")
    assert total == len(concrete_answers(survey, "primary_school", "010201"))


def test_a_staff_move_and_an_approval_survive_reclassification(survey):
    actions.classify_round("test", survey)
    quote = Quote.objects.filter(response__round=survey, facility_type__code="health_centre")[0]
    other = Theme.objects.for_type("health_centre").exclude(pk=quote.theme_id)[0]
    actions.move_quote("staff", quote, other)
    actions.set_approval("staff", quote, True)
    again = actions.classify_round("test", survey)
    quote.refresh_from_db()
    assert quote.theme == other and quote.moved and quote.approved
    assert again.added == 0 and again.removed == 0 and again.moved == 1


def test_a_changed_answer_loses_its_approval(survey):
    actions.classify_round("test", survey)
    quote = Quote.objects.filter(response__round=survey)[0]
    actions.set_approval("staff", quote, True)
    response = quote.response
    response.needs = {**response.needs, quote.facility_type.code: "សូមជួសជុលផ្លូវ ថ្មី"}
    response.save()
    actions.classify_round("test", survey)
    fresh = Quote.objects.get(response=response, facility_type=quote.facility_type)
    assert fresh.text == "សូមជួសជុលផ្លូវ ថ្មី" and not fresh.approved


def test_it_refuses_a_theme_of_another_facility_type(survey):
    actions.classify_round("test", survey)
    quote = Quote.objects.filter(response__round=survey, facility_type__code="health_centre")[0]
    with pytest.raises(ValueError):
        actions.move_quote("staff", quote, Theme.objects.for_type("primary_school").first())


def test_merging_moves_the_quotes_and_keeps_both_keyword_lists(survey):
    actions.classify_round("test", survey)
    source = Theme.objects.get(facility_type__code="health_centre", code="fees")
    target = Theme.objects.get(facility_type__code="health_centre", code="medicines")
    moved = source.quotes.count() + target.quotes.count()
    actions.merge_themes("staff", source, target)
    target.refresh_from_db()
    assert not Theme.objects.filter(pk=source.pk).exists()
    assert target.quotes.count() == moved
    assert "តម្លៃ" in target.keywords and "ថ្នាំ" in target.keywords


def test_a_new_theme_takes_unassigned_answers_on_the_next_run(survey):
    actions.classify_round("test", survey)
    roads = Quote.objects.filter(response__round=survey, text__contains="ផ្លូវលំ")
    if not roads.exists():
        pytest.skip("no road answer in this sample")
    road = roads[0]
    theme = Theme.objects.get(facility_type__code="commune_office", code="roads")
    theme.delete()
    actions.classify_round("test", survey)
    road.refresh_from_db()
    assert road.theme is None
    suggestions = {s.keyword for s in _suggestions(survey)}
    assert "ផ្លូវ" in suggestions or "ជួសជុលផ្លូវ" in suggestions
    new = actions.create_theme("staff", theme.facility_type, "Village roads", "ផ្លូវភូមិ", ["ផ្លូវ"])
    actions.classify_round("test", survey)
    road.refresh_from_db()
    assert road.theme == new


def _suggestions(round_):
    from scorecard.needs.suggest import round_suggestions

    return round_suggestions(round_, "commune_office")


def test_public_needs_show_approved_quotes_only_and_blank_small_counts(survey, settings):
    actions.classify_round("test", survey)
    quotes = Quote.objects.filter(response__round=survey, facility_type__code="health_centre")
    approved = quotes.filter(theme__isnull=False)[0]
    actions.set_approval("staff", approved, True)
    staff = top_needs(survey, facilities=["health_centre"], per_facility=10, quotes=100)
    shown = [q for n in staff for q in n.quotes]
    assert shown.count(approved.text) >= 1
    unapproved = set(quotes.filter(approved=False).values_list("text", flat=True)) - {approved.text}
    assert not unapproved & set(shown)
    settings.SCORECARD = {**settings.SCORECARD, "MIN_CELL_SIZE": 10_000}
    _, rows = theme_counts(survey, "health_centre", public=True)
    assert all(r.count is None and r.share is None and r.suppressed for r in rows)
    assert top_needs(survey, public=True) == []


def test_the_needs_command_classifies_and_prints_json(survey):
    out = StringIO()
    call_command("needs", survey.code, "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["classified"]["quotes"] == Quote.objects.filter(response__round=survey).count()
    health = next(f for f in data["facilities"] if f["facility"] == "health_centre")
    assert health["respondents"] == len(concrete_answers(survey, "health_centre"))
    assert {"female", "male", "youth", "non_youth"} <= set(health["themes"][0])
