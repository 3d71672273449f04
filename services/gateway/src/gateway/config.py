"""Gateway settings (env prefix GATEWAY_)."""

from pydantic_settings import SettingsConfigDict

from common.settings import ServiceSettings


class Settings(ServiceSettings):
    """Where the upstream services live and how long to wait for them."""

    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore")

    service_name: str = "gateway"
    content_url: str = "http://127.0.0.1:8001"
    ambassadors_url: str = "http://127.0.0.1:8002"
    metrics_url: str = "http://127.0.0.1:8003"
    upstream_timeout_seconds: float = 10.0

    def upstreams(self) -> dict[str, str]:
        """Upstream name -> base URL (no trailing slash)."""
        urls = {
            "content": self.content_url,
            "ambassadors": self.ambassadors_url,
            "metrics": self.metrics_url,
        }
        return {name: url.rstrip("/") for name, url in urls.items()}
