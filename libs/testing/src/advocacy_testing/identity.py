"""A test identity provider: signs user tokens the way a company's IdP would (ES256, static key).

The gateway under test trusts it through GATEWAY_OIDC_ISSUERS (`issuer_config()`); services
tested on their own sit behind `GatewayShim`, which does the gateway's job in-process: verify the
user token, then present the service with an internal assertion signed for its audience.
"""

import json
import time
import uuid
from typing import Any

import httpx
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from common import assertions
from common.auth import Principal
from common.dev_keys import DEV_INTERNAL_PRIVATE_KEY

ISSUER = "https://idp.test.advocacy.invalid"
AUDIENCE = "advocacy-api"
KEY_ID = "test-key-1"
# A fresh key per test process: nothing signed here is valid anywhere else.
_PRIVATE_KEY = ec.generate_private_key(ec.SECP256R1())
PUBLIC_KEY_PEM = (
    _PRIVATE_KEY.public_key()
    .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    .decode()
)


def user_token(
    *,
    user_id: uuid.UUID,
    org_id: uuid.UUID,
    roles: list[str],
    ttl_seconds: int = 3600,
    **overrides: Any,
) -> str:
    """An IdP access token for a person of an organisation (claims can be overridden or added)."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": str(user_id),
        "org": str(org_id),
        "roles": roles,
        "iat": now,
        "nbf": now,
        "exp": now + ttl_seconds,
    }
    claims.update(overrides)
    return jwt.encode(claims, _PRIVATE_KEY, algorithm="ES256", headers={"kid": KEY_ID})


def issuer_config() -> str:
    """GATEWAY_OIDC_ISSUERS value trusting this provider with its static public key."""
    return json.dumps(
        [
            {
                "issuer": ISSUER,
                "audience": AUDIENCE,
                "public_keys": PUBLIC_KEY_PEM,
                "algorithms": ["ES256"],
                "org_claim": "org",
                "roles_claim": "roles",
                "allow_operator": True,
            }
        ]
    )


class GatewayShim(httpx.AsyncBaseTransport):
    """In front of one service app in tests: user token in, internal assertion out."""

    def __init__(self, inner: httpx.AsyncBaseTransport, *, audience: str):
        self._inner = inner
        self._audience = audience
        self._key = assertions.load_private_key(DEV_INTERNAL_PRIVATE_KEY)
        self._public = _PRIVATE_KEY.public_key()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and token:
            request.headers["authorization"] = f"Bearer {self._assert(token.strip())}"
        return await self._inner.handle_async_request(request)

    def _assert(self, token: str) -> str:
        try:
            claims = jwt.decode(token, self._public, algorithms=["ES256"], audience=AUDIENCE)
        except jwt.PyJWTError:
            return token  # not a test user token: the service sees it as sent (and refuses it)
        principal = Principal(
            user_id=uuid.UUID(claims["sub"]),
            org_id=uuid.UUID(claims["org"]),
            roles=frozenset(claims.get("roles", [])),
            scopes=frozenset(claims.get("scopes", [])),
            kind=claims.get("kind", "user"),
            username=str(claims["preferred_username"]).lower()
            if claims.get("preferred_username")
            else None,
        )
        return assertions.sign(self._key, principal=principal, audience=self._audience)
