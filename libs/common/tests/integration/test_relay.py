"""The outbox relay against real PostgreSQL and real Kafka."""

import asyncio
import uuid
from datetime import UTC, datetime
from pathlib import Path

from prometheus_client import Gauge
from sqlalchemy import func, update
from sqlmodel import SQLModel, col, select

from advocacy_testing.broker import PrivateBroker
from advocacy_testing.databases import create_database, drop_database
from advocacy_testing.kafka import read_all
from advocacy_testing.polling import eventually
from common import outbox_admin
from common.db import Database
from common.events.contracts.content import TOPIC, ContentPublishedV1
from common.metrics import OUTBOX_BACKLOG, OUTBOX_QUARANTINED
from common.outbox import OutboxMessage, add_event
from common.relay import OutboxRelay
from common.settings import ServiceSettings
from common.topics import ensure_topics


def published(title: str) -> ContentPublishedV1:
    return ContentPublishedV1(
        content_id=uuid.uuid4(),
        org_id=uuid.uuid4(),
        sub_program_id=uuid.uuid4(),
        kind="article",
        title=title,
        published_at=datetime.now(UTC),
    )


async def stage(db: Database, titles: list[str], *, key: str = "same-key") -> None:
    async with db.transaction() as session:
        for title in titles:
            add_event(session, published(title), source="/test", subject="s", key=key)


async def gauge(metric: Gauge) -> float:
    return float(metric._value.get())


async def unpublished(db: Database) -> int:
    async with db.transaction() as session:
        query = select(func.count()).where(col(OutboxMessage.published_at).is_(None))
        return int((await session.execute(query)).scalar_one())


async def test_relay_publishes_committed_rows_in_order(
    database: Database, kafka_bootstrap: str, topic_prefix: str
) -> None:
    settings = ServiceSettings(
        kafka_bootstrap_servers=kafka_bootstrap, kafka_topic_prefix=topic_prefix
    )
    await ensure_topics(settings, {TOPIC})
    titles = [f"item {i}" for i in range(20)]
    await stage(database, titles)

    relay = OutboxRelay(db=database, settings=settings)
    try:
        assert await relay.publish_batch() == 20
    finally:
        await relay.stop()

    records = await read_all(kafka_bootstrap, settings.topic(TOPIC), expected=20)
    assert [ContentPublishedV1.model_validate_json(r.value).title for r in records] == titles
    assert dict(records[0].headers)["ce_type"] == b"content.item.published.v1"
    assert await unpublished(database) == 0


async def test_rolled_back_transaction_stages_nothing(database: Database) -> None:
    try:
        async with database.transaction() as session:
            add_event(session, published("never"), source="/test", subject="s", key="k")
            raise RuntimeError("business rule failed after the event was staged")
    except RuntimeError:
        pass
    assert await unpublished(database) == 0


async def test_events_written_while_broker_is_down_are_delivered_after_restart(
    database: Database, tmp_path: Path, topic_prefix: str
) -> None:
    broker = PrivateBroker(data_dir=tmp_path / "kafka")
    await asyncio.to_thread(broker.start)
    settings = ServiceSettings(
        kafka_bootstrap_servers=broker.bootstrap,
        kafka_topic_prefix=topic_prefix,
        relay_poll_seconds=0.1,
    )
    relay = OutboxRelay(db=database, settings=settings)
    task = asyncio.create_task(relay.run())
    try:
        await ensure_topics(settings, {TOPIC})
        await asyncio.to_thread(broker.stop)
        await stage(database, [f"while down {i}" for i in range(5)])
        # The relay keeps trying; nothing is marked sent, and the backlog gauge still moves.
        await eventually(lambda: gauge(OUTBOX_BACKLOG), lambda n: n == 5, timeout=15)
        assert await unpublished(database) == 5

        await asyncio.to_thread(broker.start)
        await eventually(lambda: unpublished(database), lambda n: n == 0, timeout=60)
        records = await read_all(broker.bootstrap, settings.topic(TOPIC), expected=5)
        assert len(records) == 5
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await relay.stop()
        await asyncio.to_thread(broker.stop)


async def test_relay_survives_a_database_not_migrated_yet(
    postgres_url: str, kafka_bootstrap: str, topic_prefix: str
) -> None:
    # A service may start before its migration job has finished (compose, Kubernetes Jobs):
    # "relation outbox does not exist" must not kill the relay for the life of the process.
    url = await create_database(postgres_url, prefix="unmigrated")
    db = Database(url)
    settings = ServiceSettings(
        kafka_bootstrap_servers=kafka_bootstrap, kafka_topic_prefix=topic_prefix
    )
    await ensure_topics(settings, {TOPIC})
    relay = OutboxRelay(db=db, settings=settings)
    task = asyncio.create_task(relay.run())
    try:
        await asyncio.sleep(1.5)
        assert not task.done(), task.exception() if task.done() else None
        async with db.engine.begin() as connection:  # the migration job finally runs
            tables = [OutboxMessage.__table__]  # type: ignore[attr-defined]
            await connection.run_sync(SQLModel.metadata.create_all, tables=tables)
        await stage(db, ["after migration"])
        await eventually(lambda: unpublished(db), lambda n: n == 0, timeout=30)
        records = await read_all(kafka_bootstrap, settings.topic(TOPIC), expected=1)
        assert len(records) == 1
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await relay.stop()
        await db.dispose()
        await drop_database(postgres_url, url)


