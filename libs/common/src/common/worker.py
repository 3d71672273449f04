"""A service's worker process: its outbox relay and Kafka consumers, apart from the web process.

`python -m <service>.worker` runs them with a small probe server (/healthz: loops progressing,
/readyz: database answers, /metrics). Options narrow what one worker runs, so that a heavy
sub-program gets workers (and a consumer group) of its own:

    --consumers metrics          only these consumers (default: all of the service's)
    --no-relay / --relay-only    without the relay / only the relay (consumers "none")
    --group heavy --sub-programs-allow <id>,<id>    own group, only these sub-programs' events
    --group rest  --sub-programs-deny  <id>,<id>    own group, every sub-program but these

Each flag has a settings twin (<SERVICE>_WORKER_CONSUMERS, _WORKER_RELAY, _WORKER_GROUP,
_WORKER_SUB_PROGRAMS_ALLOW, _WORKER_SUB_PROGRAMS_DENY, _WORKER_PROBE_PORT) for Kubernetes.
"""

import argparse
import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from common import health, housekeeping, metrics, ops_server
from common import logging as json_logging
from common.consuming.filters import SubProgramFilter
from common.consuming.handlers import Handlers
from common.consuming.runner import ConsumerRunner
from common.db import Database
from common.heartbeat import Heartbeats
from common.relay import OutboxRelay
from common.settings import ServiceSettings
from common.topics import ensure_topics, owned_topics

log = logging.getLogger(__name__)
NO_CONSUMERS = "none"
Loop = Callable[[Database, ServiceSettings, Heartbeats], Coroutine[Any, Any, None]]


@dataclass
class WorkerSpec:
    """The event work a service does: the topics it produces and its consumers."""

    settings: ServiceSettings
    produces: Sequence[str] = ()
    consumers: dict[str, Handlers] = field(default_factory=dict)
    # The service's own background loops (a scheduler, a poller), run beside the relay by every
    # worker that runs the relay; each must be safe to run in several replicas at once.
    loops: dict[str, Loop] = field(default_factory=dict)


def build_worker_app(spec: WorkerSpec) -> FastAPI:
    """The probe app whose lifespan runs the relay and the chosen consumers."""
    settings = spec.settings
    json_logging.configure(service=f"{settings.service_name}-worker", level=settings.log_level)
    chosen = _chosen_consumers(spec)
    app = FastAPI(
        title=f"{settings.service_name} worker",
        lifespan=lambda app: _lifespan(app, spec, chosen),
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.heartbeats = Heartbeats()
    app.state.readiness_checks = {"database": health.database_check}
    app.state.readiness_details = {"kafka": health.kafka_check}
    app.include_router(metrics.router)
    app.add_api_route("/healthz", _liveness, include_in_schema=False)
    app.add_api_route("/readyz", health.readyz, include_in_schema=False)
    return app


async def _liveness(request: Request) -> JSONResponse:
    """Alive while every loop beats; a stuck loop (not a waiting one) makes the pod restart."""
    app = request.app
    settings: ServiceSettings = app.state.settings
    stalled = app.state.heartbeats.stalled(older_than=settings.worker_stall_seconds)
    if stalled:
        return JSONResponse({"status": "stalled", "stalled": stalled}, status_code=503)
    return JSONResponse({"status": "ok", "loops": sorted(app.state.heartbeats.beats)})


@contextlib.asynccontextmanager
async def _lifespan(
    app: FastAPI, spec: WorkerSpec, chosen: dict[str, Handlers]
) -> AsyncIterator[None]:
    settings = spec.settings
    db = Database(settings.database_url)
    app.state.db = db
    heartbeats: Heartbeats = app.state.heartbeats
    tasks = [
        asyncio.create_task(_provision(spec), name="topics"),
        asyncio.create_task(housekeeping.run(db, settings), name="housekeeping"),
    ]
    relay: OutboxRelay | None = None
    if settings.worker_relay:
        relay = OutboxRelay(db=db, settings=settings, heartbeats=heartbeats)
        tasks.append(asyncio.create_task(relay.run(), name="outbox-relay"))
        for loop_name, loop in spec.loops.items():
            tasks.append(asyncio.create_task(loop(db, settings, heartbeats), name=loop_name))
    sub_programs = SubProgramFilter.parse(
        allow=settings.worker_sub_programs_allow, deny=settings.worker_sub_programs_deny
    )
    for name, handlers in chosen.items():
        runner = ConsumerRunner(
            name=name,
            handlers=handlers,
            db=db,
            settings=settings,
            sub_programs=sub_programs,
            group=settings.worker_group,
            heartbeats=heartbeats,
        )
        tasks.append(asyncio.create_task(runner.run(), name=f"consumer-{name}"))
    log.info(
        "worker started",
        extra={
            "relay": settings.worker_relay,
            "consumers": sorted(chosen),
            "group": settings.worker_group,
        },
    )
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if relay is not None:
            await relay.stop()
        await db.dispose()
        log.info("worker stopped")


async def _provision(spec: WorkerSpec) -> None:
    """Create the topics this service owns, retrying while Kafka is away."""
    specs = owned_topics(spec.settings, produces=spec.produces, consumers=spec.consumers)
    delay = 0.5
    while True:
        try:
            await ensure_topics(spec.settings, specs)
            return
        except Exception as exc:  # noqa: BLE001 - the relay holds events meanwhile
            log.warning("topic provisioning failed, retrying", extra={"error": repr(exc)})
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)


