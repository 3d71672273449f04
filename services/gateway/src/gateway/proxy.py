"""Forwarding one request to an upstream and its answer back, headers filtered both ways."""

import logging
from collections.abc import Iterable
from urllib.parse import quote

import aiohttp
from fastapi import Request, Response

from common import correlation
from gateway.errors import UpstreamBadResponse, UpstreamTimeout, UpstreamUnavailable
from gateway.hygiene import InvalidPath
from gateway.retry import UpstreamClient

log = logging.getLogger(__name__)

# Every printable ASCII character: a query is forwarded as received, only non-ASCII is escaped.
_QUERY_AS_IS = "".join(chr(code) for code in range(0x21, 0x7F))

# RFC 9110 §7.6.1: meaningful for one connection only, never relayed.
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)
# Allow-lists rather than deny-lists: cookies or internal headers never cross by accident.
# accept-encoding stays out so bodies arrive uncompressed and content-length stays truthful.
# authorization stays out: the caller's credential ends here, the service gets an assertion.
REQUEST_HEADERS = frozenset(
    {
        "accept",
        "accept-language",
        "content-type",
        "idempotency-key",
        "if-match",
        "if-none-match",
        "user-agent",
    }
)
# x-request-id is absent on purpose: the correlation middleware echoes the same id once.
RESPONSE_HEADERS = frozenset(
    {
        "cache-control",
        "content-disposition",  # downloads: a person's data export (GET /v1/me/data)
        "content-language",
        "content-type",
        "etag",
        "idempotent-replayed",
        "last-modified",
        "link",
        "location",
        "retry-after",
        "vary",
        "www-authenticate",
    }
)


def filter_headers(
    headers: Iterable[tuple[str, str]], allowed: frozenset[str]
) -> list[tuple[str, str]]:
    """Keep allowed end-to-end headers; drop hop-by-hop ones, also those named in Connection."""
    pairs = [(name.lower(), value) for name, value in headers]
    named = {
        token.strip().lower()
        for name, value in pairs
        if name == "connection"
        for token in value.split(",")
    }
    return [
        (name, value)
        for name, value in pairs
        if name in allowed and name not in HOP_BY_HOP and name not in named
    ]


def forwarded_headers(request: Request) -> dict[str, str]:
    """x-request-id and x-forwarded-* for the upstream."""
    # Trusting a client's own x-forwarded-* is uvicorn's job (--forwarded-allow-ips); by the time
    # we run, request.client and the scheme already reflect the trusted proxy's view.
    headers = {
        "x-forwarded-proto": request.url.scheme,
        "x-forwarded-host": request.headers.get("host", ""),
    }
    if request.client is not None:
        headers["x-forwarded-for"] = request.client.host
    request_id = correlation.current_id()
    if request_id:
        headers[correlation.HEADER] = request_id
    return headers


def upstream_target(request: Request) -> str:
    """The very path the routes matched, and the query as received (bytes past ASCII escaped)."""
    path: str = request.scope["path"]
    raw_path: bytes | None = request.scope.get("raw_path")
    # PathHygieneMiddleware lets only canonical paths through, where the raw path *is* the
    # decoded one; anything else would mean we route one path and forward another.
    if raw_path is not None and raw_path != path.encode("utf-8"):
        raise InvalidPath("the path must be sent without percent-encoding")
    query: bytes = request.scope.get("query_string", b"")
    if not query:
        return path
    # The request line goes out as UTF-8: a raw byte past ASCII travels as its %XX instead.
    return f"{path}?{quote(query, safe=_QUERY_AS_IS)}"


def upstream_url(base: str, request: Request) -> str:
    """The upstream URL for the request's path and query."""
    return f"{base}{upstream_target(request)}"


async def forward(
    request: Request,
    *,
    client: UpstreamClient,
    base_url: str,
    assertion: str | None = None,
) -> Response:
    """Send the request upstream and relay status, body and safe headers; map transport errors."""
    headers = filter_headers(request.headers.items(), REQUEST_HEADERS)
    headers += forwarded_headers(request).items()
    if assertion is not None:
        headers.append(("authorization", f"Bearer {assertion}"))
    url = upstream_url(base_url, request)
    body = await request.body()
    try:
        answer = await client.send(request.method, url, headers=headers, body=body)
    except (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError) as exc:
        log.warning("upstream unreachable", extra={"upstream": base_url, "error": repr(exc)})
        raise UpstreamUnavailable("the service behind this path is unavailable") from exc
    except TimeoutError as exc:  # aiohttp's read timeout (SocketTimeoutError) is one
        log.warning("upstream timed out", extra={"upstream": base_url, "error": repr(exc)})
        raise UpstreamTimeout("the service behind this path did not answer in time") from exc
    except aiohttp.ClientError as exc:
        log.warning("upstream broke the exchange", extra={"upstream": base_url, "error": repr(exc)})
        raise UpstreamBadResponse("the service behind this path sent no valid answer") from exc
    return _relay(answer.status, answer.body, answer.headers)


def _relay(status: int, body: bytes, headers: Iterable[tuple[str, str]]) -> Response:
    # No media_type: Response then sets only content-length, and the upstream's content-type wins.
    response = Response(content=body, status_code=status)
    for name, value in filter_headers(headers, RESPONSE_HEADERS):
        response.headers.append(name, value)
    return response
