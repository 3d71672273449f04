"""Ambassadors service settings (env prefix AMBASSADORS_)."""

from pydantic_settings import SettingsConfigDict

from common.settings import ServiceSettings


class Settings(ServiceSettings):
    """Everything the ambassadors service reads from its environment."""

    model_config = SettingsConfigDict(env_prefix="AMBASSADORS_", extra="ignore")

    service_name: str = "ambassadors"
    database_url: str = "sqlite+aiosqlite:///./.run/ambassadors.db"
    # Public base of tracked links: the gateway's address as people on social networks see it.
    public_base_url: str = "http://127.0.0.1:8000"
