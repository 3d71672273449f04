"""Permission rows of program and sub-program policies and the program roll-up.

Policies are read like their program (any person of A, programs:read keys) and written by org
admins and program managers covering the level. A program's policy is written on P itself (the
program manager's grant is there) with every setting null, so the table's runs restrict nothing
that other rows do; a sub-program's on a fresh sub-program of P made by A's admin.
"""

import httpx

from advocacy_testing.permission_cells import PERSONS_OF_A, Outcome, Row, cells
from advocacy_testing.world import Call, Headers, RowKey, World, fresh_sub_program, get_call

PROGRAM = "/v1/programs/{program_id}"
SUB_PROGRAM = "/v1/sub-programs/{sub_program_id}"
OTHER_ORGS: dict[str, Outcome] = {"operator": "404", "other_org_admin": "404"}
READERS = (*PERSONS_OF_A, "key_programs")


def rows() -> list[Row]:
    readers = "any person; API keys with programs:read"
    return [
        Row("GET", f"{PROGRAM}/policy", "ambassadors", readers, cells(*READERS, **OTHER_ORGS)),
        Row(
            "PUT",
            f"{PROGRAM}/policy",
            "ambassadors",
            "org admin; program managers of the program",
            cells("org_admin", "program_manager", **OTHER_ORGS),
        ),
        Row("GET", f"{SUB_PROGRAM}/policy", "ambassadors", readers, cells(*READERS, **OTHER_ORGS)),
        Row(
            "PUT",
            f"{SUB_PROGRAM}/policy",
            "ambassadors",
            "org admin; program managers covering the sub-program",
            cells("org_admin", "program_manager", **OTHER_ORGS),
        ),
        Row(
            "GET",
            f"{SUB_PROGRAM}/policy/effective",
            "ambassadors",
            readers,
            cells(*READERS, **OTHER_ORGS),
        ),
        Row(
            "GET",
            f"{PROGRAM}/rollup",
            "ambassadors",
            "org admin, analysts; program managers of the program",
            cells("org_admin", "analyst", "program_manager", **OTHER_ORGS),
        ),
    ]


async def _put(
    client: httpx.AsyncClient, url: str, world: World, headers: Headers
) -> httpx.Response:
    # The version just read by A's admin, so an allowed caller's write is never stale.
    read = await client.get(url, headers=world.admin)
    assert read.status_code == 200, read.text
    return await client.put(url, json={"version": read.json()["version"]}, headers=headers)


async def _put_program(client: httpx.AsyncClient, world: World, headers: Headers) -> httpx.Response:
    return await _put(client, f"/v1/programs/{world.program_id}/policy", world, headers)


async def _put_sub_program(
    client: httpx.AsyncClient, world: World, headers: Headers
) -> httpx.Response:
    sub_id = await fresh_sub_program(client, world)
    return await _put(client, f"/v1/sub-programs/{sub_id}/policy", world, headers)


def calls() -> dict[RowKey, Call]:
    return {
        ("GET", f"{PROGRAM}/policy", ""): get_call(lambda w: f"/v1/programs/{w.program_id}/policy"),
        ("PUT", f"{PROGRAM}/policy", ""): _put_program,
        ("GET", f"{SUB_PROGRAM}/policy", ""): get_call(
            lambda w: f"/v1/sub-programs/{w.sub_program_id}/policy"
        ),
        ("PUT", f"{SUB_PROGRAM}/policy", ""): _put_sub_program,
        ("GET", f"{SUB_PROGRAM}/policy/effective", ""): get_call(
            lambda w: f"/v1/sub-programs/{w.sub_program_id}/policy/effective"
        ),
        ("GET", f"{PROGRAM}/rollup", ""): get_call(lambda w: f"/v1/programs/{w.program_id}/rollup"),
    }
