"""The editorial calendar (GET /v1/calendar) and a campaign's content, on real PostgreSQL: what
each caller sees in a window, in time order across campaigns, scheduled items and events."""

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from advocacy_testing.apps import Tenant, serving
from advocacy_testing.content_access import grant, known_sub_program, member
from advocacy_testing.identity import user_token
from content.config import Settings
from content.main import build_app

Json = dict[str, Any]
Headers = dict[str, str]
BASE = (datetime.now(UTC) + timedelta(days=40)).replace(hour=0, minute=0, second=0, microsecond=0)


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with serving(build_app(settings)) as client:
        yield client


# The same org and factories as test_calendar_campaigns.py (test modules do not import each other).
@dataclass
class Org:
    """A tenant with program P (sub-programs s1, s2), program Q (s3), and its people."""

    tenant: Tenant = field(default_factory=Tenant)
    program: uuid.UUID = field(default_factory=uuid.uuid4)
    other_program: uuid.UUID = field(default_factory=uuid.uuid4)
    s1: uuid.UUID = uuid.UUID(int=0)
    s2: uuid.UUID = uuid.UUID(int=0)
    s3: uuid.UUID = uuid.UUID(int=0)
    member: uuid.UUID = field(default_factory=uuid.uuid4)  # of s1
    reviewer: uuid.UUID = field(default_factory=uuid.uuid4)  # granted on s1
    manager: uuid.UUID = field(default_factory=uuid.uuid4)  # program manager of P

    @property
    def admin(self) -> Headers:
        return self.tenant.headers(admin=True)

    def as_(self, user_id: uuid.UUID, *roles: str) -> Headers:
        return self.tenant.headers(user_id=user_id, roles=list(roles))

    def key(self, *scopes: str) -> Headers:
        token = user_token(
            user_id=uuid.uuid4(),
            org_id=self.tenant.org_id,
            roles=["integration"],
            kind="api_key",
            scopes=list(scopes),
        )
        return {"Authorization": f"Bearer {token}"}


async def known_org(settings: Settings) -> Org:
    """An org whose sub-programs, membership and grants content's read model holds."""
    org, url = Org(), settings.database_url
    org_id = org.tenant.org_id
    org.s1 = await known_sub_program(url, org_id=org_id, program_id=org.program)
    org.s2 = await known_sub_program(url, org_id=org_id, program_id=org.program)
    org.s3 = await known_sub_program(url, org_id=org_id, program_id=org.other_program)
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


def body(org: Org, **overrides: Any) -> Json:
    return {
        "name": f"Launch {uuid.uuid4().hex[:6]}",
        "description": "The new app",
        "kind": "launch",
        "starts_at": "2027-03-01T09:00:00Z",
        "ends_at": "2027-03-03T18:00:00Z",
        "targeting": {"sub_program_ids": [str(org.s1)]},
    } | overrides


async def create(client: httpx.AsyncClient, org: Org, **overrides: Any) -> Json:
    response = await client.post("/v1/campaigns", json=body(org, **overrides), headers=org.admin)
    assert response.status_code == 201, response.text
    return dict(response.json())


def code(response: httpx.Response) -> str:
    return str(response.json()["type"]).rsplit(":", 1)[-1]


def fields(response: httpx.Response) -> list[str]:
    return [error["field"] for error in response.json()["errors"]]


def at(days: float, *, zone: str = "Z") -> str:
    """BASE + days as ISO 8601 in UTC ('Z'), with another offset, or naive (zone='')."""
    moment = BASE + timedelta(days=days)
    if zone in ("Z", ""):
        return moment.strftime("%Y-%m-%dT%H:%M:%S") + zone
    hours = int(zone[:3])
    shifted = moment + timedelta(hours=hours)
    return shifted.strftime("%Y-%m-%dT%H:%M:%S") + zone


async def item(client: httpx.AsyncClient, org: Org, *, title: str, state: str, **extra: Any) -> str:
    """A content item in s1 by the admin: 'draft', 'published', or 'scheduled:<publish_at>'."""
    sent = {"title": title, "body": "text", "kind": "post", "sub_program_ids": [str(org.s1)]}
    created = await client.post("/v1/content", json=sent | extra, headers=org.admin)
    assert created.status_code == 201, created.text
    content_id = str(created.json()["id"])
    if state != "draft":
        approval = {"publish_at": state.split(":", 1)[1]} if state.startswith("scheduled") else {}
        done = await client.post(
            f"/v1/content/{content_id}/approve", json=approval, headers=org.admin
        )
        assert done.status_code == 200, done.text
        assert done.json()["status"] == state.split(":", 1)[0]
    return content_id


def event(starts_at: str) -> Json:
    return {"kind": "event", "details": {"starts_at": starts_at, "location": "Lyon"}}


async def calendar(client: httpx.AsyncClient, headers: Headers, **params: str) -> list[Json]:
    """Every entry of the caller's calendar, walking the pages two at a time."""
    entries: list[Json] = []
    query = {"limit": "2", **params}
    while True:
        response = await client.get("/v1/calendar", params=query, headers=headers)
        assert response.status_code == 200, response.text
        page = response.json()
        entries += page["items"]
        if page["next_cursor"] is None:
            return entries
        query["cursor"] = page["next_cursor"]


