"""The OpenAPI 3 document of /api/v1/, written out by hand so it says exactly what the
views do; tests/test_api_schema.py checks the running app against it with schemathesis."""

from __future__ import annotations

from typing import Any

from scorecard.api.paging import MAX_ID, MAX_PAGE
from scorecard.plans.models import Contribution, SourceType
from scorecard.plans.rules import Status
from scorecard.scorecards.models import Round
from scorecard.scorecards.results import BREAKDOWNS, COLUMNS

S = dict[str, Any]


def nullable(kind: str) -> S:
    return {"type": [kind, "null"]}


STR, INT, BOOL, NUM = (
    {"type": "string"},
    {"type": "integer"},
    {"type": "boolean"},
    {"type": "number"},
)
DATE = {"type": "string", "format": "date"}
ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
MONEY = {"type": "string", "pattern": r"^-?\d+(\.\d+)?$"}


def obj(props: dict[str, S]) -> S:
    return {"type": "object", "properties": props, "required": list(props)}


ERROR = obj({"error": STR, "status": INT})
ROUND = obj(
    {
        "code": STR,
        "title": STR,
        "year": INT,
        "mode": {"type": "string", "enum": [m.value for m in Round.Mode]},
        "status": {"type": "string", "enum": [s.value for s in Round.Status]},
        "programme": nullable("string"),
        "template": STR,
        "communes": {"type": "array", "items": STR},
        "published": BOOL,
        "published_from": {"type": ["string", "null"], "format": "date"},
    }
)
_RESULT_NUM = {c: nullable("number") for c in COLUMNS[6:] if c != "suppressed"}
for _c in ("n", "n_1", "n_2", "n_3", "n_4", "n_5", "satisfied_n"):
    _RESULT_NUM[_c] = nullable("integer")
RESULT = obj(
    {
        **{c: STR for c in COLUMNS[:6]},
        **_RESULT_NUM,
        "suppressed": BOOL,
    }
)
COMPARISON = obj(
    {
        **{
            c: STR
            for c in (
                "base_round",
                "round",
                "commune",
                "facility",
                "indicator",
                "breakdown",
                "group",
            )
        },
        "base_n": nullable("integer"),
        "n": nullable("integer"),
        **{
            c: nullable("number")
            for c in (
                "base_satisfied_share",
                "satisfied_share",
                "diff",
                "diff_ci_low",
                "diff_ci_high",
                "z",
                "p_value",
            )
        },
    }
)
PLAN = obj(
    {
        "id": INT,
        "code": STR,
        "programme": STR,
        "commune": STR,
        "commune_name_en": STR,
        "commune_name_km": STR,
        "year": INT,
        "title_en": STR,
        "title_km": STR,
        "published": BOOL,
        "actions": INT,
        "implemented": INT,
    }
)
STATUS = {"type": "string", "enum": list(Status.values)}
ACTION = obj(
    {
        "id": INT,
        "plan": INT,
        "commune": STR,
        "section": STR,
        "number": INT,
        "activity_en": STR,
        "activity_km": STR,
        "status": STATUS,
        "progress": INT,
        "start": {"type": ["string", "null"], "format": "date"},
        "end": {"type": ["string", "null"], "format": "date"},
        "estimated_cost_khr": nullable("integer"),
        "implementer": STR,
        "beneficiaries": nullable("integer"),
        "beneficiaries_female": nullable("integer"),
    }
)
CHANGE = obj(
    {
        "id": INT,
        "action": INT,
        "from_status": STR,
        "to_status": STATUS,
        "date": DATE,
        "percent": nullable("integer"),
        "note": STR,
    }
)
CONTRIBUTION = obj(
    {
        "id": INT,
        "action": INT,
        "source_type": {"type": "string", "enum": list(SourceType.values)},
        "source_name": STR,
        "amount": MONEY,
        "currency": {"type": "string", "enum": list(Contribution.Currency.values)},
        "rate_khr_per_usd": MONEY,
        "in_kind": BOOL,
        "date": DATE,
        "usd": MONEY,
        "khr": MONEY,
    }
)
EVENT = obj(
    {
        "id": INT,
        "programme": STR,
        "code": STR,
        "type": STR,
        "training_kind": STR,
        "title_en": STR,
        "title_km": STR,
        "start": DATE,
        "end": {"type": ["string", "null"], "format": "date"},
        "commune": nullable("string"),
        "place": STR,
        "attendance": INT,
        "attendance_female": INT,
    }
)
IMPORT = obj(
    {
        "rows": INT,
        "accepted": INT,
        "duplicates": INT,
        "conflicts": INT,
        "rejected": INT,
        "unknown_enumerators": {"type": "array", "items": STR},
    }
)


