"""Ideas (briefs): drafted by comms for sub-programs, published to their members, closed — on
real PostgreSQL and Kafka, with the access read model's rows written directly."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from advocacy_testing.apps import Tenant, serving
from advocacy_testing.content_access import grant, known_sub_program, member
from advocacy_testing.identity import user_token
from advocacy_testing.kafka import read_all
from common.events.contracts.content import TOPIC
from content import worker
from content.config import Settings
from content.main import build_app

Headers = dict[str, str]
Json = dict[str, Any]
PUBLISHED = "content.idea.published.v1"


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with serving(build_app(settings), worker=worker.build_app(settings)) as client:
        yield client


@dataclass
class Org:
    """Program P (s1, s2) and Q (s3); a member of s1, a reviewer on s1, a manager of P."""

    tenant: Tenant = field(default_factory=Tenant)
    program: uuid.UUID = field(default_factory=uuid.uuid4)
    s1: uuid.UUID = uuid.UUID(int=0)
    s2: uuid.UUID = uuid.UUID(int=0)
    s3: uuid.UUID = uuid.UUID(int=0)
    member: uuid.UUID = field(default_factory=uuid.uuid4)
    reviewer: uuid.UUID = field(default_factory=uuid.uuid4)
    manager: uuid.UUID = field(default_factory=uuid.uuid4)

    @property
    def admin(self) -> Headers:
        return self.tenant.headers(admin=True)

    def as_(self, user_id: uuid.UUID, *roles: str) -> Headers:
        return self.tenant.headers(user_id=user_id, roles=list(roles))


@pytest.fixture
async def org(settings: Settings) -> Org:
    org, url = Org(), settings.database_url
    org_id = org.tenant.org_id
    org.s1 = await known_sub_program(url, org_id=org_id, program_id=org.program)
    org.s2 = await known_sub_program(url, org_id=org_id, program_id=org.program)
    org.s3 = await known_sub_program(url, org_id=org_id)
    await member(url, org_id=org_id, user_id=org.member, sub_program_id=org.s1)
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


def brief(*subs: uuid.UUID, **extra: Any) -> Json:
    return {
        "title": "Why you joined",
        "angle": "A day in your team, in your words",
        "format": "video",
        "examples": ["30 s on the shop floor"],
        "targeting": {"sub_program_ids": [str(sub) for sub in subs]},
    } | extra


async def draft(client: httpx.AsyncClient, org: Org, *subs: uuid.UUID, **extra: Any) -> Json:
    response = await client.post("/v1/ideas", json=brief(*subs, **extra), headers=org.admin)
    assert response.status_code == 201, response.text
    return dict(response.json())


def fields(response: httpx.Response) -> list[str]:
    return [error["field"] for error in response.json()["errors"]]


async def test_create_idea_is_a_draft_for_staff_not_members(
    client: httpx.AsyncClient, org: Org
) -> None:
    idea = await draft(client, org, org.s1, deadline="2099-01-01T00:00:00Z")

    assert (idea["status"], idea["sub_program_ids"]) == ("draft", [str(org.s1)])
    assert idea["program_ids"] == [str(org.program)]
    url = f"/v1/ideas/{idea['id']}"
    for staff in (org.as_(org.reviewer, "reviewer"), org.as_(org.manager, "program_manager")):
        assert (await client.get(url, headers=staff)).status_code == 200
    as_member = org.as_(org.member, "employee")
    assert (await client.get(url, headers=as_member)).status_code == 404
    listed = await client.get("/v1/ideas", headers=as_member)
    assert listed.json()["items"] == []


async def test_publish_idea_tells_each_target_and_members_see_it(
    client: httpx.AsyncClient, org: Org, settings: Settings
) -> None:
    idea = await draft(client, org, org.s1, org.s2)

    published = await client.post(f"/v1/ideas/{idea['id']}/publish", headers=org.admin)

    assert (published.status_code, published.json()["status"]) == (200, "published")
    as_member = org.as_(org.member, "employee")
    seen = await client.get("/v1/ideas", headers=as_member)
    assert [i["id"] for i in seen.json()["items"]] == [idea["id"]]
    records = await read_all(settings.kafka_bootstrap_servers, settings.topic(TOPIC), expected=2)
    headers = [{k: v.decode() for k, v in r.headers} for r in records]
    told = [h for h in headers if h["ce_type"] == PUBLISHED]
    assert sorted(h["ce_subprogramid"] for h in told) == sorted([str(org.s1), str(org.s2)])
    assert {h["ce_orgid"] for h in told} == {str(org.tenant.org_id)}
    assert {h["ce_subject"] for h in told} == {f"ideas/{idea['id']}"}
    assert {r.key for r in records} == {idea["id"].encode()}


async def test_create_idea_lists_every_bad_field_in_one_422(
    client: httpx.AsyncClient, org: Org
) -> None:
    bad = brief(org.s1, format="poem", examples=["x"] * 21) | {"title": ""}
    malformed = await client.post("/v1/ideas", json=bad, headers=org.admin)
    unknown = await client.post("/v1/ideas", json=brief(uuid.uuid4(), org.s1), headers=org.admin)
    untargeted = await client.post("/v1/ideas", json=brief(), headers=org.admin)
    late = await client.post(
        "/v1/ideas", json=brief(org.s1, deadline="2001-01-01T00:00:00Z"), headers=org.admin
    )
    campaign = await client.post(
        "/v1/ideas", json=brief(org.s1, campaign_id=str(uuid.uuid4())), headers=org.admin
    )
    extra = await client.post("/v1/ideas", json=brief(org.s1, org_id="x"), headers=org.admin)

    assert malformed.status_code == 422
    assert {"title", "format", "examples"} <= set(fields(malformed))
    assert (unknown.status_code, fields(unknown)) == (422, ["targeting.sub_program_ids"])
    assert (untargeted.status_code, fields(untargeted)) == (422, ["targeting"])
    assert (late.status_code, fields(late)) == (422, ["deadline"])
    assert (campaign.status_code, fields(campaign)) == (422, ["campaign_id"])
    assert (extra.status_code, fields(extra)) == (422, ["org_id"])


async def test_create_idea_is_for_admins_and_covering_managers_only(
    client: httpx.AsyncClient, org: Org
) -> None:
    manager = org.as_(org.manager, "program_manager")

    by_manager = await client.post("/v1/ideas", json=brief(org.s1), headers=manager)
    outside = await client.post("/v1/ideas", json=brief(org.s3), headers=manager)
    by_reviewer = await client.post(
        "/v1/ideas", json=brief(org.s1), headers=org.as_(org.reviewer, "reviewer")
    )
    by_member = await client.post(
        "/v1/ideas", json=brief(org.s1), headers=org.as_(org.member, "employee")
    )

    assert by_manager.status_code == 201, by_manager.text
    assert (outside.status_code, fields(outside)) == (403, ["sub_program_ids"])
    assert by_reviewer.status_code == 403
    assert by_member.status_code == 403


async def test_another_organisations_idea_is_404(client: httpx.AsyncClient, org: Org) -> None:
    idea = await draft(client, org, org.s1)
    other = Tenant().headers(admin=True)
    url = f"/v1/ideas/{idea['id']}"

    answers = [
        await client.get(url, headers=other),
        await client.patch(url, json={"title": "Mine"}, headers=other),
        await client.post(f"{url}/publish", headers=other),
        await client.post(f"{url}/close", headers=other),
    ]

    assert [a.status_code for a in answers] == [404] * 4
    assert fields(answers[0]) == ["idea_id"]
    assert (await client.get("/v1/ideas", headers=other)).json()["items"] == []


async def test_update_idea_only_while_draft(client: httpx.AsyncClient, org: Org) -> None:
    idea = await draft(client, org, org.s1)
    url = f"/v1/ideas/{idea['id']}"

    edited = await client.patch(
        url,
        json={"angle": "New angle", "targeting": {"sub_program_ids": [str(org.s2)]}},
        headers=org.admin,
    )
    by_reviewer = await client.patch(
        url, json={"title": "x"}, headers=org.as_(org.reviewer, "reviewer")
    )
    await client.post(f"{url}/publish", headers=org.admin)
    frozen = await client.patch(url, json={"title": "Late"}, headers=org.admin)

    assert edited.status_code == 200, edited.text
    assert (edited.json()["angle"], edited.json()["sub_program_ids"]) == (
        "New angle",
        [str(org.s2)],
    )
    assert by_reviewer.status_code == 404  # retargeted to s2: no longer the reviewer's
    assert (frozen.status_code, fields(frozen)) == (409, ["status"])


async def test_publish_idea_twice_at_once_publishes_it_once(
    client: httpx.AsyncClient, org: Org, settings: Settings
) -> None:
    idea = await draft(client, org, org.s1)
    url = f"/v1/ideas/{idea['id']}/publish"

    answers = await asyncio.gather(
        client.post(url, headers=org.admin), client.post(url, headers=org.admin)
    )

    assert sorted(a.status_code for a in answers) == [200, 409]
    records = await read_all(
        settings.kafka_bootstrap_servers, settings.topic(TOPIC), expected=2, timeout_ms=3_000
    )
    types = [dict(r.headers)["ce_type"].decode() for r in records]
    assert types.count(PUBLISHED) == 1


async def test_close_idea_from_draft_or_published_then_409(
    client: httpx.AsyncClient, org: Org
) -> None:
    idea = await draft(client, org, org.s1)
    url = f"/v1/ideas/{idea['id']}"
    await client.post(f"{url}/publish", headers=org.admin)

    closed = await client.post(f"{url}/close", headers=org.admin)
    again = await client.post(f"{url}/close", headers=org.admin)
    publish = await client.post(f"{url}/publish", headers=org.admin)
    by_member = await client.post(f"{url}/close", headers=org.as_(org.member, "employee"))

    assert (closed.status_code, closed.json()["status"]) == (200, "closed")
    assert closed.json()["closed_at"] is not None
    assert (again.status_code, fields(again)) == (409, ["status"])
    assert publish.status_code == 409
    assert by_member.status_code == 404  # members see published ideas only


async def test_list_ideas_filters_and_pages(client: httpx.AsyncClient, org: Org) -> None:
    first = await draft(client, org, org.s1)
    second = await draft(client, org, org.s2)
    await client.post(f"/v1/ideas/{second['id']}/publish", headers=org.admin)

    def ids(response: httpx.Response) -> list[str]:
        assert response.status_code == 200, response.text
        return [i["id"] for i in response.json()["items"]]

    get = client.get
    assert ids(await get("/v1/ideas", params={"status": "draft"}, headers=org.admin)) == [
        first["id"]
    ]
    by_sub = await get("/v1/ideas", params={"sub_program_id": str(org.s2)}, headers=org.admin)
    assert ids(by_sub) == [second["id"]]
    page = await get("/v1/ideas", params={"limit": 1}, headers=org.admin)
    rest = await get(
        "/v1/ideas", params={"limit": 1, "cursor": page.json()["next_cursor"]}, headers=org.admin
    )
    assert ids(page) + ids(rest) == [second["id"], first["id"]]
    assert rest.json()["next_cursor"] is None
    bad = await get("/v1/ideas", params={"status": "gone"}, headers=org.admin)
    assert (bad.status_code, fields(bad)) == (422, ["status"])


async def test_api_keys_may_not_read_ideas(client: httpx.AsyncClient, org: Org) -> None:
    token = user_token(
        user_id=uuid.uuid4(),
        org_id=org.tenant.org_id,
        roles=["integration"],
        kind="api_key",
        scopes=["content:read"],
    )
    listed = await client.get("/v1/ideas", headers={"Authorization": f"Bearer {token}"})

    assert listed.status_code == 403
