"""Permission rows of training modules, the communication kit, my training and my onboarding.

Modules made here are never required (a required module would refuse the member's shares in
P); every call on one module or resource acts on a fresh one of P that A's admin made inside
the call, so an allowed call succeeds and a refusal is about who calls.
"""

from collections.abc import Awaitable, Callable

import httpx

from advocacy_testing.permission_cells import PERSONS_OF_A, Outcome, Row, cells
from advocacy_testing.world import Call, Headers, RowKey, World

A_OBJECT: dict[str, Outcome] = {"operator": "404", "other_org_admin": "404"}
READERS = (*PERSONS_OF_A, "key_programs")
WRITERS = ("org_admin", "program_manager")
EMPLOYEES = ("member", "employee")
PROGRAM = "/v1/programs/{program_id}"
MODULE = "/v1/training-modules/{module_id}"
RESOURCE = "/v1/kit-resources/{resource_id}"
MODULE_BODY = {"title": "How we share", "body": "Read this first.", "required": False}
RESOURCE_BODY = {"kind": "relay_vs_comment", "title": "Relay or comment?", "body": "Both."}


def rows() -> list[Row]:
    writers = "org admin; the program's managers"
    readers = "any person; API keys with programs:read"
    listed = f"{readers} (each org its own)"
    return [
        Row(
            "POST",
            f"{PROGRAM}/training-modules",
            "ambassadors",
            writers,
            cells(*WRITERS, **A_OBJECT),
        ),
        Row(
            "GET", "/v1/training-modules", "ambassadors", listed, cells(*READERS, "other_org_admin")
        ),
        Row("GET", MODULE, "ambassadors", readers, cells(*READERS, **A_OBJECT)),
        Row("PATCH", MODULE, "ambassadors", writers, cells(*WRITERS, **A_OBJECT)),
        Row("DELETE", MODULE, "ambassadors", writers, cells(*WRITERS, **A_OBJECT)),
        Row(
            "POST",
            f"{MODULE}/complete",
            "ambassadors",
            "employees, for themselves",
            cells(*EMPLOYEES, **A_OBJECT),
        ),
        Row(
            "GET",
            "/v1/me/training",
            "ambassadors",
            "employees: their own track",
            cells(*EMPLOYEES),
        ),
        Row(
            "GET",
            f"{PROGRAM}/training/progress",
            "ambassadors",
            writers,
            cells(*WRITERS, **A_OBJECT),
        ),
        Row(
            "POST", f"{PROGRAM}/kit-resources", "ambassadors", writers, cells(*WRITERS, **A_OBJECT)
        ),
        Row("GET", "/v1/kit-resources", "ambassadors", listed, cells(*READERS, "other_org_admin")),
        Row("GET", RESOURCE, "ambassadors", readers, cells(*READERS, **A_OBJECT)),
        Row("PATCH", RESOURCE, "ambassadors", writers, cells(*WRITERS, **A_OBJECT)),
        Row("DELETE", RESOURCE, "ambassadors", writers, cells(*WRITERS, **A_OBJECT)),
        Row(
            "GET",
            "/v1/me/onboarding",
            "ambassadors",
            "employees: the programs they are invited to or a member of",
            cells(*EMPLOYEES),
        ),
    ]


async def _fresh(client: httpx.AsyncClient, world: World, what: str, body: object) -> str:
    url = f"/v1/programs/{world.program_id}/{what}"
    response = await client.post(url, json=body, headers=world.admin)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _post(what: str, body: object) -> Call:
    async def call(client: httpx.AsyncClient, world: World, headers: Headers) -> httpx.Response:
        url = f"/v1/programs/{world.program_id}/{what}"
        return await client.post(url, json=body, headers=headers)

    return call


Send = Callable[[httpx.AsyncClient, str, Headers], Awaitable[httpx.Response]]


def _on_fresh(what: str, body: object, base: str, send: Send) -> Call:
    async def call(client: httpx.AsyncClient, world: World, headers: Headers) -> httpx.Response:
        return await send(client, f"{base}/{await _fresh(client, world, what, body)}", headers)

    return call


async def _get(client: httpx.AsyncClient, url: str, headers: Headers) -> httpx.Response:
    return await client.get(url, headers=headers)


async def _rename(client: httpx.AsyncClient, url: str, headers: Headers) -> httpx.Response:
    return await client.patch(url, json={"title": "Renamed"}, headers=headers)


async def _delete(client: httpx.AsyncClient, url: str, headers: Headers) -> httpx.Response:
    return await client.delete(url, headers=headers)


async def _complete(client: httpx.AsyncClient, url: str, headers: Headers) -> httpx.Response:
    return await client.post(f"{url}/complete", headers=headers)


def _list(url: str) -> Call:
    async def call(client: httpx.AsyncClient, world: World, headers: Headers) -> httpx.Response:
        return await client.get(url, headers=headers)

    return call


async def _progress(client: httpx.AsyncClient, world: World, headers: Headers) -> httpx.Response:
    url = f"/v1/programs/{world.program_id}/training/progress"
    return await client.get(url, headers=headers)


def calls() -> dict[RowKey, Call]:
    modules, kit = "training-modules", "kit-resources"
    module = ("/v1/training-modules", modules, MODULE_BODY)
    resource = ("/v1/kit-resources", kit, RESOURCE_BODY)
    return {
        ("POST", f"{PROGRAM}/training-modules", ""): _post(modules, MODULE_BODY),
        ("GET", "/v1/training-modules", ""): _list("/v1/training-modules"),
        ("GET", MODULE, ""): _on_fresh(module[1], module[2], module[0], _get),
        ("PATCH", MODULE, ""): _on_fresh(module[1], module[2], module[0], _rename),
        ("DELETE", MODULE, ""): _on_fresh(module[1], module[2], module[0], _delete),
        ("POST", f"{MODULE}/complete", ""): _on_fresh(module[1], module[2], module[0], _complete),
        ("GET", "/v1/me/training", ""): _list("/v1/me/training"),
        ("GET", f"{PROGRAM}/training/progress", ""): _progress,
        ("POST", f"{PROGRAM}/kit-resources", ""): _post(kit, RESOURCE_BODY),
        ("GET", "/v1/kit-resources", ""): _list("/v1/kit-resources"),
        ("GET", RESOURCE, ""): _on_fresh(resource[1], resource[2], resource[0], _get),
        ("PATCH", RESOURCE, ""): _on_fresh(resource[1], resource[2], resource[0], _rename),
        ("DELETE", RESOURCE, ""): _on_fresh(resource[1], resource[2], resource[0], _delete),
        ("GET", "/v1/me/onboarding", ""): _list("/v1/me/onboarding"),
    }
