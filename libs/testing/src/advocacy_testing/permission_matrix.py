"""Call every cell of the permission table and report each answer that differs from it.

A `World` holds org A's objects and one credential per caller; it is built through the gateway
(e2e) or in front of one service (integration). Routes that change state act on fresh objects
made by A's admin, so an allowed call succeeds and a refused one is refused for who calls, not
for what is missing.
"""

import uuid
from collections.abc import Callable, Iterable

import httpx

from advocacy_testing.permission_cells import Outcome, Row
from advocacy_testing.rooms import ROOM_CALLS
from advocacy_testing.world import (
    Call,
    Headers,
    RowKey,
    World,
    _get,
    _post,
    fresh_draft,
    fresh_grant,
    fresh_key,
    fresh_sub_program,
)

__all__ = ["CALLS", "World", "check", "fresh_draft"]


def _staff_calls(scope: Callable[[World], str], path: str) -> dict[RowKey, Call]:
    def grant(role: str) -> Call:
        return _post(
            lambda w: f"{scope(w)}/staff", lambda w: {"user_id": str(uuid.uuid4()), "role": role}
        )

    def revoke(role: str) -> Call:
        async def call(client: httpx.AsyncClient, world: World, headers: Headers) -> httpx.Response:
            grant_id = await fresh_grant(client, world, scope(world), role)
            return await client.delete(f"{scope(world)}/staff/{grant_id}", headers=headers)

        return call

    return {
        ("POST", f"{path}/staff", "reviewer"): grant("reviewer"),
        ("POST", f"{path}/staff", "program_manager"): grant("program_manager"),
        ("GET", f"{path}/staff", ""): _get(lambda w: f"{scope(w)}/staff"),
        ("DELETE", f"{path}/staff/{{grant_id}}", "reviewer"): revoke("reviewer"),
        ("DELETE", f"{path}/staff/{{grant_id}}", "program_manager"): revoke("program_manager"),
    }


def _program(w: World) -> str:
    return f"/v1/programs/{w.program_id}"


def _sub_program(w: World) -> str:
    return f"/v1/sub-programs/{w.sub_program_id}"


async def _join(client: httpx.AsyncClient, world: World, headers: Headers) -> httpx.Response:
    target = await fresh_sub_program(client, world)
    body = {"network": "linkedin", "audience_size": 10}
    return await client.post(f"/v1/sub-programs/{target}/members", json=body, headers=headers)


async def _leave(client: httpx.AsyncClient, world: World, headers: Headers) -> httpx.Response:
    url = f"/v1/sub-programs/{world.second_sub_program_id}/members/me"
    return await client.delete(url, headers=headers)


async def _approve(client: httpx.AsyncClient, world: World, headers: Headers) -> httpx.Response:
    draft = await fresh_draft(client, world)
    return await client.post(f"/v1/content/{draft}/approve", headers=headers)


async def _revoke_key(client: httpx.AsyncClient, world: World, headers: Headers) -> httpx.Response:
    key_id = await fresh_key(client, world)
    return await client.delete(f"/v1/api-keys/{key_id}", headers=headers)


def _dead_letter_calls(consumer: str) -> dict[RowKey, Call]:
    base = f"/v1/ops/dead-letters/{consumer}"
    return {
        ("GET", base, ""): _get(lambda w: base),
        ("GET", f"{base}/{{partition}}/{{offset}}", ""): _get(lambda w: f"{base}/0/0"),
        ("POST", f"{base}/{{partition}}/{{offset}}/replay", ""): _post(
            lambda w: f"{base}/0/0/replay"
        ),
        ("POST", f"{base}/replay", ""): _post(lambda w: f"{base}/replay", lambda w: {"limit": 1}),
    }


