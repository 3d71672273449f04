"""A service's settings for an integration test: its own migrated database, real Kafka."""

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

from advocacy_testing.databases import drop_database, migrated_database
from common.settings import ServiceSettings
from common.topics import ensure_topics

S = TypeVar("S", bound=ServiceSettings)


@asynccontextmanager
async def migrated_service(
    settings_type: type[S],
    *,
    postgres_url: str,
    kafka: str,
    topic_prefix: str,
    migrations_dir: Path,
    consumed_topics: Iterable[str] = (),
    **overrides: Any,
) -> AsyncIterator[S]:
    """Settings on a fresh migrated database; the topics it consumes exist (we stand in for
    their owners); the database is dropped afterwards."""
    name = settings_type().service_name
    url = await migrated_database(postgres_url, prefix=name, migrations_dir=migrations_dir)
    settings = settings_type(
        env="test",
        database_url=url,
        kafka_bootstrap_servers=kafka,
        kafka_topic_prefix=topic_prefix,
        **overrides,
    )
    await ensure_topics(settings, set(consumed_topics))
    try:
        yield settings
    finally:
        await drop_database(postgres_url, url)
