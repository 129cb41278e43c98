"""Pull submissions from ODK Central (pyodk), incrementally, through the file import path.

Each pull asks Central's OData feed only for submissions received or edited since the
round's cursor (``$filter=__system/submissionDate gt CURSOR or __system/updatedAt gt
CURSOR``: an edit on Central keeps the submission's date and id), page by page, and writes them as an ODK
Central CSV export (the same columns, ``-`` between group names) into a temporary file
that ``import_export`` reads: validation, duplicates, conflicts, rejects and counts are
those of a file import. The cursor moves in the same transaction as the import, so a
failed pull changes nothing and the next one asks again.

Credentials come from the environment (``SCORECARD_CENTRAL_USERNAME`` and
``SCORECARD_CENTRAL_PASSWORD``, or settings of the same names) and go only into a
temporary pyodk config file that is deleted after the pull; they are never logged.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from scorecard.audit.log import record as audit
from scorecard.audit.models import AuditEntry
from scorecard.scorecards.exports.read import ODK_FIRST, xlsx_cell
from scorecard.scorecards.exports.synth import odk_header
from scorecard.scorecards.importing import ImportRefused, import_export
from scorecard.scorecards.models import CentralSource, Import, Round

PAGE = 500
CENTRAL_KIND = "odk_central"
# __system fields of the OData feed -> the ODK Central CSV export's system columns
SYSTEM = {
    "submitterId": "SubmitterID",
    "submitterName": "SubmitterName",
    "attachmentsPresent": "AttachmentsPresent",
    "attachmentsExpected": "AttachmentsExpected",
    "status": "Status",
    "reviewState": "ReviewState",
    "deviceId": "DeviceID",
    "edits": "Edits",
    "formVersion": "FormVersion",
}
TRAILER = ["KEY", *SYSTEM.values()]


def credentials() -> tuple[str, str]:
    def value(name: str) -> str:
        return str(os.environ.get(name) or getattr(settings, name, "") or "")

    user, password = value("SCORECARD_CENTRAL_USERNAME"), value("SCORECARD_CENTRAL_PASSWORD")
    if not user or not password:
        raise ImportRefused(
            "set SCORECARD_CENTRAL_USERNAME and SCORECARD_CENTRAL_PASSWORD to pull from ODK Central"
        )
    return user, password


def flatten(submission: dict[str, Any]) -> dict[str, str]:
    """One OData submission as a row of the CSV export (canonical ``group/name`` keys)."""
    row: dict[str, str] = {}

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(f"{prefix}/{k}" if prefix else k, v)
        elif isinstance(value, list):
            row[prefix] = ""  # repeats and geo structures are not part of the scorecard form
        else:
            row[prefix] = xlsx_cell(value)

    system = submission.get("__system") or {}
    for key, value in submission.items():
        if key not in ("__id", "__system") and not key.startswith("@"):
            walk(key, value)
    row[ODK_FIRST] = xlsx_cell(system.get("submissionDate"))
    row["KEY"] = xlsx_cell(submission.get("__id"))
    for name, column in SYSTEM.items():
        row[column] = xlsx_cell(system.get(name))
    return row


def _pages(client: Any, source: CentralSource) -> Iterator[list[dict[str, Any]]]:
    """Pages of submissions received or edited after the cursor (``$top``/``$skip`` over a
    fixed filter). An edited submission comes again with its stable id and new answers,
    so the import holds it as a conflict for a person to resolve."""
    c = source.cursor
    flt = f"__system/submissionDate gt {c} or __system/updatedAt gt {c}" if c else None
    skip = 0
    while True:
        page = client.submissions.get_table(
            form_id=source.form_id,
            project_id=source.project,
            top=PAGE,
            skip=skip,
            count=True,
            wkt=True,
            filter=flt,
        )
        values = page.get("value") or []
        if values:
            yield values
        skip += len(values)
        if not values or len(values) < PAGE or skip >= int(page.get("@odata.count", skip)):
            return


def _write_csv(pages: Iterator[list[dict[str, Any]]], out: Path) -> tuple[int, str]:
    """The pulled submissions as an ODK Central CSV export; returns (rows, the newest
    submission or edit date: the next cursor)."""
    columns: list[str] = []
    newest = ""
    n = 0
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        for page in pages:
            for submission in page:
                row = flatten(submission)
                if not columns:  # the form's fields, as the first submission carries them
                    questions = [k for k in row if k != ODK_FIRST and k not in TRAILER]
                    columns = [ODK_FIRST, *questions, *TRAILER]
                    writer.writerow(odk_header(columns))
                writer.writerow([row.get(c, "") for c in columns])
                edited = (submission.get("__system") or {}).get("updatedAt") or ""
                newest = max(newest, row[ODK_FIRST], str(edited))
                n += 1
    return n, newest


def _client(tmp: Path, server: str) -> Any:
    from pyodk.client import Client

    user, password = credentials()
    config = tmp / "pyodk_config.toml"
    config.touch(mode=0o600)
    # TOML basic strings: JSON-style escaping of backslashes and quotes is valid TOML
    quote = lambda s: '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'  # noqa: E731
    config.write_text(
        f"[central]\nbase_url = {quote(server)}\nusername = {quote(user)}\n"
        f"password = {quote(password)}\n",
        encoding="utf-8",
    )
    return Client(config_path=config, cache_path=tmp / "pyodk_cache.toml")


def central_source(round_: Round, server: str, project: int, form_id: str) -> CentralSource:
    source, _ = CentralSource.objects.get_or_create(
        round=round_, server=server.rstrip("/"), project=project, form_id=form_id
    )
    return source


def pull_central(actor: Any, source: CentralSource) -> Import:
    """Import what is new on Central since the last pull; returns the Import with counts."""
    from pyodk.errors import PyODKError

    round_ = source.round
    if round_.locked:
        raise ImportRefused(f"round {round_.code} is completed and locked; unlock it first")
    with tempfile.TemporaryDirectory(prefix="scorecard-central-") as tmp:
        path = Path(tmp) / "submissions.csv"
        try:
            with _client(Path(tmp), source.server) as client:
                rows, newest = _write_csv(_pages(client, source), path)
        except PyODKError as exc:
            # pyodk's message names the URL and Central's answer, never the password
            raise ImportRefused(f"ODK Central refused the pull: {str(exc)[:300]}") from None
        except OSError as exc:
            raise ImportRefused(
                f"ODK Central at {source.server} cannot be reached: {exc}"
            ) from None
        with transaction.atomic():
            source = CentralSource.objects.select_for_update().get(pk=source.pk)
            name = f"ODK Central {source.form_id} ({timezone.now():%Y-%m-%d %H:%M})"
            if rows:
                result = import_export(actor, round_, path, file_name=name, origin=CENTRAL_KIND)
            else:
                result = _empty_pull(actor, round_, name)
            if newest:
                source.cursor = max(source.cursor, newest)
            source.last_pull = timezone.now()
            source.save(update_fields=["cursor", "last_pull"])
    return result


def _empty_pull(actor: Any, round_: Round, name: str) -> Import:
    """Nothing new on Central: an Import of zero rows, so the page shows the pull happened."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    result = Import.objects.create(
        round=round_,
        file_name=name[:255],
        kind=CENTRAL_KIND,
        by=user,
        by_name=user.get_username() if user else str(actor),
    )
    audit(actor, AuditEntry.Action.CREATE, result)
    return result
