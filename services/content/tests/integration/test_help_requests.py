"""Production help: a member asks for a designer, a writer, a video on something they see; staff
covering its sub-program assign and close it — on real PostgreSQL and Kafka."""

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
REQUESTED = "content.help.requested.v1"


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


async def ask(client: httpx.AsyncClient, org: Org, **about: str) -> Json:
    body = {"kind": "designer", "message": "A visual for my post"} | about
    response = await client.post("/v1/help-requests", json=body, headers=org.by_author)
    assert response.status_code == 201, response.text
    return dict(response.json())


def fields(response: httpx.Response) -> list[str]:
    return [error["field"] for error in response.json()["errors"]]


async def test_ask_help_on_an_idea_tells_its_sub_program(
    client: httpx.AsyncClient, org: Org, settings: Settings
) -> None:
    idea_id = await idea(client, org, org.s1)

    made = await ask(client, org, idea_id=idea_id)

    assert (made["status"], made["sub_program_id"], made["idea_id"]) == (
        "open",
        str(org.s1),
        idea_id,
    )
    assert made["requested_by"] == str(org.author)
    records = await read_all(settings.kafka_bootstrap_servers, settings.topic(TOPIC), expected=2)
    headers = [{k: v.decode() for k, v in r.headers} for r in records]
    told = [h for h in headers if h["ce_type"] == REQUESTED]
    assert len(told) == 1
    assert (told[0]["ce_subprogramid"], told[0]["ce_orgid"]) == (
        str(org.s1),
        str(org.tenant.org_id),
    )
    assert told[0]["ce_subject"] == f"help-requests/{made['id']}"


async def test_ask_help_on_a_submission_or_an_item_takes_its_sub_program(
    client: httpx.AsyncClient, org: Org
) -> None:
    body = {"title": "Year one", "text": "Notes", "sub_program_id": str(org.s2)}
    submission = await client.post("/v1/submissions", json=body, headers=org.by_author)
    item = await client.post(
        "/v1/content", json={"title": "News", "sub_program_ids": [str(org.s1)]}, headers=org.admin
    )
    await client.post(f"/v1/content/{item.json()['id']}/approve", headers=org.admin)

    on_submission = await ask(client, org, submission_id=submission.json()["id"])
    on_item = await ask(client, org, content_id=item.json()["id"])

    assert on_submission["sub_program_id"] == str(org.s2)
    assert on_item["sub_program_id"] == str(org.s1)


async def test_ask_help_problems_are_422_naming_the_field(
    client: httpx.AsyncClient, org: Org
) -> None:
    draft = await idea(client, org, org.s1, publish=False)
    post = client.post
    nothing = await post(
        "/v1/help-requests", json={"kind": "writer", "message": "Help"}, headers=org.by_author
    )
    unseen = await post(
        "/v1/help-requests",
        json={
            "kind": "writer",
            "message": "Help",
            "idea_id": draft,
            "content_id": str(uuid.uuid4()),
        },
        headers=org.by_author,
    )
    bad_kind = await post(
        "/v1/help-requests",
        json={"kind": "dj", "message": "x", "idea_id": draft},
        headers=org.by_author,
    )

    assert (nothing.status_code, fields(nothing)) == (
        422,
        ["submission_id", "idea_id", "content_id"],
    )
    assert (unseen.status_code, fields(unseen)) == (422, ["idea_id", "content_id"])
    assert (bad_kind.status_code, fields(bad_kind)) == (422, ["kind"])


async def test_ask_help_needs_membership_of_its_sub_program(
    client: httpx.AsyncClient, org: Org
) -> None:
    idea_id = await idea(client, org, org.s1)
    body = {"kind": "video", "message": "Film me", "idea_id": idea_id}

    by_admin = await client.post("/v1/help-requests", json=body, headers=org.admin)
    by_neighbour = await client.post(
        "/v1/help-requests", json=body, headers=org.as_(org.neighbour, "employee")
    )

    assert by_admin.status_code == 403  # sees the idea, but asks for no sub-program of theirs
    assert (by_neighbour.status_code, fields(by_neighbour)) == (422, ["idea_id"])


