"""Permission rows of content items' edits, translations, review and publication.

Every state-changing call acts on a fresh item of S that org A's admin made and brought to the
state the route needs, so an allowed call succeeds and a refusal is about who calls.
"""

import httpx

from advocacy_testing.permission_cells import Outcome, Row, cells
from advocacy_testing.world import Call, Headers, RowKey, World, fresh_draft, get_call

BLIND_KEYS: dict[str, Outcome] = dict.fromkeys(("key_programs", "key_metrics", "key_other"), "403")
APPROVERS = ("org_admin", "program_manager", "reviewer")
SEERS_OF_DRAFTS = ("org_admin", "program_manager", "reviewer", "analyst")


def _approvers() -> dict[str, Outcome]:
    return cells(*APPROVERS, analyst="403", otherwise="404", **BLIND_KEYS)


def _editors() -> dict[str, Outcome]:
    return cells(
        "org_admin", "program_manager", reviewer="403", analyst="403", otherwise="404", **BLIND_KEYS
    )


def rows() -> list[Row]:
    base = "/v1/content/{content_id}"
    approvers = "org admin; program managers and reviewers covering S (seen but not allowed: 403)"
    editors = "org admin; program managers covering S (seen but not allowed: 403)"
    return [
        Row("PATCH", base, "content", editors, _editors(), variant="draft"),
        Row(
            "GET",
            f"{base}/translations",
            "content",
            "whoever sees the item (here published: S's members and content:read keys too)",
            cells(*SEERS_OF_DRAFTS, "member", "key_content", otherwise="404", **BLIND_KEYS),
            variant="published",
        ),
        Row("POST", f"{base}/submit", "content", editors, _editors(), variant="draft"),
        Row("POST", f"{base}/request-changes", "content", approvers, _approvers(), "in_review"),
        Row("POST", f"{base}/reject", "content", approvers, _approvers(), variant="draft"),
        Row("POST", f"{base}/schedule", "content", approvers, _approvers(), variant="approved"),
        Row("POST", f"{base}/publish", "content", approvers, _approvers(), variant="approved"),
        Row("POST", f"{base}/archive", "content", approvers, _approvers(), variant="draft"),
        Row(
            "POST",
            f"{base}/comments",
            "content",
            "its approvers and editors (the review trail is theirs)",
            _approvers(),
            variant="draft",
        ),
        Row(
            "GET",
            f"{base}/reviews",
            "content",
            "its approvers and editors (the review trail is theirs)",
            _approvers(),
            variant="draft",
        ),
    ]


async def _in_state(client: httpx.AsyncClient, world: World, state: str) -> str:
    item = await fresh_draft(client, world)
    action, body = {
        "draft": ("", {}),
        "in_review": ("submit", {}),
        "approved": ("approve", {"hold": True}),
    }[state]
    if action:
        done = await client.post(f"/v1/content/{item}/{action}", json=body, headers=world.admin)
        assert done.status_code == 200, done.text
    return item


def _on_fresh(state: str, method: str, suffix: str, body: object) -> Call:
    async def call(client: httpx.AsyncClient, world: World, headers: Headers) -> httpx.Response:
        item = await _in_state(client, world, state)
        url = f"/v1/content/{item}{suffix}"
        return await client.request(method, url, json=body, headers=headers)

    return call


def calls() -> dict[RowKey, Call]:
    base = "/v1/content/{content_id}"
    later = "2099-01-01T00:00:00Z"
    return {
        ("PATCH", base, "draft"): _on_fresh("draft", "PATCH", "", {"title": "Edited"}),
        ("GET", f"{base}/translations", "published"): get_call(
            lambda w: f"/v1/content/{w.published_id}/translations"
        ),
        ("POST", f"{base}/submit", "draft"): _on_fresh("draft", "POST", "/submit", {}),
        ("POST", f"{base}/request-changes", "in_review"): _on_fresh(
            "in_review", "POST", "/request-changes", {"reason": "Add a date"}
        ),
        ("POST", f"{base}/reject", "draft"): _on_fresh(
            "draft", "POST", "/reject", {"reason": "Off brand"}
        ),
        ("POST", f"{base}/schedule", "approved"): _on_fresh(
            "approved", "POST", "/schedule", {"publish_at": later}
        ),
        ("POST", f"{base}/publish", "approved"): _on_fresh("approved", "POST", "/publish", {}),
        ("POST", f"{base}/archive", "draft"): _on_fresh("draft", "POST", "/archive", {}),
        ("POST", f"{base}/comments", "draft"): _on_fresh(
            "draft", "POST", "/comments", {"body": "Nice"}
        ),
        ("GET", f"{base}/reviews", "draft"): get_call(
            lambda w: f"/v1/content/{w.draft_id}/reviews"
        ),
    }
