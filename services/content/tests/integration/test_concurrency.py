"""Races and retries on the content API, decided by PostgreSQL: approvals and Idempotency-Key."""

import asyncio
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import func, select
from sqlmodel import col

from advocacy_testing.apps import Tenant, serving
from advocacy_testing.content_access import known_sub_program
from common.db import Database
from common.outbox import OutboxMessage
from content.config import Settings
from content.main import build_app
from content.models import ContentItem


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    # The web process alone: no relay runs, so every staged event stays countable in the outbox.
    async with serving(build_app(settings)) as client:
        yield client


@pytest.fixture
async def db(settings: Settings) -> AsyncIterator[Database]:
    database = Database(settings.database_url)
    yield database
    await database.dispose()


async def outbox_rows(db: Database, *, key: str, type_: str = "content.item.published.v1") -> int:
    """How many events of this type were staged for this item."""
    async with db.transaction() as session:
        query = select(func.count()).where(
            col(OutboxMessage.key) == key, col(OutboxMessage.event_type) == type_
        )
        return int((await session.execute(query)).scalar_one())


async def content_rows(db: Database, *, org_id: uuid.UUID) -> int:
    async with db.transaction() as session:
        query = select(func.count()).where(col(ContentItem.org_id) == org_id)
        return int((await session.execute(query)).scalar_one())


SUB_PROGRAMS: dict[uuid.UUID, uuid.UUID] = {}


async def known_tenant(settings: Settings) -> Tenant:
    """A tenant with one sub-program that content knows (its read model row written)."""
    tenant = Tenant()
    SUB_PROGRAMS[tenant.org_id] = await known_sub_program(
        settings.database_url, org_id=tenant.org_id
    )
    return tenant


def draft(tenant: Tenant, title: str = "Our new plant opens") -> dict[str, object]:
    sub_program_id = str(SUB_PROGRAMS[tenant.org_id])
    return {"sub_program_id": sub_program_id, "title": title, "url": "https://example.com/p"}


async def create(client: httpx.AsyncClient, tenant: Tenant) -> str:
    created = await client.post(
        "/v1/content", json=draft(tenant), headers=tenant.headers(admin=True)
    )
    assert created.status_code == 201
    return str(created.json()["id"])


async def test_concurrent_approvals_publish_exactly_once(
    client: httpx.AsyncClient, db: Database, settings: Settings
) -> None:
    tenant = await known_tenant(settings)
    for _ in range(10):
        item_id = await create(client, tenant)
        approve = f"/v1/content/{item_id}/approve"
        first, second = await asyncio.gather(
            client.post(approve, headers=tenant.headers(admin=True)),
            client.post(approve, headers=tenant.headers(admin=True)),
        )
        assert sorted([first.status_code, second.status_code]) == [200, 409]
        loser = first if first.status_code == 409 else second
        assert loser.json()["errors"][0]["field"] == "status"
        assert await outbox_rows(db, key=item_id) == 1


