"""Traversal corpus through the real processes: no request line, however encoded, reaches an
upstream-only route (a service's /metrics or /readyz) through the gateway."""

import asyncio
import uuid
from urllib.parse import urlsplit

import httpx
import pytest

from advocacy_testing.apps import Tenant
from advocacy_testing.stack import Stack

# Request-targets as they go on the wire, aimed at each service's upstream-only routes.
TARGETS: list[bytes] = [
    b"/v1/me/../../metrics",
    b"/v1/me/../../readyz",
    b"/v1/content/../../readyz",
    b"/v1/content/../../metrics",
    b"/v1/metrics/../../metrics",
    b"/v1/programs/../../readyz",
    b"/l/../metrics",
    b"/l/x/../../readyz",
    b"/v1/me/./../../metrics",
    b"/v1/me/feed/../../../metrics",
    b"/v1/me/..",
    b"/v1/me/%2e%2e/%2e%2e/metrics",
    b"/v1/me/%2E%2E/%2E%2E/metrics",
    b"/v1/me/%2E./%2e./metrics",
    b"/v1/me/.%2e/.%2E/metrics",
    b"/v1/content/%2e%2e/%2e%2e/readyz",
    b"/v1/me/%252e%252e/%252e%252e/metrics",
    b"/v1/me/%25252e%25252e/%25252e%25252e/metrics",
    b"/v1/me/%25%32%65%25%32%65/metrics",
    b"/v1/me/..%2f..%2fmetrics",
    b"/v1/me/..%2F..%2Fmetrics",
    b"/v1/me/..%252f..%252fmetrics",
    b"/v1/me%2f..%2f..%2fmetrics",
    b"/v1/me/..\\..\\metrics",
    b"/v1/me/..%5c..%5cmetrics",
    b"/v1/me/..%255c..%255cmetrics",
    b"/v1/me;/../../metrics",
    b"/v1/me/..;/..;/metrics",
    b"/v1/me/%3b/../../metrics",
    b"/v1/me/..%00/../metrics",
    b"/v1/me/feed%00",
    b"/v1/me/%0d%0a/../../metrics",
    b"//metrics",
    b"/v1//../metrics",
    b"/v1/me//..//..//metrics",
    b"/v1/me/%c0%ae%c0%ae/%c0%ae%c0%ae/metrics",
    b"/v1/me/%ef%bc%8e%ef%bc%8e/%ef%bc%8e%ef%bc%8e/metrics",
    b"/v1/me/\xc0\xae\xc0\xae/metrics",
    b"/metrics",  # the gateway's own: on its ops port only
    b"/v1/me/%2e%2e%2f%2e%2e%2freadyz",
    b"http://127.0.0.1/v1/me/../../metrics",
]
# What must never come back: Prometheus text, or readiness that names a service's dependencies.
LEAKS = (b"# HELP", b"# TYPE", b'"checks"', b'"database"', b'"kafka"')


async def send_raw(base_url: str, target: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    """Send one request line with the target exactly as given; the status and the whole answer."""
    url = urlsplit(base_url)
    assert url.hostname is not None and url.port is not None
    reader, writer = await asyncio.open_connection(url.hostname, url.port)
    lines = [b"GET " + target + b" HTTP/1.1", f"Host: {url.netloc}".encode()]
    lines += [f"{name}: {value}".encode() for name, value in headers.items()]
    writer.write(b"\r\n".join([*lines, b"Connection: close", b"", b""]))
    await writer.drain()
    answer = await asyncio.wait_for(reader.read(-1), timeout=10)
    writer.close()
    await writer.wait_closed()
    status = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/1.1 ") else 0
    return status, answer


def test_corpus_is_large() -> None:
    assert len(set(TARGETS)) == len(TARGETS) >= 40


@pytest.mark.parametrize("caller", ["anonymous", "employee", "admin"])
async def test_traversal_never_reaches_an_upstream_only_route(stack: Stack, caller: str) -> None:
    tenant = Tenant()
    headers = {
        "anonymous": {},
        "employee": tenant.headers(user_id=uuid.uuid4()),
        "admin": tenant.headers(admin=True),
    }[caller]

    answers = {t: await send_raw(stack.gateway, t, headers) for t in TARGETS}

    refused = {t: status for t, (status, _) in answers.items() if status in (400, 404)}
    assert refused.keys() == answers.keys(), {t: s for t, (s, _) in answers.items()}
    leaked = [t for t, (_, body) in answers.items() if any(leak in body for leak in LEAKS)]
    assert leaked == []


async def test_traversal_is_400_problem_without_a_token(stack: Stack) -> None:
    status, answer = await send_raw(stack.gateway, b"/v1/me/%2e%2e/%2e%2e/metrics", {})

    assert status == 400
    assert b"application/problem+json" in answer
    assert b"urn:advocacy:problem:invalid_path" in answer


async def test_canonical_request_with_the_same_token_is_served(stack: Stack) -> None:
    # The corpus is refused for its paths, not for its credentials.
    headers = Tenant().headers(user_id=uuid.uuid4())

    status, _ = await send_raw(stack.gateway, b"/v1/me/feed", headers)

    assert status == 200


async def test_gateway_metrics_and_details_are_on_the_ops_port_only(stack: Stack) -> None:
    ops = f"http://127.0.0.1:{stack.services['gateway'].env['GATEWAY_OPS_PORT']}"
    async with httpx.AsyncClient(timeout=10) as client:
        public_metrics = await client.get(f"{stack.gateway}/metrics")
        public_ready = await client.get(f"{stack.gateway}/readyz")
        ops_metrics = await client.get(f"{ops}/metrics")
        ops_ready = await client.get(f"{ops}/readyz")

    assert public_metrics.status_code == 404
    assert (public_ready.status_code, public_ready.json()) == (200, {"status": "ok"})
    assert ops_metrics.status_code == 200 and "# HELP" in ops_metrics.text
    assert set(ops_ready.json()["checks"]) == {"content", "ambassadors", "metrics"}
