"""The consumer runner against real PostgreSQL and Kafka, with a handler that is NOT idempotent.

The handler adds to a counter, so only the inbox stands between a redelivery and a double count.
"""

import asyncio
import io
import json
import logging
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import pytest
from aiokafka import AIOKafkaProducer
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel

from advocacy_testing.databases import create_database, drop_database
from advocacy_testing.kafka import publish, read_all
from advocacy_testing.polling import eventually
from common.consuming.filters import SubProgramFilter
from common.consuming.handlers import Delivery, Handlers
from common.consuming.runner import ConsumerRunner
from common.db import Database
from common.events.contracts.content import TOPIC, ContentPublishedV1
from common.events.envelope import Envelope
from common.inbox import InboxMessage
from common.logging import JsonFormatter
from common.metrics import EVENTS_CONSUMED
from common.settings import ServiceSettings
from common.topics import ensure_topics, owned_topics

CONSUMER = "counting"


@dataclass
class Harness:
    db: Database
    settings: ServiceSettings
    poisoned: set[str]

    async def total(self) -> int:
        async with self.db.transaction() as session:
            return int(await session.scalar(text("SELECT coalesce(sum(n), 0) FROM counts")) or 0)

    async def publish(self, records: Sequence[Envelope | bytes]) -> None:
        await publish(
            self.settings.kafka_bootstrap_servers, self.settings.topic(TOPIC), list(records)
        )

    async def dead_letters(self, expected: int, timeout_ms: int = 3000) -> list[bytes | None]:
        dlt = self.settings.topic(f"{CONSUMER}.dlt")
        records = await read_all(
            self.settings.kafka_bootstrap_servers, dlt, expected=expected, timeout_ms=timeout_ms
        )
        return [r.value for r in records]


def counting_handlers(poisoned: set[str], label: str = "") -> Handlers:
    """Adds one per event to a per-org counter; raises for titles marked poisoned (a bug)."""
    handlers = Handlers()

    @handlers.on_batch(ContentPublishedV1)
    async def count(session: AsyncSession, deliveries: Sequence[Delivery]) -> None:
        for delivery in deliveries:
            if delivery.payload.title in poisoned:
                raise RuntimeError(f"handler bug on {delivery.payload.title}")
            await session.execute(
                text(
                    "INSERT INTO counts (org, n) VALUES (:org, 1) "
                    "ON CONFLICT (org) DO UPDATE SET n = counts.n + 1"
                ),
                {"org": f"{label}{delivery.payload.org_id}"},
            )

    return handlers


@pytest.fixture
async def harness(
    postgres_url: str, kafka_bootstrap: str, topic_prefix: str
) -> AsyncIterator[Harness]:
    url = await create_database(postgres_url, prefix="consumer")
    db = Database(url)
    async with db.engine.begin() as connection:
        inbox_table = InboxMessage.__table__  # type: ignore[attr-defined]
        await connection.run_sync(SQLModel.metadata.create_all, tables=[inbox_table])
        await connection.execute(text("CREATE TABLE counts (org text PRIMARY KEY, n int NOT NULL)"))
    settings = ServiceSettings(
        kafka_bootstrap_servers=kafka_bootstrap,
        kafka_topic_prefix=topic_prefix,
        consumer_backoff_seconds=0.02,
    )
    await ensure_topics(
        settings, [TOPIC, *owned_topics(settings, produces=[], consumers=[CONSUMER])]
    )
    yield Harness(db=db, settings=settings, poisoned=set())
    await db.dispose()
    await drop_database(postgres_url, url)


@asynccontextmanager
async def running(
    harness: Harness, label: str = "", **options: object
) -> AsyncIterator[ConsumerRunner]:
    """A consumer runner of the counting handler, running in the background."""
    runner = ConsumerRunner(
        name=CONSUMER,
        handlers=counting_handlers(harness.poisoned, label),
        db=harness.db,
        settings=harness.settings,
        **options,  # type: ignore[arg-type]
    )
    task = asyncio.create_task(runner.run())
    try:
        yield runner
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


def published(
    org: uuid.UUID, title: str = "item", sub_program: uuid.UUID | None = None
) -> Envelope:
    payload = ContentPublishedV1(
        content_id=uuid.uuid4(),
        org_id=org,
        sub_program_id=sub_program or uuid.uuid4(),
        kind="article",
        title=title,
        published_at=datetime.now(UTC),
    )
    return Envelope.wrap(
        payload,
        source="/test",
        subject="s",
        key=str(org),
        subprogramid=str(payload.sub_program_id),
    )


