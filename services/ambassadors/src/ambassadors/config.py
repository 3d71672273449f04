"""Ambassadors service settings (env prefix AMBASSADORS_)."""

from pydantic import model_validator
from pydantic_settings import SettingsConfigDict

from ambassadors.accounts import secrets
from common.dev_keys import is_development_or_placeholder
from common.settings import ServiceSettings


class Settings(ServiceSettings):
    """Everything the ambassadors service reads from its environment."""

    model_config = SettingsConfigDict(env_prefix="AMBASSADORS_", extra="ignore")

    service_name: str = "ambassadors"
    database_url: str = "sqlite+aiosqlite:///./.run/ambassadors.db"
    # Public base of tracked links: the gateway's address as people on social networks see it.
    public_base_url: str = "http://127.0.0.1:8000"

    # Social accounts (ambassadors.accounts): Fernet keys for tokens at rest, comma-separated,
    # newest first (rotation); the development key is refused outside dev/test.
    secrets_keys: str = secrets.DEV_SECRETS_KEY
    # LinkedIn's OAuth 2.0 app; without a client id, connecting LinkedIn answers 409.
    linkedin_client_id: str = ""
    linkedin_client_secret: str = ""
    linkedin_redirect_uri: str = ""  # the frontend page that relays LinkedIn's redirect to us
    linkedin_oauth_base_url: str = "https://www.linkedin.com/oauth/v2"
    accounts_reminder_days: int = 7  # remind this many days before a connection/consent lapses
    accounts_tick_seconds: float = 60.0

    @model_validator(mode="after")
    def _refuse_development_account_secrets(self) -> "Settings":
        if not self.is_development:
            secrets.require_real_keys(self.secrets_keys)
            if self.linkedin_client_secret and is_development_or_placeholder(
                self.linkedin_client_secret
            ):
                raise ValueError("linkedin_client_secret holds a placeholder: set the real one")
        secrets.parse_keys(self.secrets_keys)  # a malformed key fails at start, in any env
        return self
