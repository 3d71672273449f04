"""A content item's life through the gateway and the real processes, as the member's feed sees it.

Draft -> review -> changes requested -> edited -> review -> approved (published) -> revised ->
archived; the feed follows each step that concerns it through content.events.
"""

import uuid
from collections.abc import Mapping

import httpx

from advocacy_testing.apps import Tenant, new_sub_program
from advocacy_testing.polling import eventually
from advocacy_testing.stack import Stack

Headers = dict[str, str]


async def create_when_known(
    gw: httpx.AsyncClient, admin: Headers, body: Mapping[str, object]
) -> str:
    """Create an item once content has learnt of its sub-programs (an event away); its id."""

    async def attempt() -> httpx.Response:
        return await gw.post("/v1/content", json=body, headers=admin)

    def settled(response: httpx.Response) -> bool:
        if response.status_code == 422:  # not known yet: only the targets may be what's wrong
            assert response.json()["errors"][0]["field"] == "sub_program_ids", response.text
        return response.status_code != 422

    created = await eventually(attempt, settled, timeout=30, interval=0.2)
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


async def joined_member(gw: httpx.AsyncClient, tenant: Tenant, sub_id: str) -> Headers:
    member = tenant.headers(user_id=uuid.uuid4())
    joined = await gw.post(
        f"/v1/sub-programs/{sub_id}/members",
        json={"network": "linkedin", "audience_size": 700},
        headers=member,
    )
    assert joined.status_code == 201, joined.text
    return member


async def granted_reviewer(
    gw: httpx.AsyncClient, tenant: Tenant, sub_id: str, item_id: str
) -> Headers:
    """A reviewer of the sub-program, once content sees the grant (the item becomes visible)."""
    reviewer_id = uuid.uuid4()
    reviewer = tenant.headers(user_id=reviewer_id, roles=["reviewer"])
    granted = await gw.post(
        f"/v1/sub-programs/{sub_id}/staff",
        json={"user_id": str(reviewer_id), "role": "reviewer"},
        headers=tenant.headers(admin=True),
    )
    assert granted.status_code == 201, granted.text
    await eventually(
        lambda: gw.get(f"/v1/content/{item_id}", headers=reviewer),
        lambda response: response.status_code == 200,
    )
    return reviewer


async def feed_titles(gw: httpx.AsyncClient, member: Headers) -> dict[str, str]:
    response = await gw.get("/v1/me/feed", headers=member)
    assert response.status_code == 200, response.text
    return {item["content_id"]: item["title"] for item in response.json()["items"]}


async def step(gw: httpx.AsyncClient, path: str, headers: Headers, **body: object) -> str:
    """POST a lifecycle step that must succeed; the item's status after it."""
    response = await gw.post(path, json=body or None, headers=headers)
    assert response.status_code == 200, response.text
    return str(response.json()["status"])


async def test_reviewed_item_reaches_the_feed_follows_its_revision_and_leaves_when_archived(
    stack: Stack,
) -> None:
    tenant = Tenant()
    admin = tenant.headers(admin=True)
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=10) as gw:
        sub_id = await new_sub_program(gw, tenant)
        member = await joined_member(gw, tenant, sub_id)
        body = {
            "kind": "article",
            "title": "Our new office",
            "url": "https://example.com/office",
            "sub_program_ids": [sub_id],
        }
        item = await create_when_known(gw, admin, body)
        at = f"/v1/content/{item}"

        assert await step(gw, f"{at}/submit", admin) == "in_review"
        reviewer = await granted_reviewer(gw, tenant, sub_id, item)
        sent_back = await step(gw, f"{at}/request-changes", reviewer, reason="Add a photo")
        assert sent_back == "changes_requested"
        edited = await gw.patch(at, json={"body": "With a photo now."}, headers=admin)
        assert edited.status_code == 200, edited.text
        assert await step(gw, f"{at}/submit", admin) == "in_review"
        assert (await gw.get("/v1/me/feed", headers=member)).json()["items"] == []
        assert await step(gw, f"{at}/approve", admin) == "published"

        titles = await eventually(lambda: feed_titles(gw, member), lambda t: item in t)
        assert titles == {item: "Our new office"}

        revised = await gw.patch(at, json={"title": "Our new office opens"}, headers=admin)
        assert revised.status_code == 200, revised.text
        assert revised.json()["revision"] == 2
        await eventually(
            lambda: feed_titles(gw, member), lambda t: t.get(item) == "Our new office opens"
        )

        assert await step(gw, f"{at}/archive", admin) == "archived"
        await eventually(lambda: feed_titles(gw, member), lambda t: item not in t)


async def test_publishing_a_draft_is_a_conflict(stack: Stack) -> None:
    tenant = Tenant()
    admin = tenant.headers(admin=True)
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=10) as gw:
        sub_id = await new_sub_program(gw, tenant)
        body = {"title": "Not yet", "url": "https://example.com/n", "sub_program_ids": [sub_id]}
        item = await create_when_known(gw, admin, body)

        published = await gw.post(f"/v1/content/{item}/publish", headers=admin)
        after = await gw.get(f"/v1/content/{item}", headers=admin)

    assert published.status_code == 409, published.text
    assert published.headers["content-type"] == "application/problem+json"
    assert published.json()["errors"][0]["field"] == "status"
    assert after.json()["status"] == "draft"


async def test_unknown_target_is_invalid_and_names_sub_program_ids(stack: Stack) -> None:
    admin = Tenant().headers(admin=True)
    body = {
        "title": "Nobody",
        "url": "https://example.com/x",
        "sub_program_ids": [str(uuid.uuid4())],
    }
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=10) as gw:
        created = await gw.post("/v1/content", json=body, headers=admin)

    assert created.status_code == 422, created.text
    assert created.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in created.json()["errors"]] == ["sub_program_ids"]


async def test_ten_megabyte_body_is_too_large(stack: Stack) -> None:
    admin = Tenant().headers(admin=True)
    huge = b'{"title": "' + b"x" * (10 * 1024 * 1024) + b'"}'
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=30) as gw:
        created = await gw.post(
            "/v1/content", content=huge, headers={**admin, "content-type": "application/json"}
        )

    assert created.status_code == 413, created.text[:300]
