"""Programs, sub-programs and memberships are announced in the transaction that changes them,
once per actual change, keyed by their scope, with the headers consumers filter on."""

import asyncio
import json
import uuid
from typing import Any

import httpx
from sqlalchemy import select
from sqlmodel import col

from advocacy_testing.apps import Tenant
from common.db import Database
from common.outbox import OutboxMessage

MEMBERSHIP_CHANGED = "ambassadors.membership.changed.v1"
LINKEDIN = {"network": "linkedin", "audience_size": 300}


async def staged(db: Database, event_type: str, key: str) -> list[dict[str, Any]]:
    """The outbox rows of one type and key: payload plus its CloudEvents headers."""
    async with db.transaction() as session:
        query = (
            select(OutboxMessage)
            .where(col(OutboxMessage.event_type) == event_type, col(OutboxMessage.key) == key)
            .order_by(col(OutboxMessage.id))
        )
        rows = (await session.execute(query)).scalars().all()
    return [json.loads(row.payload) | {"headers": dict(row.headers)} for row in rows]


async def test_program_and_sub_program_creation_are_announced(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = Tenant()
    admin = org.headers(admin=True)
    program = (await client.post("/v1/programs", json={"name": "P"}, headers=admin)).json()
    sub = (
        await client.post(
            f"/v1/programs/{program['id']}/sub-programs",
            json={"name": "LinkedIn people", "kind": "network"},
            headers=admin,
        )
    ).json()

    [p] = await staged(db, "ambassadors.program.created.v1", program["id"])
    [s] = await staged(db, "ambassadors.sub_program.created.v1", sub["id"])
    assert (p["program_id"], p["org_id"], p["name"]) == (program["id"], str(org.org_id), "P")
    assert p["headers"]["ce_orgid"] == str(org.org_id)
    assert (s["program_id"], s["kind"], s["name"]) == (program["id"], "network", "LinkedIn people")
    assert (s["headers"]["ce_orgid"], s["headers"]["ce_subprogramid"]) == (
        str(org.org_id),
        sub["id"],
    )


async def test_refused_creation_announces_nothing(client: httpx.AsyncClient, db: Database) -> None:
    org = Tenant()
    refused = await client.post("/v1/programs", json={"name": "P"}, headers=org.headers())
    assert refused.status_code == 403
    # Each test has a database of its own: an empty outbox means nothing was staged.
    async with db.transaction() as session:
        assert (await session.execute(select(OutboxMessage))).first() is None


async def test_concurrent_joins_and_leaves_announce_each_change_once(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = Tenant()
    admin = org.headers(admin=True)
    program = (await client.post("/v1/programs", json={"name": "P"}, headers=admin)).json()
    sub_id = (
        await client.post(
            f"/v1/programs/{program['id']}/sub-programs", json={"name": "S"}, headers=admin
        )
    ).json()["id"]
    user_id = uuid.uuid4()
    me = org.headers(user_id=user_id)
    url = f"/v1/sub-programs/{sub_id}/members"

    joins = await asyncio.gather(*(client.post(url, json=LINKEDIN, headers=me) for _ in range(3)))
    leaves = await asyncio.gather(*(client.delete(f"{url}/me", headers=me) for _ in range(3)))

    assert sorted(r.status_code for r in joins) == [201, 409, 409]
    assert sorted(r.status_code for r in leaves) == [204, 404, 404]
    events = await staged(db, MEMBERSHIP_CHANGED, sub_id)
    assert [(e["change"], e["user_id"]) for e in events] == [
        ("joined", str(user_id)),
        ("left", str(user_id)),
    ]
    ambassador_id = next(r for r in joins if r.status_code == 201).json()["ambassador_id"]
    assert {e["ambassador_id"] for e in events} == {ambassador_id}
    assert {(e["headers"]["ce_orgid"], e["headers"]["ce_subprogramid"]) for e in events} == {
        (str(org.org_id), sub_id)
    }