def consumed(outcome: str) -> float:
    return float(EVENTS_CONSUMED.labels(CONSUMER, ContentPublishedV1.ce_type, outcome)._value.get())


async def duplicates_seen() -> float:
    return consumed("duplicate")


async def test_redelivered_events_are_counted_once_by_the_inbox(harness: Harness) -> None:
    org = uuid.uuid4()
    events = [published(org) for _ in range(50)]
    duplicates_before = consumed("duplicate")
    async with running(harness):
        # In one batch (same event twice) and across batches (after the first was committed).
        await harness.publish([*events, events[0], events[1]])
        await eventually(harness.total, lambda n: n >= 50)
        await harness.publish(events[:10])
        await eventually(duplicates_seen, lambda n: n >= duplicates_before + 12)
    assert await harness.total() == 50
    assert consumed("duplicate") - duplicates_before == 12
    assert await harness.dead_letters(expected=1) == []


async def test_a_failing_record_is_isolated_and_the_rest_of_its_batch_applied_once(
    harness: Harness,
) -> None:
    org = uuid.uuid4()
    harness.poisoned.add("bug")
    batch = [published(org) for _ in range(30)]
    bug = published(org, title="bug")
    batch.insert(17, replace(bug, extensions={**bug.extensions, "correlationid": "req-17"}))
    lines = io.StringIO()
    handler = logging.StreamHandler(lines)
    handler.setFormatter(JsonFormatter("test"))
    logging.getLogger("common.consuming").addHandler(handler)
    try:
        async with running(harness):
            await harness.publish(batch)
            dead = await harness.dead_letters(expected=1, timeout_ms=30_000)
            await eventually(harness.total, lambda n: n >= 30)
    finally:
        logging.getLogger("common.consuming").removeHandler(handler)
    assert await harness.total() == 30
    assert dead == [batch[17].data]
    # The failure is traceable to the request that caused the event.
    logged = [json.loads(line) for line in lines.getvalue().splitlines()]
    failures = [e for e in logged if e["msg"] in ("handler failed", "event dead-lettered")]
    assert failures and {e.get("correlation_id") for e in failures} == {"req-17"}


async def test_undecodable_records_go_to_the_dlt_at_once_and_the_stream_flows(
    harness: Harness, kafka_bootstrap: str
) -> None:
    org = uuid.uuid4()
    good = published(org)
    no_json = replace(published(org), data=b"{not json")
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
    await producer.start()
    try:
        topic = harness.settings.topic(TOPIC)
        await producer.send_and_wait(topic, b"raw garbage", key=b"\xff\xfe not utf-8")
        null_header: list[tuple[str, bytes | None]] = [("ce_id", None), ("ce_type", b"x")]
        await producer.send_and_wait(topic, b"{}", key=b"k", headers=null_header)
        await producer.send_and_wait(topic, good.data, key=b"\xff", headers=good.headers())
    finally:
        await producer.stop()
    async with running(harness):
        await harness.publish([no_json, good])
        dead = await harness.dead_letters(expected=4, timeout_ms=30_000)
        await eventually(harness.total, lambda n: n >= 1)
    assert await harness.total() == 1
    assert sorted(v or b"" for v in dead) == sorted(
        [b"raw garbage", b"{}", good.data, b"{not json"]
    )


async def test_complementary_sub_program_filters_share_every_event_exactly_once(
    harness: Harness,
) -> None:
    heavy, others = uuid.uuid4(), [uuid.uuid4() for _ in range(3)]
    orgs = {"heavy": uuid.uuid4(), "rest": uuid.uuid4()}
    events = [published(orgs["heavy"], sub_program=heavy) for _ in range(40)]
    events += [published(orgs["rest"], sub_program=others[i % 3]) for i in range(60)]
    without_sub_program = replace(published(orgs["rest"]), extensions={})
    allow = SubProgramFilter.parse(allow=str(heavy))
    deny = SubProgramFilter.parse(deny=str(heavy))
    # Each worker counts under its own label: who handled what shows, not only how many.
    async with running(harness, "heavy:", sub_programs=allow, group="heavy"):
        async with running(harness, "rest:", sub_programs=deny, group="rest"):
            await harness.publish([*events, without_sub_program])
            await eventually(harness.total, lambda n: n >= 101)
            await asyncio.sleep(1.5)  # a double count would land by now
    async with harness.db.transaction() as session:
        result = await session.execute(text("SELECT org, n FROM counts"))
        rows = {str(org): int(n) for org, n in result.all()}
    assert rows == {f"heavy:{orgs['heavy']}": 40, f"rest:{orgs['rest']}": 61}