CALLS: dict[RowKey, Call] = {
    ("POST", "/v1/programs", ""): _post(lambda w: "/v1/programs", lambda w: {"name": "New"}),
    ("GET", "/v1/programs", ""): _get(lambda w: "/v1/programs"),
    ("GET", "/v1/programs/{program_id}", ""): _get(_program),
    ("POST", "/v1/programs/{program_id}/sub-programs", ""): _post(
        lambda w: f"{_program(w)}/sub-programs", lambda w: {"name": "New", "kind": "topic"}
    ),
    ("GET", "/v1/programs/{program_id}/sub-programs", ""): _get(
        lambda w: f"{_program(w)}/sub-programs"
    ),
    ("GET", "/v1/sub-programs/{sub_program_id}", ""): _get(_sub_program),
    ("POST", "/v1/sub-programs/{sub_program_id}/members", ""): _join,
    ("DELETE", "/v1/sub-programs/{sub_program_id}/members/me", ""): _leave,
    **_staff_calls(_program, "/v1/programs/{program_id}"),
    **_staff_calls(_sub_program, "/v1/sub-programs/{sub_program_id}"),
    ("GET", "/v1/me/staff-roles", ""): _get(lambda w: "/v1/me/staff-roles"),
    ("GET", "/v1/me/feed", ""): _get(lambda w: "/v1/me/feed"),
    ("GET", "/v1/me/shares", ""): _get(lambda w: "/v1/me/shares"),
    ("POST", "/v1/me/shares", ""): _post(
        lambda w: "/v1/me/shares", lambda w: {"content_id": w.published_id, "network": "linkedin"}
    ),
    ("GET", "/l/{code}", ""): _get(lambda w: f"/l/{w.link_code}"),
    ("POST", "/v1/api-keys", ""): _post(
        lambda w: "/v1/api-keys", lambda w: {"name": "New", "scopes": ["events:read"]}
    ),
    ("GET", "/v1/api-keys", ""): _get(lambda w: "/v1/api-keys"),
    ("GET", "/v1/api-keys/{api_key_id}", ""): _get(lambda w: f"/v1/api-keys/{w.api_key_id}"),
    ("DELETE", "/v1/api-keys/{api_key_id}", ""): _revoke_key,
    ("POST", "/v1/content", ""): _post(
        lambda w: "/v1/content",
        lambda w: {
            "sub_program_id": w.sub_program_id,
            "title": "New",
            "url": "https://example.com",
        },
    ),
    ("GET", "/v1/content", ""): _get(lambda w: "/v1/content"),
    ("GET", "/v1/content/{content_id}", "draft"): _get(lambda w: f"/v1/content/{w.draft_id}"),
    ("GET", "/v1/content/{content_id}", "published"): _get(
        lambda w: f"/v1/content/{w.published_id}"
    ),
    ("POST", "/v1/content/{content_id}/approve", "draft"): _approve,
    ("GET", "/v1/metrics/summary", ""): _get(lambda w: "/v1/metrics/summary"),
    ("GET", "/v1/metrics/content/{content_id}", ""): _get(
        lambda w: f"/v1/metrics/content/{w.published_id}"
    ),
    **_dead_letter_calls("content"),
    **_dead_letter_calls("ambassadors"),
    **_dead_letter_calls("metrics"),
    **ROOM_CALLS,
}


def outcome(response: httpx.Response, row: Row) -> str:
    """The table's name for an answer; anything else is its status code."""
    status = response.status_code
    if 200 <= status < 400:
        return "allowed"
    # An operator asking for a dead letter that does not exist got past every permission check.
    if status == 404 and row.path.startswith("/v1/ops/") and _field(response) in DEAD_LETTER:
        return "allowed"
    return str(status) if status in (401, 403, 404, 422) else f"{status} {response.text[:200]}"


DEAD_LETTER = {"partition", "offset"}


def _field(response: httpx.Response) -> str | None:
    try:
        return str(response.json()["errors"][0]["field"])
    except (ValueError, KeyError, IndexError, TypeError):
        return None


async def check(
    client: httpx.AsyncClient, world: World, rows: Iterable[Row], callers: Iterable[str]
) -> list[str]:
    """Call every (row, caller) cell; one line per cell whose answer differs from the table."""
    differences = []
    for row in rows:
        call = CALLS[row.key]
        for caller in callers:
            expected: Outcome = row.outcomes[caller]
            response = await call(client, world, world.headers.get(caller, {}))
            got = outcome(response, row)
            if got != expected:
                route = f"{row.method} {row.path}" + (f" ({row.variant})" if row.variant else "")
                differences.append(f"{route} as {caller}: expected {expected}, got {got}")
    return differences
