"""Program membership is the person's own act: joining a program or a sub-program (which joins
its program) is told once; leaving a program takes them out of each of its sub-programs and
their feed; staff see members with HR's executive flag; other organisations see nothing."""

import asyncio
import uuid
from datetime import UTC, datetime

import httpx
from sqlmodel import col

from advocacy_testing.apps import Tenant
from advocacy_testing.membership import (
    JOINED,
    LEFT,
    LINKEDIN,
    MEMBERSHIP,
    count,
    hire,
    new_program,
    new_sub,
    person,
    staged,
)
from ambassadors.membership.models import ProgramMember
from ambassadors.models import FeedItem, Membership
from common.db import Database


async def feed_item(db: Database, org: Tenant, ambassador_id: str, sub_id: str) -> uuid.UUID:
    """An item in the ambassador's feed from one sub-program (the fan-out is tested elsewhere)."""
    content_id = uuid.uuid4()
    async with db.transaction() as session:
        session.add(
            FeedItem(
                org_id=org.org_id,
                ambassador_id=uuid.UUID(ambassador_id),
                content_id=content_id,
                sub_program_id=uuid.UUID(sub_id),
                kind="article",
                title="A story",
                url="https://example.com/a",
                created_at=datetime.now(UTC),
            )
        )
    return content_id