def paged(item: str) -> S:
    return obj(
        {
            "count": INT,
            "page": INT,
            "page_size": INT,
            "next": nullable("string"),
            "previous": nullable("string"),
            "results": {"type": "array", "items": {"$ref": f"#/components/schemas/{item}"}},
        }
    )


def query(name: str, schema: S, text: str) -> S:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": text}


def path_param(name: str, schema: S) -> S:
    return {"name": name, "in": "path", "required": True, "schema": schema}


PAGING = [
    query("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}, "page number, from 1"),
    query("page_size", {"type": "integer", "minimum": 1, "maximum": 1000}, "rows a page"),
]
CODE = path_param("code", {"type": "string", "pattern": r"^[-a-zA-Z0-9_]+$"})
PK = path_param("id", ID)
RESULT_QUERY = [
    query("commune", STR, "a commune code"),
    query("facility", STR, "a facility type code, or all"),
    query("indicator", STR, "an indicator code, or overall"),
    query("breakdown", {"type": "string", "enum": list(BREAKDOWNS)}, "a breakdown"),
    query("group", STR, "a group of the breakdown"),
]


def errors(*codes: int) -> dict[str, S]:
    text = {
        400: "a parameter or the body is wrong; the message says which",
        401: "no token, or a token that is not valid",
        403: "the token's role or its write right does not allow this",
        404: "no such record, or one the caller may not see",
        405: "method not allowed",
        429: "too many calls a minute",
    }
    return {
        str(c): {
            "description": text[c],
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
        for c in codes
    }


def ok(schema: str, code: int = 200, text: str = "OK") -> dict[str, S]:
    ref = {"$ref": f"#/components/schemas/{schema}"}
    return {str(code): {"description": text, "content": {"application/json": {"schema": ref}}}}


def get(summary: str, schema: str, params: list[S], public: bool = True) -> S:
    codes = (400, 401, 404, 429) if public else (400, 401, 403, 404, 429)
    op: S = {
        "summary": summary,
        "parameters": params,
        "responses": {**ok(schema), **errors(*codes)},
    }
    if public:
        op["security"] = [{}, {"token": []}]
    return op


def post(summary: str, body: str, schema: str, params: list[S], security: str = "token") -> S:
    return {
        "summary": summary,
        "parameters": params,
        "security": [{security: []}],
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{body}"}}},
        },
        "responses": {
            **ok(schema, 201, "created"),
            **({"200": ok(schema)["200"]} if schema == "Import" else {}),
            **errors(400, 401, 403, 404, 429),
        },
    }


PROGRESS_IN = {
    "type": "object",
    "properties": {
        "status": STATUS,
        "date": DATE,
        "percent": {"type": "integer", "minimum": 0, "maximum": 100},
        "note": STR,
    },
    "required": ["status", "date"],
}
CONTRIBUTION_IN = {
    "type": "object",
    "properties": {
        "source_type": {"type": "string", "enum": list(SourceType.values)},
        "source_name": STR,
        "amount": {"type": ["string", "number"]},
        "currency": {"type": "string", "enum": list(Contribution.Currency.values)},
        "rate_khr_per_usd": {"type": ["string", "number"]},
        "date": DATE,
        "in_kind": BOOL,
    },
    "required": ["source_type", "amount", "currency", "rate_khr_per_usd", "date"],
}


def document(server: str = "/") -> S:
    rounds_q = [
        query("programme", STR, "a programme code"),
        query("year", ID, "the round's year"),
        query("mode", {"type": "string", "enum": [m.value for m in Round.Mode]}, "mode"),
    ]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Citizen Scorecard API",
            "version": "1",
            "description": (
                "Rounds, results, comparisons, action plans, actions, contributions and "
                "events. Without a token: published rounds and plans only, small cells "
                "suppressed. With `Authorization: Bearer <token>`: what the token's user "
                "may see. Errors are JSON with a message."
            ),
        },
        "servers": [{"url": server}],
        "paths": {
            "/api/v1/rounds/": {"get": get("Rounds", "RoundPage", rounds_q + PAGING)},
            "/api/v1/rounds/{code}/": {"get": get("One round", "Round", [CODE])},
            "/api/v1/rounds/{code}/results/": {
                "get": get(
                    "Results rows (the CLI's columns)", "ResultPage", [CODE, *RESULT_QUERY, *PAGING]
                )
            },
            "/api/v1/rounds/{code}/comparison/": {
                "get": get(
                    "Change from a baseline round",
                    "ComparisonPage",
                    [CODE, query("base", STR, "baseline round code"), *RESULT_QUERY, *PAGING],
                )
            },
            "/api/v1/rounds/{code}/submissions/": {
                "post": post("Push one Kobo submission", "Submission", "Import", [CODE], "push")
            },
            "/api/v1/plans/": {
                "get": get(
                    "Action plans",
                    "PlanPage",
                    [
                        query("programme", STR, "a programme code"),
                        query("commune", STR, "a commune code"),
                        query("year", ID, "the plan's year"),
                        *PAGING,
                    ],
                )
            },
            "/api/v1/plans/{id}/": {"get": get("One plan", "Plan", [PK])},
            "/api/v1/actions/": {
                "get": get(
                    "Plan actions",
                    "ActionPage",
                    [
                        query("plan", ID, "a plan id"),
                        query("commune", STR, "a commune code"),
                        query("status", STATUS, "a status"),
                        *PAGING,
                    ],
                )
            },
            "/api/v1/actions/{id}/": {"get": get("One action", "Action", [PK])},
            "/api/v1/actions/{id}/progress/": {
                "post": post("Record progress", "ProgressIn", "StatusChange", [PK])
            },
            "/api/v1/actions/{id}/contributions/": {
                "post": post("Add a contribution", "ContributionIn", "Contribution", [PK])
            },
            "/api/v1/contributions/": {
                "get": get(
                    "Contributions to actions",
                    "ContributionPage",
                    [
                        query("action", ID, "an action id"),
                        query("plan", ID, "a plan id"),
                        query(
                            "source_type",
                            {"type": "string", "enum": list(SourceType.values)},
                            "source",
                        ),
                        *PAGING,
                    ],
                )
            },
            "/api/v1/programmes/{code}/logframe/": {
                "get": get(
                    "Results framework values of a programme (token needed)",
                    "Logframe",
                    [CODE],
                    public=False,
                )
            },
            "/api/v1/events/": {
                "get": get(
                    "Events with attendance counts (token needed)",
                    "EventPage",
                    [
                        query("programme", STR, "a programme code"),
                        query("commune", STR, "a commune code"),
                        *PAGING,
                    ],
                    public=False,
                )
            },
        },
        "components": {
            "securitySchemes": {
                "token": {"type": "http", "scheme": "bearer", "description": "an API token"},
                "push": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "the round's push token",
                },
            },
            "schemas": {
                "Error": ERROR,
                "Round": ROUND,
                "RoundPage": paged("Round"),
                "Result": RESULT,
                "ResultPage": paged("Result"),
                "Comparison": COMPARISON,
                "ComparisonPage": paged("Comparison"),
                "Plan": PLAN,
                "PlanPage": paged("Plan"),
                "Action": ACTION,
                "ActionPage": paged("Action"),
                "StatusChange": CHANGE,
                "Contribution": CONTRIBUTION,
                "ContributionPage": paged("Contribution"),
                "Event": EVENT,
                "EventPage": paged("Event"),
                "Import": IMPORT,
                "Logframe": {
                    "type": "object",
                    "properties": {
                        "programme": STR,
                        "indicators": {"type": "array", "items": {"type": "object"}},
                    },
                    "required": ["programme", "indicators"],
                },
                "Submission": {"type": "object", "description": "one Kobo submission (JSON)"},
                "ProgressIn": PROGRESS_IN,
                "ContributionIn": CONTRIBUTION_IN,
            },
        },
    }
