"""Test support for voluntary membership: HR records, people signed in as them, programs."""

import json
import uuid
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlmodel import col

from advocacy_testing.apps import Tenant
from advocacy_testing.identity import user_token
from common.db import Database
from common.outbox import OutboxMessage

Headers = dict[str, str]
INVITED = "ambassadors.ambassador.invited.v1"
JOINED = "ambassadors.ambassador.joined.v1"
LEFT = "ambassadors.ambassador.left.v1"
MEMBERSHIP = "ambassadors.membership.changed.v1"
LINKEDIN = {"network": "linkedin", "audience_size": 300}


def person(
    org: Tenant, user_name: str, *, user_id: uuid.UUID | None = None, roles: list[str] | None = None
) -> Headers:
    """A signed-in person whose IdP states `user_name` (links them to that HR record)."""
    token = user_token(
        user_id=user_id or uuid.uuid4(),
        org_id=org.org_id,
        roles=roles or ["employee"],
        preferred_username=user_name,
    )
    return {"Authorization": f"Bearer {token}"}


def user_name() -> str:
    return f"p-{uuid.uuid4().hex[:12]}@example.com"


async def hire(
    client: httpx.AsyncClient, org: Tenant, name: str | None = None, **fields: Any
) -> dict[str, Any]:
    """An HR record of the organisation, written by its admin (201 expected)."""
    body = {"user_name": name or user_name(), **fields}
    url = f"/v1/hr/employees/E-{uuid.uuid4().hex[:12]}"
    response = await client.put(url, json=body, headers=org.headers(admin=True))
    assert response.status_code == 201, response.text
    return dict(response.json())


async def new_program(client: httpx.AsyncClient, org: Tenant, name: str = "P") -> str:
    response = await client.post(
        "/v1/programs", json={"name": name}, headers=org.headers(admin=True)
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def new_sub(client: httpx.AsyncClient, org: Tenant, program_id: str, name: str = "S") -> str:
    response = await client.post(
        f"/v1/programs/{program_id}/sub-programs",
        json={"name": name, "kind": "network"},
        headers=org.headers(admin=True),
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def staged(db: Database, event_type: str) -> list[dict[str, Any]]:
    """The staged events of a type (payload + headers), oldest first."""
    async with db.transaction() as session:
        query = (
            select(OutboxMessage)
            .where(col(OutboxMessage.event_type) == event_type)
            .order_by(col(OutboxMessage.id))
        )
        rows = (await session.execute(query)).scalars().all()
    return [
        json.loads(row.payload) | {"headers": dict(row.headers), "key": row.key} for row in rows
    ]


async def count(db: Database, model: Any, *where: Any) -> int:
    async with db.transaction() as session:
        query = select(func.count()).select_from(model).where(*where)
        return int((await session.execute(query)).scalar_one())
