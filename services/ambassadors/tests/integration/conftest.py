"""The ambassadors service's integration fixtures: a migrated database of its own per test."""

from collections.abc import AsyncIterator

import pytest

from advocacy_testing.databases import drop_database, migrated_database
from ambassadors.config import Settings
from ambassadors.migrate import MIGRATIONS
from common.events.contracts import content
from common.topics import ensure_topics


@pytest.fixture
async def settings(
    postgres_url: str, kafka_bootstrap: str, topic_prefix: str
) -> AsyncIterator[Settings]:
    url = await migrated_database(postgres_url, prefix="ambassadors", migrations_dir=MIGRATIONS)
    settings = Settings(
        env="test",
        database_url=url,
        kafka_bootstrap_servers=kafka_bootstrap,
        kafka_topic_prefix=topic_prefix,
        public_base_url="https://go.example.com",
    )
    await ensure_topics(settings, {content.TOPIC})  # the content service owns it; we stand in
    yield settings
    await drop_database(postgres_url, url)
