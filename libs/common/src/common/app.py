"""Builds a service's web app: middlewares, errors, probes, metrics. HTTP only: event work
(relay, consumers) runs in the service's worker process (common/worker.py)."""

import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field

from fastapi import APIRouter, FastAPI

from common import errors, health, metrics, openapi
from common import logging as json_logging
from common.assertions import AssertionVerifier, load_public_keys
from common.correlation import CorrelationMiddleware
from common.db import Database
from common.limits import BodySizeLimitMiddleware
from common.nul_characters import NulCharacterMiddleware
from common.settings import ServiceSettings

log = logging.getLogger(__name__)


@dataclass
class ServiceSpec:
    """What a service's web process is made of; the factory wires the rest the same everywhere."""

    settings: ServiceSettings
    title: str
    description: str
    routers: Sequence[APIRouter]
    uses_database: bool = True
    # The gateway serves the merged document of all services instead of its own.
    builtin_docs: bool = True
    # Extra resources a service owns (e.g. the gateway's HTTP client), opened in the lifespan.
    resources: Callable[[FastAPI], AbstractAsyncContextManager[None]] | None = None
    # Paths allowed a larger body than settings.max_request_bytes (an upload), with its bound.
    body_limits: Mapping[str, int] = field(default_factory=dict)


def create_app(spec: ServiceSpec) -> FastAPI:
    """A FastAPI app with the project's conventions and a lifespan that owns all resources."""
    json_logging.configure(service=spec.settings.service_name, level=spec.settings.log_level)
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
    # Services accept callers only as the gateway asserts them, for their own name (ADR 0009).
    app.state.assertion_verifier = AssertionVerifier(
        load_public_keys(spec.settings.internal_public_keys), audience=spec.settings.service_name
    )
    app.state.readiness_checks = {}
    app.state.readiness_details = {}
    errors.install(app)
    app.add_middleware(metrics.RequestMetricsMiddleware)
    app.add_middleware(NulCharacterMiddleware)
    app.add_middleware(
        BodySizeLimitMiddleware,
        max_bytes=spec.settings.max_request_bytes,
        larger=spec.body_limits,
    )
    app.add_middleware(CorrelationMiddleware)
    app.include_router(health.router)
    app.include_router(metrics.router)
    for router in spec.routers:
        app.include_router(router)
    openapi.install(app)
    return app


@contextlib.asynccontextmanager
async def _lifespan(app: FastAPI, spec: ServiceSpec) -> AsyncIterator[None]:
    settings = spec.settings
    db: Database | None = None
    if spec.uses_database:
        db = Database(settings.database_url)
        app.state.db = db
        app.state.readiness_checks.update(database=health.database_check)
        app.state.readiness_details.update(kafka=health.kafka_check)
    log.info("web process started", extra={"env": settings.env})
    try:
        if spec.resources is None:
            yield
        else:
            async with spec.resources(app):
                yield
    finally:
        if db is not None:
            await db.dispose()
        log.info("web process stopped")
