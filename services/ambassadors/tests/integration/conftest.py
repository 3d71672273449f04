"""The ambassadors service's integration fixtures: a migrated database of its own per test."""

from collections.abc import AsyncIterator

import httpx
import pytest

from advocacy_testing.apps import serving
from advocacy_testing.databases import drop_database, migrated_database
from ambassadors.config import Settings
from ambassadors.main import build_app
from ambassadors.migrate import MIGRATIONS
from common.db import Database
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


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The web process alone: no relay runs, so every staged event stays in the outbox."""
    async with serving(build_app(settings)) as client:
        yield client


@pytest.fixture
async def db(settings: Settings) -> AsyncIterator[Database]:
    """Direct access to the service's database, for what the API does not show."""
    database = Database(settings.database_url)
    yield database
    await database.dispose()
