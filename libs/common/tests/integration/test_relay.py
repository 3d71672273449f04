"""The outbox relay against real PostgreSQL and real Kafka."""

import asyncio
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func
from sqlmodel import col, select

from advocacy_testing.broker import PrivateBroker
from advocacy_testing.databases import create_database, drop_database
from advocacy_testing.kafka import read_all
from advocacy_testing.polling import eventually
from common.db import Database
from common.events.contracts.content import TOPIC, ContentPublishedV1
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
        await asyncio.sleep(3)  # the relay keeps trying; nothing may be marked sent meanwhile
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
    relay = OutboxRelay(db=db, settings=settings)
    task = asyncio.create_task(relay.run())
    try:
        await asyncio.sleep(1.5)
        assert not task.done(), task.exception() if task.done() else None
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await relay.stop()
        await db.dispose()
        await drop_database(postgres_url, url)
