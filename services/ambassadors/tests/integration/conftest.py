"""The ambassadors service's integration fixtures: a migrated database of its own per test."""

from collections.abc import AsyncIterator

import httpx
import pytest

from advocacy_testing.apps import serving
from advocacy_testing.service_settings import migrated_service
from ambassadors.config import Settings
from ambassadors.main import build_app
from ambassadors.migrate import MIGRATIONS
from common.db import Database
from common.events.contracts import content


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
        consumed_topics=[content.TOPIC],
        public_base_url="https://go.example.com",
        # A LinkedIn app is registered, so connections can start (its URL is never fetched).
        linkedin_client_id="test-app",
        linkedin_redirect_uri="https://app.example.com/connections/linkedin",
    ) as settings:
        yield settings


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
