"""Set-based inserts for consumers: one statement per batch whatever its size.

On PostgreSQL the rows travel as one array per column through `unnest`, so the statement is the
same for every batch (prepared once by asyncpg) instead of a multi-VALUES text compiled anew each
time; SQLite (`make run`) takes an executemany. Optionally ON CONFLICT DO NOTHING on given columns,
or (upsert_rows) ON CONFLICT DO UPDATE under a condition.
"""

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from sqlalchemy import Table, TextClause, bindparam, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession

from common import upsert


async def insert_rows(
    session: AsyncSession,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    *,
    skip_conflicts_on: tuple[str, ...] = (),
) -> None:
    """Insert every row (dicts with a value for each of the table's columns)."""
    if not rows:
        return
    if session.get_bind().dialect.name != "postgresql":
        statement = upsert.insert(session, table)
        if skip_conflicts_on:
            statement = statement.on_conflict_do_nothing(index_elements=list(skip_conflicts_on))
        await session.execute(statement, list(rows))
        return
    on_conflict = f" ON CONFLICT ({', '.join(skip_conflicts_on)}) DO NOTHING"
    await _insert_unnested(session, table, rows, on_conflict if skip_conflicts_on else "")


async def upsert_rows(
    session: AsyncSession,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    *,
    key: tuple[str, ...],
    update: tuple[str, ...],
    only_where: str,
) -> None:
    """Insert every row; where one with the same `key` exists, overwrite its `update` columns
    only if `only_where` holds: SQL over `excluded.<column>` (the new row) and
    `<table name>.<column>` (the stored one), which both engines read alike. The rows' keys
    must be distinct (a statement may not change one row twice)."""
    if not rows:
        return
    where = text(only_where)
    if session.get_bind().dialect.name != "postgresql":
        statement = upsert.insert(session, table)
        statement = statement.on_conflict_do_update(
            index_elements=list(key),
            set_={name: statement.excluded[name] for name in update},
            where=where,
        )
        await session.execute(statement, list(rows))
        return
    assignments = ", ".join(f"{name} = excluded.{name}" for name in update)
    on_conflict = f" ON CONFLICT ({', '.join(key)}) DO UPDATE SET {assignments} WHERE {only_where}"
    await _insert_unnested(session, table, rows, on_conflict)


async def _insert_unnested(
    session: AsyncSession, table: Table, rows: Sequence[Mapping[str, Any]], on_conflict: str
) -> None:
    columns = tuple(c.name for c in table.columns)
    params = {f"c{i}": [row[name] for row in rows] for i, name in enumerate(columns)}
    await session.execute(_unnest_insert(table, columns, on_conflict), params)


@cache
def _unnest_insert(table: Table, columns: tuple[str, ...], on_conflict: str) -> TextClause:
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    arrays = ", ".join(
        f"CAST(:c{i} AS {table.c[name].type.compile(dialect=dialect)}[])"
        for i, name in enumerate(columns)
    )
    names = ", ".join(columns)
    statement = text(
        f"INSERT INTO {table.name} ({names}) SELECT * FROM unnest({arrays}){on_conflict}"
    )
    # Each parameter is an array of the column's own type (UUIDs, aware datetimes...).
    return statement.bindparams(
        *(
            bindparam(f"c{i}", type_=postgresql.ARRAY(table.c[name].type))
            for i, name in enumerate(columns)
        )
    )
