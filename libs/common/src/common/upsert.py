"""INSERT ... ON CONFLICT for the engine behind a session (PostgreSQL in production and tests,
SQLite under `make run`): races on a unique key are decided by the database, not by a prior read."""

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel

# Both dialects' Insert offer on_conflict_do_nothing / on_conflict_do_update and `.excluded`
# with the same signatures; callers only use that common surface.
Upsert = postgresql.Insert | sqlite.Insert
Row = TypeVar("Row", bound=SQLModel)


def insert(session: AsyncSession, table: Any) -> Upsert:
    """An INSERT on `table` (model or Table) with ON CONFLICT for this session's engine."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


async def insert_if_absent(session: AsyncSession, row: Row, *, unique: Sequence[str]) -> Row | None:
    """Insert `row` unless one with the same `unique` columns exists: None means it did.

    A concurrent uncommitted twin makes PostgreSQL wait for its outcome, so of two racing
    inserts exactly one gets the row back, whatever the timing.
    """
    model = type(row)
    statement = (
        insert(session, model)
        .values(row.model_dump())
        .on_conflict_do_nothing(index_elements=list(unique))
        .returning(model)
    )
    inserted: Row | None = (await session.execute(statement)).scalar_one_or_none()
    return inserted
