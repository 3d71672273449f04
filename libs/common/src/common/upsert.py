"""INSERT ... ON CONFLICT for the engine behind a session (PostgreSQL in production and tests,
SQLite under `make run`): races on a unique key are decided by the database, not by a prior read."""

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

# Both dialects' Insert offer on_conflict_do_nothing / on_conflict_do_update and `.excluded`
# with the same signatures; callers only use that common surface.
Upsert = postgresql.Insert | sqlite.Insert


def insert(session: AsyncSession, table: Any) -> Upsert:
    """An INSERT on `table` (model or Table) with ON CONFLICT for this session's engine."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)