async def test_joining_a_program_is_told_once_with_the_executive_flag(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = Tenant()
    program_id = await new_program(client, org)
    employee = await hire(client, org, department="Sales", is_executive=True)
    me = person(org, employee["user_name"])
    url = f"/v1/programs/{program_id}/members"

    first, second = await asyncio.gather(client.post(url, headers=me), client.post(url, headers=me))

    assert sorted([first.status_code, second.status_code]) == [201, 409]
    refused = first if first.status_code == 409 else second
    assert refused.json()["type"].endswith("already_member")
    [joined] = await staged(db, JOINED)
    assert (joined["program_id"], joined["is_executive"]) == (program_id, True)
    assert joined["key"] == employee["id"]
    assert joined["headers"]["ce_programid"] == program_id
    assert joined["headers"]["ce_department"] == "Sales"
    listed = await client.get(url, headers=org.headers(admin=True))
    [member] = listed.json()["items"]
    assert (member["employee_id"], member["is_executive"]) == (employee["id"], True)


async def test_joining_sub_programs_makes_one_program_membership(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = Tenant()
    program_id = await new_program(client, org)
    subs = [await new_sub(client, org, program_id, name) for name in ("S1", "S2")]
    me = org.headers(user_id=uuid.uuid4())

    joins = await asyncio.gather(
        *(client.post(f"/v1/sub-programs/{s}/members", json=LINKEDIN, headers=me) for s in subs)
    )

    assert [r.status_code for r in joins] == [201, 201]
    assert len(await staged(db, JOINED)) == 1
    assert await count(db, ProgramMember, col(ProgramMember.program_id) == program_id) == 1
    again = await client.post(f"/v1/programs/{program_id}/members", headers=me)
    assert again.status_code == 409


async def test_leaving_a_program_leaves_each_sub_program_and_its_feed_once(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = Tenant()
    program_id, other_id = await new_program(client, org), await new_program(client, org, "Q")
    subs = [await new_sub(client, org, program_id, name) for name in ("S1", "S2")]
    elsewhere = await new_sub(client, org, other_id, "Q1")
    me = org.headers(user_id=uuid.uuid4())
    for sub in (*subs, elsewhere):
        joined = await client.post(f"/v1/sub-programs/{sub}/members", json=LINKEDIN, headers=me)
        assert joined.status_code == 201, joined.text
    ambassador_id = joined.json()["ambassador_id"]
    for sub in (*subs, elsewhere):
        await feed_item(db, org, ambassador_id, sub)
    url = f"/v1/programs/{program_id}/members/me"

    leaves = await asyncio.gather(client.delete(url, headers=me), client.delete(url, headers=me))

    assert sorted(r.status_code for r in leaves) == [204, 404]
    mine = col(Membership.ambassador_id) == uuid.UUID(ambassador_id)
    assert await count(db, Membership, mine) == 1
    assert await count(db, FeedItem, col(FeedItem.ambassador_id) == uuid.UUID(ambassador_id)) == 1
    changes = [e for e in await staged(db, MEMBERSHIP) if e["change"] == "left"]
    assert sorted(e["sub_program_id"] for e in changes) == sorted(subs)
    [left] = await staged(db, LEFT)
    assert (left["program_id"], left["reason"]) == (program_id, "opted_out")
    feed = await client.get("/v1/me/feed", headers=me)
    assert [item["sub_program_id"] for item in feed.json()["items"]] == [elsewhere]
    members = await client.get(
        f"/v1/programs/{program_id}/members", headers=org.headers(admin=True)
    )
    assert members.json()["items"] == []
    # Their own choice again, whenever they like: a new joined event.
    assert (await client.post(f"/v1/programs/{program_id}/members", headers=me)).status_code == 201
    assert len([e for e in await staged(db, JOINED) if e["program_id"] == program_id]) == 2


async def test_member_lists_flag_executives_for_staff_only(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = Tenant()
    program_id = await new_program(client, org)
    sub_id = await new_sub(client, org, program_id)
    boss, staff = await hire(client, org, is_executive=True), await hire(client, org)
    for employee in (boss, staff):
        me = person(org, employee["user_name"])
        joined = await client.post(f"/v1/sub-programs/{sub_id}/members", json=LINKEDIN, headers=me)
        assert joined.status_code == 201, joined.text
    reviewer_id = uuid.uuid4()
    grant = {"user_id": str(reviewer_id), "role": "reviewer"}
    admin = org.headers(admin=True)
    granted = await client.post(f"/v1/sub-programs/{sub_id}/staff", json=grant, headers=admin)
    assert granted.status_code == 201
    reviewer = org.headers(user_id=reviewer_id, roles=["reviewer"])
    sub_url, program_url = (
        f"/v1/sub-programs/{sub_id}/members",
        f"/v1/programs/{program_id}/members",
    )

    executives = await client.get(f"{program_url}?executive=true", headers=admin)
    others = await client.get(f"{sub_url}?executive=false", headers=reviewer)
    first = await client.get(f"{sub_url}?limit=1", headers=reviewer)
    rest = await client.get(
        f"{sub_url}?limit=1&cursor={first.json()['next_cursor']}", headers=reviewer
    )

    assert [m["employee_id"] for m in executives.json()["items"]] == [boss["id"]]
    assert [m["employee_id"] for m in others.json()["items"]] == [staff["id"]]
    assert others.json()["items"][0]["networks"] == ["linkedin"]
    paged = [m["employee_id"] for m in first.json()["items"] + rest.json()["items"]]
    assert sorted(paged) == sorted([boss["id"], staff["id"]]) and rest.json()["next_cursor"] is None
    # A reviewer of the sub-program is not staff of the whole program; an employee is neither.
    assert (await client.get(program_url, headers=reviewer)).status_code == 403
    assert (await client.get(sub_url, headers=org.headers())).status_code == 403


async def test_another_organisation_sees_and_changes_nothing(client: httpx.AsyncClient) -> None:
    org, other = Tenant(), Tenant()
    program_id = await new_program(client, org)
    sub_id = await new_sub(client, org, program_id)
    me = org.headers(user_id=uuid.uuid4())
    assert (await client.post(f"/v1/programs/{program_id}/members", headers=me)).status_code == 201
    program, sub = f"/v1/programs/{program_id}", f"/v1/sub-programs/{sub_id}"
    attempts = [
        ("POST", f"{program}/members", None),
        ("DELETE", f"{program}/members/me", None),
        ("GET", f"{program}/members", None),
        ("GET", f"{sub}/members", None),
        ("GET", f"{program}/invitations", None),
        ("GET", f"{sub}/invitations", None),
        ("POST", f"{program}/invitations", {"employee_ids": [str(uuid.uuid4())]}),
        ("POST", f"{sub}/invitations", {"employee_ids": [str(uuid.uuid4())]}),
        ("GET", f"{program}/eligibility", None),
        ("PUT", f"{program}/eligibility", {"rules": [{"department": "Sales"}]}),
        ("GET", f"{sub}/eligibility", None),
        ("PUT", f"{sub}/eligibility", {"rules": []}),
        ("GET", f"{program}/onboarding", None),
        ("PUT", f"{program}/onboarding", {"offer_to_new_hires": True}),
        ("GET", f"{program}/suggestions", None),
    ]
    for headers in (other.headers(admin=True), other.headers()):
        for method, url, body in attempts:
            answer = await client.request(method, url, json=body, headers=headers)
            assert answer.status_code == 404, (method, url, answer.text)
    members = await client.get(f"{program}/members", headers=org.headers(admin=True))
    assert len(members.json()["items"]) == 1
    onboarding = await client.get(f"{program}/onboarding", headers=org.headers(admin=True))
    assert onboarding.json()["offer_to_new_hires"] is False
