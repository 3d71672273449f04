"""Org B's credentials on every object of org A, through every id-templated operation.

The operations come from the gateway's merged OpenAPI document, so a new route taking an id is
replayed as soon as it is published; one whose id this module cannot place fails the test until
it is taught here. Another organisation's objects are invisible: the answer must be exactly the
one an id nobody has gets — a 404 for people, or the refusal a caller of that kind gets before
any lookup (an API key on a route no key may use) — never 2xx, 409 or 5xx.
"""

import asyncio
import re
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

Json = dict[str, Any]
Headers = dict[str, str]

# Path parameter -> kind of org object; a grant is addressed under the scope it was made on.
KINDS = {
    "program_id": "program",
    "sub_program_id": "sub_program",
    "content_id": "content",
    "api_key_id": "api_key",
    "grant_id": "grant",
    "caption_id": "caption",  # under its item: /v1/content/{content_id}/captions/{caption_id}
    "campaign_id": "campaign",
    "idea_id": "idea",
    "submission_id": "submission",
    "help_request_id": "help_request",
    "source_id": "curation_source",
    "entry_id": "curation_entry",
    "employee_id": "employee",
    "spotlight_id": "spotlight",  # also under /v1/me/spotlights (the person's own)
    "invitation_id": "invitation",  # also under /v1/me/invitations (the person's own)
    "import_id": "csv_import",
    "charter_id": "charter",
    "module_id": "training_module",
    "resource_id": "kit_resource",
}
# Lists that show every object of a kind to the organisation's admin.
LISTS = {
    "campaign": "/v1/campaigns",
    "idea": "/v1/ideas",
    "submission": "/v1/submissions",
    "help_request": "/v1/help-requests",
    "curation_source": "/v1/curation/sources",
    "curation_entry": "/v1/curation/entries",
    "employee": "/v1/employees",
    # The admin sees every published spotlight and those they proposed.
    "spotlight": "/v1/spotlights",
    # Org admins see every invitation of the organisation, whatever its scope or status.
    "invitation": "/v1/invitations",
    "csv_import": "/v1/hr/imports",
    # Every version of every scope, drafts included (the admin writes them all).
    "charter": "/v1/charters",
    # Modules in circulation (pages() sends its own query: archived ones are not listed).
    "training_module": "/v1/training-modules",
    "kit_resource": "/v1/kit-resources",
}
# Ids that are no organisation's objects: platform-wide dead letters (operators only) and the
# public tracked link, whose code anyone holding it may follow.
# SCIM's discovery documents (resource types, schemas) are the same for every organisation.
# A social account is addressed by network under the caller's own /v1/me: no id to replay.
NOT_ORG_OBJECTS = re.compile(
    r"^/v1/ops/dead-letters/|^/l/|^/scim/v2/(ResourceTypes|Schemas)/|^/v1/me/social-accounts/"
)
# Operations keyed by another service's id that answer every organisation its own figures for
# any id (zero for ids it never saw): B's answer about A's item must be B's answer about an id
# nobody has, A's figures never.
FIGURES_BY_ID = frozenset({("GET", "/v1/metrics/content/{content_id}")})
# Operations keyed by an id each organisation chooses itself (HR's external id): org B's "E-1"
# is B's own employee, so A's ids are not unknown to B. Their isolation is checked by
# services/ambassadors/tests/integration/test_people.py and the permission table instead.
OWN_KEYS = frozenset(
    {
        ("PUT", "/v1/hr/employees/{external_id}"),
        ("POST", "/v1/hr/employees/{external_id}/leave"),
    }
)
PROBLEM_JSON = "application/problem+json"
# SCIM routes answer their 404 as a SCIM error (RFC 7644 §3.12), as identity providers expect.
NOT_FOUND_MEDIA = frozenset({PROBLEM_JSON, "application/scim+json"})
# Binding.foreign: every path parameter holds A's ids, or only the grant's.
ALL = frozenset(KINDS)
GRANT = frozenset({"grant_id"})
_PARAMETER = re.compile(r"\{([^}]+)\}")
_CONCURRENCY = 8


@dataclass(frozen=True)
class Operation:
    """One id-templated operation of the document, with the body it requires, if any."""

    method: str
    path: str
    body: Json | None

    @property
    def parameters(self) -> list[str]:
        return _PARAMETER.findall(self.path)


