"""Events staged many at once (add_events) on SQLite, make run's embedded engine, whose path
is its own (executemany): the same rows and headers as add_event writes, in the order staged."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlmodel import SQLModel

from advocacy_testing.outbox_staging import stage, stored
from common.db import Database
from common.events.contracts.content import TOPIC, ContentPublishedV1
from common.outbox import OutboxMessage


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
