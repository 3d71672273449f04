"""The retry: a request that cannot have reached the service goes once more, on a new
connection, so that one failing request never turns into a second, unrelated one.

A service that crashes after answering (or whose keep-alive timeout fires) closes a connection
the pool still holds as idle; the next request sent down it dies before any response byte. That
request is sent again on a new connection when doing so cannot apply it twice:

- the connection could not be opened, or no pooled connection was free in time: it was never sent;
- the connection was a reused one and broke before the response began, and the request is
  idempotent by its method or carries an Idempotency-Key (the service replays the first answer).

A request that broke on a connection opened for it, after response bytes, or on a read timeout
is not repeated.
"""

import contextlib
import logging
from collections.abc import AsyncIterator

import aiohttp
from prometheus_client import Counter

from gateway import upstream
from gateway.config import Settings

log = logging.getLogger(__name__)

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
# Connect errors, and ConnectionTimeoutError: opening a connection, or waiting for a free one.
NEVER_SENT = (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError)
# A closed or reset connection; a read timeout (SocketTimeoutError) is neither.
BROKEN_CONNECTION = (aiohttp.ServerDisconnectedError, aiohttp.ClientOSError)

RETRIES = Counter(
    "gateway_upstream_retries_total",
    "Requests sent again on a new connection after one that could not have reached the service",
    ["reason"],
)


def may_retry(
    method: str, headers: list[tuple[str, str]], error: Exception, attempt: upstream.Attempt
) -> bool:
    """True when sending the request again cannot make the service apply it twice."""
    if isinstance(error, NEVER_SENT):
        return True
    if attempt.answered or attempt.opened or not isinstance(error, BROKEN_CONNECTION):
        return False
    if isinstance(error, aiohttp.ServerDisconnectedError) and not isinstance(error.message, str):
        return False  # part of a response head had arrived
    return method in IDEMPOTENT_METHODS or any(name == "idempotency-key" for name, _ in headers)


class UpstreamClient:
    """Sends through the pooled session; retries once through one that never reuses a connection."""

    def __init__(
        self, *, pooled: aiohttp.ClientSession, fresh: aiohttp.ClientSession | None
    ) -> None:
        self.pooled = pooled
        self.fresh = fresh

    async def send(
        self, method: str, url: str, *, headers: list[tuple[str, str]], body: bytes
    ) -> upstream.Answer:
        """The upstream's answer; aiohttp's error when there is none, after the retry if any."""
        attempt = upstream.Attempt()
        try:
            return await upstream.exchange(
                self.pooled, method, url, headers=headers, body=body, attempt=attempt
            )
        except aiohttp.ClientError as exc:
            if self.fresh is None or not may_retry(method, headers, exc, attempt):
                raise
            RETRIES.labels(type(exc).__name__).inc()
            log.info(
                "upstream request retried on a new connection",
                extra={"method": method, "upstream": url.split("/", 3)[2], "error": repr(exc)},
            )
        return await upstream.exchange(self.fresh, method, url, headers=headers, body=body)


@contextlib.asynccontextmanager
async def upstream_client(settings: Settings) -> AsyncIterator[UpstreamClient]:
    """The gateway's client to its services: pooled, with the retry above when enabled."""
    async with contextlib.AsyncExitStack() as stack:
        pooled = await stack.enter_async_context(upstream.session(settings, keep_alive=True))
        fresh = None
        if settings.upstream_retry_once:
            # No keep-alive: the retry must not land on another connection the service has closed.
            fresh = await stack.enter_async_context(upstream.session(settings, keep_alive=False))
        yield UpstreamClient(pooled=pooled, fresh=fresh)
