"""Identity providers' bearer tokens, verified against the configured issuers, as principals."""

import time
import uuid
from collections import OrderedDict
from typing import Any

import httpx
import jwt
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from common.auth import ROLES, Principal
from common.dev_keys import split_pem_blocks
from common.errors import Unauthorized
from gateway.identity.issuers import IssuerConfig
from gateway.identity.jwks import JwksCache

_INVALID = "invalid or expired bearer token"
PublicKey = Any  # a cryptography public key object, as PyJWT accepts it


class _Issuer:
    """One configured issuer and where its keys come from."""

    def __init__(self, config: IssuerConfig, client: httpx.AsyncClient, jwks_ttl: float):
        self.config = config
        self.static_keys: list[PublicKey] = [
            load_pem_public_key(block.encode())
            for block in split_pem_blocks(config.public_keys or "")
        ]
        self.jwks = (
            JwksCache(str(config.jwks_url), client, ttl=jwks_ttl) if config.jwks_url else None
        )

    async def keys(self, kid: str | None) -> list[PublicKey]:
        if self.jwks is None:
            return self.static_keys
        found = await self.jwks.key(kid)
        return [] if found is None else [found.key]


class TokenVerifier:
    """Verifies tokens of the trusted issuers; remembers recent good ones until they expire."""

    def __init__(
        self,
        issuers: list[IssuerConfig],
        client: httpx.AsyncClient,
        *,
        leeway_seconds: int = 30,
        jwks_ttl: float = 600.0,
        cache_size: int = 10_000,
    ):
        self._issuers = {config.issuer: _Issuer(config, client, jwks_ttl) for config in issuers}
        self._leeway = leeway_seconds
        self._cache_size = cache_size
        self._recent: OrderedDict[str, tuple[Principal, float]] = OrderedDict()

    async def verify(self, token: str) -> Principal:
        """The token's principal; 401 for anything not signed, current and meant for us."""
        cached = self._recent.get(token)
        if cached is not None and cached[1] > time.time():
            return cached[0]
        principal, expires_at = await self._verify(token)
        self._recent[token] = (principal, expires_at)
        if len(self._recent) > self._cache_size:
            self._recent.popitem(last=False)
        return principal

    async def _verify(self, token: str) -> tuple[Principal, float]:
        try:
            header = jwt.get_unverified_header(token)
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError as exc:
            raise Unauthorized(_INVALID) from exc
        issuer = self._issuers.get(str(unverified.get("iss", "")))
        algorithm = header.get("alg")
        # The algorithm comes from the issuer's allow-list, never from the token alone.
        if issuer is None or algorithm not in issuer.config.algorithms:
            raise Unauthorized(_INVALID)
        kid = header.get("kid")
        for key in await issuer.keys(kid if isinstance(kid, str) else None):
            try:
                claims = jwt.decode(
                    token,
                    key,
                    algorithms=[algorithm],
                    audience=issuer.config.audience,
                    issuer=issuer.config.issuer,
                    leeway=self._leeway,
                    options={"require": ["exp", "iss", "aud", "sub"]},
                )
            except jwt.InvalidSignatureError:
                continue
            except jwt.PyJWTError as exc:
                raise Unauthorized(_INVALID) from exc
            return _principal(issuer.config, claims), float(claims["exp"])
        raise Unauthorized(_INVALID)


def _principal(config: IssuerConfig, claims: dict[str, Any]) -> Principal:
    try:
        org_id = config.org_id or uuid.UUID(str(claims[config.org_claim]))
    except (KeyError, ValueError) as exc:
        raise Unauthorized(f"token names no organisation (claim {config.org_claim!r})") from exc
    return Principal(
        user_id=_user_id(config.issuer, str(claims["sub"])),
        org_id=org_id,
        roles=_roles(config, claims.get(config.roles_claim)),
        username=_username(config, claims),
    )


def _username(config: IssuerConfig, claims: dict[str, Any]) -> str | None:
    for claim in config.username_claims:
        value = claims.get(claim)
        if isinstance(value, str) and 0 < len(value) <= 320:
            return value.strip().lower()
    return None


def _user_id(issuer: str, subject: str) -> uuid.UUID:
    # IdPs use opaque subjects; a stable UUID per (issuer, subject) keeps two IdPs apart.
    try:
        return uuid.UUID(subject)
    except ValueError:
        return uuid.uuid5(uuid.NAMESPACE_URL, f"{issuer}#{subject}")


def _roles(config: IssuerConfig, raw: object) -> frozenset[str]:
    names = raw.split() if isinstance(raw, str) else raw if isinstance(raw, list) else []
    roles: set[str] = set(config.default_roles)
    for name in names:
        role = config.role_map.get(str(name), str(name))
        if role in ROLES and role != "integration":
            roles.add(role)
    if not config.allow_operator:
        roles.discard("operator")
    return frozenset(roles)
