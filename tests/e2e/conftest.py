from collections.abc import AsyncIterator

import pytest

from advocacy_testing.stack import Stack, running_stack


@pytest.fixture(scope="module")
async def stack(postgres_url: str, kafka_bootstrap: str) -> AsyncIterator[Stack]:
    """Four service processes, one shared by the tests of a module."""
    async with running_stack(postgres_url=postgres_url, kafka=kafka_bootstrap) as running:
        yield running
