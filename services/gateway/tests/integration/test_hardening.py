"""The gateway's front door against a real upstream: rate limits, CORS, security headers, body
size, path hygiene before authentication, and the ops port (issue 6, item 6)."""

import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse

from advocacy_testing.apps import Tenant
from advocacy_testing.identity import issuer_config
from common import ops_server
from gateway.config import Settings
from gateway.main import build_app

FRONTEND = "https://app.example.com"
RATE_HEADERS = ("ratelimit-limit", "ratelimit-remaining", "ratelimit-reset")


def echo_upstream() -> FastAPI:
    """A service that answers every /v1 path and redirects every link."""
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/l/{code}")
    async def link(code: str) -> Response:
        return RedirectResponse(f"https://example.org/{code}", status_code=302)

    @app.api_route("/v1/{path:path}", methods=["GET", "POST"])
    async def echo(request: Request) -> Response:
        return JSONResponse({"path": request.url.path})

    return app


@contextlib.asynccontextmanager
async def gateway_app(**overrides: Any) -> AsyncIterator[FastAPI]:
    """A gateway in front of the echo upstream, lifespan (and ops server) running."""
    async with ops_server.serving(echo_upstream(), host="127.0.0.1", port=0) as url:
        values: dict[str, Any] = {
            "env": "test",
            **{f"{name}_url": url for name in ("content", "ambassadors", "metrics")},
            "oidc_issuers": json.loads(issuer_config()),
            "ops_host": "127.0.0.1",
            "ops_port": 0,
        }
        app = build_app(Settings(**{**values, **overrides}))
        async with app.router.lifespan_context(app):
            yield app


def client_from(app: FastAPI, ip: str = "203.0.113.9") -> httpx.AsyncClient:
    """An HTTP client to the app as seen from one client IP."""
    transport = httpx.ASGITransport(app=app, client=(ip, 50000))
    return httpx.AsyncClient(transport=transport, base_url="http://gw.test")


