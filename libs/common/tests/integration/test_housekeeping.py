"""Housekeeping keeps the inbox and the idempotency keys bounded, and only forgets what is safe."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlmodel import SQLModel, col

from common import housekeeping
from common.db import Database
from common.idempotency_table import IdempotencyRecord
from common.inbox import InboxMessage
from common.settings import ServiceSettings


async def test_sweep_forgets_only_what_can_no_longer_come_back(database: Database) -> None:
    async with database.engine.begin() as connection:
        table = IdempotencyRecord.__table__  # type: ignore[attr-defined]
        await connection.run_sync(SQLModel.metadata.create_all, tables=[table])
    settings = ServiceSettings()  # topics 7 days, dead letters 30 days
    now = datetime.now(UTC)
    async with database.transaction() as session:
        for event_id, age in (("old", timedelta(days=32)), ("replayable", timedelta(days=29))):
            session.add(
                InboxMessage(
                    consumer="c", event_id=event_id, event_type="t", processed_at=now - age
                )
            )
        for key, age in (("stale", timedelta(hours=25)), ("fresh", timedelta(hours=1))):
            session.add(
                IdempotencyRecord(scope="s", key=key, request_hash="h", created_at=now - age)
            )

    assert await housekeeping.sweep(database, settings) == (1, 1)

    async with database.transaction() as session:
        inbox = set((await session.execute(select(col(InboxMessage.event_id)))).scalars())
        keys = set((await session.execute(select(col(IdempotencyRecord.key)))).scalars())
        assert await session.scalar(select(func.count()).select_from(InboxMessage)) == 1
    # An event dead-lettered 29 days ago may still be replayed: its inbox row must stay.
    assert inbox == {"replayable"}
    assert keys == {"fresh"}
