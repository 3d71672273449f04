"""Each service's migrations build exactly its models' schema, and undo cleanly.

Run as the deploy job runs them, one process per service: in one process every service's
models would share SQLModel's metadata and each check would see the others' tables.
"""

import asyncio
import os
import subprocess
import sys

import pytest

from advocacy_testing.databases import create_database, drop_database

STEPS = (["upgrade"], ["check"], ["downgrade", "base"], ["upgrade"], ["check"])


def migrate(service: str, url: str, args: list[str]) -> None:
    env = {**os.environ, f"{service.upper()}_DATABASE_URL": url}
    subprocess.run(
        [sys.executable, "-m", f"{service}.migrate", *args],
        env=env,
        check=True,
        capture_output=True,
    )


@pytest.mark.parametrize("service", ["ambassadors", "content", "metrics"])
async def test_migrations_match_models_and_round_trip(postgres_url: str, service: str) -> None:
    url = await create_database(postgres_url, prefix=f"mig_{service}")
    try:
        for step in STEPS:
            await asyncio.to_thread(migrate, service, url, list(step))
    finally:
        await drop_database(postgres_url, url)
