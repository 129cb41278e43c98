"""The `scorecard` console command: the product's verbs, over Django management commands."""

from __future__ import annotations

import os
import sys

# One line per verb, for `scorecard --help`. Later capabilities add theirs here.
VERBS: dict[str, str] = {
    "init": "create or upgrade the database; load places, facility types and the default template",
    "serve": "run the web server (gunicorn) and a task worker",
    "worker": "run a task worker alone (imports, PDF batches)",
    "programme": "create and list programmes",
    "places": "search the gazetteer by code or name",
    "createuser": "create a staff user with a role in an organisation",
    "form": "write the XLSForm of a citizen survey with a template",
    "round": "create, list and publish scorecard rounds",
    "import": "import a KoboToolbox or ODK Central export into a round",
    "pull": "pull new submissions of a form from an ODK Central server into a round",
    "results": "write a round's results per commune, indicator and breakdown (CSV or JSON)",
    "quality": "write a round's enumerator quality checks (CSV or JSON)",
    "compare": "compare a round with a baseline round: change, interval and z-test",
    "report": "write a commune's scorecard report or a round summary (PDF or HTML)",
    "needs": "group a round's open answers into themes; list themes ranked, with suggestions",
    "gap": "citizens' scores beside the providers' self-assessment, and the gap (CSV or JSON)",
    "enumerators": "register enumerators from a CSV file (id, sex, age, organisation)",
    "events": "import sign-in sheets of trainings, outreach, workshops and meetings",
    "outcomes": "import participants' outcomes (tests, attitude, rapid surveys)",
    "budget": "import commune budget lines (commune, year, sector, amount_khr)",
    "booklet": "write a commune's Citizens' Budget booklet (A5 PDF, Khmer or English)",
    "plans": "import action plans (JAAP) and progress from CSV/XLSX; export a plan",
    "contributions": "import funding contributions to plan actions from CSV/XLSX",
    "logframe": "load a programme's logframe; its computed values (JSON), IPTT (XLSX), IATI XML",
    "narrative": "write a donor report's Activities and Results section (md, docx, html)",
    "backup": "write a backup archive of the database and uploaded files",
    "restore": "replace the database and uploaded files with a backup archive",
    "apitoken": "issue, list or revoke REST API tokens (a token acts as its user)",
    "participant": "export or erase one participant's personal data on their request",
    "telegram": "the Telegram bot: answer /start and /stop (poll), or set its webhook",
}


def usage() -> str:
    width = max(len(v) for v in VERBS)
    lines = ["usage: scorecard VERB [options]", "", "verbs:"]
    lines += [f"  {verb.ljust(width)}  {text}" for verb, text in VERBS.items()]
    lines += [
        "",
        "`scorecard VERB --help` explains a verb. `scorecard manage ...` runs any Django",
        "management command. DATABASE_URL picks the database (default: var/scorecard.sqlite3).",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(usage())
        sys.exit(0 if argv else 2)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scorecard.settings")
    from scorecard.config import ConfigError

    try:
        import django

        django.setup()
    except ConfigError as exc:
        print(f"scorecard: configuration error: {exc}", file=sys.stderr)
        sys.exit(2)
    from django.core.management import execute_from_command_line

    verb = argv[0]
    if verb == "manage":
        execute_from_command_line(["scorecard", *argv[1:]])
        return
    if verb not in VERBS:
        print(f"scorecard: unknown verb {verb!r}; `scorecard --help` lists them", file=sys.stderr)
        sys.exit(2)
    execute_from_command_line(["scorecard", verb, *argv[1:]])


if __name__ == "__main__":
    main()
