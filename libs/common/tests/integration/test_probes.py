"""Probes: a web process is ready while its database answers, Kafka or not; a worker is alive
while its loops beat."""

import asyncio
import time

from fastapi import FastAPI
from sqlalchemy.engine import make_url

from advocacy_testing.apps import serving
from common.app import ServiceSpec, create_app
from common.settings import ServiceSettings
from common.worker import WorkerSpec, build_worker_app

NO_KAFKA = "127.0.0.1:1"  # refused at once, as when the broker is down


def web(database_url: str) -> FastAPI:
    settings = ServiceSettings(database_url=database_url, kafka_bootstrap_servers=NO_KAFKA)
    return create_app(ServiceSpec(settings=settings, title="t", description="t", routers=[]))


async def test_web_process_is_ready_without_kafka_and_says_so(postgres_url: str) -> None:
    async with serving(web(postgres_url)) as client:
        response = await client.get("/readyz")
        metrics = (await client.get("/metrics")).text
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "checks": {"database": "ok", "kafka": "unavailable"},
    }
    assert "kafka_reachable 0.0" in metrics


async def test_web_process_is_not_ready_without_its_database(postgres_url: str) -> None:
    gone = make_url(postgres_url).set(port=1).render_as_string(hide_password=False)
    async with serving(web(gone)) as client:
        response = await client.get("/readyz")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["failed"] == ["database"]


async def test_worker_liveness_follows_its_loops(postgres_url: str, kafka_bootstrap: str) -> None:
    settings = ServiceSettings(
        database_url=postgres_url, kafka_bootstrap_servers=kafka_bootstrap, worker_stall_seconds=2
    )
    app = build_worker_app(WorkerSpec(settings=settings))
    async with serving(app) as client:
        await asyncio.sleep(0.5)
        alive = await client.get("/healthz")
        assert alive.status_code == 200
        assert alive.json()["loops"] == ["relay"]
        # A loop stuck in an await never beats again: the probe turns it into a restart.
        app.state.heartbeats.beats["relay"] = time.monotonic() - 10
        app.state.heartbeats.beats["consumer:stuck"] = time.monotonic() - 10
        stalled = await client.get("/healthz")
    assert stalled.status_code == 503
    assert "consumer:stuck" in stalled.json()["stalled"]
