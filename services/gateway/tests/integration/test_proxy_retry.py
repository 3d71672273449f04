"""One failure stays one: a service that closes its connection after an error must not make a
later, unrelated request fail at the gateway (issue 6, item 7).

The upstream here is a real uvicorn server. Its /l/crash-* endpoint answers 500 and then fails in
the background, the way a crashing service does, so uvicorn closes that keep-alive connection
`close_after` seconds later; meanwhile the gateway's pool has handed the connection to the next
request, which the upstream takes `work` seconds to answer.
"""

import asyncio
import contextlib
import json
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.background import BackgroundTask

from advocacy_testing.apps import Tenant
from advocacy_testing.identity import issuer_config
from common import ops_server
from gateway.config import Settings
from gateway.main import build_app

# Bursts: short, so that many connections are closed under many requests.
BURST_TIMING = {"close_after": 0.02, "work": 0.06}
# One request after one crash: wide margins, so the request surely travels down the doomed
# connection (sent well within close_after) and is still unanswered when it closes.
SINGLE_TIMING = {"close_after": 0.15, "work": 0.4}


def crashing_upstream(seen: Counter[str], *, close_after: float, work: float) -> FastAPI:
    """A service whose crash-* links fail after answering; every request counted by path."""
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

    async def crash_later() -> None:
        await asyncio.sleep(close_after)
        raise RuntimeError("a bug after the answer: uvicorn closes the connection")

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/l/{code}")
    async def link(code: str) -> Response:
        seen[f"/l/{code}"] += 1
        if code.startswith("crash-"):
            return JSONResponse(
                {"error": "boom"}, status_code=500, background=BackgroundTask(crash_later)
            )
        await asyncio.sleep(work)
        return RedirectResponse(f"https://example.org/{code}", status_code=302)

    @app.api_route("/v1/content/{name}", methods=["GET", "POST", "PUT", "DELETE"])
    async def content(request: Request, name: str) -> Response:
        seen[request.url.path] += 1
        await asyncio.sleep(work)
        return JSONResponse({"name": name}, status_code=201 if request.method == "POST" else 200)

    return app


@contextlib.asynccontextmanager
async def stack(
    timing: dict[str, float] | None = None, **overrides: Any
) -> AsyncIterator[tuple[httpx.AsyncClient, Counter[str]]]:
    """The crashing upstream behind a gateway (lifespan running) and what the upstream saw."""
    seen: Counter[str] = Counter()
    upstream = crashing_upstream(seen, **(timing or SINGLE_TIMING))
    async with ops_server.serving(upstream, host="127.0.0.1", port=0) as url:
        values: dict[str, Any] = {
            "env": "test",
            "content_url": url,
            "ambassadors_url": url,
            "metrics_url": url,
            "oidc_issuers": json.loads(issuer_config()),
            "ops_port": 0,
            "rate_limit_ip_per_minute": 0,
            "rate_limit_credential_per_minute": 0,
            "rate_limit_link_ip_per_minute": 0,
        }
        settings = Settings(**{**values, **overrides})
        app = build_app(settings)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://gw.test") as client:
                yield client, seen


async def burst(gateway: httpx.AsyncClient, size: int = 200) -> tuple[Counter[int], Counter[int]]:
    """`size` concurrent link requests, a quarter of them to crashing links: statuses of each."""
    codes = [f"crash-{i}" if i % 4 == 0 else f"ok-{uuid.uuid4().hex[:8]}" for i in range(size)]
    answers = await asyncio.gather(*(gateway.get(f"/l/{code}") for code in codes))
    normal = Counter(a.status_code for c, a in zip(codes, answers, strict=True) if c[:3] == "ok-")
    failing = Counter(a.status_code for c, a in zip(codes, answers, strict=True) if c[:3] != "ok-")
    return normal, failing


async def test_concurrent_requests_answer_despite_upstream_closing_after_errors() -> None:
    # A small pool so that connections are reused while the upstream is closing them.
    async with stack(BURST_TIMING, upstream_max_connections=20) as (gateway, _):
        for _ in range(3):
            normal, failing = await burst(gateway)

            assert normal == Counter({302: 150})
            assert failing == Counter({500: 50})


async def test_without_retry_a_later_request_fails_with_502() -> None:
    # The reproduction: the same traffic with the retry switched off loses normal requests.
    async with stack(BURST_TIMING, upstream_max_connections=20, upstream_retry_once=False) as (
        gateway,
        _,
    ):
        results = [await burst(gateway) for _ in range(3)]

    assert sum(normal[502] for normal, _ in results) > 0


async def _after_crash(gateway: httpx.AsyncClient, method: str, path: str, **kw: Any) -> int:
    """Send a request down the one pooled connection a crash is about to close; its status."""
    crashed = await gateway.get(f"/l/crash-{uuid.uuid4().hex[:8]}")
    assert crashed.status_code == 500
    return (await gateway.request(method, path, **kw)).status_code


async def test_post_without_idempotency_key_is_not_sent_twice() -> None:
    admin = Tenant().headers(admin=True)
    path = f"/v1/content/{uuid.uuid4().hex}"
    async with stack(upstream_max_connections=1) as (gateway, seen):
        status = await _after_crash(gateway, "POST", path, headers=admin, json={})

    assert status == 502
    assert seen[path] == 1


async def test_post_with_idempotency_key_is_retried_once() -> None:
    headers = {**Tenant().headers(admin=True), "Idempotency-Key": uuid.uuid4().hex}
    path = f"/v1/content/{uuid.uuid4().hex}"
    async with stack(upstream_max_connections=1) as (gateway, seen):
        status = await _after_crash(gateway, "POST", path, headers=headers, json={})

    assert status == 201
    assert seen[path] == 2


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
async def test_idempotent_request_is_retried_once_on_new_connection(method: str) -> None:
    path = f"/v1/content/{uuid.uuid4().hex}"
    async with stack(upstream_max_connections=1) as (gateway, seen):
        status = await _after_crash(gateway, method, path, headers=Tenant().headers(admin=True))

    assert status == 200
    assert seen[path] == 2


async def test_request_broken_on_a_connection_opened_for_it_is_not_retried() -> None:
    # Nothing stale about that connection: the service may have acted on the request.
    received: list[bytes] = []
    async with hanging_up_upstream(received) as url, stack(content_url=url) as (gateway, _):
        response = await gateway.get("/v1/content/x", headers=Tenant().headers(admin=True))

    assert response.status_code == 502
    assert len(received) == 1


async def test_request_is_503_after_one_retry_when_upstream_refuses_connections() -> None:
    async with hanging_up_upstream([]) as url:
        pass  # nothing listens there any more
    async with stack(content_url=url) as (gateway, _):
        response = await gateway.get("/v1/content/x", headers=Tenant().headers(admin=True))

    assert response.status_code == 503


@contextlib.asynccontextmanager
async def hanging_up_upstream(received: list[bytes]) -> AsyncIterator[str]:
    """A TCP server that reads each request and hangs up without a byte of answer."""

    async def hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        received.append(await reader.readuntil(b"\r\n\r\n"))
        writer.close()

    server = await asyncio.start_server(hang_up, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        yield f"http://127.0.0.1:{port}"
