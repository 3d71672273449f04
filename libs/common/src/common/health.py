"""Liveness and readiness probes."""

import asyncio
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Request, Response
from sqlalchemy import text

from common.db import Database
from common.errors import problem
from common.settings import ServiceSettings

Check = Callable[[Request], Awaitable[None]]
router = APIRouter(include_in_schema=False)


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """Alive: the event loop answers. Never checks dependencies (a restart wouldn't fix them)."""
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(request: Request) -> Response:
    """Ready: every dependency this service needs answers within a second."""
    checks: dict[str, Check] = request.app.state.readiness_checks
    failed: list[str] = []
    for name, check in checks.items():
        try:
            await asyncio.wait_for(check(request), timeout=1.0)
        except Exception:  # noqa: BLE001 - any failure means not ready
            failed.append(name)
    if failed:
        return problem(
            status=503,
            code="not_ready",
            detail=f"unavailable: {', '.join(failed)}",
            instance="/readyz",
            failed=failed,
        )
    return Response(content='{"status":"ready"}', media_type="application/json")


async def database_check(request: Request) -> None:
    """The service's own database answers a trivial query."""
    db: Database = request.app.state.db
    async with db.engine.connect() as connection:
        await connection.execute(text("SELECT 1"))


async def kafka_check(request: Request) -> None:
    """A bootstrap broker accepts TCP connections."""
    settings: ServiceSettings = request.app.state.settings
    host, _, port = settings.kafka_bootstrap_servers.split(",")[0].rpartition(":")
    _, writer = await asyncio.open_connection(host.strip("[]"), int(port))
    writer.close()
    await writer.wait_closed()
