"""Permission rows of ideas, submissions and help requests.

Every call acts on a fresh object: an idea A's admin drafts (and publishes) in S, a submission or
a help request S's member makes, so an allowed call succeeds and a refusal is about who calls.
"""

from collections.abc import Awaitable, Callable

import httpx

from advocacy_testing.permission_cells import KEYS, PERSONS_OF_A, Outcome, Row, cells
from advocacy_testing.world import Call, Headers, RowKey, World

NO_KEYS: dict[str, Outcome] = dict.fromkeys(KEYS, "403")  # these are for people, not API keys
SEERS = ("org_admin", "program_manager", "reviewer", "analyst")
LISTERS = (*PERSONS_OF_A, "operator", "other_org_admin")  # org-wide lists: their own answer
SEEN_NOT_AUTHOR: dict[str, Outcome] = dict.fromkeys(SEERS, "403")
Fresh = Callable[[httpx.AsyncClient, World], Awaitable[str]]


def _writers(**extra: Outcome) -> dict[str, Outcome]:
    return cells(
        "org_admin",
        "program_manager",
        reviewer="403",
        analyst="403",
        otherwise="404",
        **NO_KEYS,
        **extra,
    )


def _reviewers() -> dict[str, Outcome]:
    return cells(
        "org_admin",
        "program_manager",
        "reviewer",
        analyst="403",
        member="403",
        otherwise="404",
        **NO_KEYS,
    )


def _idea_rows() -> list[Row]:
    one = "/v1/ideas/{idea_id}"
    writers = "org admin; program managers covering S (seen but not allowed: 403)"
    return [
        Row(
            "POST",
            "/v1/ideas",
            "content",
            "org admin; program managers covering every target (org B: S is unknown, 422)",
            cells("org_admin", "program_manager", other_org_admin="422"),
        ),
        Row(
            "GET", "/v1/ideas", "content", "any person (what they see); no API key", cells(*LISTERS)
        ),
        Row(
            "GET",
            one,
            "content",
            "org admin, analysts, staff covering S",
            cells(*SEERS, otherwise="404", **NO_KEYS),
            variant="draft",
        ),
        Row(
            "GET",
            one,
            "content",
            "as a draft, plus S's members",
            cells(*SEERS, "member", otherwise="404", **NO_KEYS),
            variant="published",
        ),
        Row("PATCH", one, "content", writers, _writers(), variant="draft"),
        Row("POST", f"{one}/publish", "content", writers, _writers(), variant="draft"),
        Row(
            "POST",
            f"{one}/close",
            "content",
            writers + "; S's members see it: 403",
            _writers(member="403"),
            variant="published",
        ),
    ]


def _submission_rows() -> list[Row]:
    one = "/v1/submissions/{submission_id}"
    reviewers = "org admin; PMs and reviewers covering S; never its author (403)"
    return [
        Row(
            "POST",
            "/v1/submissions",
            "content",
            "members of the sub-program (others 403; other orgs: S is unknown, 422)",
            cells("member", operator="422", other_org_admin="422"),
        ),
        Row(
            "GET",
            "/v1/submissions",
            "content",
            "any person (what they see); no API key",
            cells(*LISTERS),
        ),
        Row(
            "GET",
            one,
            "content",
            "its author, org admin, analysts, staff covering S",
            cells(*SEERS, "member", otherwise="404", **NO_KEYS),
        ),
        Row(
            "PATCH",
            one,
            "content",
            "its author (others who see it: 403)",
            cells("member", **SEEN_NOT_AUTHOR, otherwise="404", **NO_KEYS),
            variant="submitted",
        ),
        Row("POST", f"{one}/approve", "content", reviewers, _reviewers(), variant="submitted"),
        Row("POST", f"{one}/request-changes", "content", reviewers, _reviewers(), "submitted"),
        Row("POST", f"{one}/reject", "content", reviewers, _reviewers(), variant="submitted"),
    ]


def _help_rows() -> list[Row]:
    one = "/v1/help-requests/{help_request_id}"
    handlers = "org admin; PMs and reviewers covering S (its requester: 403)"
    unseen: dict[str, Outcome] = dict.fromkeys(
        ("employee", "ungranted_manager", "operator", "other_org_admin"), "422"
    )
    return [
        Row(
            "POST",
            "/v1/help-requests",
            "content",
            "members of a sub-program of what it is about (it unseen: 422 naming idea_id)",
            cells("member", **unseen),
        ),
        Row(
            "GET",
            "/v1/help-requests",
            "content",
            "any person (what they see); no API key",
            cells(*LISTERS),
        ),
        Row(
            "GET",
            one,
            "content",
            "its requester, org admin, analysts, staff covering S",
            cells(*SEERS, "member", otherwise="404", **NO_KEYS),
        ),
        Row("POST", f"{one}/assign", "content", handlers, _reviewers(), variant="open"),
        Row("POST", f"{one}/close", "content", handlers, _reviewers(), variant="open"),
    ]


def rows() -> list[Row]:
    return [*_idea_rows(), *_submission_rows(), *_help_rows()]