@contextlib.asynccontextmanager
async def gateway(**overrides: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with gateway_app(**overrides) as app, client_from(app) as client:
        yield client


def assert_rate_limited(response: httpx.Response, *, limit: int) -> None:
    """429 problem+json with Retry-After and the RateLimit fields of the exhausted bucket."""
    assert response.status_code == 429, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "urn:advocacy:problem:rate_limited"
    assert int(response.headers["retry-after"]) >= 1
    assert response.headers["ratelimit-limit"] == str(limit)
    assert response.headers["ratelimit-remaining"] == "0"
    assert int(response.headers["ratelimit-reset"]) >= 1


# --- rate limits -------------------------------------------------------------------------


async def test_credential_is_429_after_its_limit_even_with_forged_tokens() -> None:
    forged = {"authorization": "Bearer forged.token.value"}
    async with gateway(rate_limit_credential_per_minute=3) as client:
        answers = [await client.get("/v1/me/feed", headers=forged) for _ in range(4)]
        other = await client.get("/v1/me/feed", headers={"authorization": "Bearer another"})

    assert [a.status_code for a in answers[:3]] == [401, 401, 401]
    assert [a.headers["ratelimit-remaining"] for a in answers[:3]] == ["2", "1", "0"]
    assert_rate_limited(answers[3], limit=3)
    assert other.status_code == 401


async def test_valid_credential_is_429_after_its_limit() -> None:
    admin = Tenant().headers(admin=True)
    async with gateway(rate_limit_credential_per_minute=2) as client:
        answers = [await client.get("/v1/content", headers=admin) for _ in range(3)]

    assert [a.status_code for a in answers[:2]] == [200, 200]
    assert_rate_limited(answers[2], limit=2)


async def test_client_ip_is_429_after_its_limit() -> None:
    async with gateway_app(rate_limit_ip_per_minute=3) as app:
        async with (
            client_from(app, "198.51.100.1") as first,
            client_from(app, "198.51.100.2") as second,
        ):
            answers = [await first.get("/healthz") for _ in range(4)]
            elsewhere = await second.get("/healthz")

    assert [a.status_code for a in answers[:3]] == [200, 200, 200]
    assert_rate_limited(answers[3], limit=3)
    assert elsewhere.status_code == 200


async def test_tracked_link_is_429_per_code_and_ip() -> None:
    async with gateway_app(rate_limit_link_ip_per_minute=2) as app:
        async with (
            client_from(app, "198.51.100.1") as first,
            client_from(app, "198.51.100.2") as second,
        ):
            answers = [await first.get("/l/abc123") for _ in range(3)]
            other_code = await first.get("/l/xyz789")
            other_ip = await second.get("/l/abc123")

    assert [a.status_code for a in answers[:2]] == [302, 302]
    assert_rate_limited(answers[2], limit=2)
    assert (other_code.status_code, other_ip.status_code) == (302, 302)


async def test_successful_answer_carries_ratelimit_headers_of_tightest_bucket() -> None:
    async with gateway(rate_limit_ip_per_minute=100, rate_limit_link_ip_per_minute=5) as client:
        response = await client.get("/l/abc123")

    assert response.status_code == 302
    assert [response.headers[h] for h in RATE_HEADERS] == ["5", "4", "12"]


async def test_refusal_carries_request_id_and_security_headers() -> None:
    async with gateway(rate_limit_ip_per_minute=1) as client:
        await client.get("/healthz")
        response = await client.get("/healthz", headers={"x-request-id": "abc123"})

    assert response.status_code == 429
    assert response.headers["x-request-id"] == "abc123"
    assert response.headers["x-content-type-options"] == "nosniff"


# --- CORS ----------------------------------------------------------------------------------


def preflight(origin: str) -> dict[str, str]:
    return {
        "origin": origin,
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, content-type, idempotency-key",
    }


async def test_preflight_from_listed_origin_is_allowed() -> None:
    async with gateway(cors_origins=f"{FRONTEND}, https://admin.example.com") as client:
        response = await client.options("/v1/me/shares", headers=preflight(FRONTEND))

    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == FRONTEND
    assert "POST" in response.headers["access-control-allow-methods"]
    allowed = response.headers["access-control-allow-headers"].lower()
    assert {"authorization", "content-type", "idempotency-key", "x-request-id"} <= {
        h.strip() for h in allowed.split(",")
    }
    assert "access-control-allow-credentials" not in response.headers


async def test_preflight_from_other_origin_gets_no_allow_origin() -> None:
    async with gateway(cors_origins=FRONTEND) as client:
        response = await client.options("/v1/me/shares", headers=preflight("https://evil.test"))

    assert "access-control-allow-origin" not in response.headers


async def test_answer_to_listed_origin_exposes_ratelimit_and_request_id() -> None:
    async with gateway(cors_origins=FRONTEND) as client:
        response = await client.get("/l/abc123", headers={"origin": FRONTEND})

    assert response.headers["access-control-allow-origin"] == FRONTEND
    exposed = {
        h.strip().lower() for h in response.headers["access-control-expose-headers"].split(",")
    }
    assert {*RATE_HEADERS, "retry-after", "location", "x-request-id"} <= exposed


async def test_no_cors_headers_without_configured_origins() -> None:
    async with gateway() as client:
        response = await client.options("/v1/me/shares", headers=preflight(FRONTEND))
        simple = await client.get("/l/abc123", headers={"origin": FRONTEND})

    assert "access-control-allow-origin" not in response.headers
    assert "access-control-allow-origin" not in simple.headers


# --- security headers ------------------------------------------------------------------------

API_POLICY = "default-src 'none'; frame-ancestors 'none'"


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/healthz", 200),
        ("/l/abc123", 302),
        ("/v1/me/feed", 401),
        ("/v1/unknown", 404),
        ("/v1/me/%2e%2e/metrics", 400),
    ],
)
async def test_every_answer_carries_security_headers(path: str, status: int) -> None:
    async with gateway() as client:
        response = await client.get(path)

    assert response.status_code == status
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["content-security-policy"] == API_POLICY
    assert "strict-transport-security" not in response.headers  # plain http


