"""Review and publication: draft → in review → changes requested / approved / rejected →
scheduled → published → expired / archived, who may do each, and the scheduler's exactly-once
publication across a worker restart — on real PostgreSQL and Kafka."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from advocacy_testing.apps import Tenant, serving
from advocacy_testing.content_access import grant, known_sub_program
from advocacy_testing.kafka import read_all
from advocacy_testing.polling import eventually
from common.db import Database
from common.events.contracts.content import TOPIC
from content import worker
from content.config import Settings
from content.lifecycle import scheduler
from content.main import build_app

Json = dict[str, Any]
PUBLISHED = b"content.item.published.v1"


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    # The web process alone: the scheduler is driven by each test (or by a worker it starts).
    async with serving(build_app(settings)) as client:
        yield client


async def draft(client: httpx.AsyncClient, tenant: Tenant, sub: uuid.UUID, **body: Any) -> Json:
    payload = {"title": "Plant opens", "sub_program_ids": [str(sub)]} | body
    response = await client.post("/v1/content", json=payload, headers=tenant.headers(admin=True))
    assert response.status_code == 201, response.text
    return dict(response.json())


async def act(
    client: httpx.AsyncClient, item: Json, action: str, headers: dict[str, str], **body: Any
) -> httpx.Response:
    return await client.post(f"/v1/content/{item['id']}/{action}", json=body, headers=headers)


async def test_review_round_trip_to_publication(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    tenant, reviewer = Tenant(), uuid.uuid4()
    sub = await known_sub_program(settings.database_url, org_id=tenant.org_id)
    await grant(
        settings.database_url, org_id=tenant.org_id, user_id=reviewer, scope_id=sub, role="reviewer"
    )
    admin, review = tenant.headers(admin=True), tenant.headers(user_id=reviewer, roles=["reviewer"])
    item = await draft(client, tenant, sub)

    steps = [
        (await act(client, item, "submit", admin), "in_review"),
        (
            await act(client, item, "request-changes", review, reason="Add a date"),
            "changes_requested",
        ),
    ]
    edited = await client.patch(
        f"/v1/content/{item['id']}", json={"body": "On 3 May"}, headers=admin
    )
    steps += [
        (edited, "changes_requested"),
        (await act(client, item, "submit", admin), "in_review"),
        (await act(client, item, "approve", review, comment="Good"), "published"),
    ]
    for response, status in steps:
        assert response.status_code == 200, response.text
        assert response.json()["status"] == status
    trail = await client.get(f"/v1/content/{item['id']}/reviews", headers=review)
    assert [e["kind"] for e in trail.json()["items"]] == [
        "submitted",
        "changes_requested",
        "submitted",
        "approved",
    ]
    assert trail.json()["items"][1]["body"] == "Add a date"


async def test_wrong_transitions_are_409_naming_status(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    tenant = Tenant()
    sub = await known_sub_program(settings.database_url, org_id=tenant.org_id)
    admin = tenant.headers(admin=True)
    item = await draft(client, tenant, sub)

    unapproved = await act(client, item, "publish", admin)
    changes_on_draft = await act(client, item, "request-changes", admin, reason="x")
    await act(client, item, "reject", admin, reason="Off brand")
    approve_rejected = await act(client, item, "approve", admin)
    submit_rejected = await act(client, item, "submit", admin)

    assert (unapproved.status_code, unapproved.json()["type"]) == (
        409,
        "urn:advocacy:problem:content_not_approved",
    )
    for response in (changes_on_draft, approve_rejected, submit_rejected):
        assert response.status_code == 409, response.text
        assert response.json()["errors"][0]["field"] == "status"
    missing_reason = await act(client, item, "reject", admin)
    assert (missing_reason.status_code, missing_reason.json()["errors"][0]["field"]) == (
        422,
        "reason",
    )


async def test_reviewer_of_another_sub_program_may_not_approve(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    tenant, reviewer = Tenant(), uuid.uuid4()
    mine = await known_sub_program(settings.database_url, org_id=tenant.org_id)
    elsewhere = await known_sub_program(settings.database_url, org_id=tenant.org_id)
    await grant(
        settings.database_url,
        org_id=tenant.org_id,
        user_id=reviewer,
        scope_id=mine,
        role="reviewer",
    )
    review = tenant.headers(user_id=reviewer, roles=["reviewer"])
    # Aimed at both: a reviewer of only one of them may see it, not approve it for the other.
    item = await draft(client, tenant, mine, sub_program_ids=[str(mine), str(elsewhere)])

    seen = await client.get(f"/v1/content/{item['id']}", headers=review)
    approved = await act(client, item, "approve", review)

    assert seen.status_code == 200
    assert approved.status_code == 403


async def test_hold_then_schedule_then_publish_now(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    tenant = Tenant()
    sub = await known_sub_program(settings.database_url, org_id=tenant.org_id)
    admin = tenant.headers(admin=True)
    item = await draft(client, tenant, sub)
    later = (datetime.now(UTC) + timedelta(days=2)).isoformat()

    held = await act(client, item, "approve", admin, hold=True)
    scheduled = await act(client, item, "schedule", admin, publish_at=later)
    past = await act(client, item, "schedule", admin, publish_at="2020-01-01T00:00:00Z")
    naive = await act(client, item, "schedule", admin, publish_at="2030-01-01T00:00:00")
    published = await act(client, item, "publish", admin)

    assert [r.json()["status"] for r in (held, scheduled, published)] == [
        "approved",
        "scheduled",
        "published",
    ]
    assert (past.status_code, past.json()["errors"][0]["field"]) == (422, "publish_at")
    assert (naive.status_code, naive.json()["errors"][0]["field"]) == (422, "publish_at")


async def test_archive_of_published_item_tells_its_sub_programs(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    tenant = Tenant()
    sub = await known_sub_program(settings.database_url, org_id=tenant.org_id)
    admin = tenant.headers(admin=True)
    item = await draft(client, tenant, sub)
    await act(client, item, "approve", admin)
    archived = await act(client, item, "archive", admin)
    again = await act(client, item, "archive", admin)

    assert archived.json()["status"] == "archived"
    assert again.status_code == 409
    async with serving(build_app(settings), worker=worker.build_app(settings)):
        records = await read_all(
            settings.kafka_bootstrap_servers, settings.topic(TOPIC), expected=4
        )
    types = [dict(r.headers)["ce_type"] for r in records]
    assert types[-1] == b"content.item.expired.v1"


async def test_concurrent_publish_now_publishes_once(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    tenant = Tenant()
    sub = await known_sub_program(settings.database_url, org_id=tenant.org_id)
    admin = tenant.headers(admin=True)
    item = await draft(client, tenant, sub)
    await act(client, item, "approve", admin, hold=True)
    first, second = await asyncio.gather(
        act(client, item, "publish", admin), act(client, item, "publish", admin)
    )
    assert sorted([first.status_code, second.status_code]) == [200, 409]


async def test_scheduler_ticks_publish_each_due_item_exactly_once(settings: Settings) -> None:
    """Two schedulers ticking at once over the same due items: each published once."""
    tenant = Tenant()
    sub = await known_sub_program(settings.database_url, org_id=tenant.org_id)
    async with serving(build_app(settings)) as client:
        admin = tenant.headers(admin=True)
        soon = datetime.now(UTC) + timedelta(seconds=5)
        for _ in range(20):
            item = await draft(client, tenant, sub)
            approved = await act(client, item, "approve", admin, publish_at=soon.isoformat())
            assert approved.json()["status"] == "scheduled"
    await asyncio.sleep((soon - datetime.now(UTC)).total_seconds() + 0.1)
    first_db, second_db = Database(settings.database_url), Database(settings.database_url)
    try:
        results = await asyncio.gather(scheduler.tick(first_db), scheduler.tick(second_db))
    finally:
        await first_db.dispose()
        await second_db.dispose()
    assert sum(published for published, _ in results) == 20


async def test_scheduled_item_published_on_time_across_a_worker_restart(
    settings: Settings,
) -> None:
    tenant = Tenant()
    sub = await known_sub_program(settings.database_url, org_id=tenant.org_id)
    admin = tenant.headers(admin=True)
    publish_at = datetime.now(UTC) + timedelta(seconds=4)
    async with serving(build_app(settings), worker=worker.build_app(settings)) as client:
        item = await draft(client, tenant, sub)
        approved = await act(client, item, "approve", admin, publish_at=publish_at.isoformat())
        assert approved.json()["status"] == "scheduled"
    # Everything stopped; a new worker comes up before publish_at and must fire on time.
    async with serving(build_app(settings), worker=worker.build_app(settings)) as client:
        seen = await eventually(
            lambda: client.get(f"/v1/content/{item['id']}", headers=admin),
            lambda response: response.json()["status"] == "published",
            timeout=15,
        )
        records = await eventually(
            lambda: read_all(
                settings.kafka_bootstrap_servers,
                settings.topic(TOPIC),
                expected=99,
                timeout_ms=1000,
            ),
            lambda got: any(dict(r.headers)["ce_type"] == PUBLISHED for r in got),
        )
    published = [r for r in records if dict(r.headers)["ce_type"] == PUBLISHED]
    # One publication (the relay may tell an event twice after a stop: same id, and consumers'
    # inboxes drop the copy), and it came on time.
    assert len({dict(r.headers)["ce_id"] for r in published}) == 1
    published_at = datetime.fromisoformat(seen.json()["published_at"])
    assert timedelta(0) <= published_at - publish_at < timedelta(seconds=2)
    assert (published[0].timestamp / 1000) - publish_at.timestamp() < 2.0


async def test_expiry_takes_a_published_item_out(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    tenant = Tenant()
    sub = await known_sub_program(settings.database_url, org_id=tenant.org_id)
    admin = tenant.headers(admin=True)
    expire_at = (datetime.now(UTC) + timedelta(seconds=1)).isoformat()
    item = await draft(client, tenant, sub, expire_at=expire_at)
    await act(client, item, "approve", admin)
    await asyncio.sleep(1.1)
    db = Database(settings.database_url)
    try:
        assert await scheduler.tick(db) == (0, 1)
        assert await scheduler.tick(db) == (0, 0)
    finally:
        await db.dispose()
    seen = await client.get(f"/v1/content/{item['id']}", headers=admin)
    assert seen.json()["status"] == "expired"
    bad = await client.post(
        "/v1/content",
        json={"title": "x", "sub_program_ids": [str(sub)], "expire_at": "2020-01-01T00:00:00Z"},
        headers=admin,
    )
    created = bad.json()
    refused = await act(client, created, "approve", admin)
    assert (refused.status_code, refused.json()["errors"][0]["field"]) == (422, "expire_at")