@dataclass
class Replay:
    """What the replay did: (id, operation, credential) triples per kind, and each wrong answer."""

    triples: Counter[str] = field(default_factory=Counter)
    wrong: list[str] = field(default_factory=list)
    # "credential: operation -> status" -> how many objects were answered so.
    wrong_kinds: Counter[str] = field(default_factory=Counter)

    def summary(self) -> str:
        """Each kind of wrong answer with its count, then the first few in full."""
        kinds = [f"{count:5d} x {kind}" for kind, count in sorted(self.wrong_kinds.items())]
        return "\n".join([*kinds, "first ones:", *self.wrong[:10]])


async def pages(gw: httpx.AsyncClient, path: str, headers: Headers) -> list[Json]:
    """Every item of a paginated list, following next_cursor to the end."""
    items: list[Json] = []
    cursor: str | None = None
    while True:
        params = {"limit": "100", **({"cursor": cursor} if cursor else {})}
        response = await gw.get(path, params=params, headers=headers)
        assert response.status_code == 200, f"{path}: {response.status_code} {response.text}"
        page = response.json()
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items


async def objects_of(gw: httpx.AsyncClient, admin: Headers) -> dict[str, list[Json]]:
    """Every object of the admin's organisation, as its lists show them, by kind."""
    programs = await pages(gw, "/v1/programs", admin)
    sub_programs: list[Json] = []
    grants: list[Json] = []
    for program in programs:
        sub_programs += await pages(gw, f"/v1/programs/{program['id']}/sub-programs", admin)
        grants += await pages(gw, f"/v1/programs/{program['id']}/staff", admin)
    for sub_program in sub_programs:
        grants += await pages(gw, f"/v1/sub-programs/{sub_program['id']}/staff", admin)
    content = await pages(gw, "/v1/content", admin)
    captions: list[Json] = []
    for item in content:
        captions += await pages(gw, f"/v1/content/{item['id']}/captions", admin)
    found = {
        "program": programs,
        "sub_program": sub_programs,
        "grant": grants,
        "content": content,
        "caption": captions,
        "api_key": await pages(gw, "/v1/api-keys", admin),
        **{kind: await pages(gw, path, admin) for kind, path in LISTS.items()},
    }
    return {kind: sorted(items, key=lambda item: str(item["id"])) for kind, items in found.items()}


def id_operations(document: Json) -> list[Operation]:
    """Every operation of the document addressed by an org object's id."""
    schemas = document.get("components", {}).get("schemas", {})
    found: list[Operation] = []
    for path, item in document["paths"].items():
        if not _PARAMETER.search(path) or NOT_ORG_OBJECTS.match(path):
            continue
        unknown = set(_PARAMETER.findall(path)) - set(KINDS)
        for method, operation in item.items():
            if (method.upper(), path) in OWN_KEYS:
                continue
            if method in ("get", "post", "put", "patch", "delete"):
                assert not unknown, f"{path}: teach cross_tenant.KINDS what {unknown} identifies"
                body = _body_schema(operation)
                example = None if body is None else minimal(body, schemas)
                found.append(Operation(method.upper(), path, example))
    return found


@dataclass(frozen=True)
class Binding:
    """Path parameter values; `foreign` names those holding A's ids (the rest are the caller's)."""

    values: dict[str, str]
    foreign: frozenset[str]


def bindings(
    operation: Operation, objects: dict[str, list[Json]], own: dict[str, str]
) -> list[Binding]:
    """The path parameters of each of A's objects this operation addresses.

    A grant is addressed under its own scope, and under a scope of the caller's organisation
    (`own`: kind -> id), which the caller may manage: the grant's id alone must not be enough.
    """
    names = operation.parameters
    if "grant_id" in names:
        (scope,) = set(names) - {"grant_id"}
        grants = [g for g in objects["grant"] if g["scope_type"] == KINDS[scope]]
        return [
            binding
            for grant in grants
            for binding in (
                Binding({scope: str(grant["scope_id"]), "grant_id": str(grant["id"])}, ALL),
                Binding({scope: own[KINDS[scope]], "grant_id": str(grant["id"])}, GRANT),
            )
        ]
    if "caption_id" in names:
        return [
            Binding({"content_id": str(c["content_id"]), "caption_id": str(c["id"])}, ALL)
            for c in objects["caption"]
        ]
    (name,) = names
    return [Binding({name: str(item["id"])}, ALL) for item in objects[KINDS[name]]]


