"""Permission rows of the team room: a sub-program's page of moments and spotlights.

Every call on a spotlight acts on a fresh spotlight about the member of S, proposed by A's
admin inside the call (and consented by the member for the `published` variant), so an allowed
call succeeds and a refusal is about who calls. A spotlight awaiting consent is seen by its
author and its person only; once published, by S's members and staff and org admins. Spotlights
are for people: API keys and platform operators are refused (403) before any lookup.
"""

from typing import Any

import httpx

from advocacy_testing.permission_cells import KEYS, PERSONS_OF_A, Outcome, Row, cells
from advocacy_testing.world import Call, Headers, RowKey, World

SUB = "/v1/sub-programs/{sub_program_id}"
SPOTLIGHT = "/v1/spotlights/{spotlight_id}"
MINE = "/v1/me/spotlights/{spotlight_id}"
A_OBJECT: dict[str, Outcome] = {"operator": "404", "other_org_admin": "404"}
NO_PEOPLE: dict[str, Outcome] = dict.fromkeys((*KEYS, "operator"), "403")


def _hidden(*allowed: str, **exceptions: Outcome) -> dict[str, Outcome]:
    """Outcomes where callers of A who do not see the spotlight get 404."""
    return cells(*allowed, otherwise="404", **NO_PEOPLE, **exceptions)


def rows() -> list[Row]:
    page = "org admin, staff covering S, S's members"
    published = "org admin, staff covering S, S's members (published)"
    return [
        Row(
            "GET",
            f"{SUB}/moments",
            "ambassadors",
            page,
            cells("org_admin", "program_manager", "reviewer", "member", **A_OBJECT),
        ),
        Row(
            "POST",
            f"{SUB}/spotlights",
            "ambassadors",
            "org admin; program managers covering S",
            cells("org_admin", "program_manager", **A_OBJECT),
        ),
        Row(
            "GET",
            "/v1/spotlights",
            "ambassadors",
            "any person: what each may see",
            cells(*PERSONS_OF_A, "other_org_admin"),
        ),
        Row(
            "GET",
            SPOTLIGHT,
            "ambassadors",
            published,
            _hidden("org_admin", "program_manager", "reviewer", "member"),
            variant="published",
        ),
        Row(
            "GET",
            SPOTLIGHT,
            "ambassadors",
            "its author (here A's admin) and its person (the member) only",
            _hidden("org_admin", "member"),
            variant="awaiting_consent",
        ),
        Row(
            "POST",
            f"{SPOTLIGHT}/withdraw",
            "ambassadors",
            "org admin; program managers covering S (seen but not allowed: 403)",
            _hidden("org_admin", "program_manager", reviewer="403", member="403"),
            variant="published",
        ),
        Row(
            "GET",
            "/v1/me/spotlights",
            "ambassadors",
            "any person: spotlights about them",
            cells(*PERSONS_OF_A, "other_org_admin"),
        ),
        Row(
            "POST",
            f"{MINE}/consent",
            "ambassadors",
            "its person only (others: 404)",
            _hidden("member"),
            variant="awaiting_consent",
        ),
        Row(
            "POST",
            f"{MINE}/decline",
            "ambassadors",
            "its person only (others: 404)",
            _hidden("member"),
            variant="awaiting_consent",
        ),
    ]


async def member_ambassador(client: httpx.AsyncClient, world: World) -> str:
    """The member's ambassador id, as their own export shows it."""
    response = await client.get("/v1/me/data", headers=world.headers["member"])
    assert response.status_code == 200, response.text
    return str(response.json()["sections"]["ambassador"]["id"])


async def fresh_spotlight(client: httpx.AsyncClient, world: World, *, consented: bool) -> str:
    """A spotlight about the member of S, proposed by A's admin (and consented, if asked)."""
    body = {"ambassador_id": await member_ambassador(client, world), "message": "Well done"}
    url = f"/v1/sub-programs/{world.sub_program_id}/spotlights"
    response = await client.post(url, json=body, headers=world.admin)
    assert response.status_code == 201, response.text
    spotlight = str(response.json()["id"])
    if consented:
        url = f"/v1/me/spotlights/{spotlight}/consent"
        agreed = await client.post(url, headers=world.headers["member"])
        assert agreed.status_code == 200, agreed.text
    return spotlight


def _on_fresh(method: str, template: str, *, consented: bool) -> Call:
    async def call(client: httpx.AsyncClient, world: World, headers: Headers) -> httpx.Response:
        spotlight = await fresh_spotlight(client, world, consented=consented)
        url = template.format(spotlight_id=spotlight)
        return await client.request(method, url, headers=headers)

    return call


def _get(url: str) -> Call:
    async def call(client: httpx.AsyncClient, world: World, headers: Headers) -> httpx.Response:
        return await client.get(url.format(sub_program_id=world.sub_program_id), headers=headers)

    return call


async def _propose(client: httpx.AsyncClient, world: World, headers: Headers) -> httpx.Response:
    body: dict[str, Any] = {
        "ambassador_id": await member_ambassador(client, world),
        "message": "A table run",
    }
    url = f"/v1/sub-programs/{world.sub_program_id}/spotlights"
    return await client.post(url, json=body, headers=headers)


def calls() -> dict[RowKey, Call]:
    return {
        ("GET", f"{SUB}/moments", ""): _get(f"{SUB}/moments"),
        ("POST", f"{SUB}/spotlights", ""): _propose,
        ("GET", "/v1/spotlights", ""): _get("/v1/spotlights"),
        ("GET", SPOTLIGHT, "published"): _on_fresh("GET", SPOTLIGHT, consented=True),
        ("GET", SPOTLIGHT, "awaiting_consent"): _on_fresh("GET", SPOTLIGHT, consented=False),
        ("POST", f"{SPOTLIGHT}/withdraw", "published"): _on_fresh(
            "POST", f"{SPOTLIGHT}/withdraw", consented=True
        ),
        ("GET", "/v1/me/spotlights", ""): _get("/v1/me/spotlights"),
        ("POST", f"{MINE}/consent", "awaiting_consent"): _on_fresh(
            "POST", f"{MINE}/consent", consented=False
        ),
        ("POST", f"{MINE}/decline", "awaiting_consent"): _on_fresh(
            "POST", f"{MINE}/decline", consented=False
        ),
    }
