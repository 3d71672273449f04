"""Ambassadors' submissions and their review: an approval publishes a content item credited to
its author in the same transaction — on real PostgreSQL and Kafka."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from advocacy_testing.apps import Tenant, serving
from advocacy_testing.content_access import grant, known_sub_program, member
from advocacy_testing.kafka import read_all
from common.events.contracts.content import TOPIC
from content import worker
from content.config import Settings
from content.main import build_app

Headers = dict[str, str]
Json = dict[str, Any]
REVIEWED = "content.submission.reviewed.v1"
ITEM_PUBLISHED = "content.item.published.v1"
IMAGE = {"type": "image", "url": "https://cdn.example.com/a.jpg", "alt_text": "Our new line"}


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with serving(build_app(settings), worker=worker.build_app(settings)) as client:
        yield client


@dataclass
class Org:
    """Program P (s1, s2) and Q (s3); members of s1 and of s2, a reviewer on s1, P's manager."""

    tenant: Tenant = field(default_factory=Tenant)
    program: uuid.UUID = field(default_factory=uuid.uuid4)
    s1: uuid.UUID = uuid.UUID(int=0)
    s2: uuid.UUID = uuid.UUID(int=0)
    s3: uuid.UUID = uuid.UUID(int=0)
    author: uuid.UUID = field(default_factory=uuid.uuid4)  # member of s1 and s2
    neighbour: uuid.UUID = field(default_factory=uuid.uuid4)  # member of s2
    reviewer: uuid.UUID = field(default_factory=uuid.uuid4)  # reviewer on s1
    manager: uuid.UUID = field(default_factory=uuid.uuid4)  # program manager of P

    @property
    def admin(self) -> Headers:
        return self.tenant.headers(admin=True)

    def as_(self, user_id: uuid.UUID, *roles: str) -> Headers:
        return self.tenant.headers(user_id=user_id, roles=list(roles))

    @property
    def by_author(self) -> Headers:
        return self.as_(self.author, "employee")

    @property
    def by_reviewer(self) -> Headers:
        return self.as_(self.reviewer, "reviewer")


@pytest.fixture
async def org(settings: Settings) -> Org:
    org, url = Org(), settings.database_url
    org_id = org.tenant.org_id
    org.s1 = await known_sub_program(url, org_id=org_id, program_id=org.program)
    org.s2 = await known_sub_program(url, org_id=org_id, program_id=org.program)
    org.s3 = await known_sub_program(url, org_id=org_id)
    for user, sub in ((org.author, org.s1), (org.author, org.s2), (org.neighbour, org.s2)):
        await member(url, org_id=org_id, user_id=user, sub_program_id=sub)
    await grant(url, org_id=org_id, user_id=org.reviewer, scope_id=org.s1, role="reviewer")
    await grant(
        url,
        org_id=org_id,
        user_id=org.manager,
        scope_id=org.program,
        role="program_manager",
        scope_type="program",
    )
    return org


async def idea(client: httpx.AsyncClient, org: Org, *subs: uuid.UUID, publish: bool = True) -> str:
    body = {
        "title": "Why you joined",
        "angle": "In your words",
        "format": "text",
        "targeting": {"sub_program_ids": [str(sub) for sub in subs]},
    }
    made = await client.post("/v1/ideas", json=body, headers=org.admin)
    assert made.status_code == 201, made.text
    if publish:
        done = await client.post(f"/v1/ideas/{made.json()['id']}/publish", headers=org.admin)
        assert done.status_code == 200, done.text
    return str(made.json()["id"])


def post(**extra: Any) -> Json:
    return {"title": "My first year", "text": "What I learnt", "language": "en"} | extra


async def submit(client: httpx.AsyncClient, org: Org, **extra: Any) -> Json:
    body = post(sub_program_id=str(org.s1)) | extra
    response = await client.post("/v1/submissions", json=body, headers=org.by_author)
    assert response.status_code == 201, response.text
    return dict(response.json())


def fields(response: httpx.Response) -> list[str]:
    return [error["field"] for error in response.json()["errors"]]


async def test_submit_to_an_idea_with_one_target_takes_its_sub_program(
    client: httpx.AsyncClient, org: Org
) -> None:
    idea_id = await idea(client, org, org.s1)

    made = await client.post("/v1/submissions", json=post(idea_id=idea_id), headers=org.by_author)

    assert made.status_code == 201, made.text
    body = made.json()
    assert (body["status"], body["sub_program_id"], body["idea_id"]) == (
        "submitted",
        str(org.s1),
        idea_id,
    )
    assert (body["author_id"], body["program_id"]) == (str(org.author), str(org.program))