async def replay(
    gw: httpx.AsyncClient,
    operations: list[Operation],
    objects: dict[str, list[Json]],
    credentials: dict[str, Headers],
    own: dict[str, str],
) -> Replay:
    """Send every (object, operation, credential); record each answer other than 'no such id'."""
    result = Replay()
    gate = asyncio.Semaphore(_CONCURRENCY)

    async def one(operation: Operation, binding: Binding, who: str, headers: Headers) -> None:
        async with gate:
            verdict = await _verdict(gw, operation, binding, headers)
        result.triples[KINDS[operation.parameters[-1]]] += 1
        if verdict is not None:
            status, text = verdict
            result.wrong_kinds[f"{who}: {operation.method} {operation.path} -> {status}"] += 1
            path = _fill(operation.path, binding.values)
            result.wrong.append(f"{who}: {operation.method} {path} -> {status} {text}")

    await asyncio.gather(
        *(
            one(operation, binding, who, headers)
            for operation in operations
            for binding in bindings(operation, objects, own)
            for who, headers in credentials.items()
        )
    )
    return result


async def _verdict(
    gw: httpx.AsyncClient, operation: Operation, binding: Binding, headers: Headers
) -> tuple[int, str] | None:
    """None when the answer is the one for ids nobody has; else its status and body.

    With only A's ids in the path that is a 404. Under the caller's own scope, or where the
    service answers every organisation its own figures, it is whatever fresh ids get.
    """
    response = await _send(gw, operation, binding.values, headers)
    figures = (operation.method, operation.path) in FIGURES_BY_ID
    if binding.foreign == ALL and not figures:
        if response.status_code == 404 and response.headers["content-type"] in NOT_FOUND_MEDIA:
            return None
        if response.status_code != 403:
            return response.status_code, response.text[:300]
        # A 403 must be the refusal of the caller's kind, the same for ids nobody has.
    fresh = {name: str(uuid.uuid4()) for name in binding.values if name in binding.foreign}
    foreign = {name: value for name, value in binding.values.items() if name in fresh}
    unknown = await _send(gw, operation, binding.values | fresh, headers)
    if (response.status_code, _anonymised(response, foreign)) == (
        unknown.status_code,
        _anonymised(unknown, fresh),
    ):
        return None
    return response.status_code, f"{response.text[:300]}; for unknown ids: {unknown.text[:300]}"


async def _send(
    gw: httpx.AsyncClient, operation: Operation, values: dict[str, str], headers: Headers
) -> httpx.Response:
    return await gw.request(
        operation.method, _fill(operation.path, values), json=operation.body, headers=headers
    )


def _anonymised(response: httpx.Response, values: dict[str, str]) -> str:
    # Answers echo the id asked about (the figures' content_id, a problem's instance).
    text = response.text
    for value in values.values():
        text = text.replace(value, "{id}")
    return text


def _fill(path: str, values: dict[str, str]) -> str:
    return _PARAMETER.sub(lambda match: values[match.group(1)], path)


def _body_schema(operation: Json) -> Json | None:
    content = operation.get("requestBody", {}).get("content", {})
    if not operation.get("requestBody", {}).get("required"):
        return None
    schema: Json | None = content.get("application/json", {}).get("schema")
    return schema


def minimal(schema: Json, schemas: Json) -> Any:
    """The smallest valid value of a JSON schema: required properties only, first choices."""
    if "$ref" in schema:
        return minimal(schemas[schema["$ref"].rsplit("/", 1)[-1]], schemas)
    for choice in ("anyOf", "oneOf", "allOf"):
        if choice in schema:
            options = [s for s in schema[choice] if s.get("type") != "null"]
            return minimal(options[0], schemas)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        properties = schema.get("properties", {})
        return {name: minimal(properties[name], schemas) for name in schema.get("required", [])}
    if kind == "array":
        return [minimal(schema["items"], schemas)] * max(1, schema.get("minItems", 0))
    if kind in ("integer", "number"):
        return schema.get("minimum", 1)
    if kind == "boolean":
        return False
    return _string(schema)


def _string(schema: Json) -> str:
    special = {
        "uuid": str(uuid.uuid4()),
        "date-time": (datetime.now(UTC) + timedelta(days=30)).isoformat(),
        "uri": "https://example.com/cross-tenant",
        "email": "someone@example.com",
    }
    text = special.get(schema.get("format", ""), "cross-tenant replay")
    return text[: schema.get("maxLength", len(text))].ljust(schema.get("minLength", 0), "x")
