"""A development identity provider for `make run`: mints tokens for demo users, serves its JWKS.

The gateway trusts it through GATEWAY_OIDC_ISSUERS exactly as it trusts a company's IdP, so
development takes the production verification path (JWKS fetch, kid, ES256, iss/aud/exp).
It refuses to start unless DEV_ISSUER_ENV=dev, and its key lives in a local file, never in git.

    DEV_ISSUER_ENV=dev uvicorn gateway.devissuer:create --factory --port 8009
"""

import time
import uuid
from pathlib import Path
from typing import Any, Literal

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from fastapi import FastAPI
from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from common.auth import Role

AUDIENCE = "advocacy-api"
KEY_ID = "dev-issuer-1"
# Stable demo organisation so tokens printed by successive runs address the same data.
DEMO_ORG = uuid.UUID("0d0d0d0d-0000-4000-8000-000000000001")


class DevIssuerSettings(BaseSettings):
    """DEV_ISSUER_*: where it says it lives and where its key file is."""

    model_config = SettingsConfigDict(env_prefix="DEV_ISSUER_", extra="ignore")

    env: Literal["dev", "test", "prod"] = "prod"
    url: str = "http://127.0.0.1:8009"
    key_file: Path = Path(".run/dev/dev-issuer-key.pem")


class TokenRequest(BaseModel):
    """Who the development token is for."""

    roles: list[Role] = Field(default=["employee"], min_length=1)
    user: uuid.UUID | None = None
    org: uuid.UUID = DEMO_ORG
    username: str | None = Field(default=None, max_length=320)
    ttl_hours: float = Field(default=12.0, gt=0, le=24 * 7)


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "Bearer"
    expires_in: int


def _load_or_create_key(path: Path) -> ec.EllipticCurvePrivateKey:
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if isinstance(key, ec.EllipticCurvePrivateKey):
            return key
    key = ec.generate_private_key(ec.SECP256R1())
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path.write_bytes(pem)
    path.chmod(0o600)
    return key


def mint(key: ec.EllipticCurvePrivateKey, issuer: str, request: TokenRequest) -> TokenResponse:
    """A signed token as an IdP would issue it after a login."""
    now = int(time.time())
    ttl = int(request.ttl_hours * 3600)
    user = request.user or uuid.uuid5(request.org, ",".join(sorted(request.roles)))
    claims: dict[str, Any] = {
        "iss": issuer,
        "aud": AUDIENCE,
        "sub": str(user),
        "org": str(request.org),
        "roles": request.roles,
        "iat": now,
        "nbf": now,
        "exp": now + ttl,
    }
    if request.username:
        claims["preferred_username"] = request.username
    token = jwt.encode(claims, key, algorithm="ES256", headers={"kid": KEY_ID})
    return TokenResponse(access_token=token, expires_in=ttl)


def build_app(settings: DevIssuerSettings) -> FastAPI:
    """The issuer's app; raises unless its settings say dev."""
    if settings.env != "dev":
        raise RuntimeError("the development issuer runs only with DEV_ISSUER_ENV=dev")
    key = _load_or_create_key(settings.key_file)
    jwk = jwt.algorithms.ECAlgorithm.to_jwk(key.public_key(), as_dict=True)
    jwks = {"keys": [{**jwk, "kid": KEY_ID, "use": "sig", "alg": "ES256"}]}
    app = FastAPI(title="Development identity provider", docs_url=None, redoc_url=None)

    @app.get("/.well-known/openid-configuration")
    async def discovery() -> dict[str, Any]:
        return {
            "issuer": settings.url,
            "jwks_uri": f"{settings.url}/jwks.json",
            "token_endpoint": f"{settings.url}/token",
            "id_token_signing_alg_values_supported": ["ES256"],
        }

    @app.get("/jwks.json")
    async def keys() -> dict[str, Any]:
        return jwks

    @app.post("/token", response_model=TokenResponse)
    async def token(request: TokenRequest) -> TokenResponse:
        return mint(key, settings.url, request)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


def gateway_issuer_config(settings: DevIssuerSettings) -> str:
    """GATEWAY_OIDC_ISSUERS for a gateway that trusts this issuer (JSON)."""
    return (
        f'[{{"issuer": "{settings.url}", "audience": "{AUDIENCE}", '
        f'"jwks_url": "{settings.url}/jwks.json", "algorithms": ["ES256"], '
        '"allow_operator": true}]'
    )


def create() -> FastAPI:
    """uvicorn's factory: settings are read when the server starts, not when tests import us."""
    return build_app(DevIssuerSettings())
