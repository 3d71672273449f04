"""`python -m ambassadors.republish access`: the current access state staged again through the
outbox, as the live changes stage it, each event stamped with its row's own time.

What a consumer does with it (content's read model, from nothing) is in
tests/e2e/test_republish.py, through the real processes.
"""

import json
import os
import subprocess
import sys
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlmodel import col

from advocacy_testing.apps import Tenant
from ambassadors.config import Settings
from ambassadors.models import Membership
from ambassadors.republish import republish_access
from ambassadors.staff.models import StaffGrant
from common.db import Database
from common.outbox import OutboxMessage

LINKEDIN = {"network": "linkedin", "audience_size": 300}
PROGRAM = "ambassadors.program.created.v1"
SUB_PROGRAM = "ambassadors.sub_program.created.v1"
MEMBERSHIP = "ambassadors.membership.changed.v1"
STAFF_ROLE = "ambassadors.staff_role.changed.v1"
# Differ from one staging of the same fact to the next.
PER_EVENT_HEADERS = {"ce_id", "ce_time", "ce_correlationid"}


@dataclass
class Access:
    """One organisation's programs, sub-programs, members and staff, made through the API."""

    tenant: Tenant
    program: str
    subs: list[str]
    member: uuid.UUID  # a member of subs[0]
    leaver: uuid.UUID  # joined subs[0] and left it
    reviewer: uuid.UUID  # reviewer of subs[1]
    manager: uuid.UUID  # program manager of the program
    revoked: uuid.UUID  # was a reviewer of subs[0]


async def make_access(client: httpx.AsyncClient) -> Access:
    tenant = Tenant()
    admin = tenant.headers(admin=True)
    program = (await client.post("/v1/programs", json={"name": "P"}, headers=admin)).json()["id"]
    subs = []
    for name in ("S1", "S2"):
        url = f"/v1/programs/{program}/sub-programs"
        sub = await client.post(url, json={"name": name, "kind": "network"}, headers=admin)
        assert sub.status_code == 201, sub.text
        subs.append(sub.json()["id"])
    access = Access(tenant, program, subs, *(uuid.uuid4() for _ in range(5)))
    members = f"/v1/sub-programs/{subs[0]}/members"
    for person in (access.member, access.leaver):
        joined = await client.post(members, json=LINKEDIN, headers=tenant.headers(user_id=person))
        assert joined.status_code == 201, joined.text
    left = await client.delete(f"{members}/me", headers=tenant.headers(user_id=access.leaver))
    assert left.status_code == 204
    grants = [
        (f"/v1/sub-programs/{subs[1]}/staff", access.reviewer, "reviewer"),
        (f"/v1/programs/{program}/staff", access.manager, "program_manager"),
        (f"/v1/sub-programs/{subs[0]}/staff", access.revoked, "reviewer"),
    ]
    for url, person, role in grants:
        body = {"user_id": str(person), "role": role}
        granted = await client.post(url, json=body, headers=admin)
        assert granted.status_code == 201, granted.text
    revoked = await client.delete(f"{url}/{granted.json()['id']}", headers=admin)
    assert revoked.status_code == 204
    return access


async def last_outbox_id(db: Database) -> int:
    async with db.transaction() as session:
        return int(await session.scalar(select(func.max(col(OutboxMessage.id)))) or 0)


async def outbox_after(db: Database, after: int) -> list[dict[str, Any]]:
    """Outbox rows staged after row `after`: type, key, headers and payload."""
    async with db.transaction() as session:
        query = select(OutboxMessage).where(col(OutboxMessage.id) > after)
        rows = (await session.execute(query.order_by(col(OutboxMessage.id)))).scalars().all()
    return [
        {
            "type": row.event_type,
            "key": row.key,
            "headers": dict(row.headers),
            "data": json.loads(row.payload),
        }
        for row in rows
    ]


def without(event: dict[str, Any], *fields: str) -> dict[str, Any]:
    """The event but for what differs between two stagings of the same fact."""
    headers = {k: v for k, v in event["headers"].items() if k not in PER_EVENT_HEADERS}
    data = {k: v for k, v in event["data"].items() if k not in fields}
    return event | {"headers": headers, "data": data}


