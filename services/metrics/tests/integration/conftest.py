"""The metrics service's integration fixtures: a migrated database of its own per test."""

from collections.abc import AsyncIterator

import pytest

from advocacy_testing.service_settings import migrated_service
from common.events.contracts.ambassadors import TOPIC
from metrics.config import Settings
from metrics.migrate import MIGRATIONS


@pytest.fixture
async def settings(
    postgres_url: str, kafka_bootstrap: str, topic_prefix: str
) -> AsyncIterator[Settings]:
    async with migrated_service(
        Settings,
        postgres_url=postgres_url,
        kafka=kafka_bootstrap,
        topic_prefix=topic_prefix,
        migrations_dir=MIGRATIONS,
        consumed_topics=[TOPIC],
        consumer_backoff_seconds=0.05,
    ) as settings:
        yield settings
