"""Where the real engines are: set by `make test` (scripts/test-env), never guessed silently."""

import os

import pytest


def required(name: str) -> str:
    """An environment variable the suite cannot run without; fails loudly instead of skipping."""
    value = os.environ.get(name)
    if not value:
        pytest.fail(f"{name} is not set: run the suite with `make test` (it starts the engines)")
    return value


def postgres_admin_url() -> str:
    """SQLAlchemy URL of the test PostgreSQL server's maintenance database."""
    return required("TEST_POSTGRES_URL")


def kafka_bootstrap() -> str:
    """host:port of the test Kafka broker."""
    return required("TEST_KAFKA_BOOTSTRAP")
