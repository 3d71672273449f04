"""A sub-program's page of moments, read from content's calendar events by the real consumer
(real PostgreSQL and Kafka): a later announcement replaces, a dropped target goes, an older
record told again changes nothing; the window and who may read are checked.

Records are published on one key, so they are handled in order; a final marker (another
campaign on the same key) tells when everything before it was handled.
"""

import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from advocacy_testing.apps import Tenant, serving
from advocacy_testing.kafka import publish
from advocacy_testing.polling import eventually
from ambassadors import worker
from ambassadors.config import Settings
from ambassadors.main import build_app
from common.events.contracts import content
from common.events.envelope import Envelope

Headers = dict[str, str]
SOON = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with serving(build_app(settings), worker=worker.build_app(settings)) as client:
        yield client


async def subs(client: httpx.AsyncClient, org: Tenant, count: int) -> tuple[str, list[str]]:
    admin = org.headers(admin=True)
    program = (await client.post("/v1/programs", json={"name": "P"}, headers=admin)).json()["id"]
    made = []
    for n in range(count):
        url = f"/v1/programs/{program}/sub-programs"
        response = await client.post(url, json={"name": f"S{n}"}, headers=admin)
        assert response.status_code == 201, response.text
        made.append(str(response.json()["id"]))
    return program, made


def scheduled(
    org: Tenant,
    campaign: uuid.UUID,
    targets: list[str],
    *,
    starts_at: datetime = SOON,
    name: str = "Launch",
    key: uuid.UUID | None = None,
) -> list[Envelope]:
    """Content's records of one announcement: one per target sub-program, keyed by `key`."""
    return [
        Envelope.wrap(
            content.CampaignScheduledV1(
                org_id=org.org_id,
                sub_program_id=uuid.UUID(target),
                sub_program_ids=[uuid.UUID(t) for t in targets],
                campaign_id=campaign,
                name=name,
                kind="launch",
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=8),
                scheduled_by=uuid.uuid4(),
            ),
            source="/test",
            subject=f"campaign/{campaign}",
            key=str(key or campaign),
            subprogramid=target,
        )
        for target in targets
    ]


async def send(settings: Settings, records: list[Envelope]) -> None:
    await publish(settings.kafka_bootstrap_servers, settings.topic(content.TOPIC), list(records))


