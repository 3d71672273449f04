"""Content service settings (env prefix CONTENT_)."""

from pydantic_settings import SettingsConfigDict

from common.settings import ServiceSettings


class Settings(ServiceSettings):
    """Everything the content service reads from its environment."""

    model_config = SettingsConfigDict(env_prefix="CONTENT_", extra="ignore")

    service_name: str = "content"
    database_url: str = "sqlite+aiosqlite:///./.run/content.db"