async def test_two_relays_on_one_outbox_publish_each_key_in_order_once(
    database: Database, kafka_bootstrap: str, topic_prefix: str
) -> None:
    settings = ServiceSettings(
        kafka_bootstrap_servers=kafka_bootstrap,
        kafka_topic_prefix=topic_prefix,
        relay_batch_size=50,  # many small batches: the two relays take turns often
        relay_poll_seconds=0.05,
    )
    await ensure_topics(settings, {TOPIC})
    keys = [f"key-{k}" for k in range(8)]
    replicas = [Database(database.url) for _ in range(2)]
    relays = [OutboxRelay(db=db, settings=settings) for db in replicas]
    tasks = [asyncio.create_task(relay.run()) for relay in relays]
    try:
        for wave in range(20):  # staged while both relays run, interleaving keys
            async with database.transaction() as session:
                for i, key in enumerate(keys * 5):
                    title = f"{key}/{wave * 5 + i // len(keys)}"
                    add_event(session, published(title), source="/test", subject="s", key=key)
        await eventually(lambda: unpublished(database), lambda n: n == 0, timeout=60)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for relay, db in zip(relays, replicas, strict=True):
            await relay.stop()
            await db.dispose()

    records = await read_all(kafka_bootstrap, settings.topic(TOPIC), expected=800)
    titles = [ContentPublishedV1.model_validate_json(r.value).title for r in records]
    assert len(titles) == len(set(titles)) == 800, "an event was published twice"
    for key in keys:
        sequence = [int(t.split("/")[1]) for t in titles if t.startswith(f"{key}/")]
        # read_all reads partitions one after another; one key lives on one partition
        assert sequence == list(range(100)), f"{key} out of order"


async def test_a_row_kafka_refuses_for_good_is_quarantined_and_the_rest_flow(
    database: Database, kafka_bootstrap: str, topic_prefix: str
) -> None:
    settings = ServiceSettings(
        kafka_bootstrap_servers=kafka_bootstrap, kafka_topic_prefix=topic_prefix
    )
    await ensure_topics(settings, {TOPIC})
    await stage(database, ["before"])
    async with database.transaction() as session:
        huge = published("x" * 2_000_000)  # over the producer's and broker's 1 MiB limits
        add_event(session, huge, source="/test", subject="s", key="same-key")
        envelope = add_event(session, published("nowhere"), source="/test", subject="s", key="k")
        await session.flush()
        await session.execute(
            update(OutboxMessage)
            .where(col(OutboxMessage.event_id) == uuid.UUID(envelope.id))
            .values(topic="no.such.topic")
        )
    await stage(database, ["after"])

    relay = OutboxRelay(db=database, settings=settings)
    try:
        assert await relay.publish_batch() == 2
        assert await relay.backlog() == 0
    finally:
        await relay.stop()

    records = await read_all(kafka_bootstrap, settings.topic(TOPIC), expected=2)
    assert [ContentPublishedV1.model_validate_json(r.value).title for r in records] == [
        "before",
        "after",
    ]
    async with database.transaction() as session:
        set_aside = (
            await session.execute(
                select(OutboxMessage.topic, OutboxMessage.error).where(
                    col(OutboxMessage.quarantined_at).is_not(None)
                )
            )
        ).all()
    reasons = {str(topic): error for topic, error in set_aside}
    assert set(reasons) == {TOPIC, "no.such.topic"}
    assert "MessageSizeTooLarge" in (reasons[TOPIC] or "")
    assert "does not exist" in (reasons["no.such.topic"] or "")
    assert OUTBOX_QUARANTINED._value.get() == 2
    assert {row["topic"] for row in await outbox_admin.quarantined(database)} == set(reasons)

    # The operator creates the missing topic and hands the rows back: one goes, one stays aside.
    await ensure_topics(settings, {"no.such.topic"})
    assert await outbox_admin.requeue(database, ids=None) == 2
    relay = OutboxRelay(db=database, settings=settings)
    try:
        assert await relay.publish_batch() == 1
    finally:
        await relay.stop()
    assert [row["topic"] for row in await outbox_admin.quarantined(database)] == [TOPIC]
