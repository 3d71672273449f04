"""Permission rows of caption variants, caption rules, the rules check and anti-parrot.

Writes act on a fresh draft of S (and a fresh caption on it) made by org A's admin; reads use
A's published item, on which a caption is made once by the admin when missing.
"""

import httpx

from advocacy_testing.permission_cells import Outcome, Row, cells
from advocacy_testing.world import Call, Headers, RowKey, World, fresh_draft

BLIND_KEYS: dict[str, Outcome] = dict.fromkeys(("key_programs", "key_metrics", "key_other"), "403")
SEERS_OF_DRAFTS = ("org_admin", "program_manager", "reviewer", "analyst")
STAFF_ADMINS = ("org_admin", "program_manager")
STAFF_OF_S = ("org_admin", "program_manager", "reviewer", "analyst")
OTHER_ORGS: dict[str, Outcome] = {"operator": "404", "other_org_admin": "404"}
PUBLISHED_ANGLE = "Permission table angle"
CONTENT = "/v1/content/{content_id}"
RULES = "/v1/caption-rules"


def _seers_of_published() -> dict[str, Outcome]:
    return cells(*SEERS_OF_DRAFTS, "member", "key_content", otherwise="404", **BLIND_KEYS)


def _editors() -> dict[str, Outcome]:
    return cells(
        "org_admin", "program_manager", reviewer="403", analyst="403", otherwise="404", **BLIND_KEYS
    )


def _rules(*allowed: str) -> dict[str, Outcome]:
    return cells(*allowed, **OTHER_ORGS)


def rows() -> list[Row]:
    caption = f"{CONTENT}/captions/{{caption_id}}"
    seers = "whoever sees the item (here published: S's members and content:read keys too)"
    editors = "the item's editors: org admin; program managers covering S (seen, not allowed: 403)"
    readers = "org admin, analysts; program managers and reviewers covering S (or one of P's)"
    writers = "org admin; program managers covering S (for P's rules: a grant on P)"
    return [
        Row("POST", f"{CONTENT}/captions", "content", editors, _editors(), variant="draft"),
        Row("GET", f"{CONTENT}/captions", "content", seers, _seers_of_published(), "published"),
        Row(
            "GET",
            f"{CONTENT}/captions/suggestion",
            "content",
            seers,
            _seers_of_published(),
            variant="published",
        ),
        Row("GET", caption, "content", seers, _seers_of_published(), variant="published"),
        Row("PATCH", caption, "content", editors, _editors(), variant="draft"),
        Row("DELETE", caption, "content", editors, _editors(), variant="draft"),
        Row(
            "POST",
            f"{CONTENT}/similarity",
            "content",
            seers + "; recording a post needs a person",
            _seers_of_published(),
            variant="published",
        ),
        Row(
            "GET",
            f"{CONTENT}/circulation",
            "content",
            "org admin, analysts, staff covering S (members and keys see the item: 403)",
            cells(*STAFF_OF_S, member="403", key_content="403", otherwise="404", **BLIND_KEYS),
            variant="published",
        ),
        Row("GET", f"{RULES}/programs/{{program_id}}", "content", readers, _rules(*STAFF_OF_S)),
        Row("PUT", f"{RULES}/programs/{{program_id}}", "content", writers, _rules(*STAFF_ADMINS)),
        Row(
            "GET",
            f"{RULES}/sub-programs/{{sub_program_id}}",
            "content",
            readers,
            _rules(*STAFF_OF_S),
        ),
        Row(
            "PUT",
            f"{RULES}/sub-programs/{{sub_program_id}}",
            "content",
            writers,
            _rules(*STAFF_ADMINS),
        ),
        Row(
            "POST",
            f"{RULES}/check",
            "content",
            "whoever sees the named item (here A's published item)",
            _seers_of_published(),
            variant="published",
        ),
    ]


async def _fresh_caption(client: httpx.AsyncClient, world: World) -> tuple[str, str]:
    draft = await fresh_draft(client, world)
    body = {"network": "linkedin", "text": "Draft angle"}
    made = await client.post(f"/v1/content/{draft}/captions", json=body, headers=world.admin)
    assert made.status_code == 201, made.text
    return draft, str(made.json()["id"])


