"""Upstream transport: a request that cannot have reached the service goes once more, on a new
connection, so that one failing request never turns into a second, unrelated one.

A service that crashes after answering (or whose keep-alive timeout fires) closes a connection
the pool still holds as idle; the next request sent down it dies before any response byte. That
request is sent again on a new connection when doing so cannot apply it twice:

- the connection could not be opened, or no pooled connection was free: it was never sent;
- the connection was a reused one and broke before the response began, and the request is
  idempotent by its method or carries an Idempotency-Key (the service replays the first answer).

A request that broke on a connection opened for it, or after response bytes, is not repeated.
"""

import logging
from typing import Any

import httpx
from prometheus_client import Counter

log = logging.getLogger(__name__)

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
NEVER_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
BROKEN_CONNECTION = (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)

RETRIES = Counter(
    "gateway_upstream_retries_total",
    "Requests sent again on a new connection after one that could not have reached the service",
    ["reason"],
)


def may_retry(request: httpx.Request, error: httpx.TransportError, *, reused: bool) -> bool:
    """True when sending the request again cannot make the service apply it twice."""
    if not isinstance(request.stream, httpx.ByteStream):
        return False  # a streamed body is gone once sent
    if isinstance(error, NEVER_SENT):
        return True
    if isinstance(error, BROKEN_CONNECTION) and reused:
        return request.method in IDEMPOTENT_METHODS or "idempotency-key" in request.headers
    return False


class _ConnectionWatch:
    """An httpcore trace hook noting whether this request opened a connection of its own."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.opened = False

    async def __call__(self, event: str, info: dict[str, Any]) -> None:
        if event.startswith(("connection.connect_tcp.", "connection.connect_unix_socket.")):
            self.opened = True
        if self.inner is not None:
            await self.inner(event, info)


class RetryOnceTransport(httpx.AsyncBaseTransport):
    """Sends through the pool; retries once on a transport that never reuses a connection."""

    def __init__(self, *, pooled: httpx.AsyncBaseTransport, fresh: httpx.AsyncBaseTransport):
        self.pooled = pooled
        self.fresh = fresh

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        watch = _ConnectionWatch(request.extensions.get("trace"))
        request.extensions["trace"] = watch
        try:
            return await self.pooled.handle_async_request(request)
        except httpx.TransportError as exc:
            if not may_retry(request, exc, reused=not watch.opened):
                raise
            reason = type(exc).__name__
            RETRIES.labels(reason).inc()
            log.info(
                "upstream request retried on a new connection",
                extra={"method": request.method, "host": request.url.host, "error": repr(exc)},
            )
        if watch.inner is None:
            del request.extensions["trace"]
        else:
            request.extensions["trace"] = watch.inner
        return await self.fresh.handle_async_request(request)

    async def aclose(self) -> None:
        await self.pooled.aclose()
        await self.fresh.aclose()


def upstream_transport(*, limits: httpx.Limits, retry_once: bool) -> httpx.AsyncBaseTransport:
    """The gateway's transport to its services: pooled, with the retry above when enabled."""
    pooled = httpx.AsyncHTTPTransport(limits=limits)
    if not retry_once:
        return pooled
    # No keep-alive: the retry must not land on another connection the service has closed.
    fresh = httpx.AsyncHTTPTransport(
        limits=httpx.Limits(max_connections=limits.max_connections, max_keepalive_connections=0)
    )
    return RetryOnceTransport(pooled=pooled, fresh=fresh)
