"""Permission rows of HR's CSV imports (upload, the list, one job's progress, its errors).

Org admins and hr:write keys (key_other) only, each organisation its own. Calls on one import
act on a fresh import of A that A's admin uploaded inside the call.
"""

import uuid

import httpx

from advocacy_testing.permission_cells import Outcome, Row, cells
from advocacy_testing.world import Call, Headers, RowKey, World

IMPORTS = "/v1/hr/imports"
IMPORT = "/v1/hr/imports/{import_id}"
CSV = {"content-type": "text/csv"}


def rows() -> list[Row]:
    hr = "org admins and hr:write keys"
    one = cells("org_admin", "key_other", operator="404", other_org_admin="404")
    return [
        Row("POST", IMPORTS, "ambassadors", f"{hr} (org B imports into B)", _each_org()),
        Row("GET", IMPORTS, "ambassadors", f"{hr} (each org its own)", _each_org()),
        Row("GET", IMPORT, "ambassadors", hr, one),
        Row("GET", f"{IMPORT}/errors", "ambassadors", hr, one),
    ]


def _each_org() -> dict[str, Outcome]:
    return cells("org_admin", "key_other", "other_org_admin")


def _file() -> bytes:
    external_id = f"E-{uuid.uuid4().hex[:12]}"
    return f"external_id,user_name\n{external_id},{external_id.lower()}@example.com\n".encode()


async def fresh_import(client: httpx.AsyncClient, world: World) -> str:
    """An import of A uploaded by A's admin: its id."""
    response = await client.post(IMPORTS, content=_file(), headers={**world.admin, **CSV})
    assert response.status_code == 202, response.text
    return str(response.json()["id"])


async def _upload(client: httpx.AsyncClient, world: World, headers: Headers) -> httpx.Response:
    return await client.post(IMPORTS, content=_file(), headers={**headers, **CSV})


async def _list(client: httpx.AsyncClient, world: World, headers: Headers) -> httpx.Response:
    return await client.get(IMPORTS, headers=headers)


async def _read(client: httpx.AsyncClient, world: World, headers: Headers) -> httpx.Response:
    return await client.get(f"{IMPORTS}/{await fresh_import(client, world)}", headers=headers)


async def _errors(client: httpx.AsyncClient, world: World, headers: Headers) -> httpx.Response:
    url = f"{IMPORTS}/{await fresh_import(client, world)}/errors"
    return await client.get(url, headers=headers)


def calls() -> dict[RowKey, Call]:
    return {
        ("POST", IMPORTS, ""): _upload,
        ("GET", IMPORTS, ""): _list,
        ("GET", IMPORT, ""): _read,
        ("GET", f"{IMPORT}/errors", ""): _errors,
    }
