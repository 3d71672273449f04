"""Path hygiene against a corpus of traversal and smuggling variants, scoped as uvicorn would."""

import json
from typing import Any
from urllib.parse import unquote

import pytest
from starlette.types import Message, Receive, Scope, Send

from gateway.hygiene import PathHygieneMiddleware, path_violation

# Each target is what a client puts on the request line; all must be refused.
TRAVERSALS: list[bytes] = [
    # literal dot-segments
    b"/v1/me/../../metrics",
    b"/v1/me/../metrics",
    b"/v1/content/../../readyz",
    b"/v1/me/./feed",
    b"/v1/me/.",
    b"/v1/me/..",
    b"/./v1/me",
    b"/../metrics",
    b"/v1/me/feed/../../../metrics",
    # percent-encoded dots, any case, any mix
    b"/v1/me/%2e%2e/%2e%2e/metrics",
    b"/v1/me/%2E%2E/%2E%2E/metrics",
    b"/v1/me/%2E./%2e./metrics",
    b"/v1/me/.%2e/.%2E/metrics",
    b"/v1/me/%2e/feed",
    b"/v1/me/%2e%2e",
    # double (and deeper) encoding
    b"/v1/me/%252e%252e/%252e%252e/metrics",
    b"/v1/me/%252E%252E/metrics",
    b"/v1/me/%25252e%25252e/metrics",
    b"/v1/me/..%252f..%252fmetrics",
    b"/v1/me/%255c..%255cmetrics",
    b"/v1/me/%25%32%65%25%32%65/metrics",
    # encoded slashes
    b"/v1/me/..%2f..%2fmetrics",
    b"/v1/me/..%2F..%2Fmetrics",
    b"/v1/content/a%2Fb",
    b"/v1/me%2f..%2f..%2fmetrics",
    # backslashes, literal and encoded
    b"/v1/me\\..\\..\\metrics",
    b"/v1/me/..\\metrics",
    b"/v1/me/..%5c..%5cmetrics",
    b"/v1/me/..%5C..%5Cmetrics",
    # path parameters
    b"/v1/me;/../metrics",
    b"/v1/me/..;/..;/metrics",
    b"/v1/me;foo=bar/feed",
    b"/v1/me/%3b/../metrics",
    # NUL and control characters, raw and encoded
    b"/v1/me/feed%00",
    b"/v1/me/..%00/metrics",
    b"/v1/me/feed\x00",
    b"/v1/me/%0d%0aX-Injected:%201",
    b"/v1/me/\tfeed",
    b"/v1/me/feed%7f",
    # empty segments
    b"//metrics",
    b"/v1//me/feed",
    b"/v1/me//..//metrics",
    # overlong UTF-8 and look-alike dots
    b"/v1/me/%c0%ae%c0%ae/metrics",
    b"/v1/me/%e0%80%ae%e0%80%ae/metrics",
    b"/v1/me/%ef%bc%8e%ef%bc%8e/metrics",
    "/v1/me/\uff0e\uff0e/metrics".encode(),
    b"/v1/me/\xc0\xae\xc0\xae/metrics",
    # other shapes a server or proxy might normalise
    b"/v1/me/feed/.%2e",
    b"*",
    b"v1/me/feed",
    b"/v1/me/feed#/../../metrics",
    b"/v1/me/ feed",
]

CANONICAL: list[bytes] = [
    b"/",
    b"/v1/me/feed",
    b"/v1/me/feed/",
    b"/v1/content/0b8f6a7e-3f55-4a4e-9d1c-0d4c3a1f2e11/approve",
    b"/l/Ab3_x-9~",
    b"/v1/metrics/content/42",
    b"/docs",
    b"/v1/me/...",
    b"/v1/me/.well-known",
    b"/v1/me/a.b..c",
    b"/scim/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:User",
    b"/scim/v2/Users/.search",
]


def uvicorn_scope(target: bytes) -> Scope:
    """The scope uvicorn builds from a request line's target (path decoded, query split off)."""
    raw_path, _, query = target.partition(b"?")
    return {
        "type": "http",
        "method": "GET",
        "path": unquote(raw_path.decode("latin-1")),
        "raw_path": raw_path,
        "query_string": query,
        "headers": [],
    }


async def call(target: bytes) -> tuple[int, dict[str, Any], bool]:
    """Status, JSON body and whether the inner app ran, for one request through the middleware."""
    reached = False
    sent: list[Message] = []

    async def inner(scope: Scope, receive: Receive, send: Send) -> None:
        nonlocal reached
        reached = True
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    async def receive() -> Message:
        return {"type": "http.request", "body": b""}

    async def send(message: Message) -> None:
        sent.append(message)

    await PathHygieneMiddleware(inner)(uvicorn_scope(target), receive, send)
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return sent[0]["status"], json.loads(body), reached


def test_corpus_is_large_and_distinct() -> None:
    assert len(TRAVERSALS) >= 40
    assert len(set(TRAVERSALS)) == len(TRAVERSALS)


@pytest.mark.parametrize("target", TRAVERSALS, ids=repr)
async def test_request_is_400_and_never_routed_for_traversal(target: bytes) -> None:
    status, body, reached = await call(target)

    assert (status, body["type"], reached) == (400, "urn:advocacy:problem:invalid_path", False)
    assert body["detail"]


@pytest.mark.parametrize("target", CANONICAL, ids=repr)
async def test_request_reaches_app_for_canonical_path(target: bytes) -> None:
    status, _, reached = await call(target)

    assert (status, reached) == (200, True)


def test_query_string_is_not_checked() -> None:
    scope = uvicorn_scope(b"/v1/me/feed?next=../../metrics%2f%00;x")

    assert path_violation(scope["path"], scope["raw_path"]) is None


def test_path_violation_refuses_decoded_path_that_differs_from_raw() -> None:
    # A server that decoded more than once, or normalised, hands us a path the raw one is not.
    assert path_violation("/v1/me/../metrics", b"/v1/me/feed") is not None
    assert path_violation("/v1/me/metrics", b"/v1/me/feed") is not None


def test_path_violation_checks_path_when_raw_path_is_missing() -> None:
    assert path_violation("/v1/me/../metrics", None) is not None
    assert path_violation("/v1/me/feed", None) is None


async def test_non_http_scopes_pass_through() -> None:
    seen: list[str] = []

    async def inner(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope["type"])

    async def nothing() -> Message:
        return {}

    async def drop(message: Message) -> None:
        return None

    await PathHygieneMiddleware(inner)({"type": "lifespan"}, nothing, drop)

    assert seen == ["lifespan"]
