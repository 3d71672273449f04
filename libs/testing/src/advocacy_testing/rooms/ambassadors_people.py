"""Permission rows of employee records (HR upserts, departures, the people list, retention).

HR writes are for org admins and hr:write keys (key_other); the people list for them and
program managers holding a grant. Every call on an employee acts on a fresh employee of A that
A's admin made inside the call, so an allowed call succeeds and a refusal is about who calls.
"""

import uuid

import httpx

from advocacy_testing.permission_cells import PERSONS_OF_A, Outcome, Row, cells
from advocacy_testing.world import Call, Headers, RowKey, World

EMPLOYEE = "/v1/employees/{employee_id}"
HR_EMPLOYEE = "/v1/hr/employees/{external_id}"
NO_RECORD: dict[str, Outcome] = dict.fromkeys((*PERSONS_OF_A, "other_org_admin"), "404")


def _readers(**exceptions: Outcome) -> dict[str, Outcome]:
    return cells("org_admin", "program_manager", "key_other", **exceptions)


def rows() -> list[Row]:
    hr = "org admins and hr:write keys"
    return [
        Row(
            "PUT",
            HR_EMPLOYEE,
            "ambassadors",
            f"{hr} (org B writes its own employee of that external id)",
            cells("org_admin", "key_other", "other_org_admin"),
        ),
        Row(
            "POST",
            f"{HR_EMPLOYEE}/leave",
            "ambassadors",
            f"{hr} (org B: no such employee, 404)",
            cells("org_admin", "key_other", other_org_admin="404"),
        ),
        Row(
            "GET",
            "/v1/employees",
            "ambassadors",
            f"{hr}, program managers holding a grant (each org its own)",
            _readers(other_org_admin="allowed"),
        ),
        Row(
            "GET",
            EMPLOYEE,
            "ambassadors",
            f"{hr}, program managers holding a grant",
            _readers(operator="404", other_org_admin="404"),
        ),
        Row(
            "GET",
            "/v1/me/employee",
            "ambassadors",
            "any person: their own HR record (these callers have none linked: 404)",
            cells(otherwise="403", **NO_RECORD),
        ),
        Row(
            "GET",
            "/v1/hr/retention",
            "ambassadors",
            hr,
            cells("org_admin", "key_other", "other_org_admin"),
        ),
        Row(
            "PUT",
            "/v1/hr/retention",
            "ambassadors",
            "org admins",
            cells("org_admin", "other_org_admin"),
        ),
    ]


def _record() -> dict[str, object]:
    return {"user_name": f"p-{uuid.uuid4().hex[:12]}@example.com", "department": "Sales"}


async def fresh_employee(client: httpx.AsyncClient, world: World) -> dict[str, str]:
    """An employee of A made by A's admin: its id and external id."""
    external_id = f"E-{uuid.uuid4().hex[:12]}"
    url = f"/v1/hr/employees/{external_id}"
    response = await client.put(url, json=_record(), headers=world.admin)
    assert response.status_code == 201, response.text
    return {"id": str(response.json()["id"]), "external_id": external_id}


async def _upsert(client: httpx.AsyncClient, world: World, headers: Headers) -> httpx.Response:
    url = f"/v1/hr/employees/E-{uuid.uuid4().hex[:12]}"
    return await client.put(url, json=_record(), headers=headers)


async def _leave(client: httpx.AsyncClient, world: World, headers: Headers) -> httpx.Response:
    employee = await fresh_employee(client, world)
    return await client.post(f"/v1/hr/employees/{employee['external_id']}/leave", headers=headers)


async def _read(client: httpx.AsyncClient, world: World, headers: Headers) -> httpx.Response:
    employee = await fresh_employee(client, world)
    return await client.get(f"/v1/employees/{employee['id']}", headers=headers)


def _get(url: str) -> Call:
    async def call(client: httpx.AsyncClient, world: World, headers: Headers) -> httpx.Response:
        return await client.get(url, headers=headers)

    return call


async def _retention(client: httpx.AsyncClient, world: World, headers: Headers) -> httpx.Response:
    # The default, so the table's runs change no other test's departures.
    return await client.put("/v1/hr/retention", json={"erase_after_days": 30}, headers=headers)


def calls() -> dict[RowKey, Call]:
    return {
        ("PUT", HR_EMPLOYEE, ""): _upsert,
        ("POST", f"{HR_EMPLOYEE}/leave", ""): _leave,
        ("GET", "/v1/employees", ""): _get("/v1/employees"),
        ("GET", EMPLOYEE, ""): _read,
        ("GET", "/v1/me/employee", ""): _get("/v1/me/employee"),
        ("GET", "/v1/hr/retention", ""): _get("/v1/hr/retention"),
        ("PUT", "/v1/hr/retention", ""): _retention,
    }
