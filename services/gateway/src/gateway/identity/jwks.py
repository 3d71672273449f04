"""An identity provider's signing keys fetched from its JWKS URL: cached, bounded, refreshed."""

import asyncio
import logging
import time

import httpx
import jwt

log = logging.getLogger(__name__)

MAX_JWKS_BYTES = 64 * 1024
MAX_KEYS = 50


class JwksUnavailable(Exception):
    """The key set could not be fetched or parsed."""


class JwksCache:
    """Keys by `kid`; refetched after `ttl`, or at once for an unknown kid at most every `min_gap`.

    The minimum gap bounds what tokens with invented kids can make us do: one fetch per gap.
    """

    def __init__(
        self, url: str, client: httpx.AsyncClient, *, ttl: float = 600.0, min_gap: float = 30.0
    ):
        self._url = url
        self._client = client
        self._ttl = ttl
        self._min_gap = min_gap
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at = float("-inf")
        self._lock = asyncio.Lock()

    async def key(self, kid: str | None) -> jwt.PyJWK | None:
        """The key for kid (None: the only key, if there is exactly one)."""
        now = time.monotonic()
        if now - self._fetched_at > self._ttl or (
            self._find(kid) is None and now - self._fetched_at > self._min_gap
        ):
            await self._refresh()
        return self._find(kid)

    def _find(self, kid: str | None) -> jwt.PyJWK | None:
        if kid is None:
            return next(iter(self._keys.values())) if len(self._keys) == 1 else None
        return self._keys.get(kid)

    async def _refresh(self) -> None:
        async with self._lock:
            if time.monotonic() - self._fetched_at < 1.0:
                return  # another request refreshed while this one waited
            try:
                self._keys = await self._fetch()
            except JwksUnavailable as exc:
                # Keep serving the keys we had: an IdP blip must not log everyone out.
                log.warning("jwks refresh failed", extra={"url": self._url, "error": str(exc)})
            finally:
                self._fetched_at = time.monotonic()

    async def _fetch(self) -> dict[str, jwt.PyJWK]:
        try:
            response = await self._client.get(self._url, timeout=5.0)
        except httpx.HTTPError as exc:
            raise JwksUnavailable(repr(exc)) from exc
        if response.status_code != 200 or len(response.content) > MAX_JWKS_BYTES:
            raise JwksUnavailable(f"status {response.status_code}, {len(response.content)} bytes")
        try:
            document = response.json()
            entries = document["keys"][:MAX_KEYS]
        except (ValueError, KeyError, TypeError) as exc:
            raise JwksUnavailable("not a JWK set") from exc
        keys: dict[str, jwt.PyJWK] = {}
        for entry in entries:
            # Public key types only: an "oct" (HMAC) key here would be the key-confusion attack.
            if not isinstance(entry, dict) or entry.get("kty") not in ("RSA", "EC", "OKP"):
                continue
            if entry.get("use", "sig") != "sig":
                continue
            try:
                key = jwt.PyJWK(entry)
            except jwt.PyJWTError:
                continue  # a key type we do not support: the others still work
            keys[str(entry.get("kid", ""))] = key
        return keys
