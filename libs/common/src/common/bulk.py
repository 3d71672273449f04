"""Set-based inserts for consumers: one statement per batch whatever its size.

On PostgreSQL the rows travel as one array per column through `unnest`, so the statement is the
same for every batch (prepared once by asyncpg) instead of a multi-VALUES text compiled anew each
time; SQLite (`make run`) takes an executemany. Optionally ON CONFLICT DO NOTHING on given columns.
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
    columns = tuple(c.name for c in table.columns)
    params = {f"c{i}": [row[name] for row in rows] for i, name in enumerate(columns)}
    await session.execute(_unnest_insert(table, columns, skip_conflicts_on), params)


@cache
def _unnest_insert(table: Table, columns: tuple[str, ...], conflict: tuple[str, ...]) -> TextClause:
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    arrays = ", ".join(
        f"CAST(:c{i} AS {table.c[name].type.compile(dialect=dialect)}[])"
        for i, name in enumerate(columns)
    )
    on_conflict = f" ON CONFLICT ({', '.join(conflict)}) DO NOTHING" if conflict else ""
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
