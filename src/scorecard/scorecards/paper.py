"""Paper questionnaires keyed by clerks, with optional double entry; provider self-assessment.

A keyed questionnaire is a row with the survey form's column names, validated by the
same ``RowValidator`` as an import. It counts (becomes a ``Response``) through
``import_export`` of a one-row file, so duplicates, the cube and the audit log are those
of any import. With double entry (``Round.double_entry``) two different clerks key the
same questionnaire number; it counts only when their rows agree, or once a person has
chosen, field by field, the value of every difference.

A self-assessment round is keyed the same way, one questionnaire per provider
respondent, with the ``facility`` assessed and only its facility type's indicators.
"""

from __future__ import annotations

import csv
import re
import tempfile
from pathlib import Path
from typing import Any

from django.db import transaction

from scorecard.audit.log import record as audit
from scorecard.audit.log import snapshot
from scorecard.audit.models import AuditEntry
from scorecard.places.models import Facility
from scorecard.scorecards.actions import ActionError
from scorecard.scorecards.exports import RowValidator
from scorecard.scorecards.exports.synth import question_columns
from scorecard.scorecards.forms import form_spec
from scorecard.scorecards.importing import import_export
from scorecard.scorecards.models import PaperEntry, PaperQuestionnaire, Round
from scorecard.scorecards.spec import FormSpec, RowError

PAPER_KIND = "paper"
NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")
EXTRA_COLUMNS = ("questionnaire", "facility")


def paper_columns(spec: FormSpec) -> list[str]:
    """The keyed columns (no start/end: a paper interview carries no device clock)."""
    return [c for c in question_columns(spec) if c not in ("start", "end")]


def round_facilities(round_: Round) -> list[Facility]:
    """The facilities a self-assessment can be about: the round's, else its communes'."""
    chosen = round_.facilities.select_related("type")
    if chosen.exists():
        return list(chosen)
    return list(Facility.objects.filter(commune__in=round_.communes.all()).select_related("type"))


def check_entry(round_: Round, spec: FormSpec, number: str, row: dict[str, str]) -> list[RowError]:
    """Every reason the keyed row is wrong (an empty list when it can count)."""
    errors: list[RowError] = []
    if not NUMBER.match(number):
        why = "questionnaire number: letters, digits, - and _ (up to 40)"
        errors.append(RowError(1, "questionnaire", number, why))
    if round_.mode == Round.Mode.SELF_ASSESSMENT:
        facilities = {f.code: f for f in round_facilities(round_)}
        fac = facilities.get(row.get("facility", ""))
        if fac is None:
            errors.append(RowError(1, "facility", row.get("facility", ""), "unknown facility"))
        elif row.get("commune") != fac.commune_id:
            errors.append(RowError(1, "commune", row.get("commune", ""), "not the facility's commune"))  # fmt: skip
    full = _full_row(spec, number, row)
    result = RowValidator(spec, list(full))(1, full)
    if isinstance(result, list):
        errors.extend(e for e in result if e.column not in ("meta/instanceID",))
    return errors


def _full_row(spec: FormSpec, number: str, row: dict[str, str]) -> dict[str, str]:
    full = {c: str(row.get(c, "") or "").strip() for c in paper_columns(spec)}
    full["questionnaire"] = number
    full["facility"] = str(row.get("facility", "") or "")
    full["meta/instanceID"] = f"uuid:paper-{number}"
    return full


def differences(a: dict[str, str], b: dict[str, str]) -> list[tuple[str, str, str]]:
    """(column, first clerk's value, second clerk's value) wherever they differ."""
    names = list(dict.fromkeys([*a, *b]))
    return [(k, a.get(k, ""), b.get(k, "")) for k in names if a.get(k, "") != b.get(k, "")]


@transaction.atomic
def set_double_entry(actor: Any, round_: Round, on: bool) -> Round:
    """Questionnaires already waiting keep their entries; only new keying changes."""
    before = snapshot(round_)
    round_.double_entry = on
    round_.save(update_fields=["double_entry"])
    audit(actor, AuditEntry.Action.UPDATE, round_, before=before)
    return round_