async def _published_caption(client: httpx.AsyncClient, world: World) -> str:
    url = f"/v1/content/{world.published_id}/captions"
    body = {"network": "linkedin", "text": PUBLISHED_ANGLE}
    made = await client.post(url, json=body, headers=world.admin)
    if made.status_code == 201:
        return str(made.json()["id"])
    assert made.status_code == 409, made.text  # made by an earlier cell
    listed = await client.get(
        url, params={"network": "linkedin", "limit": 100}, headers=world.admin
    )
    return next(str(c["id"]) for c in listed.json()["items"] if c["text"] == PUBLISHED_ANGLE)


async def _create(client: httpx.AsyncClient, world: World, headers: Headers) -> httpx.Response:
    draft = await fresh_draft(client, world)
    body = {"network": "x", "text": "A fresh angle"}
    return await client.post(f"/v1/content/{draft}/captions", json=body, headers=headers)


async def _list(client: httpx.AsyncClient, world: World, headers: Headers) -> httpx.Response:
    return await client.get(f"/v1/content/{world.published_id}/captions", headers=headers)


async def _suggest(client: httpx.AsyncClient, world: World, headers: Headers) -> httpx.Response:
    await _published_caption(client, world)
    url = f"/v1/content/{world.published_id}/captions/suggestion"
    return await client.get(url, params={"network": "linkedin"}, headers=headers)


async def _get(client: httpx.AsyncClient, world: World, headers: Headers) -> httpx.Response:
    caption = await _published_caption(client, world)
    return await client.get(f"/v1/content/{world.published_id}/captions/{caption}", headers=headers)


async def _patch(client: httpx.AsyncClient, world: World, headers: Headers) -> httpx.Response:
    draft, caption = await _fresh_caption(client, world)
    url = f"/v1/content/{draft}/captions/{caption}"
    return await client.patch(url, json={"label": "edited"}, headers=headers)


async def _delete(client: httpx.AsyncClient, world: World, headers: Headers) -> httpx.Response:
    draft, caption = await _fresh_caption(client, world)
    return await client.delete(f"/v1/content/{draft}/captions/{caption}", headers=headers)


async def _similarity(client: httpx.AsyncClient, world: World, headers: Headers) -> httpx.Response:
    body = {"text": "My own words about it", "network": "linkedin"}
    url = f"/v1/content/{world.published_id}/similarity"
    return await client.post(url, json=body, headers=headers)


async def _circulation(client: httpx.AsyncClient, world: World, headers: Headers) -> httpx.Response:
    return await client.get(f"/v1/content/{world.published_id}/circulation", headers=headers)


async def _check(client: httpx.AsyncClient, world: World, headers: Headers) -> httpx.Response:
    body = {"text": "My own words", "network": "x", "content_id": world.published_id}
    return await client.post(f"{RULES}/check", json=body, headers=headers)


def _rules_call(method: str, url: str) -> Call:
    async def call(client: httpx.AsyncClient, world: World, headers: Headers) -> httpx.Response:
        target = url.format(program_id=world.program_id, sub_program_id=world.sub_program_id)
        body: dict[str, object] | None = {} if method == "PUT" else None
        return await client.request(method, target, json=body, headers=headers)

    return call


def calls() -> dict[RowKey, Call]:
    caption = f"{CONTENT}/captions/{{caption_id}}"
    program, sub = f"{RULES}/programs/{{program_id}}", f"{RULES}/sub-programs/{{sub_program_id}}"
    return {
        ("POST", f"{CONTENT}/captions", "draft"): _create,
        ("GET", f"{CONTENT}/captions", "published"): _list,
        ("GET", f"{CONTENT}/captions/suggestion", "published"): _suggest,
        ("GET", caption, "published"): _get,
        ("PATCH", caption, "draft"): _patch,
        ("DELETE", caption, "draft"): _delete,
        ("POST", f"{CONTENT}/similarity", "published"): _similarity,
        ("GET", f"{CONTENT}/circulation", "published"): _circulation,
        ("GET", program, ""): _rules_call("GET", program),
        ("PUT", program, ""): _rules_call("PUT", program),
        ("GET", sub, ""): _rules_call("GET", sub),
        ("PUT", sub, ""): _rules_call("PUT", sub),
        ("POST", f"{RULES}/check", "published"): _check,
    }
