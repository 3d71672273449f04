from collections.abc import AsyncIterator

import pytest
from sqlmodel import SQLModel

from advocacy_testing.databases import create_database, drop_database
from common.db import Database
from common.inbox import InboxMessage
from common.outbox import OutboxMessage


@pytest.fixture
async def database(postgres_url: str) -> AsyncIterator[Database]:
    """A fresh PostgreSQL database holding just the outbox and inbox tables."""
    url = await create_database(postgres_url, prefix="common")
    db = Database(url)
    async with db.engine.begin() as connection:
        tables = [OutboxMessage.__table__, InboxMessage.__table__]  # type: ignore[attr-defined]
        await connection.run_sync(SQLModel.metadata.create_all, tables=tables)
    yield db
    await db.dispose()
    await drop_database(postgres_url, url)
