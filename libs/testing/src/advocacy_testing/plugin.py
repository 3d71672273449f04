"""Pytest fixtures: the real engines `make test` started, isolated per test by names."""

import os
import uuid

import pytest

from advocacy_testing import environment

# Settings default to production, which refuses the repository's development keys; tests run
# as "test" unless a test builds its settings with another env on purpose.
for _name in ("ENV", "CONTENT_ENV", "AMBASSADORS_ENV", "METRICS_ENV", "GATEWAY_ENV"):
    os.environ.setdefault(_name, "test")


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """Admin URL of the test PostgreSQL server."""
    return environment.postgres_admin_url()


@pytest.fixture(scope="session")
def kafka_bootstrap() -> str:
    """The test Kafka broker."""
    return environment.kafka_bootstrap()


@pytest.fixture
def topic_prefix() -> str:
    """A topic/group namespace of its own, so tests never read each other's events."""
    return f"t{uuid.uuid4().hex[:8]}."
