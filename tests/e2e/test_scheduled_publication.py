"""Scheduled publication and expiry through the real processes, across content worker restarts.

The content worker's scheduler (content.lifecycle.scheduler, a tick every 0.5 s) publishes what
is due and expires what has run out; its relay sends the staged events. Stopping the worker
between approval and `publish_at` must neither lose the publication nor tell it twice.
"""

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from aiokafka import ConsumerRecord

from advocacy_testing.apps import Tenant, new_sub_program
from advocacy_testing.kafka import read_all
from advocacy_testing.polling import eventually
from advocacy_testing.processes import ServiceProcess
from advocacy_testing.stack import Stack

Headers = dict[str, str]
ON_TIME = timedelta(seconds=2)  # publication lands within this of publish_at
START_TIMEOUT = 120.0  # a worker's start on a busy machine (imports alone can take seconds)


@pytest.fixture
async def gw(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=10) as client:
        yield client


async def create_when_known(
    gw: httpx.AsyncClient, admin: Headers, body: Mapping[str, object]
) -> str:
    """Create an item once content has learnt of its sub-programs (an event away); its id."""

    async def attempt() -> httpx.Response:
        return await gw.post("/v1/content", json=body, headers=admin)

    created = await eventually(attempt, lambda r: r.status_code != 422, timeout=30, interval=0.2)
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


async def audience(gw: httpx.AsyncClient, tenant: Tenant) -> tuple[list[str], Headers]:
    """Two sub-programs of the tenant and a member of the first; (ids, member headers)."""
    subs = [await new_sub_program(gw, tenant), await new_sub_program(gw, tenant)]
    member = tenant.headers(user_id=uuid.uuid4())
    joined = await gw.post(
        f"/v1/sub-programs/{subs[0]}/members",
        json={"network": "linkedin", "audience_size": 300},
        headers=member,
    )
    assert joined.status_code == 201, joined.text
    return subs, member


async def draft(gw: httpx.AsyncClient, admin: Headers, subs: list[str], **extra: object) -> str:
    body = {"title": "On time", "url": "https://example.com/t", "sub_program_ids": subs, **extra}
    return await create_when_known(gw, admin, body)


