"""The gateway's operational port: /metrics and the readiness that names failing upstreams live
there, on a second server; the public app keeps probes that name nothing."""

import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from common import health, metrics, ops_server
from common.errors import problem

# Routes every service app gets from common.app that tell an outsider too much at the gateway.
OPS_ONLY_PATHS = frozenset({"/metrics", "/readyz"})


class OpsPathsOffPublicMiddleware:
    """On the public port /metrics does not exist and /readyz names nothing.

    A guard in front of the routes rather than route surgery: common.app includes the probe
    routers in every service, and the guard holds whatever shape FastAPI gives included routes.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] not in OPS_ONLY_PATHS:
            await self.app(scope, receive, send)
            return
        if scope["path"] == "/readyz":
            response = await public_readyz(Request(scope, receive))
        else:  # the same answer as any path the gateway does not serve
            response = problem(
                status=404, code="not_found", detail="Not Found", instance=scope["path"]
            )
        await response(scope, receive, send)


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