async def test_submit_problems_are_422_naming_the_field(
    client: httpx.AsyncClient, org: Org
) -> None:
    two = await idea(client, org, org.s1, org.s2)
    draft = await idea(client, org, org.s1, publish=False)
    closed = await idea(client, org, org.s1)
    await client.post(f"/v1/ideas/{closed}/close", headers=org.admin)
    cases = {
        "sub_program_id": post(),
        "idea_id": post(idea_id=draft),
        "media.0.alt_text": post(sub_program_id=str(org.s1), media=[IMAGE | {"alt_text": ""}]),
        "text": post(sub_program_id=str(org.s1), text="x" * 10_001),
        "network": post(sub_program_id=str(org.s1), network="myspace"),
    }
    for field_name, body in cases.items():
        answer = await client.post("/v1/submissions", json=body, headers=org.by_author)
        assert (answer.status_code, fields(answer)) == (422, [field_name]), answer.text
    ambiguous = await client.post("/v1/submissions", json=post(idea_id=two), headers=org.by_author)
    outside = post(idea_id=two, sub_program_id=str(org.s3))
    not_idea_s = await client.post("/v1/submissions", json=outside, headers=org.by_author)
    gone = await client.post("/v1/submissions", json=post(idea_id=closed), headers=org.by_author)
    unknown = post(sub_program_id=str(uuid.uuid4()))
    foreign = await client.post("/v1/submissions", json=unknown, headers=org.by_author)
    assert (ambiguous.status_code, fields(ambiguous)) == (422, ["sub_program_id"])
    assert (not_idea_s.status_code, fields(not_idea_s)) == (422, ["sub_program_id"])
    assert (gone.status_code, fields(gone)) == (422, ["idea_id"])
    # Members see published ideas only: to them a closed idea is unknown; staff are told why.
    told = await client.post("/v1/submissions", json=post(idea_id=closed), headers=org.admin)
    assert (told.status_code, fields(told)) == (422, ["idea_id"])
    assert "closed" in told.json()["detail"]
    assert (foreign.status_code, fields(foreign)) == (422, ["sub_program_id"])


async def test_submit_outside_ones_sub_programs_is_403(client: httpx.AsyncClient, org: Org) -> None:
    body = post(sub_program_id=str(org.s1))

    stranger = await client.post(
        "/v1/submissions", json=body, headers=org.as_(org.neighbour, "employee")
    )
    admin = await client.post("/v1/submissions", json=body, headers=org.admin)

    assert (stranger.status_code, fields(stranger)) == (403, ["sub_program_id"])
    assert admin.status_code == 403


async def test_approve_publishes_an_item_credited_to_its_author(
    client: httpx.AsyncClient, org: Org, settings: Settings
) -> None:
    made = await submit(client, org, media=[IMAGE], network="linkedin")

    approved = await client.post(f"/v1/submissions/{made['id']}/approve", headers=org.by_reviewer)

    assert approved.status_code == 200, approved.text
    body = approved.json()
    assert (body["status"], body["reviewed_by"]) == ("approved", str(org.reviewer))
    item = await client.get(f"/v1/content/{body['content_id']}", headers=org.by_author)
    assert item.status_code == 200, item.text
    shown = item.json()
    assert (shown["status"], shown["source"], shown["kind"]) == ("published", "submission", "media")
    assert (shown["author_id"], shown["approved_by"]) == (str(org.author), str(org.reviewer))
    assert (shown["body"], shown["networks"]) == ("What I learnt", ["linkedin"])
    assert shown["details"]["media"][0]["alt_text"] == "Our new line"
    records = await read_all(settings.kafka_bootstrap_servers, settings.topic(TOPIC), expected=4)
    headers = [{k: v.decode() for k, v in r.headers} for r in records]
    reviewed = [h for h in headers if h["ce_type"] == REVIEWED]
    published = [h for h in headers if h["ce_type"] == ITEM_PUBLISHED]
    assert len(reviewed) == 1 and len(published) == 1
    assert reviewed[0]["ce_subprogramid"] == published[0]["ce_subprogramid"] == str(org.s1)
    assert (reviewed[0]["ce_orgid"], reviewed[0]["ce_network"]) == (
        str(org.tenant.org_id),
        "linkedin",
    )


