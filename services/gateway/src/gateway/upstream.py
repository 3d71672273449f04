"""The aiohttp sessions that carry proxied requests to the services, and one exchange on them.

aiohttp rather than httpx for this one job (ADR 0010): httpcore's pool bookkeeping cost ~4.6 ms
of CPU per proxied request at 50 clients, aiohttp ~1.1 ms. httpx stays for the gateway's own
calls (JWKS, API-key introspection, readiness).
"""

from dataclasses import dataclass
from types import SimpleNamespace

import aiohttp
from yarl import URL

from gateway.config import Settings

# The caller's allowed headers and ours, nothing that aiohttp would add on its own: no
# Accept-Encoding (bodies are relayed as they come, never decompressed), no User-Agent, no
# application/octet-stream Content-Type on a body the caller sent without one.
_NOT_ADDED = frozenset({"Accept", "Accept-Encoding", "Content-Type", "User-Agent"})


@dataclass(frozen=True, slots=True)
class Answer:
    """The upstream's response, read whole: bounded JSON bodies, so no streaming."""

    status: int
    body: bytes
    headers: list[tuple[str, str]]


@dataclass(slots=True)
class Attempt:
    """What one send went through, for the retry: a new connection, and any response at all."""

    opened: bool = False
    answered: bool = False


async def _connection_opened(
    _session: aiohttp.ClientSession,
    context: SimpleNamespace,
    _params: aiohttp.TraceConnectionCreateStartParams,
) -> None:
    attempt = context.trace_request_ctx
    if isinstance(attempt, Attempt):
        attempt.opened = True


def _watching_new_connections() -> aiohttp.TraceConfig:
    config = aiohttp.TraceConfig()
    config.on_connection_create_start.append(_connection_opened)
    return config


def session(settings: Settings, *, keep_alive: bool) -> aiohttp.ClientSession:
    """A session to the services; keep_alive=False opens a connection per request (the retry's)."""
    connector = aiohttp.TCPConnector(
        limit=settings.upstream_max_connections,
        limit_per_host=0,
        force_close=not keep_alive,
        # Only without force_close; below uvicorn's 5 s so that we drop a connection first.
        keepalive_timeout=settings.upstream_keepalive_expiry_seconds if keep_alive else None,
    )
    client = aiohttp.ClientSession(
        connector=connector,
        # connect: waiting for a free connection and opening it; sock_connect: opening it.
        timeout=aiohttp.ClientTimeout(
            total=None,
            connect=settings.upstream_pool_timeout_seconds,
            sock_connect=settings.upstream_connect_timeout_seconds,
            sock_read=settings.upstream_timeout_seconds,
        ),
        auto_decompress=False,
        skip_auto_headers=_NOT_ADDED,
        cookie_jar=aiohttp.DummyCookieJar(),  # one caller's cookies never reach another's request
        trace_configs=[_watching_new_connections()] if keep_alive else None,
    )
    # aiohttp sends an idempotent request once more when its connection breaks, reused or not, and
    # possibly down another stale pooled one. gateway.retry decides instead (docs/gateway.md);
    # test_request_broken_on_a_connection_opened_for_it_is_not_retried fails if this stops working.
    client._retry_connection = False
    return client


async def exchange(
    client: aiohttp.ClientSession,
    method: str,
    url: str,
    *,
    headers: list[tuple[str, str]],
    body: bytes,
    attempt: Attempt | None = None,
) -> Answer:
    """One request and its whole answer; aiohttp errors propagate for the caller to map."""
    async with client.request(
        method,
        # encoded=True: the request-target goes as given, nothing re-encoded or normalised.
        URL(url, encoded=True),
        headers=headers,
        data=body or None,
        allow_redirects=False,
        trace_request_ctx=attempt,
    ) as response:
        if attempt is not None:
            attempt.answered = True
        content = await response.read()
        return Answer(response.status, content, list(response.headers.items()))
