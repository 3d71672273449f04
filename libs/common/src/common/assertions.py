"""Internal assertions: how the gateway tells a service who is calling (ADR 0009).

The gateway verifies the caller's credential (an identity provider's token or an API key), then
signs a short-lived EdDSA assertion whose audience is the one service it forwards to. Services
hold only the gateway's public keys: they can check an assertion but never mint one, and a
request that bypasses the gateway (a user's own token, another service's audience) is refused.
"""

import time
import uuid
from collections import OrderedDict
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key, load_pem_public_key

from common.auth import Principal
from common.dev_keys import split_pem_blocks
from common.errors import Unauthorized

ISSUER = "advocacy-gateway"
ALGORITHM = "EdDSA"
DEFAULT_TTL_SECONDS = 60
LEEWAY_SECONDS = 5


def load_private_key(pem: str) -> Ed25519PrivateKey:
    """The gateway's signing key; only Ed25519 is accepted."""
    key = load_pem_private_key(pem.replace("\\n", "\n").encode(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("the internal signing key must be an Ed25519 private key (PEM, PKCS#8)")
    return key


def load_public_keys(pems: str) -> list[Ed25519PublicKey]:
    """Every trusted gateway key (several during a rotation)."""
    keys: list[Ed25519PublicKey] = []
    for block in split_pem_blocks(pems):
        key = load_pem_public_key(block.encode())
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError("internal public keys must be Ed25519 public keys (PEM)")
        keys.append(key)
    if not keys:
        raise ValueError("no PEM public key found in the internal public keys setting")
    return keys


def sign(
    key: Ed25519PrivateKey,
    *,
    principal: Principal,
    audience: str,
    ttl_seconds: int = DEFAULT_TTL_SECONDS,
) -> str:
    """An assertion of `principal` for one service, valid for ttl_seconds."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "aud": audience,
        "sub": str(principal.user_id),
        "org": str(principal.org_id),
        "roles": sorted(principal.roles),
        "kind": principal.kind,
        "iat": now,
        "exp": now + ttl_seconds,
    }
    if principal.scopes:
        claims["scopes"] = sorted(principal.scopes)
    if principal.username:
        claims["username"] = principal.username
    return jwt.encode(claims, key, algorithm=ALGORITHM)


class AssertionVerifier:
    """Checks assertions for one audience; remembers recent good ones until they expire."""

    def __init__(
        self, public_keys: list[Ed25519PublicKey], *, audience: str, cache_size: int = 10_000
    ):
        self._keys = public_keys
        self._audience = audience
        self._cache_size = cache_size
        # token -> (principal, expiry): the signature check costs ~100 µs, a dict lookup nothing.
        self._recent: OrderedDict[str, tuple[Principal, float]] = OrderedDict()

    def verify(self, token: str) -> Principal:
        """The asserted principal; 401 unless signed by the gateway for this audience, unexpired."""
        cached = self._recent.get(token)
        if cached is not None and cached[1] > time.time():
            return cached[0]
        principal, expires_at = self._decode(token)
        self._recent[token] = (principal, expires_at)
        if len(self._recent) > self._cache_size:
            self._recent.popitem(last=False)
        return principal

    def _decode(self, token: str) -> tuple[Principal, float]:
        for key in self._keys:
            try:
                claims = jwt.decode(
                    token,
                    key,
                    algorithms=[ALGORITHM],
                    audience=self._audience,
                    issuer=ISSUER,
                    leeway=LEEWAY_SECONDS,
                    options={"require": ["sub", "org", "exp", "iss", "aud"]},
                )
            except jwt.InvalidSignatureError:
                continue  # maybe signed by the next key of a rotation
            except (jwt.PyJWTError, ValueError, TypeError) as exc:
                raise Unauthorized("invalid or expired credential") from exc
            try:
                return _principal(claims), float(claims["exp"])
            except (KeyError, ValueError, TypeError) as exc:
                raise Unauthorized("invalid or expired credential") from exc
        raise Unauthorized("invalid or expired credential")


def _principal(claims: dict[str, Any]) -> Principal:
    kind = claims.get("kind", "user")
    if kind not in ("user", "api_key", "gateway"):
        raise ValueError(f"unknown credential kind {kind!r}")
    return Principal(
        user_id=uuid.UUID(claims["sub"]),
        org_id=uuid.UUID(claims["org"]),
        roles=frozenset(str(role) for role in claims.get("roles", [])),
        scopes=frozenset(str(scope) for scope in claims.get("scopes", [])),
        kind=kind,
        username=str(claims["username"]) if claims.get("username") else None,
    )
