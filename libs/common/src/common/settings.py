"""Settings base shared by every service; each service subclasses it with its own env prefix."""

from typing import Literal

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from common.dev_keys import DEV_INTERNAL_PUBLIC_KEY, is_development_or_placeholder

# Environments that accept the repository's development keys; anything else is production.
DEVELOPMENT_ENVS = frozenset({"dev", "test"})


class ServiceSettings(BaseSettings):
    """Fields every service has; env prefix comes from the subclass (e.g. CONTENT_)."""

    model_config = SettingsConfigDict(extra="ignore")

    # Production unless said otherwise: a forgotten setting must fail closed (ADR 0009).
    env: Literal["dev", "test", "prod"] = "prod"
    service_name: str = "service"
    log_level: str = "INFO"
    # The gateway's Ed25519 public key(s), PEM; several during a rotation. Services verify the
    # gateway's internal assertions with them and hold no key that could sign one.
    internal_public_keys: str = DEV_INTERNAL_PUBLIC_KEY
    max_request_bytes: int = 1_048_576

    database_url: str = "sqlite+aiosqlite:///./service.db"
    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    kafka_topic_prefix: str = ""
    topic_partitions: int = 3
    topic_replication_factor: int = 1
    topic_retention_ms: int = 7 * 24 * 3600 * 1000
    # Dead letters wait for a person: kept longer than the events themselves.
    dlt_retention_ms: int = 30 * 24 * 3600 * 1000

    relay_poll_seconds: float = 0.5
    relay_batch_size: int = 5000
    consumer_batch_size: int = 500
    consumer_max_attempts: int = 3
    consumer_backoff_seconds: float = 0.2

    # The worker process (`python -m <service>.worker`): its probe port and what it runs.
    worker_probe_host: str = "0.0.0.0"
    worker_probe_port: int = 8081
    worker_relay: bool = True
    worker_consumers: str = ""  # comma-separated consumer names; empty = all of the service's
    worker_group: str = ""  # own consumer group suffix; required with a sub-program filter
    worker_sub_programs_allow: str = ""  # comma-separated ids: only these sub-programs' events
    worker_sub_programs_deny: str = ""  # comma-separated ids: every sub-program but these
    # A loop that has not reported progress for this long fails the worker's /healthz.
    worker_stall_seconds: float = 120.0

    @property
    def is_development(self) -> bool:
        return self.env in DEVELOPMENT_ENVS

    @model_validator(mode="after")
    def _refuse_development_secrets(self) -> "ServiceSettings":
        # A development key in production would let anyone who read the repository act as the
        # gateway for any organisation; a placeholder password means nobody set the real one.
        if self.is_development:
            return self
        if is_development_or_placeholder(self.internal_public_keys):
            raise ValueError(
                "internal_public_keys holds the repository's development key or a placeholder: "
                "set the gateway's real public key, or ENV=dev for local development"
            )
        if "placeholder" in self.database_url.lower():
            raise ValueError("database_url holds a placeholder password: set the real one")
        return self

    def topic(self, name: str) -> str:
        """Full topic name with the deployment's prefix."""
        return f"{self.kafka_topic_prefix}{name}"