async def test_docs_page_gets_a_policy_that_lets_swagger_ui_load() -> None:
    async with gateway() as client:
        response = await client.get("/docs")

    policy = response.headers["content-security-policy"]
    assert response.status_code == 200
    assert "script-src https://cdn.jsdelivr.net" in policy
    assert "frame-ancestors 'none'" in policy


@contextlib.asynccontextmanager
async def behind_uvicorn(trusted_proxies: str) -> AsyncIterator[str]:
    """The gateway served by uvicorn, trusting X-Forwarded-* only from these addresses."""
    async with (
        gateway_app() as app,
        ops_server.serving(
            app, host="127.0.0.1", port=0, forwarded_allow_ips=trusted_proxies
        ) as url,
    ):
        yield url


async def test_hsts_only_when_a_trusted_proxy_says_https() -> None:
    https = {"x-forwarded-proto": "https", "x-forwarded-for": "198.51.100.7"}
    async with behind_uvicorn("127.0.0.1") as url, httpx.AsyncClient(base_url=url) as client:
        trusted = await client.get("/healthz", headers=https)
        plain = await client.get("/healthz")
    async with behind_uvicorn("192.0.2.1") as url, httpx.AsyncClient(base_url=url) as client:
        untrusted = await client.get("/healthz", headers=https)

    assert trusted.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"
    assert "strict-transport-security" not in plain.headers
    assert "strict-transport-security" not in untrusted.headers


# --- body size, hygiene before authentication ------------------------------------------------


async def test_request_is_413_for_a_10_mb_body() -> None:
    async with gateway(max_request_bytes=1_048_576) as client:
        response = await client.post("/v1/content", content=b"x" * 10_000_000)

    assert response.status_code == 413
    assert response.json()["type"] == "urn:advocacy:problem:payload_too_large"


async def test_traversal_is_400_before_authentication() -> None:
    async with gateway() as client:
        anonymous = await client.get("/v1/me/%2e%2e/%2e%2e/metrics")
        forged = await client.get("/v1/me/%2e%2e/metrics", headers={"authorization": "Bearer x"})

    assert (anonymous.status_code, forged.status_code) == (400, 400)
    assert anonymous.json()["type"] == "urn:advocacy:problem:invalid_path"
    assert "# HELP" not in anonymous.text


# --- operational port ----------------------------------------------------------------------


async def test_metrics_are_served_on_the_ops_port_only() -> None:
    async with gateway_app() as app, client_from(app) as client:
        public = await client.get("/metrics")
        async with httpx.AsyncClient(base_url=app.state.ops_url) as ops:
            internal = await ops.get("/metrics")

    assert public.status_code == 404
    assert internal.status_code == 200
    assert "# HELP" in internal.text


async def test_readyz_names_the_failing_upstream_on_the_ops_port_only() -> None:
    async with ops_server.serving(FastAPI(), host="127.0.0.1", port=0) as dead:
        pass  # nothing listens there any more
    async with gateway_app(content_url=dead) as app, client_from(app) as client:
        public = await client.get("/readyz")
        async with httpx.AsyncClient(base_url=app.state.ops_url) as ops:
            internal = await ops.get("/readyz")

    assert public.status_code == 503
    assert "content" not in public.text and dead not in public.text
    assert internal.status_code == 503
    assert internal.json()["failed"] == ["content"]


async def test_public_readyz_says_only_ok_when_ready() -> None:
    async with gateway() as client:
        response = await client.get("/readyz")

    assert (response.status_code, response.json()) == (200, {"status": "ok"})
