"""Metrics consumer: duplicates counted once, poison dead-lettered, the stream keeps flowing."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from sqlalchemy import text

from advocacy_testing.apps import Tenant, serving
from advocacy_testing.databases import create_database, drop_database
from advocacy_testing.kafka import publish, read_all
from advocacy_testing.polling import eventually
from common.db import Database
from common.deadletters import DeadLetters
from common.events.contracts.ambassadors import TOPIC, LinkClickedV1, ShareCreatedV1
from common.events.envelope import Envelope
from common.migrations import upgrade
from common.topics import ensure_topics
from metrics import worker
from metrics.config import Settings
from metrics.main import build_app
from metrics.migrate import MIGRATIONS


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with serving(build_app(settings), worker=worker.build_app(settings)) as client:
        yield client


def share_event(tenant: Tenant, *, audience: int, share_id: uuid.UUID | None = None) -> Envelope:
    payload = ShareCreatedV1(
        share_id=share_id or uuid.uuid4(),
        org_id=tenant.org_id,
        ambassador_id=uuid.uuid4(),
        content_id=uuid.uuid4(),
        sub_program_id=uuid.uuid4(),
        network="linkedin",
        audience_size=audience,
        tracked_link_code="abcd1234",
        created_at=datetime.now(UTC),
    )
    return Envelope.wrap(payload, source="/test", subject="s", key=str(payload.share_id))


async def summary(client: httpx.AsyncClient, tenant: Tenant) -> dict[str, int]:
    body = (await client.get("/v1/metrics/summary", headers=tenant.headers(admin=True))).json()
    return {name: body[name]["value"] for name in ("shares", "clicks", "potential_reach")}


async def test_same_event_delivered_twice_is_counted_once(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    tenant = Tenant()
    event = share_event(tenant, audience=300)
    marker = share_event(tenant, audience=1)  # processed after the duplicate on the same partition
    marker = replace(marker, key=event.key)
    await publish(settings.kafka_bootstrap_servers, settings.topic(TOPIC), [event, event, marker])

    totals = await eventually(lambda: summary(client, tenant), lambda t: t["shares"] >= 2)
    assert totals == {"shares": 2, "clicks": 0, "potential_reach": 301}


async def test_poison_goes_to_dead_letter_topic_and_consumer_keeps_going(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    tenant = Tenant()
    good = share_event(tenant, audience=70)
    undecodable = Envelope(
        type=ShareCreatedV1.ce_type, source="/test", subject="s", key="k", data=b"{not json"
    )
    await publish(
        settings.kafka_bootstrap_servers, settings.topic(TOPIC), [b"raw garbage", undecodable, good]
    )

    totals = await eventually(lambda: summary(client, tenant), lambda t: t["shares"] == 1)
    assert totals["potential_reach"] == 70
    dead = await read_all(
        settings.kafka_bootstrap_servers, settings.topic("metrics.dlt"), expected=2
    )
    # Different keys, different partitions: the dead letters' order across them is not defined.
    by_value = {r.value: dict(r.headers) for r in dead}
    assert set(by_value) == {b"raw garbage", b"{not json"}
    assert all(headers["dlt_consumer"] == b"metrics" for headers in by_value.values())
    assert b"MalformedEvent" in by_value[b"{not json"]["dlt_error"]


async def test_failing_handler_is_retried_then_dead_lettered(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    tenant = Tenant()
    share_id = uuid.uuid4()
    first = share_event(tenant, audience=5, share_id=share_id)
    # A different event for the same share id breaks the primary key: the handler fails every time.
    clash = share_event(tenant, audience=9, share_id=share_id)
    click = LinkClickedV1(
        click_id=uuid.uuid4(),
        org_id=tenant.org_id,
        share_id=share_id,
        content_id=uuid.uuid4(),
        network="linkedin",
        clicked_at=datetime.now(UTC),
    )
    after = Envelope.wrap(click, source="/test", subject="s", key=first.key)
    await publish(settings.kafka_bootstrap_servers, settings.topic(TOPIC), [first, clash, after])

    totals = await eventually(lambda: summary(client, tenant), lambda t: t["clicks"] == 1)
    assert totals == {"shares": 1, "clicks": 1, "potential_reach": 5}
    [dead] = await read_all(
        settings.kafka_bootstrap_servers, settings.topic("metrics.dlt"), expected=1
    )
    headers = dict(dead.headers)
    assert headers["ce_id"] == clash.id.encode()
    assert headers["dlt_attempts"] == str(settings.consumer_max_attempts).encode()
    assert b"IntegrityError" in headers["dlt_error"]


async def counted_shares(settings: Settings) -> int:
    db = Database(settings.database_url)
    try:
        async with db.transaction() as session:
            return int(await session.scalar(text("SELECT count(*) FROM share_facts")) or 0)
    finally:
        await db.dispose()


async def test_worker_started_before_its_migrations_waits_then_counts(
    postgres_url: str, kafka_bootstrap: str, topic_prefix: str
) -> None:
    url = await create_database(postgres_url, prefix="metrics_late")
    settings = Settings(
        env="test",
        database_url=url,
        kafka_bootstrap_servers=kafka_bootstrap,
        kafka_topic_prefix=topic_prefix,
    )
    await ensure_topics(settings, {TOPIC})
    tenant = Tenant()
    app = worker.build_app(settings)
    try:
        async with app.router.lifespan_context(app):
            await publish(
                kafka_bootstrap,
                settings.topic(TOPIC),
                [share_event(tenant, audience=3), share_event(tenant, audience=4)],
            )
            await asyncio.sleep(3)  # "relation does not exist": the batch waits, never the DLT
            dlt = settings.topic("metrics.dlt")
            assert await read_all(kafka_bootstrap, dlt, expected=1, timeout_ms=1000) == []
            await asyncio.to_thread(upgrade, migrations_dir=MIGRATIONS, database_url=url)
            assert await eventually(lambda: counted_shares(settings), lambda n: n >= 2) == 2
    finally:
        await drop_database(postgres_url, url)


async def test_a_replayed_dead_letter_is_applied_once_however_often_replayed(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    tenant = Tenant()
    lost = share_event(tenant, audience=42)
    # As the runner leaves it: the original record plus its dlt_* headers.
    dead = [(k, v) for k, v in lost.headers()] + [
        ("dlt_error", b"RuntimeError('bug, since fixed')")
    ]
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap_servers)
    await producer.start()
    try:
        await producer.send_and_wait(
            settings.topic("metrics.dlt"), lost.data, key=lost.key.encode(), headers=dead
        )
    finally:
        await producer.stop()
    dead_letters = DeadLetters(settings=settings, consumer="metrics")
    [letter] = (await dead_letters.page()).items
    for _ in range(2):  # an operator replays twice: the inbox keeps it to one
        await dead_letters.replay(partition=letter.partition, offset=letter.offset)
    totals = await eventually(lambda: summary(client, tenant), lambda t: t["shares"] >= 1)
    await asyncio.sleep(1.5)  # the second replay would land by now
    assert (
        await summary(client, tenant) == totals == {"shares": 1, "clicks": 0, "potential_reach": 42}
    )