async def page(
    client: httpx.AsyncClient, sub: str, headers: Headers, **params: str
) -> dict[str, Any]:
    response = await client.get(f"/v1/sub-programs/{sub}/moments", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


def titles(body: dict[str, Any]) -> list[tuple[str, str]]:
    return [(m["title"], m["starts_at"]) for m in body["items"]]


async def test_later_announcements_replace_and_older_ones_change_nothing(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    org = Tenant()
    admin = org.headers(admin=True)
    _, (s1, s2, s3, s4) = await subs(client, org, 4)
    campaign, late = uuid.uuid4(), uuid.uuid4()
    first = scheduled(org, campaign, [s1, s2])
    # Announced for S4 and S2, then moved to S2 only; the S4 record reaches us after the move.
    late_first = scheduled(org, late, [s4, s2], name="Late", key=campaign)
    moved_to = SOON + timedelta(days=1)
    moved = scheduled(org, campaign, [s2], starts_at=moved_to, name="Launch, moved")
    late_moved = scheduled(org, late, [s2], starts_at=moved_to, name="Late, moved", key=campaign)
    # The first announcement's S1 record told again later, under another id.
    stale = replace(first[0], id=str(uuid.uuid4()))
    marker = scheduled(org, uuid.uuid4(), [s3], name="Marker", key=campaign)
    await send(settings, first)
    shown = await eventually(lambda: page(client, s1, admin), lambda body: body["items"] != [])
    assert titles(shown) == [("Launch", SOON.isoformat().replace("+00:00", "Z"))]
    await send(settings, [*moved, stale, *late_moved, late_first[0], *marker])
    await eventually(lambda: page(client, s3, admin), lambda body: body["items"] != [])
    assert (await page(client, s1, admin))["items"] == []
    assert (await page(client, s4, admin))["items"] == []
    after = await page(client, s2, admin)
    at = moved_to.isoformat().replace("+00:00", "Z")
    assert sorted(titles(after)) == [("Late, moved", at), ("Launch, moved", at)]
    ids = {m["source_id"] for m in after["items"]}
    assert ids == {str(campaign), str(late)}
    assert {m["source"] for m in after["items"]} == {"campaign"}


async def test_the_window_and_pages(client: httpx.AsyncClient, settings: Settings) -> None:
    org = Tenant()
    admin = org.headers(admin=True)
    _, (sub,) = await subs(client, org, 1)
    key = uuid.uuid4()
    days = (1, 2, 3, 100)
    records = [
        record
        for day in days
        for record in scheduled(
            org, uuid.uuid4(), [sub], starts_at=SOON + timedelta(days=day), name=f"D{day}", key=key
        )
    ]
    await send(settings, records)
    later = {
        "from": (SOON + timedelta(days=90)).isoformat(),
        "to": (SOON + timedelta(days=120)).isoformat(),
    }
    await eventually(lambda: page(client, sub, admin, **later), lambda body: body["items"] != [])
    first = await page(client, sub, admin, limit="2")
    assert [m["title"] for m in first["items"]] == ["D1", "D2"]
    assert first["window_to"] > first["window_from"] and first["next_cursor"] is not None
    second = await page(client, sub, admin, limit="2", cursor=first["next_cursor"])
    # D100 is past the default 8 weeks.
    assert [m["title"] for m in second["items"]] == ["D3"] and second["next_cursor"] is None
    for params, field in (
        ({"from": SOON.isoformat(), "to": SOON.isoformat()}, "to"),
        ({"from": SOON.isoformat(), "to": (SOON + timedelta(days=400)).isoformat()}, "to"),
        ({"from": "2027-01-01T00:00:00"}, "from"),
        ({"from": "9999-12-31T00:00:00Z"}, "from"),
        ({"cursor": "not-a-cursor"}, "cursor"),
    ):
        refused = await client.get(f"/v1/sub-programs/{sub}/moments", params=params, headers=admin)
        assert refused.status_code == 422, (params, refused.text)
        assert [e["field"] for e in refused.json()["errors"]] == [field]


async def test_members_staff_and_admins_read_a_page(client: httpx.AsyncClient) -> None:
    org = Tenant()
    admin = org.headers(admin=True)
    program, (sub, other) = await subs(client, org, 2)
    member, stranger = org.headers(user_id=uuid.uuid4()), org.headers(user_id=uuid.uuid4())
    body = {"network": "linkedin", "audience_size": 10}
    for headers, target in ((member, sub), (stranger, other)):
        joined = await client.post(f"/v1/sub-programs/{target}/members", json=body, headers=headers)
        assert joined.status_code == 201
    reviewer_id, manager_id = uuid.uuid4(), uuid.uuid4()
    for scope, user, role in (
        (f"/v1/sub-programs/{sub}", reviewer_id, "reviewer"),
        (f"/v1/programs/{program}", manager_id, "program_manager"),
    ):
        grant = {"user_id": str(user), "role": role}
        assert (await client.post(f"{scope}/staff", json=grant, headers=admin)).status_code == 201
    allowed = (
        admin,
        member,
        org.headers(user_id=reviewer_id, roles=["reviewer"]),
        org.headers(user_id=manager_id, roles=["program_manager"]),
    )
    url = f"/v1/sub-programs/{sub}/moments"
    for headers in allowed:
        answer = await client.get(url, headers=headers)
        assert answer.status_code == 200 and answer.json()["sub_program"]["id"] == sub
    refused = (stranger, org.headers(roles=["analyst"]), org.headers(roles=["program_manager"]))
    assert [(await client.get(url, headers=h)).status_code for h in refused] == [403] * 3
    assert (await client.get(url, headers=Tenant().headers(admin=True))).status_code == 404
