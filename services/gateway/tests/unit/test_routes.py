"""The route table: which paths the gateway exposes, to whom, and how."""

import pytest
from starlette.routing import Match

from gateway.router import router
from gateway.routes import match


@pytest.mark.parametrize(
    ("path", "upstream"),
    [
        ("/v1/content", "content"),
        ("/v1/content/", "content"),
        ("/v1/content/3f2a/approve", "content"),
        ("/v1/programs", "ambassadors"),
        ("/v1/programs/1/sub-programs", "ambassadors"),
        ("/v1/sub-programs/7", "ambassadors"),
        ("/v1/me/feed", "ambassadors"),
        ("/v1/api-keys", "ambassadors"),
        ("/v1/api-keys/{api_key_id}", "ambassadors"),
        ("/v1/metrics/summary", "metrics"),
        ("/l/x7Yz", "ambassadors"),
        ("/v1/ops/dead-letters/metrics", "metrics"),
        ("/v1/ops/dead-letters/metrics/2/17/replay", "metrics"),
        ("/v1/ops/dead-letters/ambassadors", "ambassadors"),
        ("/v1/ops/dead-letters/ambassadors/{partition}/{offset}", "ambassadors"),
        ("/v1/ops/dead-letters/content", "content"),
        ("/scim/v2/Users", "ambassadors"),
        ("/scim/v2/Users/{employee_id}", "ambassadors"),
        ("/scim/v2/Users/.search", "ambassadors"),
        ("/scim/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:User", "ambassadors"),
    ],
)
def test_match_finds_upstream_for_exposed_path(path: str, upstream: str) -> None:
    route = match(path)

    assert route is not None and route.upstream == upstream


@pytest.mark.parametrize(
    "path",
    [
        "/v1",
        "/v1/contents",
        "/v1/programsx",
        "/v1/users",
        "/v1/api-keysx",
        "/internal/api-keys/introspect",
        "/l",
        "/l/a/b",
        "/healthz",
        "/",
        "/v1/ops/dead-letters",
        "/v1/ops/dead-letters/gateway",
        "/v1/ops/dead-letters/metricsx",
        "/scim",
        "/scim/v2x",
        "/scim/v1/Users",
    ],
)
def test_match_is_none_for_unexposed_path(path: str) -> None:
    assert match(path) is None


def test_match_accepts_openapi_templates() -> None:
    assert match("/v1/content/{content_id}") is not None
    assert match("/l/{code}") is not None


def test_match_marks_only_links_public() -> None:
    link, api = match("/l/abc"), match("/v1/me/feed")

    assert link is not None and link.public and link.methods == {"GET", "HEAD"}
    assert api is not None and not api.public


def _resolve(method: str, path: str) -> Match:
    scope = {"type": "http", "method": method, "path": path, "root_path": ""}
    matches: list[Match] = [route.matches(scope)[0] for route in router.routes]
    return max(matches, key=lambda m: m.value)


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("DELETE", "/v1/content/1", Match.FULL),
        ("PATCH", "/v1/programs/1", Match.FULL),
        ("GET", "/l/abc", Match.FULL),
        ("HEAD", "/l/abc", Match.FULL),
        ("POST", "/l/abc", Match.PARTIAL),
        ("GET", "/v1/contents", Match.NONE),
    ],
)
def test_router_resolves_method_and_path_from_table(
    method: str, path: str, expected: Match
) -> None:
    assert _resolve(method, path) == expected
