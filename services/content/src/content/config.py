"""Content service settings (env prefix CONTENT_)."""

from pydantic_settings import SettingsConfigDict

from common.settings import ServiceSettings


class Settings(ServiceSettings):
    """Everything the content service reads from its environment."""

    model_config = SettingsConfigDict(env_prefix="CONTENT_", extra="ignore")

    service_name: str = "content"
    database_url: str = "sqlite+aiosqlite:///./.run/content.db"

    # CURATION_ (content.curation): fetching customers' feeds. Internal addresses (loopback,
    # private, link-local, reserved) are refused; allow_loopback lets 127.0.0.0/8 and ::1 through
    # (dev and tests only), never private ranges.
    curation_allow_loopback: bool = False
    # Comma-separated host names or addresses the fetcher may reach; empty: any public host.
    curation_allowed_hosts: str = ""
    curation_fetch_timeout_seconds: float = 5.0
    curation_max_feed_bytes: int = 5 * 1024 * 1024
    curation_tick_seconds: float = 5.0  # how often the poller looks for due sources
    curation_batch: int = 10  # sources one poller claims per tick
