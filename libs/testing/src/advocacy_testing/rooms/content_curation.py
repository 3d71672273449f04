"""Permission rows of curation: feed sources and the queue of their entries.

Sources are made fresh by A's admin inside each call, aimed at S. The content service fetches a
source's URL when it is saved, so the stack under test needs a feed it may reach:
E2E_CURATION_FEED_URL must serve an RSS/Atom feed whose entry links differ per request query
(entries are deduplicated by link), and the content service must run with
CONTENT_CURATION_ALLOW_LOOPBACK=true: advocacy_testing.stack starts such a feed server
(advocacy_testing.feed_server) and sets both.
"""

import os
import uuid

import httpx

from advocacy_testing.permission_cells import Outcome, Row, cells
from advocacy_testing.world import Call, Headers, RowKey, World


def feed_url() -> str:
    """The feed the running stack serves (advocacy_testing.stack sets it), read at call time."""
    return os.environ.get("E2E_CURATION_FEED_URL", "http://127.0.0.1:8765/feed.xml")


SOURCES = "/v1/curation/sources"
ENTRIES = "/v1/curation/entries"
# Persons of A who may not see curation at all, and every API key: 403 before any lookup.
BLIND: dict[str, Outcome] = dict.fromkeys(
    ("reviewer", "member", "employee", "key_programs", "key_content", "key_metrics", "key_other"),
    "403",
)
# A's objects: other organisations do not find them; a manager without a grant does not see them.
UNSEEN: dict[str, Outcome] = {
    "operator": "404",
    "other_org_admin": "404",
    "ungranted_manager": "404",
}


def rows() -> list[Row]:
    """Every curation route × caller."""
    managers = ("org_admin", "program_manager")
    readers = ("org_admin", "program_manager", "analyst")
    listers = (*readers, "ungranted_manager", "other_org_admin")
    manage = cells(*managers, analyst="403", **BLIND, **UNSEEN)
    read = cells(*readers, **BLIND, **UNSEEN)
    source_rule = "org admin; program managers whose grants cover every target (analysts: 403)"
    read_rule = "org admin, analysts; program managers covering a target (others of A: 403)"
    list_rule = "org admin, analysts, program managers (filtered to what they cover)"
    return [
        Row("POST", SOURCES, "content", source_rule, cells(*managers, other_org_admin="422")),
        Row("GET", SOURCES, "content", list_rule, cells(*listers)),
        Row("GET", f"{SOURCES}/{{source_id}}", "content", read_rule, read),
        Row("PATCH", f"{SOURCES}/{{source_id}}", "content", source_rule, manage),
        Row("DELETE", f"{SOURCES}/{{source_id}}", "content", source_rule, manage),
        Row("POST", f"{SOURCES}/{{source_id}}/poll", "content", source_rule, manage),
        Row("GET", ENTRIES, "content", list_rule, cells(*listers)),
        Row("GET", f"{ENTRIES}/{{entry_id}}", "content", read_rule, read),
        Row("POST", f"{ENTRIES}/{{entry_id}}/accept", "content", source_rule, manage),
        Row("POST", f"{ENTRIES}/{{entry_id}}/discard", "content", source_rule, manage),
    ]


def calls() -> dict[RowKey, Call]:
    """One call per row, on fresh objects made by A's admin."""
    return {
        ("POST", SOURCES, ""): _create_source,
        ("GET", SOURCES, ""): _list(SOURCES),
        ("GET", f"{SOURCES}/{{source_id}}", ""): _on_source("GET", ""),
        ("PATCH", f"{SOURCES}/{{source_id}}", ""): _on_source("PATCH", "", {"name": "Renamed"}),
        ("DELETE", f"{SOURCES}/{{source_id}}", ""): _on_source("DELETE", ""),
        ("POST", f"{SOURCES}/{{source_id}}/poll", ""): _on_source("POST", "/poll"),
        ("GET", ENTRIES, ""): _list(ENTRIES),
        ("GET", f"{ENTRIES}/{{entry_id}}", ""): _on_entry("GET", ""),
        ("POST", f"{ENTRIES}/{{entry_id}}/accept", ""): _on_entry("POST", "/accept"),
        ("POST", f"{ENTRIES}/{{entry_id}}/discard", ""): _on_entry("POST", "/discard"),
    }


def _source_body(world: World) -> dict[str, object]:
    # A query of its own: one source per URL in an organisation, and links new to the queue.
    return {
        "name": "Blog",
        "url": f"{feed_url()}?n={uuid.uuid4().hex}",
        "targeting": {"sub_program_ids": [world.sub_program_id]},
    }


async def _create_source(
    client: httpx.AsyncClient, world: World, headers: Headers
) -> httpx.Response:
    return await client.post(SOURCES, json=_source_body(world), headers=headers)


async def _fresh_source(client: httpx.AsyncClient, world: World) -> str:
    response = await client.post(SOURCES, json=_source_body(world), headers=world.admin)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def _fresh_entry(client: httpx.AsyncClient, world: World) -> str:
    source_id = await _fresh_source(client, world)
    params: dict[str, str | int] = {"source_id": source_id, "status": "pending", "limit": 1}
    response = await client.get(ENTRIES, params=params, headers=world.admin)
    assert response.status_code == 200 and response.json()["items"], response.text
    return str(response.json()["items"][0]["id"])


def _list(path: str) -> Call:
    async def call(client: httpx.AsyncClient, world: World, headers: Headers) -> httpx.Response:
        return await client.get(path, headers=headers)

    return call


def _on_source(method: str, suffix: str, body: dict[str, object] | None = None) -> Call:
    async def call(client: httpx.AsyncClient, world: World, headers: Headers) -> httpx.Response:
        source_id = await _fresh_source(client, world)
        url = f"{SOURCES}/{source_id}{suffix}"
        return await client.request(method, url, json=body, headers=headers)

    return call


def _on_entry(method: str, suffix: str) -> Call:
    async def call(client: httpx.AsyncClient, world: World, headers: Headers) -> httpx.Response:
        entry_id = await _fresh_entry(client, world)
        return await client.request(method, f"{ENTRIES}/{entry_id}{suffix}", headers=headers)

    return call
