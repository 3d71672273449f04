"""Campaigns: creation with targets and its events, who reads and writes, filters, edits that
re-announce, cancellation — on real PostgreSQL, events read back from real Kafka."""

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
from common.db import Database
from common.events.contracts.content import TOPIC
from content import worker
from content.calendar.service import require_campaign
from content.config import Settings
from content.main import build_app

Json = dict[str, Any]
Headers = dict[str, str]
SCHEDULED = b"content.campaign.scheduled.v1"


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with serving(build_app(settings), worker=worker.build_app(settings)) as client:
        yield client


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


async def scheduled_records(settings: Settings, expected: int) -> list[dict[str, str]]:
    records = await read_all(
        settings.kafka_bootstrap_servers, settings.topic(TOPIC), expected=expected
    )
    headers = [{k: v.decode() for k, v in r.headers} for r in records]
    return [h for h in headers if h["ce_type"] == SCHEDULED.decode()]


async def test_create_campaign_for_a_program_stages_one_event_per_sub_program(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    org = await known_org(settings)
    campaign = await create(client, org, targeting={"program_ids": [str(org.program)]})

    assert campaign["status"] == "scheduled"
    assert sorted(campaign["sub_program_ids"]) == sorted([str(org.s1), str(org.s2)])
    assert campaign["program_ids"] == [str(org.program)]
    records = await scheduled_records(settings, expected=2)
    assert sorted(r["ce_subprogramid"] for r in records) == sorted([str(org.s1), str(org.s2)])
    for record in records:
        assert record["ce_orgid"] == str(org.tenant.org_id)
        assert record["ce_programid"] == str(org.program)
        assert record["ce_subject"] == f"campaign/{campaign['id']}"
        assert record["ce_source"] == "/services/content"
        assert record["ce_id"] and record["ce_time"]


async def test_create_campaign_with_bad_input_is_422_naming_each_field(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    org, other = await known_org(settings), await known_org(settings)
    cases: list[tuple[Json, list[str]]] = [
        (body(org, ends_at="2027-02-28T09:00:00Z"), ["ends_at"]),
        (body(org, targeting={}), ["targeting"]),
        (
            body(org, targeting={"sub_program_ids": [str(other.s1), str(uuid.uuid4())]}),
            ["targeting.sub_program_ids", "targeting.sub_program_ids"],
        ),
        (body(org, targeting={"program_ids": [str(uuid.uuid4())]}), ["targeting.program_ids"]),
        (body(org, kind="party"), ["kind"]),
        (body(org, starts_at="2027-03-01T09:00:00"), ["starts_at"]),
        (body(org, name="x" * 201), ["name"]),
        (body(org, org_id=str(other.tenant.org_id)), ["org_id"]),
    ]
    for sent, expected in cases:
        response = await client.post("/v1/campaigns", json=sent, headers=org.admin)
        assert response.status_code == 422, (sent, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert fields(response) == expected, sent
    listed = await client.get("/v1/campaigns", headers=org.admin)
    assert listed.json()["items"] == []  # nothing half-written


async def test_create_campaign_needs_an_admin_or_a_manager_covering_every_target(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    org = await known_org(settings)
    manager = org.as_(org.manager, "program_manager")
    for headers in (
        org.as_(org.reviewer, "reviewer"),
        org.as_(org.member, "employee"),
        org.as_(uuid.uuid4(), "analyst"),
        org.key("content:read"),
    ):
        response = await client.post("/v1/campaigns", json=body(org), headers=headers)
        assert response.status_code == 403, response.text
    outside = body(org, targeting={"sub_program_ids": [str(org.s1), str(org.s3)]})
    refused = await client.post("/v1/campaigns", json=outside, headers=manager)
    assert (refused.status_code, fields(refused)) == (403, ["sub_program_ids"])
    created = await client.post("/v1/campaigns", json=body(org), headers=manager)
    assert created.status_code == 201, created.text
    assert created.json()["created_by"] == str(org.manager)


async def test_create_the_same_moment_twice_concurrently_is_one_201_and_one_409(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    org = await known_org(settings)
    same = body(org)
    first, second = await asyncio.gather(
        client.post("/v1/campaigns", json=same, headers=org.admin),
        client.post("/v1/campaigns", json=same, headers=org.admin),
    )
    assert sorted([first.status_code, second.status_code]) == [201, 409]
    conflict = first if first.status_code == 409 else second
    assert code(conflict) == "campaign_exists"
    assert fields(conflict) == ["name"]
    # Another organisation may plan a moment of the same name and time.
    elsewhere = await known_org(settings)
    again = body(elsewhere, name=same["name"])
    assert (
        await client.post("/v1/campaigns", json=again, headers=elsewhere.admin)
    ).status_code == 201


async def test_create_campaign_with_an_idempotency_key_replays_the_first_answer(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    org = await known_org(settings)
    headers = org.admin | {"Idempotency-Key": str(uuid.uuid4())}
    sent = body(org)
    first = await client.post("/v1/campaigns", json=sent, headers=headers)
    replay = await client.post("/v1/campaigns", json=sent, headers=headers)
    assert (first.status_code, replay.status_code) == (201, 201)
    assert replay.json()["id"] == first.json()["id"]
    assert replay.headers["Idempotent-Replayed"] == "true"
    other_body = await client.post("/v1/campaigns", json=body(org), headers=headers)
    assert (other_body.status_code, fields(other_body)) == (422, ["Idempotency-Key"])


async def test_read_campaign_as_each_kind_of_caller(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    org, other = await known_org(settings), await known_org(settings)
    campaign = await create(client, org)  # for s1
    url = f"/v1/campaigns/{campaign['id']}"
    seers = {
        "admin": org.admin,
        "analyst": org.as_(uuid.uuid4(), "analyst"),
        "reviewer": org.as_(org.reviewer, "reviewer"),
        "manager": org.as_(org.manager, "program_manager"),
        "member": org.as_(org.member, "employee"),
    }
    for name, headers in seers.items():
        response = await client.get(url, headers=headers)
        assert response.status_code == 200, (name, response.text)
    hidden = {
        "employee of nothing": org.as_(uuid.uuid4(), "employee"),
        "manager without grant": org.as_(uuid.uuid4(), "program_manager"),
        "content:read key": org.key("content:read"),
        "other org's admin": other.admin,
    }
    for name, headers in hidden.items():
        response = await client.get(url, headers=headers)
        assert (response.status_code, fields(response)) == (404, ["campaign_id"]), name
    assert (await client.get(url, headers=org.key("metrics:read"))).status_code == 403
    unknown = await client.get(f"/v1/campaigns/{uuid.uuid4()}", headers=org.admin)
    assert unknown.status_code == 404


async def test_list_campaigns_filters_by_window_target_kind_and_status(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    org = await known_org(settings)
    launch = await create(client, org)  # 1-3 March, s1
    fair = await create(
        client,
        org,
        kind="fair",
        starts_at="2027-04-10T08:00:00Z",
        ends_at=None,
        targeting={"sub_program_ids": [str(org.s3)]},
    )
    results = await create(
        client,
        org,
        kind="results",
        starts_at="2027-06-30T08:00:00Z",
        targeting={"sub_program_ids": [str(org.s2)]},
        ends_at="2027-07-01T08:00:00Z",
    )
    cancelled = await client.post(f"/v1/campaigns/{results['id']}/cancel", headers=org.admin)
    assert cancelled.status_code == 200

    async def names(**params: str) -> list[str]:
        response = await client.get("/v1/campaigns", params=params, headers=org.admin)
        assert response.status_code == 200, response.text
        return [c["id"] for c in response.json()["items"]]

    assert await names() == [results["id"], fair["id"], launch["id"]]  # newest first
    # Overlap: a campaign still running on 2 March is in a window that starts then.
    assert await names(**{"from": "2027-03-02T00:00:00Z", "to": "2027-04-10T08:00:00Z"}) == [
        launch["id"]
    ]
    assert await names(**{"from": "2027-04-10T08:00:00Z"}) == [results["id"], fair["id"]]
    assert await names(sub_program_id=str(org.s3)) == [fair["id"]]
    assert await names(program_id=str(org.program)) == [results["id"], launch["id"]]
    assert await names(kind="fair") == [fair["id"]]
    assert await names(status="cancelled") == [results["id"]]
    member_view = await client.get("/v1/campaigns", headers=org.as_(org.member, "employee"))
    assert [c["id"] for c in member_view.json()["items"]] == [launch["id"]]
    bad = await client.get(
        "/v1/campaigns",
        params={"from": "2027-05-01T00:00:00Z", "to": "2027-04-01T00:00:00Z"},
        headers=org.admin,
    )
    assert (bad.status_code, fields(bad)) == (422, ["to"])
    for params, field_name in (({"kind": "party"}, "kind"), ({"from": "2027-01-01"}, "from")):
        response = await client.get("/v1/campaigns", params=params, headers=org.admin)
        assert (response.status_code, fields(response)) == (422, [field_name]), params


async def test_list_campaigns_pages_with_a_cursor(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    org = await known_org(settings)
    made = [(await create(client, org))["id"] for _ in range(3)]
    seen: list[str] = []
    params: dict[str, str] = {"limit": "2"}
    while True:
        page = (await client.get("/v1/campaigns", params=params, headers=org.admin)).json()
        seen += [c["id"] for c in page["items"]]
        if page["next_cursor"] is None:
            break
        params["cursor"] = page["next_cursor"]
    assert seen == list(reversed(made))


async def test_update_campaign_dates_or_targets_announces_it_again(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    org = await known_org(settings)
    campaign = await create(client, org)
    url = f"/v1/campaigns/{campaign['id']}"
    renamed = await client.patch(url, json={"name": "Launch day"}, headers=org.admin)
    assert (renamed.status_code, renamed.json()["name"]) == (200, "Launch day")
    moved = await client.patch(
        url, json={"starts_at": "2027-03-02T09:00:00Z", "ends_at": None}, headers=org.admin
    )
    assert moved.status_code == 200, moved.text
    assert (moved.json()["starts_at"], moved.json()["ends_at"]) == ("2027-03-02T09:00:00Z", None)
    retargeted = await client.patch(
        url, json={"targeting": {"program_ids": [str(org.program)]}}, headers=org.admin
    )
    assert sorted(retargeted.json()["sub_program_ids"]) == sorted([str(org.s1), str(org.s2)])

    # Created (s1), moved (s1), retargeted (s1, s2); the rename alone told nobody.
    records = await scheduled_records(settings, expected=4)
    assert sorted(r["ce_subprogramid"] for r in records) == sorted(
        [str(org.s1), str(org.s1), str(org.s1), str(org.s2)]
    )


async def test_update_campaign_refusals_name_their_reason(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    org, other = await known_org(settings), await known_org(settings)
    campaign = await create(client, org)
    url = f"/v1/campaigns/{campaign['id']}"
    early = await client.patch(url, json={"ends_at": "2027-01-01T00:00:00Z"}, headers=org.admin)
    assert (early.status_code, fields(early)) == (422, ["ends_at"])
    nulled = await client.patch(url, json={"name": None}, headers=org.admin)
    assert (nulled.status_code, fields(nulled)) == (422, ["name"])
    foreign = {"targeting": {"sub_program_ids": [str(other.s1)]}}
    aimed = await client.patch(url, json=foreign, headers=org.admin)
    assert (aimed.status_code, fields(aimed)) == (422, ["targeting.sub_program_ids"])
    for headers in (org.as_(org.reviewer, "reviewer"), org.as_(org.member, "employee")):
        assert (await client.patch(url, json={"name": "No"}, headers=headers)).status_code == 403
    assert (await client.patch(url, json={"name": "No"}, headers=other.admin)).status_code == 404
    manager = org.as_(org.manager, "program_manager")
    outside = {"targeting": {"sub_program_ids": [str(org.s3)]}}
    refused = await client.patch(url, json=outside, headers=manager)
    assert (refused.status_code, fields(refused)) == (403, ["sub_program_ids"])
    twin = await create(client, org, name="Twin")
    clash = await client.patch(
        f"/v1/campaigns/{twin['id']}", json={"name": campaign["name"]}, headers=org.admin
    )
    assert (clash.status_code, fields(clash)) == (409, ["name"])
    await client.post(f"{url}/cancel", headers=org.admin)
    late = await client.patch(url, json={"name": "Too late"}, headers=org.admin)
    assert (late.status_code, code(late), fields(late)) == (
        409,
        "campaign_cancelled",
        ["status"],
    )


async def test_cancel_campaign_concurrently_is_one_200_and_one_409(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    org, other = await known_org(settings), await known_org(settings)
    campaign = await create(client, org)
    url = f"/v1/campaigns/{campaign['id']}/cancel"
    assert (await client.post(url, headers=other.admin)).status_code == 404
    assert (await client.post(url, headers=org.as_(org.reviewer, "reviewer"))).status_code == 403
    first, second = await asyncio.gather(
        client.post(url, headers=org.admin), client.post(url, headers=org.admin)
    )
    assert sorted([first.status_code, second.status_code]) == [200, 409]
    done = first if first.status_code == 200 else second
    assert done.json()["status"] == "cancelled"
    assert done.json()["cancelled_by"] == str(org.tenant.admin_id)


async def test_require_campaign_rejects_unknown_and_foreign_campaigns(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    org, other = await known_org(settings), await known_org(settings)
    campaign_id = uuid.UUID((await create(client, org))["id"])
    db = Database(settings.database_url)
    try:
        async with db.transaction() as session:
            await require_campaign(session, org_id=org.tenant.org_id, campaign_id=campaign_id)
            for org_id, wanted in (
                (other.tenant.org_id, campaign_id),
                (org.tenant.org_id, uuid.uuid4()),
            ):
                with pytest.raises(Exception) as raised:
                    await require_campaign(
                        session, org_id=org_id, campaign_id=wanted, field="details.campaign"
                    )
                error: Any = raised.value
                assert (error.status, error.field) == (422, "details.campaign")
    finally:
        await db.dispose()
