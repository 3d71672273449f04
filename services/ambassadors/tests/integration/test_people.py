"""Employees from HR: upserts that write only real changes, who may read and write them, and a
departure that deactivates the person once, everywhere, with erasure per retention policy."""

import asyncio
import json
import uuid
from typing import Any

import httpx
from sqlalchemy import select
from sqlmodel import col

from advocacy_testing.apps import Tenant, new_sub_program
from advocacy_testing.identity import user_token
from common.db import Database
from common.outbox import OutboxMessage

SYNCED = "ambassadors.employee.synced.v1"
LEFT = "ambassadors.employee.left.v1"
ERASED = "ambassadors.ambassador.erased.v1"
MEMBERSHIP = "ambassadors.membership.changed.v1"


def hr_key(org: Tenant, scopes: list[str] | None = None) -> dict[str, str]:
    token = user_token(
        user_id=uuid.uuid4(),
        org_id=org.org_id,
        roles=["integration"],
        kind="api_key",
        scopes=scopes if scopes is not None else ["hr:write"],
    )
    return {"Authorization": f"Bearer {token}"}


def person(org: Tenant, user_id: uuid.UUID, user_name: str) -> dict[str, str]:
    token = user_token(
        user_id=user_id, org_id=org.org_id, roles=["employee"], preferred_username=user_name
    )
    return {"Authorization": f"Bearer {token}"}


async def staged(db: Database, event_type: str) -> list[dict[str, Any]]:
    async with db.transaction() as session:
        query = select(OutboxMessage).where(col(OutboxMessage.event_type) == event_type)
        rows = (await session.execute(query)).scalars().all()
    return [json.loads(row.payload) | {"headers": dict(row.headers)} for row in rows]


def record(user_name: str = "ada@example.com", **fields: Any) -> dict[str, Any]:
    return {"user_name": user_name, "department": "Sales", "active_networks": ["linkedin"]} | fields


async def test_an_identical_record_changes_nothing_and_a_change_is_told_once(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = Tenant()
    url = "/v1/hr/employees/E-1"
    first = await client.put(url, json=record(), headers=hr_key(org))
    again = await client.put(url, json=record(user_name="ADA@example.com"), headers=hr_key(org))
    moved = await client.put(url, json=record(department="CSR"), headers=hr_key(org))
    assert (first.status_code, again.status_code, moved.status_code) == (201, 200, 200)
    assert again.json()["version"] == 1 and moved.json()["version"] == 2
    assert moved.json()["department"] == "CSR" and moved.json()["user_name"] == "ada@example.com"
    events = await staged(db, SYNCED)
    assert [e["change"] for e in events] == ["created", "updated"]
    assert events[1]["headers"]["ce_department"] == "CSR"


async def test_hr_writers_only_and_other_organisations_see_nothing(
    client: httpx.AsyncClient,
) -> None:
    org, other = Tenant(), Tenant()
    created = await client.put(
        "/v1/hr/employees/E-2", json=record(), headers=org.headers(admin=True)
    )
    assert created.status_code == 201, created.text
    employee_id = created.json()["id"]
    refused = [
        await client.put("/v1/hr/employees/E-3", json=record("b@x.io"), headers=headers)
        for headers in (org.headers(), hr_key(org, ["programs:read"]))
    ]
    assert [r.status_code for r in refused] == [403, 403]
    assert all(r.headers["content-type"] == "application/problem+json" for r in refused)
    assert (
        await client.get(f"/v1/employees/{employee_id}", headers=org.headers())
    ).status_code == 403
    foreign = await client.get(f"/v1/employees/{employee_id}", headers=other.headers(admin=True))
    assert foreign.status_code == 404
    listed = await client.get("/v1/employees", headers=other.headers(admin=True))
    assert listed.json()["items"] == []
    mine = await client.get("/v1/employees?department=Sales", headers=hr_key(org))
    assert [e["id"] for e in mine.json()["items"]] == [employee_id]
    foreign_leave = await client.post("/v1/hr/employees/E-2/leave", headers=hr_key(other))
    assert foreign_leave.status_code == 404
    # External ids are each organisation's own: B's E-2 is B's record, A's stays as it was.
    theirs = await client.put("/v1/hr/employees/E-2", json=record(), headers=hr_key(other))
    assert theirs.status_code == 201 and theirs.json()["id"] != employee_id
    ours = await client.get(f"/v1/employees/{employee_id}", headers=hr_key(org))
    assert ours.json()["version"] == 1


async def test_bad_records_name_the_field_and_user_names_are_unique(
    client: httpx.AsyncClient,
) -> None:
    org = Tenant()
    admin = org.headers(admin=True)
    cases = {
        "user_name": {"department": "Sales"},
        "employment_status": record(employment_status="retired"),
        "active_networks": record(active_networks=["myspace"]),
        "hire_date": record(hire_date="yesterday"),
        "email": record(email="not-an-address"),
    }
    for field, body in cases.items():
        response = await client.put("/v1/hr/employees/E-4", json=body, headers=admin)
        assert response.status_code == 422, (field, response.text)
        assert field in response.text
    assert (
        await client.put("/v1/hr/employees/E-4", json=record(), headers=admin)
    ).status_code == 201
    taken = await client.put("/v1/hr/employees/E-5", json=record(), headers=admin)
    assert taken.status_code == 409 and taken.json()["type"].endswith("user_name_taken")


async def test_a_departure_takes_the_person_out_everywhere_once(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = Tenant()
    admin = org.headers(admin=True)
    sub = await new_sub_program(client, org)
    await client.put("/v1/hr/employees/E-6", json=record("grace@example.com"), headers=hr_key(org))
    grace = person(org, uuid.uuid4(), "Grace@Example.com")
    mine = await client.get("/v1/me/employee", headers=grace)
    assert mine.status_code == 200 and mine.json()["linked"] is True
    joined = await client.post(
        f"/v1/sub-programs/{sub}/members",
        json={"network": "linkedin", "audience_size": 300},
        headers=grace,
    )
    assert joined.status_code == 201, joined.text
    url = "/v1/hr/employees/E-6/leave"
    twice = await asyncio.gather(*(client.post(url, headers=hr_key(org)) for _ in range(2)))
    assert [r.status_code for r in twice] == [200, 200]
    assert twice[0].json()["employment_status"] == "left"
    assert len(await staged(db, LEFT)) == 1
    assert [e["change"] for e in await staged(db, MEMBERSHIP)] == ["joined", "left"]
    left = (await staged(db, LEFT))[0]
    assert left["erase_after"] is not None  # the default policy keeps 30 days
    again = await client.post(
        f"/v1/sub-programs/{sub}/members",
        json={"network": "linkedin", "audience_size": 300},
        headers=grace,
    )
    assert again.status_code == 403 and again.json()["type"].endswith("employee_departed")
    await client.put("/v1/hr/retention", json={"erase_after_days": 0}, headers=admin)
    await client.put("/v1/hr/employees/E-7", json=record("lin@example.com"), headers=hr_key(org))
    gone = await client.post("/v1/hr/employees/E-7/leave", headers=hr_key(org))
    assert gone.json()["erased_at"] is not None and gone.json()["email"] is None
    assert len(await staged(db, ERASED)) == 1


async def test_an_unknown_employee_cannot_leave(client: httpx.AsyncClient) -> None:
    response = await client.post("/v1/hr/employees/nobody/leave", headers=hr_key(Tenant()))
    assert response.status_code == 404 and response.json()["type"].endswith("employee_not_found")