async def test_calendar_lists_each_callers_moments_in_time_order(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    org, other = await known_org(settings), await known_org(settings)
    s3 = {"sub_program_ids": [str(org.s3)]}
    running = await create(client, org, starts_at=at(-3), ends_at=at(1))  # began before
    moment = await create(client, org, starts_at=at(9), ends_at=None)
    elsewhere = await create(client, org, starts_at=at(11), ends_at=None, targeting=s3)
    cancelled = await create(client, org, starts_at=at(4), ends_at=None)
    await client.post(f"/v1/campaigns/{cancelled['id']}/cancel", headers=org.admin)
    await create(client, org, starts_at=at(60), ends_at=None)  # after the window
    due = await item(client, org, title="Due", state=f"scheduled:{at(7)}", campaign_id=moment["id"])
    fair = await item(client, org, title="Fair", state="published", **event(at(14, zone="+02:00")))
    forum = await item(client, org, title="Forum", state="published", **event(at(19, zone="")))
    draft = await item(client, org, title="Draft", state="draft", **event(at(17)))
    await item(client, org, title="Later", state="published", **event(at(90)))
    window = {"from": at(0), "to": at(30)}

    def ids(entries: list[Json]) -> list[str]:
        return [entry["id"] for entry in entries]

    admin = await calendar(client, org.admin, **window)
    assert ids(admin) == [
        running["id"], due, moment["id"], elsewhere["id"], fair, draft, forum,
    ]  # fmt: skip
    assert [e["type"] for e in admin[:2]] == ["campaign", "scheduled_content"]
    assert admin[1] | {"starts_at": None} == {
        "type": "scheduled_content",
        "id": due,
        "title": "Due",
        "starts_at": None,
        "ends_at": None,
        "campaign_id": moment["id"],
    }
    assert admin[4]["type"] == "event" and admin[4]["starts_at"] == at(14)  # +02:00 read as UTC
    assert admin[6]["starts_at"] == at(19)  # no offset: UTC
    assert admin[0]["ends_at"] == at(1) and admin[0]["campaign_id"] == running["id"]
    # An employee sees published items only: campaigns and events, no scheduled item.
    member = await calendar(client, org.as_(org.member, "employee"), **window)
    assert ids(member) == [running["id"], moment["id"], fair, forum]
    reviewer = await calendar(client, org.as_(org.reviewer, "reviewer"), **window)
    assert ids(reviewer) == [running["id"], due, moment["id"], fair, draft, forum]
    assert ids(await calendar(client, org.key("content:read"), **window)) == [fair, forum]
    assert await calendar(client, other.admin, **window) == []
    refused = await client.get("/v1/calendar", headers=org.key("metrics:read"))
    assert refused.status_code == 403


async def test_calendar_defaults_to_the_next_eight_weeks(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    org = await known_org(settings)
    now = datetime.now(UTC)
    soon = await create(client, org, starts_at=(now + timedelta(days=1)).isoformat(), ends_at=None)
    await create(client, org, starts_at=(now + timedelta(weeks=9)).isoformat(), ends_at=None)
    assert [e["id"] for e in await calendar(client, org.admin)] == [soon["id"]]


async def test_calendar_window_out_of_bounds_is_422_naming_the_parameter(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    org = await known_org(settings)
    cases = [
        ({"from": at(10), "to": at(5)}, "to"),
        ({"from": at(0), "to": at(367)}, "to"),
        ({"to": "2001-01-01T00:00:00Z"}, "to"),
        ({"from": "2027-01-01T00:00:00"}, "from"),
        ({"from": "soon"}, "from"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"limit": "101"}, "limit"),
    ]
    for params, field_name in cases:
        response = await client.get("/v1/calendar", params=params, headers=org.admin)
        assert (response.status_code, fields(response)) == (422, [field_name]), params
    widest = await client.get(
        "/v1/calendar", params={"from": at(0), "to": at(366)}, headers=org.admin
    )
    assert widest.status_code == 200


async def test_campaign_content_lists_its_items_the_caller_sees(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    org, other = await known_org(settings), await known_org(settings)
    campaign = await create(client, org)
    another = await create(client, org)
    ours = {"campaign_id": campaign["id"]}
    draft = await item(client, org, title="Draft", state="draft", **ours)
    first = await item(client, org, title="First", state="published", **ours)
    second = await item(client, org, title="Second", state="published", **ours)
    await item(client, org, title="Not ours", state="published", campaign_id=another["id"])
    url = f"/v1/campaigns/{campaign['id']}/content"

    async def titles(headers: Headers) -> list[str]:
        seen, params = [], {"limit": "2"}
        while True:
            response = await client.get(url, params=params, headers=headers)
            assert response.status_code == 200, response.text
            seen += [i["title"] for i in response.json()["items"]]
            if response.json()["next_cursor"] is None:
                return seen
            params["cursor"] = response.json()["next_cursor"]

    assert await titles(org.admin) == ["Second", "First", "Draft"]  # newest first
    assert await titles(org.as_(org.member, "employee")) == ["Second", "First"]
    assert draft and first and second
    hidden = await client.get(url, headers=other.admin)
    assert (hidden.status_code, fields(hidden)) == (404, ["campaign_id"])
    stranger = await client.get(url, headers=org.as_(uuid.uuid4(), "employee"))
    assert stranger.status_code == 404
