"""Inbox: remembers which events a consumer has handled, inside the handler's transaction."""

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel, col

from common import upsert
from common.db import utc_column


class InboxMessage(SQLModel, table=True):
    """One handled event per consumer; its primary key is what makes redelivery harmless."""

    __tablename__ = "inbox"

    consumer: str = Field(primary_key=True, max_length=200)
    event_id: str = Field(primary_key=True, max_length=200)
    event_type: str = Field(max_length=200)
    processed_at: datetime = Field(sa_column=utc_column())


# PostgreSQL: one small statement whatever the batch size (arrays, not 4 parameters a row), so
# it is prepared once instead of compiled per batch.
CLAIM_UNNEST = text(
    "INSERT INTO inbox (consumer, event_id, event_type, processed_at) "
    "SELECT :consumer, e.id, e.type, :now "
    "FROM unnest(CAST(:ids AS text[]), CAST(:types AS text[])) AS e(id, type) "
    "ON CONFLICT (consumer, event_id) DO NOTHING RETURNING event_id"
)


async def claim_many(
    session: AsyncSession, *, consumer: str, events: Sequence[tuple[str, str]]
) -> set[str]:
    """Record (event_id, event_type) pairs as handled in one statement; returns the fresh ids.

    The ids not returned were handled before (by this consumer, in any process): skip them.
    """
    if not events:
        return set()
    now = datetime.now(UTC)
    if session.get_bind().dialect.name == "postgresql":
        ids, types = [i for i, _ in events], [t for _, t in events]
        params = {"consumer": consumer, "now": now, "ids": ids, "types": types}
        return set((await session.execute(CLAIM_UNNEST, params)).scalars().all())
    statement = (
        upsert.insert(session, InboxMessage)
        .values(
            [
                {"consumer": consumer, "event_id": i, "event_type": t, "processed_at": now}
                for i, t in events
            ]
        )
        .on_conflict_do_nothing(index_elements=["consumer", "event_id"])
        .returning(col(InboxMessage.event_id))
    )
    return set((await session.execute(statement)).scalars().all())
