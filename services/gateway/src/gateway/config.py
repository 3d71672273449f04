"""Gateway settings (env prefix GATEWAY_)."""

from pydantic import model_validator
from pydantic_settings import SettingsConfigDict

from common.dev_keys import DEV_INTERNAL_PRIVATE_KEY, is_development_or_placeholder
from common.settings import ServiceSettings
from gateway.identity.issuers import IssuerConfig


class Settings(ServiceSettings):
    """Where the upstream services live and how long to wait for them."""

    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore")

    service_name: str = "gateway"
    content_url: str = "http://127.0.0.1:8001"
    ambassadors_url: str = "http://127.0.0.1:8002"
    metrics_url: str = "http://127.0.0.1:8003"
    upstream_timeout_seconds: float = 10.0

    # Identity (ADR 0009): the identity providers whose tokens we accept (JSON list), how much
    # clock skew we forgive, and the Ed25519 key that signs the assertions services trust.
    oidc_issuers: list[IssuerConfig] = []
    token_leeway_seconds: int = 30
    jwks_cache_seconds: float = 600.0
    internal_private_key: str = DEV_INTERNAL_PRIVATE_KEY
    internal_assertion_ttl_seconds: int = 60

    @model_validator(mode="after")
    def _refuse_development_keys(self) -> "Settings":
        if self.is_development:
            return self
        if is_development_or_placeholder(self.internal_private_key):
            raise ValueError(
                "internal_private_key is the repository's development key or a placeholder: "
                "generate an Ed25519 key (docs/identity.md), or ENV=dev for local development"
            )
        for issuer in self.oidc_issuers:
            if issuer.public_keys and is_development_or_placeholder(issuer.public_keys):
                raise ValueError(f"issuer {issuer.issuer!r} has a placeholder public key")
        return self

    def upstreams(self) -> dict[str, str]:
        """Upstream name -> base URL (no trailing slash)."""
        urls = {
            "content": self.content_url,
            "ambassadors": self.ambassadors_url,
            "metrics": self.metrics_url,
        }
        return {name: url.rstrip("/") for name, url in urls.items()}
