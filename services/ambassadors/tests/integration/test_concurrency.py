"""Double submits on the ambassadors API, decided by PostgreSQL: opt-ins, shares, keys."""

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlmodel import col

from advocacy_testing.apps import Tenant, new_sub_program
from ambassadors.models import Ambassador, FeedItem, Membership, Program, Share, SocialProfile
from common.db import Database
from common.outbox import OutboxMessage

SHARE_CREATED = "ambassadors.share.created.v1"


async def count(db: Database, model: Any, *where: Any) -> int:
    async with db.transaction() as session:
        query = select(func.count()).select_from(model).where(*where)
        return int((await session.execute(query)).scalar_one())


def join_url(sub_id: str) -> str:
    return f"/v1/sub-programs/{sub_id}/members"


LINKEDIN = {"network": "linkedin", "audience_size": 700}


async def member_with_item(
    client: httpx.AsyncClient, db: Database
) -> tuple[dict[str, str], dict[str, str]]:
    """A LinkedIn member whose feed holds one item (written directly: the fan-out is not
    what these tests are about). Returns the member's headers and the share request body."""
    tenant = Tenant()
    sub_id = await new_sub_program(client, tenant)
    me = tenant.headers(user_id=uuid.uuid4())
    joined = await client.post(join_url(sub_id), json=LINKEDIN, headers=me)
    assert joined.status_code == 201
    content_id = uuid.uuid4()
    async with db.transaction() as session:
        session.add(
            FeedItem(
                org_id=tenant.org_id,
                ambassador_id=uuid.UUID(joined.json()["ambassador_id"]),
                content_id=content_id,
                sub_program_id=uuid.UUID(sub_id),
                kind="article",
                title="A story",
                url="https://example.com/a",
                created_at=datetime.now(UTC),
            )
        )
    return me, {"content_id": str(content_id), "network": "linkedin"}


def statuses(*responses: httpx.Response) -> list[int]:
    return sorted(r.status_code for r in responses)


@pytest.mark.parametrize("newcomer", [True, False], ids=["newcomer", "ambassador"])
async def test_concurrent_opt_ins_make_one_ambassador_and_one_membership(
    client: httpx.AsyncClient, db: Database, newcomer: bool
) -> None:
    tenant = Tenant()
    sub_id, elsewhere = await new_sub_program(client, tenant), await new_sub_program(client, tenant)
    for _ in range(10):
        user_id = uuid.uuid4()
        me = tenant.headers(user_id=user_id)
        # A newcomer races for the ambassador row too; an ambassador only for the membership.
        if not newcomer:
            assert (await client.post(join_url(elsewhere), json=LINKEDIN, headers=me)).is_success
        first, second = await asyncio.gather(
            client.post(join_url(sub_id), json=LINKEDIN, headers=me),
            client.post(join_url(sub_id), json=LINKEDIN, headers=me),
        )
        assert statuses(first, second) == [201, 409]
        loser = first if first.status_code == 409 else second
        assert loser.json()["type"].endswith(":already_member")
        assert loser.json()["errors"][0]["field"] == "sub_program_id"
        assert await count(db, Ambassador, col(Ambassador.user_id) == user_id) == 1
    assert await count(db, Membership, col(Membership.sub_program_id) == uuid.UUID(sub_id)) == 10


async def test_concurrent_opt_ins_to_two_sub_programs_share_one_profile(
    client: httpx.AsyncClient, db: Database
) -> None:
    tenant = Tenant()
    home, one, two = [await new_sub_program(client, tenant) for _ in range(3)]
    for _ in range(5):
        me = tenant.headers(user_id=uuid.uuid4())
        # Already an ambassador (on X), so the two opt-ins race for the LinkedIn profile itself.
        x = {"network": "x", "audience_size": 5}
        assert (await client.post(join_url(home), json=x, headers=me)).status_code == 201
        first, second = await asyncio.gather(
            client.post(join_url(one), json=LINKEDIN, headers=me),
            client.post(join_url(two), json=LINKEDIN | {"audience_size": 900}, headers=me),
        )
        assert statuses(first, second) == [201, 201]
        ambassador_id = uuid.UUID(first.json()["ambassador_id"])
        assert second.json()["ambassador_id"] == str(ambassador_id)
        profiles = col(SocialProfile.ambassador_id) == ambassador_id
        assert await count(db, SocialProfile, profiles) == 2  # X and LinkedIn

    # Joining again elsewhere re-declares the audience: the profile is updated, not duplicated.
    three = await new_sub_program(client, tenant)
    again = await client.post(join_url(three), json=LINKEDIN | {"audience_size": 42}, headers=me)
    assert (again.status_code, again.json()["audience_size"]) == (201, 42)
    assert await count(db, SocialProfile, profiles) == 2


