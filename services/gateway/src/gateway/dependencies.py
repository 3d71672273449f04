"""FastAPI dependencies of the gateway: its settings, its HTTP clients, and the caller."""

from typing import Annotated

import httpx
from fastapi import Depends, Header, Request

from common import auth
from gateway.config import Settings
from gateway.identity import api_keys
from gateway.identity.signing import GATEWAY, AssertionSigner
from gateway.identity.tokens import TokenVerifier
from gateway.retry import UpstreamClient


# async on purpose, though they never await: FastAPI runs a plain `def` dependency in the thread
# pool, a hand-over and back on every proxied request (measured in bench gateway.hop).
async def gateway_settings(request: Request) -> Settings:
    """The settings the app was built with."""
    settings: Settings = request.app.state.settings
    return settings


async def http_client(request: Request) -> httpx.AsyncClient:
    """The pooled client for the gateway's own calls (JWKS, API keys, readiness, OpenAPI)."""
    client: httpx.AsyncClient = request.app.state.http
    return client


async def upstream_client(request: Request) -> UpstreamClient:
    """The client that forwards proxied requests (ADR 0010)."""
    client: UpstreamClient = request.app.state.upstream
    return client


GatewaySettings = Annotated[Settings, Depends(gateway_settings)]
HttpClient = Annotated[httpx.AsyncClient, Depends(http_client)]
Upstream = Annotated[UpstreamClient, Depends(upstream_client)]


async def authenticate(
    request: Request,
    settings: GatewaySettings,
    client: HttpClient,
    authorization: Annotated[str | None, Header()] = None,
) -> auth.Principal:
    """401 before any upstream call unless the credential is valid; roles are the services' job."""
    token = auth.bearer_token(authorization)
    if api_keys.looks_like_api_key(token):
        signer: AssertionSigner = request.app.state.signer
        return await api_keys.introspect(
            token,
            client=client,
            base_url=settings.upstreams()["ambassadors"],
            assertion=signer.assertion(GATEWAY, "ambassadors"),
        )
    verifier: TokenVerifier = request.app.state.token_verifier
    return await verifier.verify(token)


Caller = Annotated[auth.Principal, Depends(authenticate)]