async def own_times(db: Database) -> dict[str, datetime]:
    """joined_at of every membership and granted_at of every grant, by user id."""
    async with db.transaction() as session:
        joined = await session.execute(
            select(col(Membership.ambassador_id), col(Membership.joined_at))
        )
        granted = await session.execute(select(col(StaffGrant.user_id), col(StaffGrant.granted_at)))
        by_ambassador = {str(a): at for a, at in joined.all()}
        return by_ambassador | {str(user): at for user, at in granted.all()}


async def test_republish_stages_each_current_row_as_the_live_change_did(
    client: httpx.AsyncClient, db: Database
) -> None:
    access = await make_access(client)
    live = await outbox_after(db, 0)
    before = await last_outbox_id(db)

    # Pages of one row: every page boundary is crossed.
    staged = await republish_access(db, org_id=access.tenant.org_id, batch_size=1)

    again = await outbox_after(db, before)
    assert staged == {"programs": 1, "sub_programs": 2, "memberships": 1, "staff_grants": 2}
    assert [e["type"] for e in again] == [
        PROGRAM,
        *[SUB_PROGRAM] * 2,
        MEMBERSHIP,
        *[STAFF_ROLE] * 2,
    ]
    # Programs and sub-programs: the very events the live creations staged (but for ids, times).
    created = [e for e in live if e["type"] in (PROGRAM, SUB_PROGRAM)]
    assert sorted(map(json.dumps, map(without, again[:3]))) == sorted(
        map(json.dumps, map(without, created))
    )
    # Current memberships and grants only: as "joined"/"granted", keyed and headed as live.
    current = [
        e
        for e in live
        if e["data"].get("change") in ("joined", "granted")
        and e["data"]["user_id"] not in (str(access.leaver), str(access.revoked))
    ]
    assert sorted(json.dumps(without(e, "changed_at")) for e in again[3:]) == sorted(
        json.dumps(without(e, "changed_at")) for e in current
    )
    assert {e["data"]["user_id"] for e in again[3:]} == {
        str(access.member),
        str(access.reviewer),
        str(access.manager),
    }
    # Stamped with the row's own time, never later than the live change's.
    times = await own_times(db)
    for event, live_event in zip(sorted_by_user(again[3:]), sorted_by_user(current), strict=True):
        own = times.get(event["data"].get("ambassador_id")) or times[event["data"]["user_id"]]
        assert changed_at(event) == own <= changed_at(live_event)


def changed_at(event: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(event["data"]["changed_at"])


def sorted_by_user(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(events, key=lambda e: str(e["data"]["user_id"]))


async def test_republish_of_one_organisation_leaves_the_others_out(
    client: httpx.AsyncClient, db: Database
) -> None:
    ours, theirs = await make_access(client), await make_access(client)
    before = await last_outbox_id(db)

    await republish_access(db, org_id=ours.tenant.org_id, batch_size=2)

    orgs = {e["data"]["org_id"] for e in await outbox_after(db, before)}
    assert orgs == {str(ours.tenant.org_id)}
    everyone = await republish_access(db, org_id=None)
    assert everyone == {"programs": 2, "sub_programs": 4, "memberships": 2, "staff_grants": 4}
    assert theirs.program in {e["key"] for e in await outbox_after(db, before)}


def run_command(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "AMBASSADORS_ENV": "test",
        "AMBASSADORS_DATABASE_URL": settings.database_url,
    }
    return subprocess.run(
        [sys.executable, "-m", "ambassadors.republish", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


async def test_the_command_reports_what_it_staged_under_one_correlation_id(
    client: httpx.AsyncClient, db: Database, settings: Settings
) -> None:
    access = await make_access(client)
    before = await last_outbox_id(db)

    done = run_command(settings, "access", "--org", str(access.tenant.org_id))

    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["org_id"] == str(access.tenant.org_id)
    assert report["staged"] == {
        "programs": 1,
        "sub_programs": 2,
        "memberships": 1,
        "staff_grants": 2,
    }
    staged = await outbox_after(db, before)
    assert len(staged) == 6
    assert {e["headers"]["ce_correlationid"] for e in staged} == {report["correlation_id"]}


async def test_the_command_refuses_bad_arguments(settings: Settings) -> None:
    for args in (["access", "--org", "nope"], ["access", "--batch-size", "0"], ["everything"]):
        done = run_command(settings, *args)
        assert done.returncode == 2, (args, done.stdout)
