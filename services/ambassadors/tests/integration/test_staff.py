"""Staff grants: who may grant what where, duplicates and revocations decided by PostgreSQL,
and every change of access (grants, programs, sub-programs, memberships) staged exactly once."""

import asyncio
import json
import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlmodel import col

from advocacy_testing.apps import Tenant
from advocacy_testing.identity import user_token
from ambassadors.staff.models import StaffGrant
from common.db import Database
from common.outbox import OutboxMessage

STAFF_CHANGED = "ambassadors.staff_role.changed.v1"


async def staged(db: Database, event_type: str, key: str) -> list[dict[str, Any]]:
    """The outbox rows of one type and key: payload plus its CloudEvents headers."""
    async with db.transaction() as session:
        query = select(OutboxMessage).where(
            col(OutboxMessage.event_type) == event_type, col(OutboxMessage.key) == key
        )
        rows = (await session.execute(query)).scalars().all()
    return [json.loads(row.payload) | {"headers": dict(row.headers)} for row in rows]


async def grants(db: Database, scope_id: str) -> int:
    async with db.transaction() as session:
        query = select(func.count()).where(col(StaffGrant.scope_id) == uuid.UUID(scope_id))
        return int((await session.execute(query)).scalar_one())


async def created(response: httpx.Response) -> str:
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def program(client: httpx.AsyncClient, org: Tenant) -> str:
    admin = org.headers(admin=True)
    return await created(await client.post("/v1/programs", json={"name": "P"}, headers=admin))


async def sub_program(client: httpx.AsyncClient, org: Tenant, program_id: str) -> str:
    url = f"/v1/programs/{program_id}/sub-programs"
    return await created(
        await client.post(url, json={"name": "S"}, headers=org.headers(admin=True))
    )


async def grant(
    client: httpx.AsyncClient, scope: str, user_id: uuid.UUID, role: str, headers: dict[str, str]
) -> httpx.Response:
    body = {"user_id": str(user_id), "role": role}
    return await client.post(f"{scope}/staff", json=body, headers=headers)


def person(org: Tenant, user_id: uuid.UUID, *roles: str) -> dict[str, str]:
    return org.headers(user_id=user_id, roles=list(roles))


