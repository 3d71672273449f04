"""Inbox: remembers which events a consumer has handled, inside the handler's transaction."""

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel, col

from common.db import utc_column


class InboxMessage(SQLModel, table=True):
    """One handled event per consumer; its primary key is what makes redelivery harmless."""

    __tablename__ = "inbox"

    consumer: str = Field(primary_key=True, max_length=200)
    event_id: str = Field(primary_key=True, max_length=200)
    event_type: str = Field(max_length=200)
    processed_at: datetime = Field(sa_column=utc_column())


async def claim_many(
    session: AsyncSession, *, consumer: str, events: Sequence[tuple[str, str]]
) -> set[str]:
    """Record (event_id, event_type) pairs as handled in one statement; returns the fresh ids.

    The ids not returned were handled before (by this consumer, in any process): skip them.
    """
    if not events:
        return set()
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    now = datetime.now(UTC)
    statement = (
        insert(InboxMessage)
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
