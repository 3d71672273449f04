"""The four services as separate processes on PostgreSQL and Kafka, as deployed."""

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from advocacy_testing import identity
from advocacy_testing.databases import create_database, drop_database
from advocacy_testing.feed_server import feed_server
from advocacy_testing.processes import ServiceProcess, free_port

DB_SERVICES = ("content", "ambassadors", "metrics")
# Where the curation room's permission calls point their sources (advocacy_testing.rooms).
FEED_URL_VARIABLE = "E2E_CURATION_FEED_URL"


@dataclass
class Stack:
    """Running processes by service name; the gateway is the only public door."""

    services: dict[str, ServiceProcess]
    workers: dict[str, ServiceProcess]

    @property
    def gateway(self) -> str:
        return self.services["gateway"].url


def _service_env(
    name: str, *, database_url: str, kafka: str, prefix: str, gateway: str
) -> dict[str, str]:
    p = name.upper() + "_"
    env = {
        f"{p}ENV": "test",
        f"{p}DATABASE_URL": database_url,
        f"{p}KAFKA_BOOTSTRAP_SERVERS": kafka,
        f"{p}KAFKA_TOPIC_PREFIX": prefix,
        f"{p}LOG_LEVEL": "WARNING",
    }
    if name == "ambassadors":
        env["AMBASSADORS_PUBLIC_BASE_URL"] = gateway
        # A LinkedIn app is registered, so connections can start (nothing calls LinkedIn).
        env["AMBASSADORS_LINKEDIN_CLIENT_ID"] = "e2e-app"
        env["AMBASSADORS_LINKEDIN_REDIRECT_URI"] = "https://app.example.com/connections/linkedin"
    if name == "content":
        # The e2e feed server is on loopback; private ranges stay refused even so.
        env["CONTENT_CURATION_ALLOW_LOOPBACK"] = "true"
        # ...and the only host it may fetch from: fuzzed source URLs never leave the machine.
        env["CONTENT_CURATION_ALLOWED_HOSTS"] = "127.0.0.1"
    return env


@asynccontextmanager
async def running_stack(
    *, postgres_url: str, kafka: str, gateway_env: dict[str, str] | None = None
) -> AsyncIterator[Stack]:
    """Create and migrate one database per service, start all four, stop them afterwards.

    gateway_env adds to or overrides the gateway's environment (e.g. a benchmark's rate limits).
    """
    prefix = f"e{uuid.uuid4().hex[:8]}."
    gateway_port = free_port()
    gateway_url = f"http://127.0.0.1:{gateway_port}"
    urls = {name: await create_database(postgres_url, prefix=f"e2e_{name}") for name in DB_SERVICES}
    envs = {
        name: _service_env(
            name, database_url=urls[name], kafka=kafka, prefix=prefix, gateway=gateway_url
        )
        for name in DB_SERVICES
    }
    services = {name: ServiceProcess(name, envs[name]) for name in DB_SERVICES}
    workers = {name: ServiceProcess(name, envs[name], worker=True) for name in DB_SERVICES}
    services["gateway"] = ServiceProcess(
        "gateway",
        {
            "GATEWAY_ENV": "test",
            "GATEWAY_OIDC_ISSUERS": identity.issuer_config(),
            "GATEWAY_LOG_LEVEL": "WARNING",
            # /metrics and detailed /readyz: the gateway's ops port, never its public one.
            "GATEWAY_OPS_PORT": str(free_port()),
            **{f"GATEWAY_{name.upper()}_URL": services[name].url for name in DB_SERVICES},
            **(gateway_env or {}),
        },
        port=gateway_port,
    )
    try:
        with feed_server() as feed:
            os.environ[FEED_URL_VARIABLE] = feed
            for name in DB_SERVICES:
                services[name].migrate()
            for process in [*workers.values(), *services.values()]:
                process.start()
            yield Stack(services, workers)
    finally:
        for process in [*services.values(), *workers.values()]:
            process.stop()
        for url in urls.values():
            await drop_database(postgres_url, url)