async def test_approval_of_another_tenants_item_stays_404(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    item_id = await create(client, await known_tenant(settings))
    intruder = Tenant().headers(admin=True)
    response = await client.post(
        f"/v1/content/{item_id}/approve", headers=intruder | {"Idempotency-Key": "k"}
    )
    assert (response.status_code, response.json()["errors"][0]["field"]) == (404, "content_id")


async def test_create_replayed_with_same_key_returns_stored_response(
    client: httpx.AsyncClient, db: Database, settings: Settings
) -> None:
    tenant = await known_tenant(settings)
    headers = tenant.headers(admin=True) | {"Idempotency-Key": "create-1"}
    body = draft(tenant)
    first = await client.post("/v1/content", json=body, headers=headers)
    # Same JSON, keys in another order: still the same request.
    again = await client.post("/v1/content", json=dict(reversed(body.items())), headers=headers)

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.content == first.content
    assert again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert await content_rows(db, org_id=tenant.org_id) == 1


async def test_approve_replayed_with_same_key_is_200_not_409(
    client: httpx.AsyncClient, db: Database, settings: Settings
) -> None:
    tenant = await known_tenant(settings)
    item_id = await create(client, tenant)
    headers = tenant.headers(admin=True) | {"Idempotency-Key": "approve-1"}
    first = await client.post(f"/v1/content/{item_id}/approve", headers=headers)
    again = await client.post(f"/v1/content/{item_id}/approve", headers=headers)
    without_key = await client.post(
        f"/v1/content/{item_id}/approve", headers=tenant.headers(admin=True)
    )

    assert (first.status_code, again.status_code, without_key.status_code) == (200, 200, 409)
    assert again.json() == first.json()
    assert await outbox_rows(db, key=item_id) == 1


async def test_concurrent_requests_with_one_key_create_once(
    client: httpx.AsyncClient, db: Database, settings: Settings
) -> None:
    tenant = await known_tenant(settings)
    for round_ in range(5):
        headers = tenant.headers(admin=True) | {"Idempotency-Key": f"twin-{round_}"}
        body = draft(tenant)
        first, second = await asyncio.gather(
            client.post("/v1/content", json=body, headers=headers),
            client.post("/v1/content", json=body, headers=headers),
        )
        assert (first.status_code, second.status_code) == (201, 201)
        assert first.content == second.content
        assert await content_rows(db, org_id=tenant.org_id) == round_ + 1


async def test_same_key_for_another_request_is_422_naming_the_header(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    tenant = await known_tenant(settings)
    item_id = await create(client, tenant)
    headers = tenant.headers(admin=True) | {"Idempotency-Key": "reused"}
    first = await client.post("/v1/content", json=draft(tenant, "one"), headers=headers)
    other_body = await client.post("/v1/content", json=draft(tenant, "two"), headers=headers)
    other_path = await client.post(f"/v1/content/{item_id}/approve", headers=headers)

    assert first.status_code == 201
    for response in (other_body, other_path):
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["errors"][0]["field"] == "Idempotency-Key"


async def test_key_is_scoped_to_the_caller(
    client: httpx.AsyncClient, db: Database, settings: Settings
) -> None:
    owner, other = await known_tenant(settings), await known_tenant(settings)
    key = {"Idempotency-Key": "shared-key"}
    body = draft(owner)
    mine = await client.post("/v1/content", json=body, headers=owner.headers(admin=True) | key)
    theirs = await client.post(
        "/v1/content", json=draft(other), headers=other.headers(admin=True) | key
    )
    # Same organisation, another admin: also a caller of their own.
    colleague = Tenant(org_id=owner.org_id)
    ours = await client.post("/v1/content", json=body, headers=colleague.headers(admin=True) | key)

    assert [r.status_code for r in (mine, theirs, ours)] == [201, 201, 201]
    assert len({r.json()["id"] for r in (mine, theirs, ours)}) == 3
    assert await content_rows(db, org_id=owner.org_id) == 2
    assert await content_rows(db, org_id=other.org_id) == 1


@pytest.mark.parametrize("key", ["", "k" * 201])
async def test_empty_or_too_long_key_is_422_naming_the_header(
    client: httpx.AsyncClient, key: str, settings: Settings
) -> None:
    tenant = await known_tenant(settings)
    headers = tenant.headers(admin=True) | {"Idempotency-Key": key}
    response = await client.post("/v1/content", json=draft(tenant), headers=headers)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["Idempotency-Key"]


async def test_openapi_documents_the_header_on_creating_routes(
    client: httpx.AsyncClient,
) -> None:
    paths = (await client.get("/openapi.json")).json()["paths"]
    for path in ("/v1/content", "/v1/content/{content_id}/approve"):
        names = [p["name"] for p in paths[path]["post"].get("parameters", [])]
        assert "Idempotency-Key" in names, path