async def test_approve_twice_at_once_makes_one_item(client: httpx.AsyncClient, org: Org) -> None:
    made = await submit(client, org)
    url = f"/v1/submissions/{made['id']}/approve"

    answers = await asyncio.gather(
        client.post(url, headers=org.by_reviewer), client.post(url, headers=org.admin)
    )

    assert sorted(a.status_code for a in answers) == [200, 409]
    loser = next(a for a in answers if a.status_code == 409)
    assert fields(loser) == ["status"]
    library = await client.get("/v1/content", headers=org.admin)
    assert [i["source"] for i in library.json()["items"]] == ["submission"]


async def test_request_changes_then_the_author_edits_it_back_into_review(
    client: httpx.AsyncClient, org: Org
) -> None:
    made = await submit(client, org)
    url = f"/v1/submissions/{made['id']}"

    asked = await client.post(
        f"{url}/request-changes", json={"reason": "Add a photo"}, headers=org.by_reviewer
    )
    not_author = await client.patch(url, json={"title": "x"}, headers=org.by_reviewer)
    edited = await client.patch(url, json={"text": "With a photo"}, headers=org.by_author)
    rejected = await client.post(
        f"{url}/reject", json={"reason": "Off topic"}, headers=org.by_reviewer
    )
    late = await client.patch(url, json={"text": "Again"}, headers=org.by_author)
    no_reason = await client.post(f"{url}/reject", json={}, headers=org.by_reviewer)

    assert (asked.json()["status"], asked.json()["reason"]) == ("changes_requested", "Add a photo")
    assert not_author.status_code == 403
    assert (edited.status_code, edited.json()["status"]) == (200, "submitted")
    assert edited.json()["text"] == "With a photo"
    assert (rejected.json()["status"], rejected.json()["reason"]) == ("rejected", "Off topic")
    assert (late.status_code, fields(late)) == (409, ["status"])
    assert (no_reason.status_code, fields(no_reason)) == (422, ["reason"])


async def test_review_needs_a_grant_covering_the_sub_program(
    client: httpx.AsyncClient, org: Org
) -> None:
    in_s2 = await submit(client, org, sub_program_id=str(org.s2))
    url = f"/v1/submissions/{in_s2['id']}/approve"

    reviewer = await client.post(url, headers=org.by_reviewer)
    analyst = await client.post(url, headers=org.as_(uuid.uuid4(), "analyst"))
    author = await client.post(url, headers=org.by_author)
    neighbour = await client.post(url, headers=org.as_(org.neighbour, "employee"))
    manager = await client.post(url, headers=org.as_(org.manager, "program_manager"))

    assert reviewer.status_code == 404  # s2 is not the reviewer's: unseen
    assert analyst.status_code == 403
    assert author.status_code == 403  # nobody approves their own post
    assert neighbour.status_code == 404
    assert manager.status_code == 200, manager.text


async def test_list_submissions_shows_authors_their_own_and_staff_their_scope(
    client: httpx.AsyncClient, org: Org
) -> None:
    idea_id = await idea(client, org, org.s1)
    in_s1 = await submit(client, org, idea_id=idea_id)
    in_s2 = await submit(client, org, sub_program_id=str(org.s2))

    async def ids(headers: Headers, **params: str) -> list[str]:
        answer = await client.get("/v1/submissions", params=params, headers=headers)
        assert answer.status_code == 200, answer.text
        return [s["id"] for s in answer.json()["items"]]

    assert await ids(org.by_author) == [in_s2["id"], in_s1["id"]]
    assert await ids(org.by_reviewer) == [in_s1["id"]]
    assert await ids(org.as_(org.neighbour, "employee")) == []
    assert await ids(org.admin, idea_id=idea_id) == [in_s1["id"]]
    assert await ids(org.admin, sub_program_id=str(org.s2)) == [in_s2["id"]]
    assert await ids(org.admin, status="approved") == []
    first = await client.get("/v1/submissions", params={"limit": 1}, headers=org.admin)
    assert first.json()["next_cursor"] is not None


async def test_another_organisations_submission_is_404(client: httpx.AsyncClient, org: Org) -> None:
    made = await submit(client, org)
    other = Tenant().headers(admin=True)
    url = f"/v1/submissions/{made['id']}"

    answers = [
        await client.get(url, headers=other),
        await client.patch(url, json={"title": "x"}, headers=other),
        await client.post(f"{url}/approve", headers=other),
        await client.post(f"{url}/reject", json={"reason": "x"}, headers=other),
    ]

    assert [a.status_code for a in answers] == [404] * 4
    assert fields(answers[0]) == ["submission_id"]
    assert (await client.get("/v1/submissions", headers=other)).json()["items"] == []
