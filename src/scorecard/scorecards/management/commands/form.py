from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from scorecard.scorecards.forms import form_spec
from scorecard.scorecards.models import Round, Template
from scorecard.scorecards.xlsform import FormSpecError, write_xlsform


class Command(BaseCommand):
    help = "Write the XLSForm of a citizen survey with this template (for Kobo or ODK)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("template", help="template code, e.g. isaf")
        parser.add_argument("--out", required=True, help="FILE.xlsx")
        parser.add_argument("--round", default="", help="only this round's communes")

    def handle(self, *args: Any, **options: Any) -> None:
        template = Template.objects.filter(code=options["template"]).first()
        if template is None:
            raise CommandError(f"unknown template {options['template']!r}")
        round_ = None
        version = template.latest()
        if options["round"]:
            round_ = Round.objects.filter(code=options["round"]).first()
            if round_ is None:
                raise CommandError(f"unknown round {options['round']!r}")
            if round_.template_version.template_id != template.pk:
                raise CommandError(f"round {round_.code} uses template {round_.template.code}")
            version = round_.template_version
        out = Path(options["out"])
        if out.suffix.lower() != ".xlsx":
            raise CommandError(f"--out {out} must end in .xlsx")
        spec = form_spec(version, round_)
        try:
            write_xlsform(spec, out)
        except (FormSpecError, OSError) as exc:
            raise CommandError(f"cannot write {out}: {exc}") from None
        self.stdout.write(
            f"wrote {out}: form {spec.form_id} version {spec.version}, "
            f"{len(spec.communes)} communes, {len(spec.villages)} villages"
        )
