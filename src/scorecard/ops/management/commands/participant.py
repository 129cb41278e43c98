from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from scorecard.events.models import Participant
from scorecard.ops.participants import erase_participant, export_participant


class Command(BaseCommand):
    help = "Export (JSON) or erase one participant's personal data, on their request."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("programme", help="programme code")
        parser.add_argument("code", help="the participant id of the sign-in sheets")
        parser.add_argument("--erase", metavar="REASON", help="erase, giving the request")

    def handle(self, *args: Any, **options: Any) -> None:
        found = Participant.objects.filter(
            programme__code=options["programme"], code=options["code"]
        ).first()
        if found is None:
            raise CommandError(f"no participant {options['code']} in {options['programme']}")
        if options["erase"] is None:
            self.stdout.write(json.dumps(export_participant(found), ensure_ascii=False, indent=2))
            return
        try:
            erased = erase_participant("cli", found, options["erase"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"erased; the participant is now {erased.code}")
