"""Permission rows of charters: versions of a program's or sub-program's charter, publication,
acceptance, my charters.

A charter in force gates the shares of its scope, so no call here publishes on A's program P or
sub-program S (the member's shares stay as they were): drafts are written on P and S, and what
is published, read and accepted is on a fresh program, or a fresh sub-program of P (which P's
program manager covers), made by A's admin inside the call.
"""

from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from advocacy_testing.permission_cells import PERSONS_OF_A, Outcome, Row, cells
from advocacy_testing.world import Call, Headers, RowKey, World, fresh_sub_program

A_OBJECT: dict[str, Outcome] = {"operator": "404", "other_org_admin": "404"}
READERS = (*PERSONS_OF_A, "key_programs")
WRITERS = ("org_admin", "program_manager")
EMPLOYEES = ("member", "employee")
TERMS = {"terms": "Be yourself; say you work here.", "disclosure": "I work at A."}
PROGRAM = "/v1/programs/{program_id}"
SUB_PROGRAM = "/v1/sub-programs/{sub_program_id}"
CHARTER = "/v1/charters/{charter_id}"


def rows() -> list[Row]:
    writers = "org admin; program managers covering the scope"
    readers = "any person; API keys with programs:read"
    employees = "employees, for themselves (the version in force)"
    return [
        Row("POST", f"{PROGRAM}/charters", "ambassadors", writers, cells(*WRITERS, **A_OBJECT)),
        Row("POST", f"{SUB_PROGRAM}/charters", "ambassadors", writers, cells(*WRITERS, **A_OBJECT)),
        Row("GET", f"{PROGRAM}/charter", "ambassadors", readers, cells(*READERS, **A_OBJECT)),
        Row("GET", f"{SUB_PROGRAM}/charter", "ambassadors", readers, cells(*READERS, **A_OBJECT)),
        Row(
            "POST",
            f"{PROGRAM}/charter/accept",
            "ambassadors",
            employees,
            cells(*EMPLOYEES, **A_OBJECT),
        ),
        Row(
            "POST",
            f"{SUB_PROGRAM}/charter/accept",
            "ambassadors",
            employees,
            cells(*EMPLOYEES, **A_OBJECT),
        ),
        Row(
            "GET",
            "/v1/charters",
            "ambassadors",
            f"{readers} (drafts only to their writers; each org its own)",
            cells(*READERS, "other_org_admin"),
        ),
        Row(
            "GET",
            CHARTER,
            "ambassadors",
            f"{readers} (a published version)",
            cells(*READERS, **A_OBJECT),
        ),
        Row("POST", f"{CHARTER}/publish", "ambassadors", writers, cells(*WRITERS, **A_OBJECT)),
        Row(
            "GET",
            "/v1/me/charters",
            "ambassadors",
            "employees: the charters in force where they take part",
            cells(*EMPLOYEES),
        ),
    ]


async def _created(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code in (200, 201), response.text
    return dict(response.json())


async def fresh_program(client: httpx.AsyncClient, world: World) -> str:
    """A program of A made by A's admin; its id."""
    body = {"name": "Fresh"}
    return str(
        (await _created(await client.post("/v1/programs", json=body, headers=world.admin)))["id"]
    )


async def in_force(client: httpx.AsyncClient, world: World, scope: str) -> dict[str, Any]:
    """A version drafted and published on the scope by A's admin."""
    draft = await _created(await client.post(f"{scope}/charters", json=TERMS, headers=world.admin))
    url = f"/v1/charters/{draft['id']}/publish"
    return await _created(await client.post(url, headers=world.admin))


Scope = Callable[[httpx.AsyncClient, World], Awaitable[str]]


async def _program(client: httpx.AsyncClient, world: World) -> str:
    return f"/v1/programs/{await fresh_program(client, world)}"


async def _sub_program(client: httpx.AsyncClient, world: World) -> str:
    return f"/v1/sub-programs/{await fresh_sub_program(client, world)}"


def _draft(scope: Callable[[World], str]) -> Call:
    async def call(client: httpx.AsyncClient, world: World, headers: Headers) -> httpx.Response:
        return await client.post(f"{scope(world)}/charters", json=TERMS, headers=headers)

    return call


def _current(scope: Scope) -> Call:
    async def call(client: httpx.AsyncClient, world: World, headers: Headers) -> httpx.Response:
        where = await scope(client, world)
        await in_force(client, world, where)
        return await client.get(f"{where}/charter", headers=headers)

    return call


def _accept(scope: Scope) -> Call:
    async def call(client: httpx.AsyncClient, world: World, headers: Headers) -> httpx.Response:
        where = await scope(client, world)
        charter = await in_force(client, world, where)
        body = {"version": charter["version"]}
        return await client.post(f"{where}/charter/accept", json=body, headers=headers)

    return call


async def _read_one(client: httpx.AsyncClient, world: World, headers: Headers) -> httpx.Response:
    charter = await in_force(client, world, await _program(client, world))
    return await client.get(f"/v1/charters/{charter['id']}", headers=headers)


async def _publish(client: httpx.AsyncClient, world: World, headers: Headers) -> httpx.Response:
    scope = await _sub_program(client, world)
    draft = await _created(await client.post(f"{scope}/charters", json=TERMS, headers=world.admin))
    return await client.post(f"/v1/charters/{draft['id']}/publish", headers=headers)


def _get(url: str) -> Call:
    async def call(client: httpx.AsyncClient, world: World, headers: Headers) -> httpx.Response:
        return await client.get(url, headers=headers)

    return call


def calls() -> dict[RowKey, Call]:
    return {
        ("POST", f"{PROGRAM}/charters", ""): _draft(lambda w: f"/v1/programs/{w.program_id}"),
        ("POST", f"{SUB_PROGRAM}/charters", ""): _draft(
            lambda w: f"/v1/sub-programs/{w.sub_program_id}"
        ),
        ("GET", f"{PROGRAM}/charter", ""): _current(_program),
        ("GET", f"{SUB_PROGRAM}/charter", ""): _current(_sub_program),
        ("POST", f"{PROGRAM}/charter/accept", ""): _accept(_program),
        ("POST", f"{SUB_PROGRAM}/charter/accept", ""): _accept(_sub_program),
        ("GET", "/v1/charters", ""): _get("/v1/charters"),
        ("GET", CHARTER, ""): _read_one,
        ("POST", f"{CHARTER}/publish", ""): _publish,
        ("GET", "/v1/me/charters", ""): _get("/v1/me/charters"),
    }
