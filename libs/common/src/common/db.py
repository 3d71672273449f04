"""Async database engine and the one-transaction-per-unit-of-work session scope."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import Column, DateTime, TypeDecorator, event, text
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlmodel import SQLModel

# Explicit constraint names keep Alembic migrations stable across PostgreSQL and SQLite.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
OUTBOX_DIRTY = "outbox_dirty"
OUTBOX_CHANNEL = "outbox_written"  # PostgreSQL LISTEN/NOTIFY channel the relay waits on
# Must be set before any table is declared: names are given as constraints attach.
SQLModel.metadata.naming_convention = NAMING_CONVENTION


def is_sqlite(url: str) -> bool:
    """True for the embedded SQLite engine used by `make run`."""
    return url.startswith("sqlite")


def make_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """Create an async engine tuned for the backend behind the URL."""
    # orjson: the outbox's JSON headers are decoded for every event the relay sends.
    kwargs.setdefault("json_serializer", lambda value: orjson.dumps(value).decode())
    kwargs.setdefault("json_deserializer", orjson.loads)
    if is_sqlite(url):
        engine = create_async_engine(url, connect_args={"timeout": 30}, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 10)
    return create_async_engine(url, pool_pre_ping=True, **kwargs)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets the relay and consumer read while a request writes; FKs are off by default.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


class Database:
    """Owns the engine and session factory; created in the app lifespan."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = url
        self.engine = make_engine(url, **engine_kwargs)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        # Set after a commit that wrote outbox rows, so the relay publishes at once.
        self.outbox_written = asyncio.Event()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """One unit of work: commits once on success, rolls back on any error."""
        async with self.sessions() as session:
            try:
                yield session
                if session.info.get(OUTBOX_DIRTY) and not is_sqlite(self.url):
                    # Delivered at commit to the relay of another process (the worker).
                    await session.execute(text(f"NOTIFY {OUTBOX_CHANNEL}"))
                await session.commit()
            except BaseException:
                await session.rollback()
                raise
            if session.info.pop(OUTBOX_DIRTY, False):
                self.outbox_written.set()

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC timestamps on every backend (SQLite would hand back naive ones)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given to a timezone-aware column")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def utc_column(*, nullable: bool = False, index: bool = False) -> Column[datetime]:
    """A `*_at` column: timezone-aware UTC."""
    return Column(UTCDateTime(timezone=True), nullable=nullable, index=index)
