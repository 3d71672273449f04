"""The gateway's operational port: /metrics and the readiness that names failing upstreams live
there, on a second server; the public app keeps probes that name nothing."""

import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

from common import health, metrics, ops_server
from common.errors import problem

# Routes every service app gets from common.app that tell an outsider too much at the gateway.
OPS_ONLY_PATHS = frozenset({"/metrics", "/readyz"})


def keep_off_public(app: FastAPI) -> None:
    """Remove the ops-only routes from the public app and give it a readiness without details."""
    app.router.routes[:] = [
        route for route in app.router.routes if getattr(route, "path", None) not in OPS_ONLY_PATHS
    ]
    app.add_api_route("/readyz", public_readyz, include_in_schema=False)


async def public_readyz(request: Request) -> Response:
    """200 when every upstream answers, 503 otherwise; which one is for the ops port to say."""
    detailed = await health.readyz(request)
    if detailed.status_code == 200:
        return JSONResponse({"status": "ok"})
    return problem(status=503, code="not_ready", detail="not ready", instance="/readyz")


def build_ops_app(public: FastAPI) -> FastAPI:
    """/healthz, /readyz with details and /metrics, over the public app's state and checks."""
    ops = FastAPI(title="gateway ops", openapi_url=None, docs_url=None, redoc_url=None)
    ops.state = public.state  # the same settings, HTTP client and readiness checks
    ops.include_router(health.router)
    ops.include_router(metrics.router)
    return ops


@contextlib.asynccontextmanager
async def serving(app: FastAPI, *, host: str, port: int) -> AsyncIterator[str]:
    """Run the ops server beside the public one while the block runs; yields its base URL."""
    async with ops_server.serving(build_ops_app(app), host=host, port=port) as url:
        yield url
