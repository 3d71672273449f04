"""FastAPI dependencies of the gateway: its settings, its HTTP client, and the caller's token."""

from typing import Annotated

import httpx
from fastapi import Depends, Header, Request

from common import auth
from gateway.config import Settings


def gateway_settings(request: Request) -> Settings:
    """The settings the app was built with."""
    settings: Settings = request.app.state.settings
    return settings


def http_client(request: Request) -> httpx.AsyncClient:
    """The pooled client opened in the lifespan."""
    client: httpx.AsyncClient = request.app.state.http
    return client


GatewaySettings = Annotated[Settings, Depends(gateway_settings)]
HttpClient = Annotated[httpx.AsyncClient, Depends(http_client)]


def authenticate(
    settings: GatewaySettings, authorization: Annotated[str | None, Header()] = None
) -> auth.Principal:
    """401 before any upstream call unless the token is valid; roles are the services' job."""
    return auth.verify(
        auth.bearer_token(authorization), secret=settings.jwt_secret, issuer=settings.jwt_issuer
    )