def _clerk(actor: Any) -> tuple[Any, str]:
    user = actor if getattr(actor, "is_authenticated", False) else None
    return user, user.get_username() if user else str(actor)


@transaction.atomic
def enter_paper(actor: Any, round_: Round, number: str, row: dict[str, str]) -> PaperQuestionnaire:
    """Record one clerk's keying; count the questionnaire when it is agreed."""
    if round_.locked:
        raise ActionError(f"round {round_.code} is completed and locked; unlock it first")
    spec = form_spec(round_.template_version, round_)
    errors = check_entry(round_, spec, number, row)
    if errors:
        raise ActionError(str(errors[0]))
    values = _full_row(spec, number, row)
    user, name = _clerk(actor)
    questionnaire, _ = PaperQuestionnaire.objects.select_for_update().get_or_create(
        round=round_, number=number
    )
    if questionnaire.status == PaperQuestionnaire.Status.COUNTED:
        raise ActionError(f"questionnaire {number} is already counted")
    entries = list(questionnaire.entries.all())
    if len(entries) >= 2:
        raise ActionError(f"questionnaire {number} has two entries already: resolve them")
    if entries and user is not None and entries[0].clerk_id == user.pk:
        raise ActionError(f"questionnaire {number}: the second entry must be by another clerk")
    entry = PaperEntry.objects.create(
        questionnaire=questionnaire, clerk=user, clerk_name=name, values=values
    )
    audit(actor, AuditEntry.Action.CREATE, entry)
    if not round_.double_entry:
        return _count(actor, questionnaire, values)
    if not entries:
        return questionnaire
    if differences(entries[0].values, values):
        questionnaire.status = PaperQuestionnaire.Status.DIFFERS
        questionnaire.save(update_fields=["status"])
        return questionnaire
    return _count(actor, questionnaire, values)


@transaction.atomic
def resolve_paper(
    actor: Any, questionnaire: PaperQuestionnaire, chosen: dict[str, str]
) -> PaperQuestionnaire:
    """A person picks the value of every differing field; then the questionnaire counts."""
    questionnaire = PaperQuestionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    if questionnaire.status != PaperQuestionnaire.Status.DIFFERS:
        raise ActionError(f"questionnaire {questionnaire.number} has no differences to resolve")
    first, second = list(questionnaire.entries.all())[:2]
    merged = dict(first.values)
    for column, a, b in differences(first.values, second.values):
        value = chosen.get(column)
        if value is None or value not in (a, b):
            raise ActionError(f"choose one of the two values of {column}")
        merged[column] = value
    round_ = questionnaire.round
    spec = form_spec(round_.template_version, round_)
    errors = check_entry(round_, spec, questionnaire.number, merged)
    if errors:
        raise ActionError(str(errors[0]))
    questionnaire.resolved_by, _ = _clerk(actor)
    return _count(actor, questionnaire, merged)


def _count(actor: Any, questionnaire: PaperQuestionnaire, values: dict[str, str]) -> PaperQuestionnaire:  # fmt: skip
    """Write the agreed row through the import path (a one-row file)."""
    round_ = questionnaire.round
    with tempfile.TemporaryDirectory(prefix="scorecard-paper-") as tmp:
        path = Path(tmp) / "paper.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(list(values))
            writer.writerow(list(values.values()))
        name = f"paper questionnaire {questionnaire.number}"
        result = import_export(actor, round_, path, file_name=name, origin=PAPER_KIND)
    if result.accepted != 1:
        raise ActionError(
            f"questionnaire {questionnaire.number} was not counted: it matches a stored response"
        )
    questionnaire.status = PaperQuestionnaire.Status.COUNTED
    questionnaire.agreed = values
    questionnaire.result = result
    questionnaire.save()
    audit(actor, AuditEntry.Action.UPDATE, questionnaire, reason="counted")
    return questionnaire