async def test_assign_then_close_by_covering_staff(client: httpx.AsyncClient, org: Org) -> None:
    made = await ask(client, org, idea_id=await idea(client, org, org.s1))
    url = f"/v1/help-requests/{made['id']}"
    designer = str(uuid.uuid4())

    by_author = await client.post(
        f"{url}/assign", json={"assignee_id": designer}, headers=org.by_author
    )
    assigned = await client.post(
        f"{url}/assign", json={"assignee_id": designer}, headers=org.by_reviewer
    )
    closed = await client.post(
        f"{url}/close",
        json={"resolution": "Delivered"},
        headers=org.as_(org.manager, "program_manager"),
    )
    again = await client.post(f"{url}/close", json={"resolution": "x"}, headers=org.admin)
    no_resolution = await client.post(f"{url}/close", json={}, headers=org.admin)

    assert by_author.status_code == 403
    assert (assigned.status_code, assigned.json()["assignee_id"]) == (200, designer)
    assert assigned.json()["status"] == "assigned"
    assert (closed.json()["status"], closed.json()["resolution"]) == ("closed", "Delivered")
    assert (again.status_code, fields(again)) == (409, ["status"])
    assert (no_resolution.status_code, fields(no_resolution)) == (422, ["resolution"])


async def test_assign_twice_at_once_assigns_once(client: httpx.AsyncClient, org: Org) -> None:
    made = await ask(client, org, idea_id=await idea(client, org, org.s1))
    url = f"/v1/help-requests/{made['id']}/assign"

    answers = await asyncio.gather(
        client.post(url, json={"assignee_id": str(uuid.uuid4())}, headers=org.admin),
        client.post(url, json={"assignee_id": str(uuid.uuid4())}, headers=org.by_reviewer),
    )

    assert sorted(a.status_code for a in answers) == [200, 409]


async def test_list_help_requests_by_requester_and_scope(
    client: httpx.AsyncClient, org: Org
) -> None:
    in_s1 = await ask(client, org, idea_id=await idea(client, org, org.s1))
    in_s2 = await ask(client, org, idea_id=await idea(client, org, org.s2))
    await client.post(
        f"/v1/help-requests/{in_s1['id']}/close", json={"resolution": "Done"}, headers=org.admin
    )

    async def ids(headers: Headers, **params: str) -> list[str]:
        answer = await client.get("/v1/help-requests", params=params, headers=headers)
        assert answer.status_code == 200, answer.text
        return [r["id"] for r in answer.json()["items"]]

    assert await ids(org.by_author) == [in_s2["id"], in_s1["id"]]
    assert await ids(org.by_reviewer) == [in_s1["id"]]
    assert await ids(org.as_(org.neighbour, "employee")) == []
    assert await ids(org.admin, status="open") == [in_s2["id"]]
    seen = await client.get(f"/v1/help-requests/{in_s2['id']}", headers=org.by_reviewer)
    assert seen.status_code == 404


async def test_another_organisations_help_request_is_404(
    client: httpx.AsyncClient, org: Org
) -> None:
    made = await ask(client, org, idea_id=await idea(client, org, org.s1))
    other = Tenant().headers(admin=True)
    url = f"/v1/help-requests/{made['id']}"

    answers = [
        await client.get(url, headers=other),
        await client.post(f"{url}/assign", json={"assignee_id": str(uuid.uuid4())}, headers=other),
        await client.post(f"{url}/close", json={"resolution": "x"}, headers=other),
    ]

    assert [a.status_code for a in answers] == [404] * 3
    assert fields(answers[0]) == ["help_request_id"]
    assert (await client.get("/v1/help-requests", headers=other)).json()["items"] == []
