"""Rules, onboarding and discovery only ever propose: eligibility rules and HR hires make
invitations (never memberships), each person at most once per scope, as HR changes arrive or
the rules change; discovery suggests people active on a network to staff."""

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlmodel import col, select

from advocacy_testing.apps import Tenant
from advocacy_testing.membership import (
    INVITED,
    LINKEDIN,
    count,
    hire,
    new_program,
    new_sub,
    person,
    staged,
)
from ambassadors.config import Settings
from ambassadors.membership import automatic, eligibility
from ambassadors.membership.models import EligibilityPolicy, Invitation, ProgramMember
from ambassadors.models import Membership
from ambassadors.people import hr_events
from common.db import Database
from common.events.contracts.hr import EmployeeHiredV1


async def invitations(db: Database, **where: Any) -> list[Invitation]:
    async with db.transaction() as session:
        query = select(Invitation).where(
            *(getattr(Invitation, name) == value for name, value in where.items())
        )
        return list((await session.execute(query)).scalars().all())


def invited_ids(rows: list[Invitation]) -> set[str]:
    return {str(row.employee_id) for row in rows}


async def no_memberships(db: Database) -> bool:
    return await count(db, ProgramMember) == 0 and await count(db, Membership) == 0


async def test_rules_invite_whom_they_match_once_and_enrol_nobody(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = Tenant()
    program_id = await new_program(client, org)
    admin = org.headers(admin=True)
    sales = await hire(client, org, department="Sales", location="Lyon")
    boss = await hire(client, org, department="Board", is_executive=True)
    lyon_csr = await hire(client, org, department="CSR", location="Lyon", active_networks=["x"])
    await hire(client, org, department="CSR", location="Lyon")  # matches no rule
    on_leave = await hire(client, org, department="sales", employment_status="on_leave")
    gone = await hire(client, org, department="Sales")
    await client.post(f"/v1/hr/employees/{gone['external_id']}/leave", headers=admin)
    rules = {
        "rules": [
            {"department": "SALES"},
            {"is_executive": True},
            {"location": "lyon", "active_network": "x"},
        ]
    }

    applied = await client.put(f"/v1/programs/{program_id}/eligibility", json=rules, headers=admin)
    again = await client.put(f"/v1/programs/{program_id}/eligibility", json=rules, headers=admin)

    assert applied.status_code == 200, applied.text
    assert (applied.json()["invited"], again.json()["invited"]) == (3, 0)
    assert applied.json()["rules"][0] == {
        "department": "SALES",
        "location": None,
        "job_title": None,
        "is_executive": None,
        "active_network": None,
    }
    rows = await invitations(db, program_id=uuid.UUID(program_id))
    assert invited_ids(rows) == {sales["id"], boss["id"], lyon_csr["id"]}
    assert {(row.reason, row.status, row.invited_by) for row in rows} == {
        ("eligibility", "open", None)
    }
    assert on_leave["id"] not in invited_ids(rows)
    assert len(await staged(db, INVITED)) == 3
    assert await no_memberships(db)
    read = await client.get(f"/v1/programs/{program_id}/eligibility", headers=admin)
    assert len(read.json()["rules"]) == 3 and read.json()["pending"] is False


async def test_an_answer_or_an_opt_out_is_never_asked_again(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = Tenant()
    program_id = await new_program(client, org)
    sub_id = await new_sub(client, org, program_id)
    admin = org.headers(admin=True)
    decliner, quitter, member = [await hire(client, org, department="Sales") for _ in range(3)]
    made = await client.post(
        f"/v1/programs/{program_id}/invitations",
        json={"employee_ids": [decliner["id"]]},
        headers=admin,
    )
    invitation_id = made.json()["items"][0]["id"]
    declined = await client.post(
        f"/v1/me/invitations/{invitation_id}/decline", headers=person(org, decliner["user_name"])
    )
    assert declined.status_code == 200
    quitter_me = person(org, quitter["user_name"])
    assert (await client.post(f"/v1/programs/{program_id}/members", headers=quitter_me)).is_success
    left = await client.delete(f"/v1/programs/{program_id}/members/me", headers=quitter_me)
    assert left.status_code == 204
    member_me = person(org, member["user_name"])
    joined = await client.post(
        f"/v1/sub-programs/{sub_id}/members", json=LINKEDIN, headers=member_me
    )
    assert joined.status_code == 201
    rules = {"rules": [{"department": "Sales"}]}

    program_rules = await client.put(
        f"/v1/programs/{program_id}/eligibility", json=rules, headers=admin
    )
    sub_rules = await client.put(
        f"/v1/sub-programs/{sub_id}/eligibility", json=rules, headers=admin
    )

    # The decliner answered the program; the quitter opted out of it (and so of its
    # sub-programs); the member is in both. Only the decliner is new to the sub-program.
    assert program_rules.json()["invited"] == 0
    assert sub_rules.json()["invited"] == 1
    [row] = await invitations(db, scope_id=uuid.UUID(sub_id))
    assert (str(row.employee_id), row.sub_program_id) == (decliner["id"], uuid.UUID(sub_id))


async def test_hr_changes_are_matched_as_they_arrive(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = Tenant()
    program_id = await new_program(client, org)
    admin = org.headers(admin=True)
    rules = {"rules": [{"department": "Sales"}]}
    assert (
        await client.put(f"/v1/programs/{program_id}/eligibility", json=rules, headers=admin)
    ).json()["invited"] == 0
    newcomer = await hire(client, org, department="Sales")
    mover = await hire(client, org, department="CSR")
    assert invited_ids(await invitations(db)) == {newcomer["id"]}
    url = f"/v1/hr/employees/{mover['external_id']}"
    body = {"user_name": mover["user_name"], "department": "Sales"}

    moved = await client.put(url, json=body, headers=admin)
    same = await client.put(url, json=body, headers=admin)

    assert (moved.status_code, same.status_code) == (200, 200)
    assert invited_ids(await invitations(db)) == {newcomer["id"], mover["id"]}
    assert len(await staged(db, INVITED)) == 2
    assert await no_memberships(db)


async def test_a_hire_is_offered_the_onboarding_programs(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = Tenant()
    onboarding_id, other_id = await new_program(client, org), await new_program(client, org, "Q")
    admin = org.headers(admin=True)
    before = await hire(client, org)
    offered = await client.put(
        f"/v1/programs/{onboarding_id}/onboarding",
        json={"offer_to_new_hires": True},
        headers=admin,
    )
    assert offered.status_code == 200 and offered.json()["offer_to_new_hires"] is True
    hired = await hire(client, org)
    on_leave = await hire(client, org, employment_status="on_leave")
    event = EmployeeHiredV1(
        org_id=org.org_id,
        external_id="E-from-hr",
        user_name="grace@example.com",
        occurred_at=datetime.now(UTC),
    )
    async with db.transaction() as session:
        await hr_events.apply_record(session, event)
        await hr_events.apply_record(session, event)  # a redelivery changes nothing

    rows = await invitations(db)
    by_event = [row for row in rows if str(row.employee_id) not in (hired["id"],)]
    assert {(row.reason, row.program_id) for row in rows} == {
        ("onboarding", uuid.UUID(onboarding_id))
    }
    assert hired["id"] in invited_ids(rows) and len(rows) == 2 and len(by_event) == 1
    assert before["id"] not in invited_ids(rows) and on_leave["id"] not in invited_ids(rows)
    assert await no_memberships(db)
    mine = await client.get("/v1/me/invitations", headers=person(org, hired["user_name"]))
    assert [(i["reason"], i["program_id"]) for i in mine.json()["items"]] == [
        ("onboarding", onboarding_id)
    ]
    assert other_id not in {str(row.program_id) for row in rows}


async def test_a_large_match_is_finished_by_the_worker_once(
    client: httpx.AsyncClient, db: Database, settings: Settings
) -> None:
    org = Tenant()
    program_id = await new_program(client, org)
    people = [await hire(client, org, department="Sales") for _ in range(5)]
    async with db.transaction() as session:
        policy = EligibilityPolicy(
            scope_id=uuid.UUID(program_id),
            org_id=org.org_id,
            program_id=uuid.UUID(program_id),
            rules=[{"department": "Sales"}],
            updated_by=org.admin_id,
            updated_at=datetime.now(UTC),
        )
        session.add(policy)
        await session.flush()
        assert await automatic.apply_policy(session, policy=policy, limit=2) == 2
        assert policy.pending is True

    # Two workers at once, each with its own connections: SKIP LOCKED shares the policy out.
    second = Database(settings.database_url)
    try:
        runs = await asyncio.gather(
            eligibility.tick(db, batch=2), eligibility.tick(second, batch=2)
        )
    finally:
        await second.dispose()
    rest = await eligibility.tick(db, batch=2)

    assert sum(runs) + rest == 3
    assert invited_ids(await invitations(db)) == {p["id"] for p in people}
    async with db.transaction() as session:
        stored = await session.get(EligibilityPolicy, uuid.UUID(program_id))
        assert stored is not None and stored.pending is False
    assert await eligibility.tick(db, batch=2) == 0


async def test_bad_rules_name_the_field(client: httpx.AsyncClient) -> None:
    org = Tenant()
    program_id = await new_program(client, org)
    url = f"/v1/programs/{program_id}/eligibility"
    admin = org.headers(admin=True)
    cases = {
        "rules.0": {"rules": [{}]},
        "rules.0.active_network": {"rules": [{"active_network": "myspace"}]},
        "rules.0.team": {"rules": [{"team": "A"}]},
        "rules": {"rules": [{"department": str(n)} for n in range(21)]},
    }
    for field, body in cases.items():
        response = await client.put(url, json=body, headers=admin)
        assert response.status_code == 422, (field, response.text)
        assert field in {e["field"] for e in response.json()["errors"]}, response.text
    employee = await client.put(url, json={"rules": []}, headers=org.headers())
    assert employee.status_code == 403


async def test_discovery_suggests_people_active_on_a_network(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = Tenant()
    program_id, other_id = await new_program(client, org), await new_program(client, org, "Q")
    elsewhere = await new_sub(client, org, other_id)
    admin = org.headers(admin=True)
    on_linkedin = await hire(client, org, active_networks=["linkedin"])
    self_declared = await hire(client, org)
    joined = await client.post(
        f"/v1/sub-programs/{elsewhere}/members",
        json={"network": "x", "audience_size": 50},
        headers=person(org, self_declared["user_name"]),
    )
    assert joined.status_code == 201
    await hire(client, org)  # on no network
    member = await hire(client, org, active_networks=["x"])
    await client.post(
        f"/v1/programs/{program_id}/members", headers=person(org, member["user_name"])
    )
    gone = await hire(client, org, active_networks=["linkedin"])
    await client.post(f"/v1/hr/employees/{gone['external_id']}/leave", headers=admin)
    url = f"/v1/programs/{program_id}/suggestions"

    everyone = await client.get(url, headers=admin)
    on_x = await client.get(f"{url}?network=x", headers=admin)
    first = await client.get(f"{url}?limit=1", headers=admin)

    assert [s["employee_id"] for s in everyone.json()["items"]] == [
        self_declared["id"],
        on_linkedin["id"],
    ]
    by_id = {s["employee_id"]: s for s in everyone.json()["items"]}
    assert by_id[on_linkedin["id"]]["hr_networks"] == ["linkedin"]
    assert by_id[self_declared["id"]]["self_declared_networks"] == ["x"]
    assert [s["employee_id"] for s in on_x.json()["items"]] == [self_declared["id"]]
    assert first.json()["next_cursor"] is not None
    made = await client.post(
        f"/v1/programs/{program_id}/invitations",
        json={"employee_ids": [on_linkedin["id"]], "reason": "discovery"},
        headers=admin,
    )
    assert made.json()["items"][0]["reason"] == "discovery"
    after = await client.get(url, headers=admin)
    assert [s["employee_id"] for s in after.json()["items"]] == [self_declared["id"]]
    assert (await client.get(url, headers=org.headers())).status_code == 403
    assert await count(db, ProgramMember, col(ProgramMember.program_id) == program_id) == 1