def _chosen_consumers(spec: WorkerSpec) -> dict[str, Handlers]:
    if spec.settings.worker_consumers == NO_CONSUMERS:
        return {}
    names = [n.strip() for n in spec.settings.worker_consumers.split(",") if n.strip()]
    unknown = set(names) - set(spec.consumers)
    if unknown:
        known = sorted(spec.consumers)
        raise SystemExit(f"unknown consumers {sorted(unknown)}; this service has {known}")
    return {n: h for n, h in spec.consumers.items() if not names or n in names}


def configure(settings: ServiceSettings, argv: Sequence[str]) -> ServiceSettings:
    """Settings with the command line's choices applied on top of the environment's."""
    parser = argparse.ArgumentParser(
        prog=f"python -m {settings.service_name}.worker",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--consumers", help="comma-separated consumer names (default: all)")
    relay = parser.add_mutually_exclusive_group()
    relay.add_argument("--no-relay", action="store_true", help="do not run the outbox relay")
    relay.add_argument("--relay-only", action="store_true", help="run only the outbox relay")
    parser.add_argument("--group", help="consumer group suffix of this worker")
    parser.add_argument("--sub-programs-allow", help="only events of these sub-program ids")
    parser.add_argument("--sub-programs-deny", help="events of every sub-program but these")
    parser.add_argument("--port", type=int, help="probe port (/healthz, /readyz, /metrics)")
    args = parser.parse_args(argv)
    changes: dict[str, object] = {}
    if args.consumers is not None:
        changes["worker_consumers"] = args.consumers
    if args.no_relay:
        changes["worker_relay"] = False
    if args.relay_only:
        changes["worker_consumers"] = NO_CONSUMERS
    for flag in ("group", "sub_programs_allow", "sub_programs_deny"):
        if getattr(args, flag) is not None:
            changes[f"worker_{flag}"] = getattr(args, flag)
    if args.port is not None:
        changes["worker_probe_port"] = args.port
    chosen = settings.model_copy(update=changes)
    problem = filter_problem(chosen)
    if problem:
        parser.error(problem)
    return chosen


def filter_problem(settings: ServiceSettings) -> str | None:
    """Why this worker's sub-program filter cannot run, or None when it can."""
    allow, deny = settings.worker_sub_programs_allow, settings.worker_sub_programs_deny
    if allow.strip() and deny.strip():
        return "a worker takes either --sub-programs-allow or --sub-programs-deny, not both"
    if (allow.strip() or deny.strip()) and not settings.worker_group.strip():
        # In the shared group it would take partitions away from the unfiltered workers and
        # silently drop the events of the sub-programs it does not handle.
        return "a sub-program filter needs a consumer group of its own: add --group NAME"
    return None


def main(spec: WorkerSpec, argv: Sequence[str]) -> None:
    """Entry point of `python -m <service>.worker`: serve the probes until SIGTERM/SIGINT."""
    settings = configure(spec.settings, argv)
    # dataclasses.replace keeps every field of the spec (its loops too): only the settings change.
    app = build_worker_app(dataclasses.replace(spec, settings=settings))
    config = ops_server.config(
        app, host=settings.worker_probe_host, port=settings.worker_probe_port
    )
    uvicorn.Server(config).run()
