"""Each service's migrations build exactly its models' schema, and undo cleanly."""

import asyncio
from pathlib import Path

import pytest
from alembic import command

import ambassadors.migrate
import content.migrate
import metrics.migrate
from advocacy_testing.databases import create_database, drop_database
from common.migrations import alembic_config

SERVICES = {
    "content": content.migrate.MIGRATIONS,
    "ambassadors": ambassadors.migrate.MIGRATIONS,
    "metrics": metrics.migrate.MIGRATIONS,
}


def upgrade_check_downgrade(migrations_dir: Path, url: str) -> None:
    config = alembic_config(migrations_dir=migrations_dir, database_url=url)
    command.upgrade(config, "head")
    command.check(config)  # raises when autogenerate finds a difference from the models
    command.downgrade(config, "base")
    command.upgrade(config, "head")


@pytest.mark.parametrize("service", sorted(SERVICES))
async def test_migrations_match_models_and_round_trip(postgres_url: str, service: str) -> None:
    url = await create_database(postgres_url, prefix=f"mig_{service}")
    try:
        await asyncio.to_thread(upgrade_check_downgrade, SERVICES[service], url)
    finally:
        await drop_database(postgres_url, url)
