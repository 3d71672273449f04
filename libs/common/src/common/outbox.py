"""Transactional outbox: events are rows written in the business transaction."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

import orjson
from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Index,
    Integer,
    LargeBinary,
    Text,
    bindparam,
    cast,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.dialects import postgresql
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
    envelope = _envelope(payload, source=source, subject=subject, key=key, **extensions)
    session.add(OutboxMessage(**_row(envelope, payload)))
    session.info[OUTBOX_DIRTY] = True
    return envelope


@dataclass(frozen=True)
class Staged:
    """An event for add_events: a payload and the arguments add_event takes."""

    payload: EventPayload
    subject: str
    key: str
    extensions: dict[str, str | None] = field(default_factory=dict)


async def add_events(session: AsyncSession, events: Sequence[Staged], *, source: str) -> None:
    """Stage many events with one INSERT in the caller's transaction (a bulk sync tells one
    per row it changed: an ORM object per event cost most of such a sync's time). Events staged
    earlier by add_event are flushed first, so the outbox keeps the order they were staged in."""
    if not events:
        return
    rows = [
        _row(
            _envelope(e.payload, source=source, subject=e.subject, key=e.key, **e.extensions),
            e.payload,
        )
        for e in events
    ]
    await session.flush()
    if session.get_bind().dialect.name == "postgresql":
        params = {name: [row[name] for row in rows] for name in _BULK_COLUMNS}
        params["headers"] = [orjson.dumps(h).decode() for h in params["headers"]]
        await session.execute(_unnested_insert(), params)
    else:
        await session.execute(insert(OutboxMessage.__table__), rows)  # type: ignore[attr-defined]
    session.info[OUTBOX_DIRTY] = True


def _envelope(
    payload: EventPayload, *, source: str, subject: str, key: str, **extensions: str | None
) -> Envelope:
    return Envelope.wrap(
        payload,
        source=source,
        subject=subject,
        key=key,
        correlationid=correlation.current_id(),
        **extensions,
    )


def _row(envelope: Envelope, payload: EventPayload) -> dict[str, Any]:
    return {
        "event_id": uuid.UUID(envelope.id),
        "event_type": envelope.type,
        "topic": payload.topic,
        "key": envelope.key,
        "headers": [[k, v.decode()] for k, v in envelope.headers()],
        "payload": envelope.data,
        "created_at": envelope.time,
    }


_BULK_COLUMNS = ("event_id", "event_type", "topic", "key", "headers", "payload", "created_at")


@cache
def _unnested_insert() -> Any:
    """One array per column through unnest: the same statement whatever the batch, compiled
    once; the JSON headers travel as text (arrays of lists would be 2-D arrays)."""
    table = OutboxMessage.__table__  # type: ignore[attr-defined]
    arrays = [
        bindparam(n, type_=postgresql.ARRAY(Text() if n == "headers" else table.c[n].type))
        for n in _BULK_COLUMNS
    ]
    unnested = func.unnest(*arrays).table_valued(*_BULK_COLUMNS).render_derived()
    columns = (
        cast(unnested.c[n], JSON) if n == "headers" else unnested.c[n] for n in _BULK_COLUMNS
    )
    return insert(table).from_select(list(_BULK_COLUMNS), select(*columns))
