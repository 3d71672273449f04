"""The gateway in front of real upstream servers: auth, forwarding, errors, limits, readiness."""

import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from common import auth
from common.assertions import AssertionVerifier, load_public_keys
from common.dev_keys import DEV_INTERNAL_PUBLIC_KEY

PROBLEM = "application/problem+json"


def assert_problem(response: httpx.Response, *, status: int, code: str) -> None:
    """The response is RFC 9457 problem+json with this status and code."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["type"] == f"urn:advocacy:problem:{code}"


def fresh(prefix: str) -> str:
    """A path no other test uses, so an upstream's log can prove what reached it."""
    return f"{prefix}/{uuid.uuid4().hex}"


@pytest.mark.parametrize(
    "reason",
    ["missing", "wrong_scheme", "wrong_issuer", "wrong_audience", "expired", "garbage"],
)
async def test_request_is_401_without_valid_token(
    gateway: httpx.AsyncClient, upstreams: dict[str, Any], bad_tokens: dict[str, str], reason: str
) -> None:
    path = fresh("/v1/content")
    headers = {} if reason == "missing" else {"authorization": bad_tokens[reason]}

    response = await gateway.get(path, headers=headers)

    assert_problem(response, status=401, code="unauthorized")
    assert response.headers["www-authenticate"] == "Bearer"
    assert upstreams["content"].received(path) == []


async def test_forward_keeps_method_path_query_body_and_identity(
    gateway: httpx.AsyncClient, upstreams: dict[str, Any], bearer: dict[str, str]
) -> None:
    path = fresh("/v1/content") + "/a-b/approve"
    headers = {
        **bearer,
        "x-request-id": "req-123abc",
        "content-type": "application/json",
        "cookie": "session=secret",
        "x-custom-internal": "1",
    }

    response = await gateway.post(f"{path}?x=1&y=a%20b", content=b'{"n": 1}', headers=headers)

    assert response.status_code == 201
    [seen] = upstreams["content"].received(path)
    assert (seen["method"], seen["query"], seen["body"]) == ("POST", "x=1&y=a%20b", '{"n": 1}')
    sent = seen["headers"]
    # The caller's token stops here; the service gets the gateway's assertion for itself.
    assert sent["authorization"] != bearer["authorization"]
    asserted = AssertionVerifier(load_public_keys(DEV_INTERNAL_PUBLIC_KEY), audience="content")
    principal = asserted.verify(auth.bearer_token(sent["authorization"]))
    assert principal.roles == {"org_admin", "employee"}
    assert sent["x-request-id"] == "req-123abc"
    assert sent["content-type"] == "application/json"
    assert (sent["x-forwarded-for"], sent["x-forwarded-proto"]) == ("203.0.113.9", "http")
    assert sent["x-forwarded-host"] == "gw.test"
    assert "cookie" not in sent and "x-custom-internal" not in sent


async def test_forward_relays_status_body_and_only_safe_headers(
    gateway: httpx.AsyncClient, bearer: dict[str, str]
) -> None:
    response = await gateway.get("/v1/me/feed", headers={**bearer, "x-request-id": "abc-1"})

    assert response.status_code == 200
    assert response.json()["path"] == "/v1/me/feed"
    assert response.headers["content-type"] == "application/json"
    assert response.headers["cache-control"] == "no-store"
    assert response.headers.get_list("x-request-id") == ["abc-1"]
    assert "x-internal-node" not in response.headers and "set-cookie" not in response.headers


async def test_forward_generates_request_id_when_caller_has_none(
    gateway: httpx.AsyncClient, upstreams: dict[str, Any], bearer: dict[str, str]
) -> None:
    path = fresh("/v1/metrics")

    response = await gateway.get(path, headers=bearer)

    [seen] = upstreams["metrics"].received(path)
    assert seen["headers"]["x-request-id"] == response.headers["x-request-id"]


@pytest.mark.parametrize(
    ("path", "upstream"),
    [
        ("/v1/content", "content"),
        ("/v1/content/42", "content"),
        ("/v1/programs", "ambassadors"),
        ("/v1/programs/1/sub-programs", "ambassadors"),
        ("/v1/sub-programs/9/enrolments", "ambassadors"),
        ("/v1/me/shares", "ambassadors"),
        ("/v1/metrics/summary", "metrics"),
    ],
)
async def test_forward_sends_each_prefix_to_its_upstream(
    gateway: httpx.AsyncClient, bearer: dict[str, str], path: str, upstream: str
) -> None:
    response = await gateway.get(path, headers=bearer)

    assert response.json()["upstream"] == upstream
    assert response.json()["path"] == path


async def test_link_passes_redirect_through_without_auth(gateway: httpx.AsyncClient) -> None:
    response = await gateway.get("/l/abc123")

    assert response.status_code == 302
    assert response.headers["location"] == "https://example.org/c/abc123"


@pytest.mark.parametrize("path", ["/v1/contents", "/v1/unknown", "/v1", "/admin", "/l/a/b"])
async def test_request_is_404_problem_for_unknown_path(
    gateway: httpx.AsyncClient, bearer: dict[str, str], path: str
) -> None:
    response = await gateway.get(path, headers=bearer)

    assert_problem(response, status=404, code="not_found")


async def test_request_is_405_problem_for_wrong_method(gateway: httpx.AsyncClient) -> None:
    response = await gateway.post("/l/abc123")

    assert_problem(response, status=405, code="method_not_allowed")


async def test_request_is_503_problem_when_upstream_down(
    gateway_for: Any, dead_port: int, bearer: dict[str, str]
) -> None:
    async with gateway_for(metrics_url=f"http://127.0.0.1:{dead_port}") as gateway:
        response = await gateway.get("/v1/metrics/summary", headers=bearer)

    assert_problem(response, status=503, code="upstream_unavailable")


async def test_request_is_504_problem_when_upstream_too_slow(
    gateway_for: Any, bearer: dict[str, str]
) -> None:
    async with gateway_for(upstream_timeout_seconds=0.2) as gateway:
        response = await gateway.get("/v1/content/slow", headers=bearer)

    assert_problem(response, status=504, code="upstream_timeout")


async def _chunks(size: int) -> AsyncIterator[bytes]:
    for _ in range(size // 1024):
        yield b"x" * 1024


# Chunked bodies: common.limits catches _TooLarge, but the metrics BaseHTTPMiddleware re-raises it
# inside an ExceptionGroup, so the caller gets a 500 until libs/common uses `except* _TooLarge`.


@pytest.mark.parametrize("streamed", [False, True])
async def test_request_is_413_problem_for_oversized_body(
    gateway: httpx.AsyncClient, upstreams: dict[str, Any], bearer: dict[str, str], streamed: bool
) -> None:
    path = fresh("/v1/content")
    body = _chunks(8192) if streamed else b"x" * 8192

    response = await gateway.post(path, content=body, headers=bearer)

    assert_problem(response, status=413, code="payload_too_large")
    assert upstreams["content"].received(path) == []


async def test_readyz_is_ready_when_upstreams_answer(gateway: httpx.AsyncClient) -> None:
    response = await gateway.get("/readyz")

    assert response.status_code == 200
