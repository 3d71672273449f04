"""Real upstream HTTP servers (uvicorn on free ports, one thread each) and gateways in front."""

import asyncio
import contextlib
import json
import socket
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse

from advocacy_testing import identity
from gateway.config import Settings
from gateway.main import build_app

MAX_BODY = 4096
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


@dataclass
class Upstream:
    """One running fake service: where it listens and what it received."""

    name: str
    url: str = ""
    seen: list[dict[str, Any]] = field(default_factory=list)
    openapi_hits: int = 0

    def received(self, path: str) -> list[dict[str, Any]]:
        """Requests that reached this upstream for a path."""
        return [r for r in self.seen if r["path"] == path]


def openapi_of(name: str) -> dict[str, Any]:
    """A small document per upstream, with one path the gateway must not advertise."""
    ok = {"200": {"description": "ok"}}
    by_name: dict[str, dict[str, Any]] = {
        "content": {"/v1/content/{content_id}": {"get": {"responses": ok}}},
        "ambassadors": {"/v1/programs": {"get": {"responses": ok}}, "/l/{code}": {"get": {}}},
        "metrics": {"/v1/metrics/summary": {"get": {"responses": ok}}},
    }
    paths = by_name[name]
    return {
        "openapi": "3.1.0",
        "info": {"title": name, "version": "1"},
        "paths": {**paths, f"/internal/{name}": {"post": {"responses": ok}}},
        "components": {"schemas": {f"{name.title()}Read": {"type": "object"}}},
    }


def echo_app(upstream: Upstream) -> FastAPI:
    """An upstream that records and echoes every request."""
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/openapi.json")
    async def openapi() -> dict[str, Any]:
        upstream.openapi_hits += 1
        return openapi_of(upstream.name)

    @app.get("/l/{code}")
    async def link(code: str) -> Response:
        return RedirectResponse(f"https://example.org/c/{code}", status_code=302)

    @app.get("/v1/content/slow")
    async def slow() -> dict[str, str]:
        await asyncio.sleep(1.0)
        return {"status": "late"}

    @app.api_route("/{path:path}", methods=METHODS)
    async def echo(request: Request) -> Response:
        record = {
            "upstream": upstream.name,
            "method": request.method,
            "path": request.scope["raw_path"].decode(),
            "query": request.url.query,
            "body": (await request.body()).decode(),
            "headers": dict(request.headers),
        }
        upstream.seen.append(record)
        status = 201 if request.method == "POST" else 200
        headers = {"cache-control": "no-store", "x-internal-node": "pod-7", "set-cookie": "a=b"}
        return JSONResponse(record, status_code=status, headers=headers)

    return app


def bind(port: int = 0) -> socket.socket:
    """A listening-ready socket on 127.0.0.1 (port 0: a free one)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    return sock


@contextlib.contextmanager
def serve(upstream: Upstream, sock: socket.socket) -> Iterator[Upstream]:
    """Run the upstream with uvicorn in a thread (own loop) until the block ends."""
    host, port = sock.getsockname()
    upstream.url = f"http://{host}:{port}"
    server = uvicorn.Server(uvicorn.Config(echo_app(upstream), log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 5
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError(f"upstream {upstream.name} did not start")
        time.sleep(0.01)
    try:
        yield upstream
    finally:
        server.should_exit = True
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def upstreams() -> Iterator[dict[str, Upstream]]:
    """The three services, running for the whole session."""
    with (
        serve(Upstream("content"), bind()) as content,
        serve(Upstream("ambassadors"), bind()) as ambassadors,
        serve(Upstream("metrics"), bind()) as metrics,
    ):
        yield {"content": content, "ambassadors": ambassadors, "metrics": metrics}


@pytest.fixture
def dead_port() -> int:
    """A port nothing listens on (bound, then released)."""
    sock = bind()
    port: int = sock.getsockname()[1]
    sock.close()
    return port


@pytest.fixture
def upstream_on() -> Callable[[str, int], contextlib.AbstractContextManager[Upstream]]:
    """Start one more upstream on a given port (e.g. one a test left dead until now)."""
    return lambda name, port: serve(Upstream(name), bind(port))


def settings_for(upstreams: dict[str, Upstream], **overrides: Any) -> Settings:
    """Gateway settings pointing at the running upstreams."""
    values: dict[str, Any] = {
        "env": "test",
        "oidc_issuers": json.loads(identity.issuer_config()),
        "max_request_bytes": MAX_BODY,
        "ops_port": 0,  # a free port: a `make run` gateway may hold 9000
        **{f"{name}_url": upstream.url for name, upstream in upstreams.items()},
    }
    return Settings(**{**values, **overrides})


@contextlib.asynccontextmanager
async def gateway_client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The gateway app, lifespan running, behind an in-process client."""
    app = build_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("203.0.113.9", 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://gw.test") as client:
            yield client


GatewayFactory = Callable[..., contextlib.AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture
def gateway_for(upstreams: dict[str, Upstream]) -> GatewayFactory:
    """Build a gateway in front of the live upstreams, with settings overridden."""
    return lambda **overrides: gateway_client(settings_for(upstreams, **overrides))


@pytest.fixture
async def gateway(gateway_for: GatewayFactory) -> AsyncIterator[httpx.AsyncClient]:
    """A gateway in front of the three live upstreams."""
    async with gateway_for() as client:
        yield client


def mint(*, ttl: timedelta = timedelta(hours=1), **claims: Any) -> str:
    """A test IdP token for an admin of a fresh organisation."""
    return identity.user_token(
        user_id=uuid.uuid4(),
        org_id=uuid.uuid4(),
        roles=["org_admin"],
        ttl_seconds=int(ttl.total_seconds()),
        **claims,
    )


@pytest.fixture
def bearer() -> dict[str, str]:
    """Authorization header with a valid token."""
    return {"authorization": f"Bearer {mint()}"}


@pytest.fixture
def bad_tokens() -> dict[str, str]:
    """Authorization values the gateway must refuse, by reason."""
    return {
        "wrong_scheme": f"Basic {mint()}",
        "wrong_issuer": f"Bearer {mint(iss='https://elsewhere.invalid')}",
        "wrong_audience": f"Bearer {mint(aud='another-api')}",
        "expired": f"Bearer {mint(ttl=timedelta(seconds=-120))}",
        "garbage": "Bearer not-a-jwt",
    }
