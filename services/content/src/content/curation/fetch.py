"""Fetching a feed over HTTP, bounded in time, size and redirects, and guarded against SSRF."""

import asyncio
import functools
import ssl
from dataclasses import dataclass

import httpcore
import httpx

from content.curation.safety import GuardedBackend, RefusedAddress

USER_AGENT = "AdvocacyCuration/1.0 (+employee-advocacy feed reader)"
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"
)
MAX_REDIRECTS = 3


class FetchFailed(Exception):
    """The feed could not be fetched (the message is what the source shows as last_error)."""


@dataclass(frozen=True)
class Limits:
    """How long and how much a fetch may take, and whether internal addresses are allowed."""

    timeout_seconds: float = 5.0
    max_bytes: int = 5 * 1024 * 1024
    allow_loopback: bool = False
    allowed_hosts: frozenset[str] = frozenset()  # empty: any host that passes the address rules


@dataclass(frozen=True)
class Fetched:
    """A feed's answer: its body (None when not modified since the validators given)."""

    body: bytes | None
    content_type: str
    url: str
    etag: str | None
    last_modified: str | None


async def fetch(
    url: str, *, limits: Limits, etag: str | None = None, last_modified: str | None = None
) -> Fetched:
    """GET the feed (conditionally when validators are known); FetchFailed says why not."""
    headers = {"User-Agent": USER_AGENT, "Accept": ACCEPT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        # The whole exchange, slow drip included, fits in the timeout (httpx's is per read).
        async with asyncio.timeout(limits.timeout_seconds), _client(limits) as client:
            return await _get(client, url, headers=headers, limits=limits)
    except TimeoutError as exc:
        raise FetchFailed(f"the feed did not answer within {limits.timeout_seconds:g} s") from exc
    except httpx.TooManyRedirects as exc:
        raise FetchFailed(f"the feed redirects more than {MAX_REDIRECTS} times") from exc
    except RefusedAddress as exc:
        raise FetchFailed(f"refused: {exc}") from exc
    except httpx.HTTPError as exc:
        raise FetchFailed(f"could not fetch the feed: {_reason(exc)}") from exc
    except OSError as exc:  # the host name does not resolve
        raise FetchFailed(f"could not reach the feed's host: {exc}") from exc


async def _get(
    client: httpx.AsyncClient, url: str, *, headers: dict[str, str], limits: Limits
) -> Fetched:
    async with client.stream("GET", url, headers=headers) as response:
        if response.status_code == 304:
            return _fetched(response, None)
        if response.status_code >= 400:
            raise FetchFailed(f"the feed answered HTTP {response.status_code}")
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limits.max_bytes:
            raise FetchFailed(_too_large(limits))
        body = bytearray()
        async for chunk in response.aiter_bytes():
            body += chunk
            if len(body) > limits.max_bytes:
                raise FetchFailed(_too_large(limits))
        return _fetched(response, bytes(body))


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    # Loading the CA bundle takes a while and blocks: once per process.
    return httpx.create_ssl_context()


def _client(limits: Limits) -> httpx.AsyncClient:
    transport = httpx.AsyncHTTPTransport(retries=0)
    # httpx has no public hook for the connection's network backend: give its pool ours, so
    # every connection (redirects included) goes through the SSRF check on resolved addresses.
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=_ssl_context(),
        max_connections=4,
        network_backend=GuardedBackend(
            allow_loopback=limits.allow_loopback, allowed_hosts=limits.allowed_hosts
        ),
    )
    return httpx.AsyncClient(
        transport=transport,
        timeout=httpx.Timeout(limits.timeout_seconds),
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        trust_env=False,  # no proxy from the environment: the guard must see the real target
    )


def _fetched(response: httpx.Response, body: bytes | None) -> Fetched:
    return Fetched(
        body=body,
        content_type=response.headers.get("content-type", ""),
        url=str(response.url),
        etag=response.headers.get("etag"),
        last_modified=response.headers.get("last-modified"),
    )


def _too_large(limits: Limits) -> str:
    return f"the feed is larger than {limits.max_bytes // 1024} KiB"


def _reason(exc: httpx.HTTPError) -> str:
    cause = exc.__cause__ or exc.__context__
    if isinstance(cause, RefusedAddress):
        return f"refused: {cause}"
    return str(exc) or type(exc).__name__
