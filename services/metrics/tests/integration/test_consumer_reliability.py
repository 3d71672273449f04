"""Metrics consumer: duplicates counted once, poison dead-lettered, the stream keeps flowing."""

import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime

import httpx
import pytest

from advocacy_testing.apps import Tenant, serving
from advocacy_testing.databases import drop_database, migrated_database
from advocacy_testing.kafka import publish, read_all
from advocacy_testing.polling import eventually
from common.events.contracts.ambassadors import TOPIC, LinkClickedV1, ShareCreatedV1
from common.events.envelope import Envelope
from common.topics import ensure_topics
from metrics import worker
from metrics.config import Settings
from metrics.main import build_app
from metrics.migrate import MIGRATIONS


@pytest.fixture
async def settings(
    postgres_url: str, kafka_bootstrap: str, topic_prefix: str
) -> AsyncIterator[Settings]:
    url = await migrated_database(postgres_url, prefix="metrics", migrations_dir=MIGRATIONS)
    settings = Settings(
        env="test",
        database_url=url,
        kafka_bootstrap_servers=kafka_bootstrap,
        kafka_topic_prefix=topic_prefix,
        consumer_backoff_seconds=0.05,
    )
    await ensure_topics(settings, {TOPIC})  # the producing service owns it; we stand in
    yield settings
    await drop_database(postgres_url, url)


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
