"""The metrics service's integration fixtures: a migrated database of its own per test."""

from collections.abc import AsyncIterator

import pytest

from advocacy_testing.databases import drop_database, migrated_database
from common.events.contracts.ambassadors import TOPIC
from common.topics import ensure_topics
from metrics.config import Settings
from metrics.migrate import MIGRATIONS


@pytest.fixture
async def settings(
    postgres_url: str, kafka_bootstrap: str, topic_prefix: str
) -> AsyncIterator[Settings]:
    url = await migrated_database(postgres_url, prefix="metrics", migrations_dir=MIGRATIONS)
    settings = Settings(
        env="test",
        database_url=url,
        kafka_bootstrap_servers=kafka_bootstrap,
        kafka_topic_prefix=topic_prefix,
        consumer_backoff_seconds=0.05,
    )
    await ensure_topics(settings, {TOPIC})  # the producing service owns it; we stand in
    yield settings
    await drop_database(postgres_url, url)
