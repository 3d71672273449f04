"""The content service's integration fixtures: a migrated database of its own per test."""

from collections.abc import AsyncIterator

import pytest

from advocacy_testing.databases import drop_database, migrated_database
from content.config import Settings
from content.migrate import MIGRATIONS


@pytest.fixture
async def settings(
    postgres_url: str, kafka_bootstrap: str, topic_prefix: str
) -> AsyncIterator[Settings]:
    url = await migrated_database(postgres_url, prefix="content", migrations_dir=MIGRATIONS)
    yield Settings(
        env="test",
        database_url=url,
        kafka_bootstrap_servers=kafka_bootstrap,
        kafka_topic_prefix=topic_prefix,
    )
    await drop_database(postgres_url, url)
