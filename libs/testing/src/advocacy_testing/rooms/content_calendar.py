"""Permission rows of the editorial calendar: campaigns and GET /v1/calendar.

Every call on a campaign acts on a fresh campaign of S that org A's admin made inside the call,
so an allowed call succeeds and a refusal is about who calls. Campaigns are for people: API keys
with content:read see none (404 on one, nothing of them in lists); other keys are 403.
"""

import uuid
from collections.abc import Callable

import httpx

from advocacy_testing.permission_cells import PERSONS_OF_A, Outcome, Row, cells
from advocacy_testing.world import Call, Headers, RowKey, World

BLIND_KEYS: dict[str, Outcome] = dict.fromkeys(("key_programs", "key_metrics", "key_other"), "403")
SEERS = ("org_admin", "program_manager", "reviewer", "analyst", "member")
CAMPAIGN = "/v1/campaigns/{campaign_id}"


def _seers() -> dict[str, Outcome]:
    return cells(*SEERS, otherwise="404", **BLIND_KEYS)


def _writers() -> dict[str, Outcome]:
    seen_only: dict[str, Outcome] = dict.fromkeys(("reviewer", "analyst", "member"), "403")
    return cells("org_admin", "program_manager", otherwise="404", **seen_only, **BLIND_KEYS)


def rows() -> list[Row]:
    seers = "org admin, analysts, staff covering S, S's members"
    writers = "org admin; program managers covering S (seen but not allowed: 403)"
    return [
        Row(
            "POST",
            "/v1/campaigns",
            "content",
            "org admin; program managers whose grants cover every target (org B: A's target is "
            "unknown to it, 422)",
            cells("org_admin", "program_manager", other_org_admin="422"),
        ),
        Row(
            "GET",
            "/v1/campaigns",
            "content",
            "any person and content:read keys, filtered (keys see no campaign)",
            cells(*PERSONS_OF_A, "key_content", "operator", "other_org_admin"),
        ),
        Row("GET", CAMPAIGN, "content", seers, _seers()),
        Row("PATCH", CAMPAIGN, "content", writers, _writers()),
        Row("POST", f"{CAMPAIGN}/cancel", "content", writers, _writers()),
        Row("GET", f"{CAMPAIGN}/content", "content", f"{seers}; items as they see them", _seers()),
        Row(
            "GET",
            "/v1/calendar",
            "content",
            "any person and content:read keys: what each may see",
            cells(*PERSONS_OF_A, "key_content", "operator", "other_org_admin"),
        ),
    ]


def _campaign_body(world: World) -> dict[str, object]:
    return {
        "name": f"Launch {uuid.uuid4().hex[:8]}",  # the same moment twice would be a 409
        "kind": "launch",
        "starts_at": "2099-03-01T09:00:00Z",
        "targeting": {"sub_program_ids": [world.sub_program_id]},
    }


async def fresh_campaign(client: httpx.AsyncClient, world: World) -> str:
    """A campaign of S made by A's admin; its id."""
    response = await client.post("/v1/campaigns", json=_campaign_body(world), headers=world.admin)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _on_fresh(method: str, suffix: str, body: Callable[[], object] | None = None) -> Call:
    async def call(client: httpx.AsyncClient, world: World, headers: Headers) -> httpx.Response:
        campaign = await fresh_campaign(client, world)
        url = f"/v1/campaigns/{campaign}{suffix}"
        payload = body() if body is not None else None
        return await client.request(method, url, json=payload, headers=headers)

    return call


async def _create(client: httpx.AsyncClient, world: World, headers: Headers) -> httpx.Response:
    return await client.post("/v1/campaigns", json=_campaign_body(world), headers=headers)


def _get(url: str) -> Call:
    async def call(client: httpx.AsyncClient, world: World, headers: Headers) -> httpx.Response:
        return await client.get(url, headers=headers)

    return call


def calls() -> dict[RowKey, Call]:
    return {
        ("POST", "/v1/campaigns", ""): _create,
        ("GET", "/v1/campaigns", ""): _get("/v1/campaigns"),
        ("GET", CAMPAIGN, ""): _on_fresh("GET", ""),
        # A name of its own each time: two campaigns with one name and start are a 409.
        ("PATCH", CAMPAIGN, ""): _on_fresh(
            "PATCH", "", lambda: {"name": f"Renamed {uuid.uuid4().hex[:8]}"}
        ),
        ("POST", f"{CAMPAIGN}/cancel", ""): _on_fresh("POST", "/cancel"),
        ("GET", f"{CAMPAIGN}/content", ""): _on_fresh("GET", "/content"),
        ("GET", "/v1/calendar", ""): _get("/v1/calendar"),
    }
