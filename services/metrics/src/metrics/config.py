"""Metrics service settings (env prefix METRICS_)."""

from pydantic_settings import SettingsConfigDict

from common.settings import ServiceSettings


class Settings(ServiceSettings):
    """Everything the metrics service reads from its environment."""

    model_config = SettingsConfigDict(env_prefix="METRICS_", extra="ignore")

    service_name: str = "metrics"
    database_url: str = "sqlite+aiosqlite:///./.run/metrics.db"
