"""Builds a service's FastAPI app: middlewares, errors, probes, metrics, and its background work."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field

from fastapi import APIRouter, FastAPI

from common import errors, health, metrics
from common import logging as json_logging
from common.consumer import ConsumerRunner, Handlers
from common.correlation import CorrelationMiddleware
from common.db import Database
from common.events import registry
from common.limits import BodySizeLimitMiddleware
from common.relay import OutboxRelay
from common.settings import ServiceSettings
from common.topics import ensure_topics

log = logging.getLogger(__name__)


@dataclass
class ServiceSpec:
    """What a service is made of; the factory wires the rest the same way everywhere."""

    settings: ServiceSettings
    title: str
    description: str
    routers: Sequence[APIRouter]
    consumers: dict[str, Handlers] = field(default_factory=dict)
    uses_database: bool = True
    # The gateway serves the merged document of all services instead of its own.
    builtin_docs: bool = True
    # Extra resources a service owns (e.g. the gateway's HTTP client), opened in the lifespan.
    resources: Callable[[FastAPI], AbstractAsyncContextManager[None]] | None = None


def create_app(spec: ServiceSpec) -> FastAPI:
    """A FastAPI app with the project's conventions and a lifespan that owns all resources."""
    app = FastAPI(
        title=spec.title,
        description=spec.description,
        version="1.0.0",
        lifespan=lambda app: _lifespan(app, spec),
        openapi_url="/openapi.json" if spec.builtin_docs else None,
        docs_url="/docs" if spec.builtin_docs else None,
        redoc_url=None,
    )
    app.state.settings = spec.settings
    app.state.readiness_checks = {}
    errors.install(app)
    app.middleware("http")(metrics.observe_requests)
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=spec.settings.max_request_bytes)
    app.add_middleware(CorrelationMiddleware)
    app.include_router(health.router)
    app.include_router(metrics.router)
    for router in spec.routers:
        app.include_router(router)
    return app


@contextlib.asynccontextmanager
async def _lifespan(app: FastAPI, spec: ServiceSpec) -> AsyncIterator[None]:
    settings = spec.settings
    json_logging.configure(service=settings.service_name, level=settings.log_level)
    tasks: list[asyncio.Task[None]] = []
    db: Database | None = None
    relay: OutboxRelay | None = None
    if spec.uses_database:
        db = Database(settings.database_url)
        app.state.db = db
        app.state.readiness_checks.update(database=health.database_check, kafka=health.kafka_check)
        relay = OutboxRelay(db=db, settings=settings)
        app.state.relay = relay
        tasks.append(asyncio.create_task(relay.run(), name="outbox-relay"))
        tasks.append(asyncio.create_task(_start_consumers(spec, db), name="consumers"))
    log.info("service started", extra={"env": settings.env})
    try:
        if spec.resources is None:
            yield
        else:
            async with spec.resources(app):
                yield
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if relay is not None:
            await relay.stop()
        if db is not None:
            await db.dispose()
        log.info("service stopped")


async def _start_consumers(spec: ServiceSpec, db: Database) -> None:
    """Provision topics (retrying while Kafka is away), then run every consumer group."""
    settings = spec.settings
    names = registry.topics() | {f"{name}.dlt" for name in spec.consumers}
    delay = 0.5
    while True:
        try:
            await ensure_topics(settings, names)
            break
        except Exception as exc:  # noqa: BLE001 - keep serving HTTP; the outbox holds events
            log.warning("topic provisioning failed, retrying", extra={"error": repr(exc)})
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)
    runners = [
        ConsumerRunner(name=name, handlers=handlers, db=db, settings=settings)
        for name, handlers in spec.consumers.items()
    ]
    await asyncio.gather(*(runner.run() for runner in runners))