async def test_concurrent_leaves_remove_once(client: httpx.AsyncClient) -> None:
    tenant = Tenant()
    sub_id = await new_sub_program(client, tenant)
    for _ in range(5):
        me = tenant.headers(user_id=uuid.uuid4())
        assert (await client.post(join_url(sub_id), json=LINKEDIN, headers=me)).status_code == 201
        first, second = await asyncio.gather(
            client.delete(f"{join_url(sub_id)}/me", headers=me),
            client.delete(f"{join_url(sub_id)}/me", headers=me),
        )
        assert statuses(first, second) == [204, 404]


async def test_concurrent_shares_make_one_share_and_one_event(
    client: httpx.AsyncClient, db: Database
) -> None:
    for _ in range(10):
        me, body = await member_with_item(client, db)
        first, second = await asyncio.gather(
            client.post("/v1/me/shares", json=body, headers=me),
            client.post("/v1/me/shares", json=body, headers=me),
        )
        assert statuses(first, second) == [201, 409]
        loser = first if first.status_code == 409 else second
        assert loser.json()["type"].endswith(":already_shared")
        content_id = uuid.UUID(body["content_id"])
        assert await count(db, Share, col(Share.content_id) == content_id) == 1
        winner = first if first.status_code == 201 else second
        assert await count(db, OutboxMessage, col(OutboxMessage.key) == winner.json()["id"]) == 1
    assert await count(db, OutboxMessage, col(OutboxMessage.event_type) == SHARE_CREATED) == 10


async def test_share_replayed_with_same_key_returns_the_same_link_once(
    client: httpx.AsyncClient, db: Database
) -> None:
    me, body = await member_with_item(client, db)
    keyed = me | {"Idempotency-Key": "share-1"}
    first, second = await asyncio.gather(
        client.post("/v1/me/shares", json=body, headers=keyed),
        client.post("/v1/me/shares", json=body, headers=keyed),
    )
    later = await client.post("/v1/me/shares", json=body, headers=keyed)
    unkeyed = await client.post("/v1/me/shares", json=body, headers=me)

    assert [r.status_code for r in (first, second, later)] == [201, 201, 201]
    assert first.content == second.content == later.content
    assert unkeyed.status_code == 409
    assert await count(db, Share, col(Share.content_id) == uuid.UUID(body["content_id"])) == 1
    assert await count(db, OutboxMessage, col(OutboxMessage.event_type) == SHARE_CREATED) == 1


async def test_opt_in_replayed_with_same_key_is_201_and_other_body_is_422(
    client: httpx.AsyncClient, db: Database
) -> None:
    tenant = Tenant()
    sub_id = await new_sub_program(client, tenant)
    me = tenant.headers(user_id=uuid.uuid4()) | {"Idempotency-Key": "join-1"}
    first = await client.post(join_url(sub_id), json=LINKEDIN, headers=me)
    again = await client.post(join_url(sub_id), json=LINKEDIN, headers=me)
    changed = await client.post(join_url(sub_id), json=LINKEDIN | {"audience_size": 1}, headers=me)

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert (changed.status_code, changed.json()["errors"][0]["field"]) == (422, "Idempotency-Key")
    assert await count(db, Membership, col(Membership.sub_program_id) == uuid.UUID(sub_id)) == 1


async def test_program_creation_with_same_key_creates_once_per_caller(
    client: httpx.AsyncClient, db: Database
) -> None:
    owner, other = Tenant(), Tenant()
    key = {"Idempotency-Key": "program-1"}
    body = {"name": "Advocates"}
    mine = [
        await client.post("/v1/programs", json=body, headers=owner.headers(admin=True) | key)
        for _ in range(3)
    ]
    theirs = await client.post("/v1/programs", json=body, headers=other.headers(admin=True) | key)

    assert {r.content for r in mine} == {mine[0].content}
    assert theirs.status_code == 201 and theirs.json()["id"] != mine[0].json()["id"]
    assert await count(db, Program, col(Program.org_id) == owner.org_id) == 1
    assert await count(db, Program, col(Program.org_id) == other.org_id) == 1


async def test_openapi_documents_the_header_on_creating_routes(
    client: httpx.AsyncClient,
) -> None:
    paths = (await client.get("/openapi.json")).json()["paths"]
    for path in (
        "/v1/programs",
        "/v1/programs/{program_id}/sub-programs",
        "/v1/sub-programs/{sub_program_id}/members",
        "/v1/me/shares",
    ):
        names = [p["name"] for p in paths[path]["post"].get("parameters", [])]
        assert "Idempotency-Key" in names, path
