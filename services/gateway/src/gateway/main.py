"""Gateway: the platform's single entry point; authenticates and forwards to the services."""

import contextlib
from collections.abc import AsyncIterator

import httpx
from fastapi import FastAPI, Request

from common.app import ServiceSpec, create_app
from common.assertions import load_private_key
from common.health import Check
from gateway import frontdoor, openapi, ops, routes
from gateway.config import Settings
from gateway.errors import UpstreamUnavailable
from gateway.identity.signing import AssertionSigner
from gateway.identity.tokens import TokenVerifier
from gateway.retry import upstream_client
from gateway.router import router


def build_app(settings: Settings) -> FastAPI:
    """The gateway app for these settings (tests point it at their own upstreams)."""
    app = create_app(
        ServiceSpec(
            settings=settings,
            title="Gateway",
            description="Authenticates callers and forwards /v1 and /l to the services.",
            routers=[openapi.router, router],
            uses_database=False,
            resources=_resources,
            builtin_docs=False,
            body_limits=routes.LARGE_BODIES,
        )
    )
    app.state.openapi_document = None
    # /metrics and the readiness that names upstreams live on the ops port (_resources).
    frontdoor.install(app, settings)
    return app


@contextlib.asynccontextmanager
async def _resources(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    timeout = httpx.Timeout(
        settings.upstream_timeout_seconds,
        connect=settings.upstream_connect_timeout_seconds,
        pool=settings.upstream_pool_timeout_seconds,
    )
    limits = httpx.Limits(
        max_connections=settings.upstream_max_connections,
        max_keepalive_connections=settings.upstream_max_keepalive_connections,
        keepalive_expiry=settings.upstream_keepalive_expiry_seconds,
    )
    # Two pooled clients; redirects go back to the caller, never followed. httpx for the
    # gateway's own calls (JWKS, API-key introspection, readiness), aiohttp for proxied requests
    # (ADR 0010: a quarter of httpx's CPU per request).
    async with (
        httpx.AsyncClient(limits=limits, timeout=timeout, follow_redirects=False) as client,
        upstream_client(settings) as upstream,
        ops.serving(app, host=settings.ops_host, port=settings.ops_port) as ops_url,
    ):
        app.state.http = client
        app.state.upstream = upstream
        app.state.ops_url = ops_url
        app.state.token_verifier = TokenVerifier(
            settings.oidc_issuers,
            client,
            leeway_seconds=settings.token_leeway_seconds,
            jwks_ttl=settings.jwks_cache_seconds,
        )
        app.state.signer = AssertionSigner(
            load_private_key(settings.internal_private_key),
            ttl_seconds=settings.internal_assertion_ttl_seconds,
        )
        for name, url in settings.upstreams().items():
            app.state.readiness_checks[name] = _healthz_check(url)
        yield


def _healthz_check(base_url: str) -> Check:
    async def check(request: Request) -> None:
        client: httpx.AsyncClient = request.app.state.http
        response = await client.get(f"{base_url}/healthz", timeout=1.0)
        if response.status_code != 200:
            raise UpstreamUnavailable(f"{base_url}/healthz answered {response.status_code}")

    return check


app = build_app(Settings())