async def _created(response: httpx.Response) -> str:
    assert response.status_code in (200, 201), response.text
    return str(response.json()["id"])


async def fresh_idea(client: httpx.AsyncClient, world: World, *, publish: bool = False) -> str:
    body = {
        "title": "Why you joined",
        "angle": "In your words",
        "format": "text",
        "targeting": {"sub_program_ids": [world.sub_program_id]},
    }
    idea = await _created(await client.post("/v1/ideas", json=body, headers=world.admin))
    if publish:
        await _created(await client.post(f"/v1/ideas/{idea}/publish", headers=world.admin))
    return idea


async def fresh_published_idea(client: httpx.AsyncClient, world: World) -> str:
    return await fresh_idea(client, world, publish=True)


async def fresh_submission(client: httpx.AsyncClient, world: World) -> str:
    body = {"title": "My year", "text": "What I learnt", "sub_program_id": world.sub_program_id}
    member = world.headers["member"]
    return await _created(await client.post("/v1/submissions", json=body, headers=member))


async def fresh_help_request(client: httpx.AsyncClient, world: World) -> str:
    body = {
        "kind": "designer",
        "message": "A visual",
        "idea_id": await fresh_published_idea(client, world),
    }
    member = world.headers["member"]
    return await _created(await client.post("/v1/help-requests", json=body, headers=member))


def _on(fresh: Fresh, method: str, base: str, suffix: str = "", body: object = None) -> Call:
    async def call(client: httpx.AsyncClient, world: World, headers: Headers) -> httpx.Response:
        url = f"{base}/{await fresh(client, world)}{suffix}"
        return await client.request(method, url, json=body, headers=headers)

    return call


def _new(url: str, body: Callable[[httpx.AsyncClient, World], Awaitable[object]]) -> Call:
    async def call(client: httpx.AsyncClient, world: World, headers: Headers) -> httpx.Response:
        return await client.post(url, json=await body(client, world), headers=headers)

    return call


def _list(url: str) -> Call:
    async def call(client: httpx.AsyncClient, world: World, headers: Headers) -> httpx.Response:
        return await client.get(url, headers=headers)

    return call


async def _idea_body(client: httpx.AsyncClient, world: World) -> object:
    return {
        "title": "New",
        "angle": "An angle",
        "format": "photo",
        "targeting": {"sub_program_ids": [world.sub_program_id]},
    }


async def _submission_body(client: httpx.AsyncClient, world: World) -> object:
    return {"title": "Mine", "text": "My post", "sub_program_id": world.sub_program_id}


async def _help_body(client: httpx.AsyncClient, world: World) -> object:
    idea = await fresh_published_idea(client, world)
    return {"kind": "writer", "message": "Help me", "idea_id": idea}


def _idea_calls() -> dict[RowKey, Call]:
    one, base = "/v1/ideas/{idea_id}", "/v1/ideas"
    return {
        ("POST", base, ""): _new(base, _idea_body),
        ("GET", base, ""): _list(base),
        ("GET", one, "draft"): _on(fresh_idea, "GET", base),
        ("GET", one, "published"): _on(fresh_published_idea, "GET", base),
        ("PATCH", one, "draft"): _on(fresh_idea, "PATCH", base, body={"title": "Edited"}),
        ("POST", f"{one}/publish", "draft"): _on(fresh_idea, "POST", base, "/publish"),
        ("POST", f"{one}/close", "published"): _on(fresh_published_idea, "POST", base, "/close"),
    }


def _submission_calls() -> dict[RowKey, Call]:
    one, base = "/v1/submissions/{submission_id}", "/v1/submissions"
    reason = {"reason": "Add a date"}
    return {
        ("POST", base, ""): _new(base, _submission_body),
        ("GET", base, ""): _list(base),
        ("GET", one, ""): _on(fresh_submission, "GET", base),
        ("PATCH", one, "submitted"): _on(fresh_submission, "PATCH", base, body={"text": "Edit"}),
        ("POST", f"{one}/approve", "submitted"): _on(fresh_submission, "POST", base, "/approve"),
        ("POST", f"{one}/request-changes", "submitted"): _on(
            fresh_submission, "POST", base, "/request-changes", reason
        ),
        ("POST", f"{one}/reject", "submitted"): _on(
            fresh_submission, "POST", base, "/reject", reason
        ),
    }


def _help_calls() -> dict[RowKey, Call]:
    one, base = "/v1/help-requests/{help_request_id}", "/v1/help-requests"
    assignee = {"assignee_id": "00000000-0000-4000-8000-000000000001"}
    return {
        ("POST", base, ""): _new(base, _help_body),
        ("GET", base, ""): _list(base),
        ("GET", one, ""): _on(fresh_help_request, "GET", base),
        ("POST", f"{one}/assign", "open"): _on(
            fresh_help_request, "POST", base, "/assign", assignee
        ),
        ("POST", f"{one}/close", "open"): _on(
            fresh_help_request, "POST", base, "/close", {"resolution": "Done"}
        ),
    }


def calls() -> dict[RowKey, Call]:
    return {**_idea_calls(), **_submission_calls(), **_help_calls()}
