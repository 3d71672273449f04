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
    # Upstream connections (docs/gateway.md). upstream_timeout_seconds above is the read
    # timeout; opening a connection and waiting for a free one in the pool have their own.
    upstream_connect_timeout_seconds: float = 2.0
    upstream_pool_timeout_seconds: float = 5.0
    upstream_max_connections: int = 200
    upstream_max_keepalive_connections: int = 100
    # Below uvicorn's keep-alive timeout (5 s): the gateway drops an idle connection before the
    # service does, instead of sending a request down a socket the service is closing.
    upstream_keepalive_expiry_seconds: float = 4.0
    # A request that cannot have reached the service is sent once more on a new connection.
    upstream_retry_once: bool = True

    # Abuse protection, per gateway replica (docs/gateway.md). Requests per minute with bursts up
    # to the same number; 0 turns that limit off.
    rate_limit_credential_per_minute: int = 600
    rate_limit_ip_per_minute: int = 3000
    rate_limit_link_ip_per_minute: int = 10
    # Bounds the limiter's memory per kind of key; the least recently seen keys go first.
    rate_limit_max_keys: int = 100_000
    # Frontend origins allowed by CORS, comma-separated; empty: no CORS headers at all.
    cors_origins: str = ""
    # The operational server: /metrics and /readyz with details, never on the public port.
    # All interfaces: a pod's probes and Prometheus scrape from outside the container.
    ops_host: str = "0.0.0.0"
    ops_port: int = 9000

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
            values = [issuer.issuer, str(issuer.jwks_url or ""), issuer.public_keys or ""]
            if any(is_development_or_placeholder(value) for value in values if value):
                raise ValueError(f"issuer {issuer.issuer!r} is a placeholder: set your IdP's")
        return self

    def upstreams(self) -> dict[str, str]:
        """Upstream name -> base URL (no trailing slash)."""
        urls = {
            "content": self.content_url,
            "ambassadors": self.ambassadors_url,
            "metrics": self.metrics_url,
        }
        return {name: url.rstrip("/") for name, url in urls.items()}
