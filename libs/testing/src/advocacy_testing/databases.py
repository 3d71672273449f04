"""Throwaway PostgreSQL databases, one per test module or service, migrated for real."""

import asyncio
import uuid
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

from common.migrations import upgrade


def _dsn(sqlalchemy_url: str, database: str) -> str:
    url = make_url(sqlalchemy_url).set(drivername="postgresql", database=database)
    return url.render_as_string(hide_password=False)


async def create_database(admin_url: str, *, prefix: str) -> str:
    """Create an empty database; returns its SQLAlchemy (asyncpg) URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    connection = await asyncpg.connect(_dsn(admin_url, make_url(admin_url).database or "postgres"))
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


async def drop_database(admin_url: str, url: str) -> None:
    """Drop a database made by create_database, closing stray connections first."""
    name = make_url(url).database
    connection = await asyncpg.connect(_dsn(admin_url, make_url(admin_url).database or "postgres"))
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


async def migrated_database(admin_url: str, *, prefix: str, migrations_dir: Path) -> str:
    """A new database with a service's Alembic migrations applied (as the deploy job does)."""
    url = await create_database(admin_url, prefix=prefix)
    # Alembic's env runs its own event loop: keep it off the test's loop.
    await asyncio.to_thread(upgrade, migrations_dir=migrations_dir, database_url=url)
    return url
