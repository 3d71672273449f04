"""Liveness and readiness probes of web processes: ready means "can serve requests"."""

import asyncio
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy import text

from common.db import Database
from common.errors import problem
from common.metrics import KAFKA_REACHABLE
from common.settings import ServiceSettings

Check = Callable[[Request], Awaitable[None]]
router = APIRouter(include_in_schema=False)
CHECK_TIMEOUT = 1.0


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """Alive: the event loop answers. Never checks dependencies (a restart wouldn't fix them)."""
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(request: Request) -> Response:
    """Ready when what this process needs to answer responds; the rest is reported, not gated.

    Kafka is never a gate for a web process: the outbox absorbs a broker outage, and taking the
    tracked-link redirects out of the load balancer for it would be the outage itself.
    """
    gates: dict[str, Check] = request.app.state.readiness_checks
    details: dict[str, Check] = request.app.state.readiness_details
    results = {name: await _passes(check, request) for name, check in {**gates, **details}.items()}
    checks = {name: "ok" if ok else "unavailable" for name, ok in results.items()}
    failed = [name for name in gates if not results[name]]
    if failed:
        return problem(
            status=503,
            code="not_ready",
            detail=f"unavailable: {', '.join(failed)}",
            instance="/readyz",
            failed=failed,
            checks=checks,
        )
    return JSONResponse({"status": "ready", "checks": checks})


async def _passes(check: Check, request: Request) -> bool:
    try:
        await asyncio.wait_for(check(request), timeout=CHECK_TIMEOUT)
        return True
    except Exception:  # noqa: BLE001 - any failure means unavailable
        return False


async def database_check(request: Request) -> None:
    """The service's own database answers a trivial query."""
    db: Database = request.app.state.db
    async with db.engine.connect() as connection:
        await connection.execute(text("SELECT 1"))


async def kafka_check(request: Request) -> None:
    """A bootstrap broker accepts TCP connections (also exported as the kafka_reachable gauge)."""
    settings: ServiceSettings = request.app.state.settings
    host, _, port = settings.kafka_bootstrap_servers.split(",")[0].rpartition(":")
    try:
        _, writer = await asyncio.open_connection(host.strip("[]"), int(port))
    except OSError:
        KAFKA_REACHABLE.set(0)
        raise
    KAFKA_REACHABLE.set(1)
    writer.close()
    await writer.wait_closed()
