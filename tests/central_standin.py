"""A local stand-in for ODK Central's API, enough for pyodk's pulls (a real HTTP server).

It speaks the documented parts a pull uses: ``POST /v1/sessions`` (email and password
give a bearer token), ``GET /v1/users/current``, and the OData feed
``GET /v1/projects/{p}/forms/{f}.svc/Submissions`` with ``$top``, ``$skip``, ``$count``,
``$wkt`` and ``$filter`` on ``__system/submissionDate`` and ``__system/updatedAt``
(``gt ge lt le eq``, clauses joined by ``and`` or by ``or``; a null date matches nothing). Answers are OData JSON: ``value``, ``@odata.context``, ``@odata.count`` when
asked, ``@odata.nextLink`` when a page is full; submissions newest first, groups as
nested objects, integers as JSON numbers, ``__id`` and ``__system`` as Central sends
them. Errors are Central's JSON ``{"code": 401.2, "message": ...}``.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

FEED = re.compile(r"^/v1/projects/(\d+)/forms/([^/]+)\.svc/Submissions$")
CLAUSE = re.compile(r"^__system/(submissionDate|updatedAt) (gt|ge|lt|le|eq) (\S+)$")
INTEGERS = frozenset(("age",))


def central_submission(row: dict[str, str], columns: Iterable[str]) -> dict[str, Any]:
    """A canonical export row as Central's OData JSON (groups nested, numbers typed)."""
    sub: dict[str, Any] = {"__id": row["meta/instanceID"]}
    for column in columns:
        value: Any = row.get(column, "") or None
        if column in INTEGERS and value is not None and value.isdecimal():
            value = int(value)
        node = sub
        *groups, name = column.split("/")
        for g in groups:
            node = node.setdefault(g, {})
        node[name] = value
    sub["__system"] = {
        "submissionDate": row["SubmissionDate"],
        "updatedAt": None,
        "submitterId": row.get("SubmitterID") or "5",
        "submitterName": row.get("SubmitterName") or "collector",
        "attachmentsPresent": 0,
        "attachmentsExpected": 0,
        "status": None,
        "reviewState": row.get("ReviewState") or None,
        "deviceId": row.get("DeviceID") or None,
        "edits": 0,
        "formVersion": row.get("FormVersion", ""),
    }
    return sub


@dataclass
class Central:
    """The stand-in's data: one user, and submissions per (project, form)."""

    email: str = "me@example.org"
    password: str = "a-central-password"
    forms: dict[tuple[int, str], list[dict[str, Any]]] = field(default_factory=dict)
    tokens: set[str] = field(default_factory=set)
    requests: list[str] = field(default_factory=list)  # path?query of every feed request
    logins: int = 0

    def add(self, project: int, form: str, submissions: Iterable[dict[str, Any]]) -> None:
        self.forms.setdefault((project, form), []).extend(submissions)

    def edit(self, project: int, form: str, key: str, at: str, **answers: Any) -> None:
        """A data manager's edit on Central: new answers, same id and submission date."""
        sub = next(s for s in self.forms[project, form] if s["__id"] == key)
        sub.update(answers)
        sub["__system"]["updatedAt"] = at
        sub["__system"]["edits"] += 1


class _Handler(BaseHTTPRequestHandler):
    central: Central
    base: str

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass

    def _send(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _error(self, status: int, code: float, message: str) -> None:
        self._send(status, {"code": code, "message": message})

    def _authorised(self) -> bool:
        header = self.headers.get("Authorization", "")
        return header.startswith("Bearer ") and header[7:] in self.central.tokens

    def do_POST(self) -> None:
        if urlsplit(self.path).path != "/v1/sessions":
            return self._error(404, 404.1, "Could not find the resource you were looking for.")
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            return self._error(400, 400.1, "Could not parse the given data.")
        c = self.central
        if body.get("email") != c.email or body.get("password") != c.password:
            return self._error(401, 401.2, "Could not authenticate with the provided credentials.")
        token = secrets.token_urlsafe(48)
        c.tokens.add(token)
        c.logins += 1
        self._send(
            200,
            {
                "createdAt": "2026-01-01T00:00:00.000Z",
                "expiresAt": "2099-01-01T00:00:00.000Z",
                "token": token,
            },
        )

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if not self._authorised():
            return self._error(401, 401.2, "Could not authenticate with the provided credentials.")
        if url.path == "/v1/users/current":
            return self._send(200, {"id": 5, "type": "user", "email": self.central.email})
        match = FEED.match(url.path)
        if not match:
            return self._error(404, 404.1, "Could not find the resource you were looking for.")
        key = (int(match.group(1)), match.group(2))
        if key not in self.central.forms:
            return self._error(404, 404.1, "Could not find the resource you were looking for.")
        self.central.requests.append(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        try:
            rows = self._filtered(self.central.forms[key], query.get("$filter", ""))
            skip, top = int(query.get("$skip", 0)), query.get("$top")
        except ValueError as exc:
            return self._error(501, 501.1, str(exc))
        rows = sorted(rows, key=lambda s: s["__system"]["submissionDate"], reverse=True)
        page = rows[skip : skip + int(top)] if top is not None else rows[skip:]
        body: dict[str, Any] = {
            "@odata.context": f"{self.base}/v1/projects/{key[0]}/forms/{key[1]}.svc/$metadata#Submissions",
            "value": page,
        }
        if query.get("$count") in ("true", "True"):
            body["@odata.count"] = len(rows)
        if top is not None and skip + len(page) < len(rows):
            nxt = {**query, "$skip": str(skip + len(page))}
            body["@odata.nextLink"] = f"{self.base}{url.path}?{urlencode(nxt)}"
        self._send(200, body)

    @staticmethod
    def _filtered(rows: list[dict[str, Any]], expression: str) -> list[dict[str, Any]]:
        if not expression:
            return list(rows)
        joiner = " or " if " or " in expression else " and "
        if " or " in expression and " and " in expression:
            raise ValueError(f"The given OData filter expression is not supported: {expression}")
        tests = []
        for clause in expression.split(joiner):
            m = CLAUSE.match(clause.strip())
            if not m:
                raise ValueError(f"The given OData filter expression is not supported: {clause}")
            tests.append((m.group(1), m.group(2), m.group(3)))
        ops = {
            "gt": lambda a, b: a > b,
            "ge": lambda a, b: a >= b,
            "lt": lambda a, b: a < b,
            "le": lambda a, b: a <= b,
            "eq": lambda a, b: a == b,
        }

        def match(r: dict[str, Any]) -> bool:
            hits = (
                r["__system"][name] is not None and ops[op](r["__system"][name], value)
                for name, op, value in tests
            )
            return any(hits) if joiner == " or " else all(hits)

        return [r for r in rows if match(r)]


class StandIn:
    """``with StandIn(central) as url:`` serves the stand-in on an ephemeral port."""

    def __init__(self, central: Central) -> None:
        self.central = central
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        handler = type("Handler", (_Handler,), {"central": central, "base": self.url})
        self.server.RequestHandlerClass = handler
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        return self.url

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
