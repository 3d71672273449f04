"""Rate limits at the gateway: token buckets per credential, per client IP, and per (tracked
link, IP). In memory, so each gateway replica counts on its own (docs/gateway.md).

The credential's key is a hash of the Authorization header as sent, taken before the token is
verified: a flood of forged tokens spends one bucket per value like any other caller. Answers
carry the RateLimit-Limit/-Remaining/-Reset fields (draft-ietf-httpapi-ratelimit-headers) of
the tightest bucket; a refusal is 429 with Retry-After.
"""

import hashlib
import math
import re
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from common.errors import problem
from gateway.config import Settings

LINK_PATH = re.compile(r"^/l/(?P<code>[^/]+)$")


@dataclass(frozen=True)
class Standing:
    """Where a caller stands with one bucket after a request: what the headers report."""

    limit: int
    remaining: float
    reset_seconds: int
    retry_after_seconds: int = 0

    @property
    def allowed(self) -> bool:
        return self.retry_after_seconds == 0


class _Bucket:
    __slots__ = ("tokens", "updated")

    def __init__(self, tokens: float, updated: float) -> None:
        self.tokens = tokens
        self.updated = updated


class Buckets:
    """Token buckets of one kind: `per_minute` requests in a burst, refilled at that rate.

    Memory is bounded: a bucket that has refilled completely is the same as no bucket and is
    dropped; beyond `max_keys`, the least recently used go first.
    """

    def __init__(self, *, per_minute: int, max_keys: int) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self.max_keys = max_keys
        self._buckets: OrderedDict[bytes, _Bucket] = OrderedDict()

    def __len__(self) -> int:
        return len(self._buckets)

    def level(self, key: bytes, now: float) -> float:
        """Tokens available for key now."""
        bucket = self._buckets.get(key)
        if bucket is None:
            return self.capacity
        return min(self.capacity, bucket.tokens + (now - bucket.updated) * self.rate)

    def standing(self, key: bytes, now: float) -> Standing:
        """The key's standing without spending anything."""
        tokens = self.level(key, now)
        retry_after = 0 if tokens >= 1 else max(1, math.ceil((1 - tokens) / self.rate))
        reset = math.ceil((self.capacity - tokens) / self.rate)
        return Standing(int(self.capacity), tokens, reset, retry_after)

    def spend(self, key: bytes, now: float) -> Standing:
        """Take one token (the caller checked there is one) and return the new standing."""
        tokens = self.level(key, now) - 1
        self._buckets[key] = _Bucket(tokens, now)
        self._buckets.move_to_end(key)
        self._prune(now)
        return self.standing(key, now)

    def _prune(self, now: float) -> None:
        while self._buckets:
            oldest, bucket = next(iter(self._buckets.items()))
            refilled = bucket.tokens + (now - bucket.updated) * self.rate >= self.capacity
            if not refilled and len(self._buckets) <= self.max_keys:
                return
            del self._buckets[oldest]


@dataclass(frozen=True)
class Limits:
    """Requests per minute per kind of key; 0 turns that kind off."""

    credential_per_minute: int
    ip_per_minute: int
    link_ip_per_minute: int
    max_keys: int


def _key(*parts: bytes) -> bytes:
    # Fixed-size keys: memory per bucket does not grow with what a client chooses to send.
    return hashlib.sha256(b"\0".join(parts)).digest()


class RateLimitMiddleware:
    """Counts each request in every bucket it falls under; 429 when one of them is empty."""

    def __init__(
        self, app: ASGIApp, *, limits: Limits, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.app = app
        self.clock = clock
        kinds = {
            "credential": limits.credential_per_minute,
            "ip": limits.ip_per_minute,
            "link": limits.link_ip_per_minute,
        }
        self.buckets = {
            kind: Buckets(per_minute=per_minute, max_keys=limits.max_keys)
            for kind, per_minute in kinds.items()
            if per_minute > 0
        }

    def keys(self, scope: Scope) -> list[tuple[Buckets, bytes]]:
        """The buckets a request is counted in, with its key in each."""
        client = scope.get("client")
        # request.client as uvicorn set it: the proxy's view only when --forwarded-allow-ips
        # trusts that proxy, so a client cannot pick its own bucket with X-Forwarded-For.
        ip = (client[0] if client else "unknown").encode()
        found: dict[str, bytes] = {"ip": _key(ip)}
        authorization = dict(scope["headers"]).get(b"authorization")
        if authorization is not None:
            found["credential"] = _key(authorization)
        link = LINK_PATH.match(scope["path"])
        if link is not None:
            found["link"] = _key(link["code"].encode(), ip)
        return [(self.buckets[kind], key) for kind, key in found.items() if kind in self.buckets]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        counted = self.keys(scope) if scope["type"] == "http" else []
        if not counted:
            await self.app(scope, receive, send)
            return
        now = self.clock()
        standings = [buckets.standing(key, now) for buckets, key in counted]
        refused = [s for s in standings if not s.allowed]
        if refused:
            slowest = max(refused, key=lambda s: s.retry_after_seconds)
            await self._refuse(slowest, scope, receive, send)
            return
        tightest = min(
            (buckets.spend(key, now) for buckets, key in counted), key=lambda s: s.remaining
        )

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                _set_headers(MutableHeaders(scope=message), tightest)
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _refuse(self, standing: Standing, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem(
            status=429,
            code="rate_limited",
            detail=f"too many requests: retry in {standing.retry_after_seconds} s",
            instance=scope["path"],
        )
        _set_headers(response.headers, standing)
        response.headers["Retry-After"] = str(standing.retry_after_seconds)
        await response(scope, receive, send)


def _set_headers(headers: MutableHeaders, standing: Standing) -> None:
    headers["RateLimit-Limit"] = str(standing.limit)
    headers["RateLimit-Remaining"] = str(max(0, math.floor(standing.remaining)))
    headers["RateLimit-Reset"] = str(standing.reset_seconds)


def limits_from(settings: Settings) -> Limits:
    """The limits the gateway's rate_limit_* settings name."""
    return Limits(
        credential_per_minute=settings.rate_limit_credential_per_minute,
        ip_per_minute=settings.rate_limit_ip_per_minute,
        link_ip_per_minute=settings.rate_limit_link_ip_per_minute,
        max_keys=settings.rate_limit_max_keys,
    )
