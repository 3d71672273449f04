"""The content service's integration fixtures: a migrated database of its own per test."""

from collections.abc import AsyncIterator

import pytest

from advocacy_testing.databases import drop_database, migrated_database
from common.events.contracts.ambassadors import TOPIC as AMBASSADORS_TOPIC
from common.topics import ensure_topics
from content.config import Settings
from content.migrate import MIGRATIONS


@pytest.fixture
async def settings(
    postgres_url: str, kafka_bootstrap: str, topic_prefix: str
) -> AsyncIterator[Settings]:
    url = await migrated_database(postgres_url, prefix="content", migrations_dir=MIGRATIONS)
    settings = Settings(
        env="test",
        database_url=url,
        kafka_bootstrap_servers=kafka_bootstrap,
        kafka_topic_prefix=topic_prefix,
        consumer_backoff_seconds=0.05,
    )
    # The access consumer reads the ambassadors service's topic: we stand in for its owner.
    await ensure_topics(settings, {AMBASSADORS_TOPIC})
    yield settings
    await drop_database(postgres_url, url)
