"""Internal assertions the gateway sends upstream, re-used while they have life left."""

import time
import uuid
from collections import OrderedDict

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from common import assertions
from common.auth import Principal

# The gateway as its own caller (API-key introspection): no organisation, no roles.
GATEWAY = Principal(
    user_id=uuid.UUID(int=0), org_id=uuid.UUID(int=0), roles=frozenset(), kind="gateway"
)


class AssertionSigner:
    """Signs per (principal, audience); a signature is ~50 µs, so recent ones are reused."""

    def __init__(self, key: Ed25519PrivateKey, *, ttl_seconds: int = 60, cache_size: int = 10_000):
        self._key = key
        self._ttl = ttl_seconds
        self._cache_size = cache_size
        self._recent: OrderedDict[tuple[Principal, str], tuple[str, float]] = OrderedDict()

    def assertion(self, principal: Principal, audience: str) -> str:
        """A signed assertion with at least half its lifetime left."""
        cache_key = (principal, audience)
        cached = self._recent.get(cache_key)
        if cached is not None and cached[1] - time.time() > self._ttl / 2:
            return cached[0]
        token = assertions.sign(
            self._key, principal=principal, audience=audience, ttl_seconds=self._ttl
        )
        self._recent[cache_key] = (token, time.time() + self._ttl)
        if len(self._recent) > self._cache_size:
            self._recent.popitem(last=False)
        return token