async def approve_at(gw: httpx.AsyncClient, admin: Headers, item: str, at: datetime) -> None:
    approved = await gw.post(
        f"/v1/content/{item}/approve", json={"publish_at": at.isoformat()}, headers=admin
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "scheduled"


async def item_state(gw: httpx.AsyncClient, admin: Headers, item: str) -> dict[str, object]:
    response = await gw.get(f"/v1/content/{item}", headers=admin)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def feed_entry(gw: httpx.AsyncClient, member: Headers, item: str) -> dict[str, str] | None:
    response = await gw.get("/v1/me/feed", headers=member)
    assert response.status_code == 200, response.text
    return next((i for i in response.json()["items"] if i["content_id"] == item), None)


async def records_of(stack: Stack, item: str, ce_type: str) -> list[ConsumerRecord[bytes, bytes]]:
    """The item's records of one type on content.events (read from the start, a few seconds)."""
    env = stack.workers["content"].env
    topic = env["CONTENT_KAFKA_TOPIC_PREFIX"] + "content.events"
    every = await read_all(
        env["CONTENT_KAFKA_BOOTSTRAP_SERVERS"], topic, expected=1_000_000, timeout_ms=4_000
    )
    return [
        r
        for r in every
        if r.key == item.encode() and dict(r.headers).get("ce_type") == ce_type.encode()
    ]


async def restart(worker: ServiceProcess) -> float:
    """Start the worker again; how long it took to answer."""
    began = time.monotonic()
    await asyncio.to_thread(worker.start, timeout=START_TIMEOUT)
    return time.monotonic() - began


@asynccontextmanager
async def left_running(worker: ServiceProcess) -> AsyncIterator[None]:
    """Whatever the test does to the worker, the module's next tests find it running."""
    try:
        yield
    finally:
        if worker.process is None or worker.process.poll() is not None:
            await restart(worker)


def at(value: object) -> datetime:
    return datetime.fromisoformat(str(value))


async def assert_told_once_per_target(stack: Stack, item: str, subs: list[str]) -> None:
    published = await records_of(stack, item, "content.item.published.v1")
    targets = sorted(dict(r.headers)["ce_subprogramid"].decode() for r in published)
    assert targets == sorted(subs)  # one record per target, none twice across the restart


async def test_publication_due_while_the_worker_was_killed_lands_once_when_it_is_back(
    stack: Stack, gw: httpx.AsyncClient
) -> None:
    tenant = Tenant()
    admin = tenant.headers(admin=True)
    worker = stack.workers["content"]
    subs, member = await audience(gw, tenant)
    item = await draft(gw, admin, subs)
    publish_at = datetime.now(UTC) + timedelta(seconds=3)

    async with left_running(worker):
        await approve_at(gw, admin, item, publish_at)
        await asyncio.to_thread(worker.kill)  # SIGKILL: no shutdown hook, as in a crash
        await asyncio.sleep((publish_at - datetime.now(UTC)).total_seconds() + 1)
        # Due, but nobody ticks: still scheduled.
        assert (await item_state(gw, admin, item))["status"] == "scheduled"
        await restart(worker)
    back = datetime.now(UTC)

    state = await eventually(
        lambda: item_state(gw, admin, item), lambda s: s["status"] == "published", timeout=30
    )
    assert publish_at <= at(state["published_at"]) <= back + ON_TIME
    shown = await eventually(lambda: feed_entry(gw, member, item), lambda e: e is not None)
    assert shown is not None and at(shown["created_at"]) >= publish_at
    await assert_told_once_per_target(stack, item, subs)


async def test_worker_stopped_and_started_before_publish_at_publishes_on_time_once(
    stack: Stack, gw: httpx.AsyncClient
) -> None:
    tenant = Tenant()
    admin = tenant.headers(admin=True)
    worker = stack.workers["content"]
    subs, member = await audience(gw, tenant)
    item = await draft(gw, admin, subs)
    async with left_running(worker):
        # The restart must fit before publish_at: time one on this machine first.
        await asyncio.to_thread(worker.stop)
        lead = max(3.0, 2 * await restart(worker) + 1)
        publish_at = datetime.now(UTC) + timedelta(seconds=lead)

        await approve_at(gw, admin, item, publish_at)
        await asyncio.to_thread(worker.stop)  # SIGTERM: a graceful shutdown, as in a rollout
        await restart(worker)
    assert datetime.now(UTC) < publish_at, "the restart did not fit before publish_at"

    state = await eventually(
        lambda: item_state(gw, admin, item), lambda s: s["status"] == "published", timeout=30
    )
    published_at = at(state["published_at"])
    assert publish_at <= published_at <= publish_at + ON_TIME
    shown = await eventually(lambda: feed_entry(gw, member, item), lambda e: e is not None)
    seen_at = datetime.now(UTC)
    assert shown is not None and at(shown["created_at"]) <= publish_at + ON_TIME
    assert seen_at - publish_at < ON_TIME * 3, "the feed lagged (relay + consumer hop)"
    await assert_told_once_per_target(stack, item, subs)


async def test_item_leaves_the_feed_when_it_expires(stack: Stack, gw: httpx.AsyncClient) -> None:
    tenant = Tenant()
    admin = tenant.headers(admin=True)
    subs, member = await audience(gw, tenant)
    expire_at = datetime.now(UTC) + timedelta(seconds=8)
    item = await draft(gw, admin, subs, expire_at=expire_at.isoformat())
    approved = await gw.post(f"/v1/content/{item}/approve", headers=admin)
    assert approved.json()["status"] == "published", approved.text

    await eventually(lambda: feed_entry(gw, member, item), lambda e: e is not None)
    assert datetime.now(UTC) < expire_at, "too slow to see it before it expired"
    await eventually(lambda: feed_entry(gw, member, item), lambda e: e is None, timeout=30)
    gone_at = datetime.now(UTC)

    state = await item_state(gw, admin, item)
    assert state["status"] == "expired"
    assert expire_at <= at(state["expired_at"]) <= expire_at + ON_TIME
    assert gone_at >= expire_at
    expired = await records_of(stack, item, "content.item.expired.v1")
    assert sorted(dict(r.headers)["ce_subprogramid"].decode() for r in expired) == sorted(subs)
