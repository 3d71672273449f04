"""Failure classes by meaning, provoked for real on PostgreSQL through SQLAlchemy + asyncpg."""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from advocacy_testing.databases import create_database, drop_database
from common.db import Database
from common.failures import is_infrastructure

Statement = Callable[[AsyncSession], Awaitable[object]]


@pytest.fixture
async def database(postgres_url: str) -> AsyncIterator[Database]:
    url = await create_database(postgres_url, prefix="failures")
    db = Database(url)
    async with db.transaction() as session:
        await session.execute(text("CREATE TABLE t (id int PRIMARY KEY)"))
        await session.execute(text("INSERT INTO t VALUES (1)"))
    yield db
    await db.dispose()
    await drop_database(postgres_url, url)


async def failure_of(db: Database, statement: Statement) -> BaseException:
    try:
        async with db.transaction() as session:
            await statement(session)
    except Exception as exc:  # noqa: BLE001 - the error is what we examine
        return exc
    raise AssertionError("the statement did not fail")


def sql(query: str) -> Statement:
    return lambda session: session.execute(text(query))


@pytest.mark.parametrize(
    ("case", "query"),
    [
        ("schema not migrated yet", "SELECT * FROM not_migrated_yet"),
        ("column of a migration to come", "SELECT missing_column FROM t"),
        (
            "connection ended by the server (restart)",
            "SELECT pg_terminate_backend(pg_backend_pid())",
        ),
        ("statement timeout", "SET LOCAL statement_timeout = 10; SELECT pg_sleep(1)"),
    ],
)
async def test_infrastructure_failures_are_waited_out(
    database: Database, case: str, query: str
) -> None:
    if ";" in query:
        first, second = query.split("; ")

        async def both(session: AsyncSession) -> None:
            await session.execute(text(first))
            await session.execute(text(second))

        error = await failure_of(database, both)
    else:
        error = await failure_of(database, sql(query))
    assert is_infrastructure(error), f"{case}: {error!r}"


async def test_lock_not_available_is_waited_out(database: Database) -> None:
    holder = await database.engine.connect()
    await holder.execute(text("LOCK TABLE t"))  # somebody else holds it
    try:
        error = await failure_of(database, sql("LOCK TABLE t NOWAIT"))
    finally:
        await holder.rollback()
        await holder.close()
    assert is_infrastructure(error), repr(error)


async def test_deadlock_is_waited_out(database: Database) -> None:
    async with database.transaction() as session:
        await session.execute(text("INSERT INTO t VALUES (2)"))
    first, second = await database.engine.connect(), await database.engine.connect()
    try:
        await first.execute(text("UPDATE t SET id = id WHERE id = 1"))
        await second.execute(text("UPDATE t SET id = id WHERE id = 2"))
        results = await asyncio.gather(
            first.execute(text("UPDATE t SET id = id WHERE id = 2")),
            second.execute(text("UPDATE t SET id = id WHERE id = 1")),
            return_exceptions=True,
        )
    finally:
        for connection in (first, second):
            await connection.rollback()
            await connection.close()
    [deadlock] = [r for r in results if isinstance(r, BaseException)]
    assert is_infrastructure(deadlock), repr(deadlock)


async def test_unreachable_or_missing_database_is_waited_out(postgres_url: str) -> None:
    missing = make_url(postgres_url).set(database="never_created").render_as_string(False)
    refused = make_url(postgres_url).set(port=1).render_as_string(False)
    unknown_host = make_url(postgres_url).set(host="no-such-host.invalid").render_as_string(False)
    for url in (missing, refused, unknown_host):
        db = Database(url)
        try:
            error = await failure_of(db, sql("SELECT 1"))
        finally:
            await db.dispose()
        assert is_infrastructure(error), f"{url}: {error!r}"


@pytest.mark.parametrize(
    "query",
    [
        "INSERT INTO t VALUES (1)",  # unique violation: this event clashes, waiting won't help
        "SELECT 1 / 0",
        "SELECT 'not a number'::int",
    ],
)
async def test_handler_bugs_are_not_infrastructure(database: Database, query: str) -> None:
    error = await failure_of(database, sql(query))
    assert not is_infrastructure(error), repr(error)
