"""Transactional outbox: events are rows written in the business transaction."""

import uuid
from datetime import datetime

from sqlalchemy import JSON, BigInteger, Column, Index, Integer, LargeBinary, Text, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel

from common import correlation
from common.db import OUTBOX_DIRTY, utc_column
from common.events.envelope import Envelope, EventPayload

# Neither published nor set aside: what the relay still has to send.
PENDING = text("published_at IS NULL AND quarantined_at IS NULL")


class OutboxMessage(SQLModel, table=True):
    """An event waiting to be (or already) published by the relay."""

    __tablename__ = "outbox"
    __table_args__ = (
        # The relay only ever scans pending rows; keep that scan tiny.
        Index("ix_outbox_pending", "id", postgresql_where=PENDING, sqlite_where=PENDING),
    )

    id: int | None = Field(
        default=None,
        sa_column=Column(
            BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
        ),
    )
    event_id: uuid.UUID = Field(unique=True)
    event_type: str = Field(max_length=200)
    topic: str = Field(max_length=200)
    key: str = Field(max_length=200)
    headers: list[list[str]] = Field(sa_column=Column(JSON, nullable=False))
    payload: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = Field(sa_column=utc_column())
    published_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    # A row Kafka refuses for good (topic missing, value too large) is set aside with the
    # reason, so the rows behind it still flow; `python -m <service>.outbox requeue` retries it.
    quarantined_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


def add_event(
    session: AsyncSession,
    payload: EventPayload,
    *,
    source: str,
    subject: str,
    key: str,
    **extensions: str | None,
) -> Envelope:
    """Stage an event in the caller's transaction; it is published only if that commits."""
    envelope = Envelope.wrap(
        payload,
        source=source,
        subject=subject,
        key=key,
        correlationid=correlation.current_id(),
        **extensions,
    )
    session.add(
        OutboxMessage(
            event_id=uuid.UUID(envelope.id),
            event_type=envelope.type,
            topic=payload.topic,
            key=envelope.key,
            headers=[[k, v.decode()] for k, v in envelope.headers()],
            payload=envelope.data,
            created_at=envelope.time,
        )
    )
    session.info[OUTBOX_DIRTY] = True
    return envelope
