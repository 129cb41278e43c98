from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from scorecard.logframe.management.commands.logframe import programme_or_error, write_out
from scorecard.logframe.narrative import write


class Command(BaseCommand):
    help = "Write the 'Activities and Results' section of a donor report from the logframe."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("programme")
        parser.add_argument("--lang", choices=["en", "km"], default="en")
        parser.add_argument("--format", choices=["md", "docx", "html"], default="md")
        parser.add_argument("--out", help="file to write (default: standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        programme = programme_or_error(options["programme"])
        write_out(self, write(programme, options["lang"], options["format"]), options["out"])
