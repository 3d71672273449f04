"""Settings base shared by every service; each service subclasses it with its own env prefix."""

from typing import Literal

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_JWT_SECRET = "dev-only-secret-change-me-0123456789abcdef"


class ServiceSettings(BaseSettings):
    """Fields every service has; env prefix comes from the subclass (e.g. CONTENT_)."""

    model_config = SettingsConfigDict(extra="ignore")

    env: Literal["dev", "test", "prod"] = "dev"
    service_name: str = "service"
    log_level: str = "INFO"
    jwt_secret: str = DEV_JWT_SECRET
    jwt_issuer: str = "advocacy"
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

    @model_validator(mode="after")
    def _refuse_placeholder_secrets(self) -> "ServiceSettings":
        # A dev secret in production would let anyone mint tokens for any organisation.
        if self.env == "prod" and (self.jwt_secret == DEV_JWT_SECRET or len(self.jwt_secret) < 32):
            raise ValueError("jwt_secret must be set to a real secret (>= 32 chars) when env=prod")
        return self

    def topic(self, name: str) -> str:
        """Full topic name with the deployment's prefix."""
        return f"{self.kafka_topic_prefix}{name}"
