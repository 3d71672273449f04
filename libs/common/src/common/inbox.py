"""Inbox: remembers which events a consumer has handled, inside the handler's transaction."""

from datetime import UTC, datetime

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel

from common.db import utc_column


class InboxMessage(SQLModel, table=True):
    """One handled event per consumer; its primary key is what makes redelivery harmless."""

    __tablename__ = "inbox"

    consumer: str = Field(primary_key=True, max_length=200)
    event_id: str = Field(primary_key=True, max_length=200)
    event_type: str = Field(max_length=200)
    processed_at: datetime = Field(sa_column=utc_column())


async def claim(session: AsyncSession, *, consumer: str, event_id: str, event_type: str) -> bool:
    """Record the event as handled; False if this consumer already handled it."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(InboxMessage)
        .values(
            consumer=consumer,
            event_id=event_id,
            event_type=event_type,
            processed_at=datetime.now(UTC),
        )
        .on_conflict_do_nothing(index_elements=["consumer", "event_id"])
    )
    result = await session.execute(statement)
    return bool(result.rowcount)  # type: ignore[attr-defined]
