"""Events staged many at once (add_events): one INSERT, the order they were staged in, the same
rows and headers as add_event writes, published by the relay like any other."""

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import SQLModel, col, select

from advocacy_testing.kafka import read_all
from common.db import Database
from common.events.contracts.content import TOPIC, ContentPublishedV1
from common.outbox import OutboxMessage, Staged, add_event, add_events
from common.relay import OutboxRelay
from common.settings import ServiceSettings
from common.topics import ensure_topics

ORG = uuid.uuid4()


def published(title: str) -> ContentPublishedV1:
    return ContentPublishedV1(
        content_id=uuid.uuid4(),
        org_id=ORG,
        sub_program_id=uuid.uuid4(),
        kind="article",
        title=title,
        published_at=datetime.now(UTC),
    )


async def stage(db: Database) -> None:
    """One event by add_event, then three at once: the first must stay first."""
    async with db.transaction() as session:
        add_event(session, published("single"), source="/test", subject="s/0", key="k0")
        await add_events(
            session,
            [
                Staged(
                    published(f"bulk {i}"),
                    subject=f"s/{i}",
                    key=f"k{i}",
                    extensions={"orgid": str(ORG)},
                )
                for i in (1, 2, 3)
            ],
            source="/test",
        )


async def stored(db: Database) -> list[OutboxMessage]:
    async with db.transaction() as session:
        query = select(OutboxMessage).order_by(col(OutboxMessage.id))
        return list((await session.execute(query)).scalars().all())


async def test_bulk_events_are_stored_in_the_order_staged_and_published(
    database: Database, kafka_bootstrap: str, topic_prefix: str
) -> None:
    settings = ServiceSettings(
        kafka_bootstrap_servers=kafka_bootstrap, kafka_topic_prefix=topic_prefix
    )
    await ensure_topics(settings, {TOPIC})
    await stage(database)
    # The relay sends in outbox order (keys spread over partitions: Kafka keeps order per key).
    assert [r.key for r in await stored(database)] == ["k0", "k1", "k2", "k3"]
    relay = OutboxRelay(db=database, settings=settings)
    try:
        assert await relay.publish_batch() == 4
    finally:
        await relay.stop()
    records = await read_all(kafka_bootstrap, settings.topic(TOPIC), expected=4)
    by_key = {r.key: r for r in records}
    assert ContentPublishedV1.model_validate_json(by_key[b"k2"].value).title == "bulk 2"
    headers = dict(by_key[b"k2"].headers)
    assert headers["ce_type"] == b"content.item.published.v1"
    assert headers["ce_subject"] == b"s/2" and headers["ce_orgid"] == str(ORG).encode()


@pytest.fixture
async def sqlite(tmp_path: Path) -> AsyncIterator[Database]:
    """The embedded engine of `make run`, with the outbox table."""
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'outbox.db'}")
    async with db.engine.begin() as connection:
        tables = [OutboxMessage.__table__]  # type: ignore[attr-defined]
        await connection.run_sync(SQLModel.metadata.create_all, tables=tables)
    yield db
    await db.dispose()


async def test_bulk_events_on_sqlite_are_the_rows_add_event_writes(sqlite: Database) -> None:
    await stage(sqlite)
    rows = await stored(sqlite)
    assert [r.key for r in rows] == ["k0", "k1", "k2", "k3"]
    assert all(r.topic == TOPIC and r.published_at is None for r in rows)
    single, bulk = dict(map(tuple, rows[0].headers)), dict(map(tuple, rows[1].headers))
    assert set(bulk) == set(single) | {"ce_orgid"}
    assert ContentPublishedV1.model_validate_json(rows[3].payload).title == "bulk 3"