async def test_org_admin_grants_lists_and_revokes_with_one_event_each(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = Tenant()
    admin, p = org.headers(admin=True), await program(client, org)
    s = await sub_program(client, org, p)
    manager, reviewer = uuid.uuid4(), uuid.uuid4()

    on_program = await grant(client, f"/v1/programs/{p}", manager, "program_manager", admin)
    on_sub = await grant(client, f"/v1/sub-programs/{s}", reviewer, "reviewer", admin)
    listed = await client.get(f"/v1/programs/{p}/staff", headers=admin)
    mine = await client.get("/v1/me/staff-roles", headers=person(org, reviewer, "employee"))

    assert (on_program.status_code, on_sub.status_code) == (201, 201)
    assert on_sub.json() | {"id": None, "granted_at": None} == {
        "id": None,
        "user_id": str(reviewer),
        "role": "reviewer",
        "scope_type": "sub_program",
        "scope_id": s,
        "granted_by": str(org.admin_id),
        "granted_at": None,
    }
    assert [g["user_id"] for g in listed.json()["items"]] == [str(manager)]
    assert [g["scope_id"] for g in mine.json()["items"]] == [s]

    revoked = await client.delete(
        f"/v1/sub-programs/{s}/staff/{on_sub.json()['id']}", headers=admin
    )
    assert revoked.status_code == 204
    assert (await client.get(f"/v1/sub-programs/{s}/staff", headers=admin)).json()["items"] == []

    events = await staged(db, STAFF_CHANGED, s)
    assert [(e["change"], e["role"], e["scope_type"]) for e in events] == [
        ("granted", "reviewer", "sub_program"),
        ("revoked", "reviewer", "sub_program"),
    ]
    assert {e["headers"]["ce_orgid"] for e in events} == {str(org.org_id)}
    assert {e["headers"]["ce_subprogramid"] for e in events} == {s}
    [program_event] = await staged(db, STAFF_CHANGED, p)
    assert "ce_subprogramid" not in program_event["headers"]
    assert program_event["user_id"] == str(manager)


@pytest.mark.parametrize("scope", ["program", "sub_program"])
async def test_concurrent_duplicate_grants_make_one_grant_and_one_event(
    client: httpx.AsyncClient, db: Database, scope: str
) -> None:
    org = Tenant()
    p = await program(client, org)
    scope_id = p if scope == "program" else await sub_program(client, org, p)
    url = f"/v1/programs/{p}" if scope == "program" else f"/v1/sub-programs/{scope_id}"
    for _ in range(5):
        user_id = uuid.uuid4()
        answers = await asyncio.gather(
            *(grant(client, url, user_id, "reviewer", org.headers(admin=True)) for _ in range(4))
        )
        assert sorted(a.status_code for a in answers) == [201, 409, 409, 409]
        loser = next(a for a in answers if a.status_code == 409).json()
        assert (loser["type"], loser["errors"][0]["field"]) == (
            "urn:advocacy:problem:staff_role_already_granted",
            "user_id",
        )
    assert await grants(db, scope_id) == 5
    assert len(await staged(db, STAFF_CHANGED, scope_id)) == 5


async def test_concurrent_revocations_remove_once_and_announce_once(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = Tenant()
    admin, p = org.headers(admin=True), await program(client, org)
    grant_id = await created(
        await grant(client, f"/v1/programs/{p}", uuid.uuid4(), "reviewer", admin)
    )

    answers = await asyncio.gather(
        *(client.delete(f"/v1/programs/{p}/staff/{grant_id}", headers=admin) for _ in range(3))
    )

    assert sorted(a.status_code for a in answers) == [204, 404, 404]
    changes = [e["change"] for e in await staged(db, STAFF_CHANGED, p)]
    assert changes == ["granted", "revoked"]


async def test_program_manager_grants_reviewers_within_their_program_only(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = Tenant()
    admin = org.headers(admin=True)
    mine, other = await program(client, org), await program(client, org)
    inside, outside = await sub_program(client, org, mine), await sub_program(client, org, other)
    manager_id = uuid.uuid4()
    await created(await grant(client, f"/v1/programs/{mine}", manager_id, "program_manager", admin))
    manager = person(org, manager_id, "program_manager")
    someone = uuid.uuid4()

    allowed = [
        await grant(client, f"/v1/programs/{mine}", someone, "reviewer", manager),
        await grant(client, f"/v1/sub-programs/{inside}", someone, "reviewer", manager),
    ]
    refused = [
        await grant(client, f"/v1/programs/{other}", someone, "reviewer", manager),
        await grant(client, f"/v1/sub-programs/{outside}", someone, "reviewer", manager),
        await grant(client, f"/v1/sub-programs/{inside}", someone, "program_manager", manager),
    ]
    peer_id = await created(
        await grant(client, f"/v1/sub-programs/{inside}", uuid.uuid4(), "program_manager", admin)
    )
    revoke_peer = await client.delete(f"/v1/sub-programs/{inside}/staff/{peer_id}", headers=manager)
    revoke_reviewer = await client.delete(
        f"/v1/sub-programs/{inside}/staff/{allowed[1].json()['id']}", headers=manager
    )

    assert [a.status_code for a in allowed] == [201, 201]
    assert [r.status_code for r in refused] == [403, 403, 403]
    assert refused[2].json()["errors"][0]["field"] == "role"
    assert (revoke_peer.status_code, revoke_reviewer.status_code) == (403, 204)
    assert await grants(db, inside) == 1  # the peer program manager's grant stayed
    assert await grants(db, other) == 0


async def test_program_manager_of_a_sub_program_manages_only_that_sub_program(
    client: httpx.AsyncClient,
) -> None:
    org = Tenant()
    admin, p = org.headers(admin=True), await program(client, org)
    mine, sibling = await sub_program(client, org, p), await sub_program(client, org, p)
    manager_id = uuid.uuid4()
    await created(
        await grant(client, f"/v1/sub-programs/{mine}", manager_id, "program_manager", admin)
    )
    manager = person(org, manager_id, "program_manager")

    here = await grant(client, f"/v1/sub-programs/{mine}", uuid.uuid4(), "reviewer", manager)
    there = await grant(client, f"/v1/sub-programs/{sibling}", uuid.uuid4(), "reviewer", manager)
    above = await grant(client, f"/v1/programs/{p}", uuid.uuid4(), "reviewer", manager)
    new_sub = await client.post(
        f"/v1/programs/{p}/sub-programs", json={"name": "N"}, headers=manager
    )
    program_staff = await client.get(f"/v1/programs/{p}/staff", headers=manager)

    assert [r.status_code for r in (here, there, above)] == [201, 403, 403]
    assert (new_sub.status_code, program_staff.status_code) == (403, 403)


async def test_the_grant_confers_the_scoped_role_whatever_the_token_roles(
    client: httpx.AsyncClient,
) -> None:
    org = Tenant()
    admin, p = org.headers(admin=True), await program(client, org)
    granted_id = uuid.uuid4()
    await created(await grant(client, f"/v1/programs/{p}", granted_id, "program_manager", admin))
    granted_employee = person(org, granted_id, "employee")
    role_without_grant = person(org, uuid.uuid4(), "program_manager")
    body = {"name": "By a manager"}

    by_grant = await client.post(
        f"/v1/programs/{p}/sub-programs", json=body, headers=granted_employee
    )
    by_role = await client.post(
        f"/v1/programs/{p}/sub-programs", json=body, headers=role_without_grant
    )

    assert (by_grant.status_code, by_role.status_code) == (201, 403)


async def test_a_grant_made_out_to_an_api_key_id_gives_the_key_nothing(
    client: httpx.AsyncClient,
) -> None:
    org = Tenant()
    admin, p = org.headers(admin=True), await program(client, org)
    key_id = uuid.uuid4()
    await created(await grant(client, f"/v1/programs/{p}", key_id, "program_manager", admin))
    key = user_token(
        user_id=key_id,
        org_id=org.org_id,
        roles=["integration"],
        kind="api_key",
        scopes=["programs:read"],
    )
    headers = {"Authorization": f"Bearer {key}"}

    create = await client.post(
        f"/v1/programs/{p}/sub-programs", json={"name": "K"}, headers=headers
    )
    staff = await client.get(f"/v1/programs/{p}/staff", headers=headers)
    read = await client.get(f"/v1/programs/{p}", headers=headers)

    assert (create.status_code, staff.status_code, read.status_code) == (403, 403, 200)


async def test_grants_are_listed_newest_first_page_by_page(client: httpx.AsyncClient) -> None:
    org = Tenant()
    admin, p = org.headers(admin=True), await program(client, org)
    users = [uuid.uuid4() for _ in range(3)]
    for user_id in users:
        await created(await grant(client, f"/v1/programs/{p}", user_id, "reviewer", admin))

    first = (await client.get(f"/v1/programs/{p}/staff?limit=2", headers=admin)).json()
    cursor = first["next_cursor"]
    second = (
        await client.get(f"/v1/programs/{p}/staff?limit=2&cursor={cursor}", headers=admin)
    ).json()

    listed = [g["user_id"] for g in first["items"] + second["items"]]
    assert listed == [str(u) for u in reversed(users)]
    assert second["next_cursor"] is None


async def test_grant_replayed_with_the_same_key_grants_once(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = Tenant()
    p = await program(client, org)
    keyed = org.headers(admin=True) | {"Idempotency-Key": "grant-1"}
    user_id = uuid.uuid4()

    answers = [
        await grant(client, f"/v1/programs/{p}", user_id, "reviewer", keyed) for _ in range(3)
    ]

    assert [a.status_code for a in answers] == [201, 201, 201]
    assert answers[0].json() == answers[2].json()
    assert await grants(db, p) == 1
    assert len(await staged(db, STAFF_CHANGED, p)) == 1


async def test_bad_grants_and_revocations_name_the_field(client: httpx.AsyncClient) -> None:
    org = Tenant()
    admin, p = org.headers(admin=True), await program(client, org)
    s = await sub_program(client, org, p)
    on_s = await created(
        await grant(client, f"/v1/sub-programs/{s}", uuid.uuid4(), "reviewer", admin)
    )

    bad_role = await grant(client, f"/v1/programs/{p}", uuid.uuid4(), "org_admin", admin)
    no_user = await client.post(f"/v1/programs/{p}/staff", json={"role": "reviewer"}, headers=admin)
    unknown = await client.delete(f"/v1/programs/{p}/staff/{uuid.uuid4()}", headers=admin)
    wrong_scope = await client.delete(f"/v1/programs/{p}/staff/{on_s}", headers=admin)
    not_a_uuid = await client.delete(f"/v1/programs/{p}/staff/nope", headers=admin)

    def field(response: httpx.Response) -> tuple[int, str]:
        return response.status_code, response.json()["errors"][0]["field"]

    assert field(bad_role) == (422, "role")
    assert field(no_user) == (422, "user_id")
    assert field(unknown) == (404, "grant_id")
    assert field(wrong_scope) == (404, "grant_id")
    assert field(not_a_uuid) == (422, "grant_id")
