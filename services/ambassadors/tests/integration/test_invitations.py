"""Invitations are proposals: staff invite HR records, the person sees theirs once signed in
and answers; only their acceptance makes a member, and of two racing answers one counts."""

import asyncio
import uuid
from typing import Any

import httpx
from sqlmodel import col

from advocacy_testing.apps import Tenant
from advocacy_testing.membership import (
    INVITED,
    JOINED,
    LINKEDIN,
    count,
    hire,
    new_program,
    new_sub,
    person,
    staged,
)
from ambassadors.membership import personal_data
from ambassadors.membership.models import Invitation, ProgramMember
from ambassadors.models import Membership
from ambassadors.privacy.personal_data import PersonRef
from common.db import Database


async def invite(
    client: httpx.AsyncClient, org: Tenant, scope: str, *employee_ids: str, **body: Any
) -> httpx.Response:
    payload = {"employee_ids": list(employee_ids), **body}
    return await client.post(f"{scope}/invitations", json=payload, headers=org.headers(admin=True))


async def invited(
    client: httpx.AsyncClient, org: Tenant, scope: str, employee: dict[str, Any]
) -> str:
    response = await invite(client, org, scope, employee["id"])
    assert response.status_code == 201, response.text
    return str(response.json()["items"][0]["id"])


def problem(response: httpx.Response) -> str:
    return str(response.json()["type"]).rsplit(":", 1)[1]


async def test_an_invitation_is_a_proposal_and_only_acceptance_makes_a_member(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = Tenant()
    program_id = await new_program(client, org)
    ada, bob = await hire(client, org, department="Sales"), await hire(client, org)
    scope = f"/v1/programs/{program_id}"

    made = await invite(client, org, scope, ada["id"])

    assert made.status_code == 201, made.text
    [invitation] = made.json()["items"]
    assert (invitation["status"], invitation["reason"], invitation["scope_type"]) == (
        "open",
        "manual",
        "program",
    )
    assert await count(db, ProgramMember) == 0 and await count(db, Membership) == 0
    [event] = await staged(db, INVITED)
    assert (event["invitation_id"], event["reason"], event["key"]) == (
        invitation["id"],
        "manual",
        ada["id"],
    )
    assert event["headers"]["ce_department"] == "Sales"
    assert event["headers"]["ce_programid"] == program_id
    ada_me, bob_me = person(org, ada["user_name"]), person(org, bob["user_name"])
    mine = await client.get("/v1/me/invitations?status=open", headers=ada_me)
    assert [i["id"] for i in mine.json()["items"]] == [invitation["id"]]
    assert (await client.get("/v1/me/invitations", headers=bob_me)).json()["items"] == []
    url = f"/v1/me/invitations/{invitation['id']}"
    assert (await client.post(f"{url}/accept", headers=bob_me)).status_code == 404

    accepted = await client.post(f"{url}/accept", headers=ada_me)

    assert accepted.status_code == 200, accepted.text
    body = accepted.json()
    assert body["invitation"]["status"] == "accepted" and body["sub_program_membership"] is None
    assert body["program_membership"]["program_id"] == program_id
    assert len(await staged(db, JOINED)) == 1
    staff = await client.get(
        f"{scope}/invitations?status=accepted", headers=org.headers(admin=True)
    )
    assert [i["id"] for i in staff.json()["items"]] == [invitation["id"]]


async def test_a_sub_program_invitation_needs_the_profile_the_join_takes(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = Tenant()
    program_id = await new_program(client, org)
    sub_id = await new_sub(client, org, program_id)
    ada = await hire(client, org)
    invitation_id = await invited(client, org, f"/v1/sub-programs/{sub_id}", ada)
    me = person(org, ada["user_name"])
    url = f"/v1/me/invitations/{invitation_id}/accept"

    bare = await client.post(url, headers=me)
    accepted = await client.post(url, json=LINKEDIN, headers=me)

    assert bare.status_code == 422
    assert {e["field"] for e in bare.json()["errors"]} == {"network", "audience_size"}
    assert accepted.status_code == 200, accepted.text
    body = accepted.json()
    assert body["sub_program_membership"]["sub_program_id"] == sub_id
    assert body["sub_program_membership"]["network"] == "linkedin"
    assert body["program_membership"]["program_id"] == program_id
    assert await count(db, Membership) == 1 and len(await staged(db, JOINED)) == 1


async def race(
    client: httpx.AsyncClient, calls: list[tuple[str, dict[str, str], Any]]
) -> list[httpx.Response]:
    return list(
        await asyncio.gather(
            *(client.post(url, json=body, headers=headers) for url, headers, body in calls)
        )
    )


async def test_racing_answers_count_once(client: httpx.AsyncClient, db: Database) -> None:
    org = Tenant()
    program_id = await new_program(client, org)
    scope = f"/v1/programs/{program_id}"
    admin = org.headers(admin=True)
    for answers in (("accept", "accept"), ("accept", "decline"), ("decline", "revoke")):
        employee = await hire(client, org)
        invitation_id = await invited(client, org, scope, employee)
        me = person(org, employee["user_name"])
        calls = [
            (
                f"/v1/invitations/{invitation_id}/revoke"
                if answer == "revoke"
                else f"/v1/me/invitations/{invitation_id}/{answer}",
                admin if answer == "revoke" else me,
                None,
            )
            for answer in answers
        ]

        responses = await race(client, calls)

        assert sorted(r.status_code for r in responses) == [200, 409], answers
        [winner] = [a for a, r in zip(answers, responses, strict=True) if r.status_code == 200]
        [loser] = [r for r in responses if r.status_code == 409]
        assert problem(loser) in ("invitation_not_open", "already_member")
        listed = await client.get(f"/v1/invitations?employee_id={employee['id']}", headers=admin)
        [row] = listed.json()["items"]
        assert row["status"] == {"accept": "accepted", "decline": "declined"}.get(winner, "revoked")
        members = await count(db, ProgramMember, col(ProgramMember.program_id) == program_id)
        joins = len(await staged(db, JOINED))
        assert members == joins  # one membership and one joined event per accepted invitation
    assert joins in (1, 2)


async def test_answers_are_final_and_revocation_is_for_staff(client: httpx.AsyncClient) -> None:
    org = Tenant()
    program_id = await new_program(client, org)
    scope = f"/v1/programs/{program_id}"
    ada = await hire(client, org)
    manager_id = uuid.uuid4()
    grant = {"user_id": str(manager_id), "role": "program_manager"}
    admin = org.headers(admin=True)
    assert (await client.post(f"{scope}/staff", json=grant, headers=admin)).status_code == 201
    manager = org.headers(user_id=manager_id, roles=["program_manager"])
    me = person(org, ada["user_name"])

    declined_id = await invited(client, org, scope, ada)
    declines = [await client.post(f"/v1/me/invitations/{declined_id}/decline", headers=me)]
    declines.append(await client.post(f"/v1/me/invitations/{declined_id}/decline", headers=me))
    # Declined is not open: staff may ask once more, by hand (rules never do).
    made = await client.post(
        f"{scope}/invitations", json={"employee_ids": [ada["id"]]}, headers=manager
    )
    revoke_url = f"/v1/invitations/{made.json()['items'][0]['id']}/revoke"
    refused = await client.post(revoke_url, headers=org.headers(roles=["reviewer"]))
    revoked = await client.post(revoke_url, headers=manager)
    twice = await client.post(revoke_url, headers=admin)

    assert [r.status_code for r in declines] == [200, 409]
    assert problem(declines[1]) == "invitation_not_open"
    assert made.status_code == 201, made.text
    assert (refused.status_code, revoked.status_code, twice.status_code) == (403, 200, 409)
    assert revoked.json()["status"] == "revoked"
    mine = await client.get("/v1/me/invitations", headers=me)
    assert sorted(i["status"] for i in mine.json()["items"]) == ["declined", "revoked"]


async def test_invitations_refused_name_each_person_and_write_nothing(
    client: httpx.AsyncClient, db: Database
) -> None:
    org, other = Tenant(), Tenant()
    program_id = await new_program(client, org)
    scope = f"/v1/programs/{program_id}"
    ada, gone, member = [await hire(client, org) for _ in range(3)]
    foreign = await hire(client, other)
    left = await client.post(
        f"/v1/hr/employees/{gone['external_id']}/leave", headers=org.headers(admin=True)
    )
    assert left.status_code == 200
    joined = await client.post(f"{scope}/members", headers=person(org, member["user_name"]))
    assert joined.status_code == 201
    nobody = str(uuid.uuid4())

    unknown = await invite(client, org, scope, ada["id"], foreign["id"], nobody)
    departed = await invite(client, org, scope, ada["id"], gone["id"])
    members = await invite(client, org, scope, member["id"], ada["id"])
    too_many = await invite(client, org, scope, *(str(uuid.uuid4()) for _ in range(501)))
    bad_reason = await invite(client, org, scope, ada["id"], reason="eligibility")

    assert (unknown.status_code, problem(unknown)) == (422, "invalid_input")
    assert [e["field"] for e in unknown.json()["errors"]] == ["employee_ids.1", "employee_ids.2"]
    assert (departed.status_code, problem(departed)) == (409, "employee_departed")
    assert [e["field"] for e in departed.json()["errors"]] == ["employee_ids.1"]
    assert (members.status_code, problem(members)) == (409, "already_member")
    assert [e["field"] for e in members.json()["errors"]] == ["employee_ids.0"]
    assert (too_many.status_code, bad_reason.status_code) == (422, 422)
    assert await count(db, Invitation) == 0 and await staged(db, INVITED) == []

    first = await invite(client, org, scope, ada["id"])
    again = await invite(client, org, scope, ada["id"])
    both = await invite(client, org, scope, ada["id"], member["id"])

    assert first.status_code == 201
    assert (again.status_code, problem(again)) == (409, "already_invited")
    assert both.status_code == 409  # the member is refused before anything is written
    assert await count(db, Invitation) == 1


async def test_concurrent_invitations_make_one_open_invitation(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = Tenant()
    program_id = await new_program(client, org)
    ada = await hire(client, org)
    scope = f"/v1/programs/{program_id}"

    responses = await asyncio.gather(*(invite(client, org, scope, ada["id"]) for _ in range(4)))

    assert sorted(r.status_code for r in responses) == [201, 409, 409, 409]
    assert await count(db, Invitation) == 1 and len(await staged(db, INVITED)) == 1


async def test_a_departure_closes_open_invitations_and_erasure_deletes_them(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = Tenant()
    program_id = await new_program(client, org)
    other_id = await new_program(client, org, "Q")
    ada = await hire(client, org)
    me = person(org, ada["user_name"])
    joined = await client.post(f"/v1/programs/{other_id}/members", headers=me)
    invitation_id = await invited(client, org, f"/v1/programs/{program_id}", ada)
    ref = PersonRef(
        org_id=org.org_id,
        user_id=None,
        ambassador_id=uuid.UUID(joined.json()["ambassador_id"]),
        employee_id=uuid.UUID(ada["id"]),
    )
    async with db.transaction() as session:
        exported = await personal_data.export(session, ref)
    assert [i["id"] for i in exported["invitations"]] == [invitation_id]
    assert [m["program_id"] for m in exported["program_memberships"]] == [other_id]

    left = await client.post(
        f"/v1/hr/employees/{ada['external_id']}/leave", headers=org.headers(admin=True)
    )

    assert left.status_code == 200
    listed = await client.get("/v1/invitations", headers=org.headers(admin=True))
    assert [(i["id"], i["status"]) for i in listed.json()["items"]] == [(invitation_id, "revoked")]
    accept = await client.post(f"/v1/me/invitations/{invitation_id}/accept", headers=me)
    assert (accept.status_code, problem(accept)) == (403, "employee_departed")
    async with db.transaction() as session:
        await personal_data.erase(session, ref)
        assert await personal_data.export(session, ref) == {
            "program_memberships": [],
            "invitations": [],
        }


async def test_another_organisation_cannot_touch_an_invitation(client: httpx.AsyncClient) -> None:
    org, other = Tenant(), Tenant()
    program_id = await new_program(client, org)
    ada = await hire(client, org)
    invitation_id = await invited(client, org, f"/v1/programs/{program_id}", ada)
    other_program = await new_program(client, other)
    intruders = [other.headers(admin=True), person(other, ada["user_name"])]

    for headers in intruders:
        for url in (
            f"/v1/invitations/{invitation_id}/revoke",
            f"/v1/me/invitations/{invitation_id}/accept",
            f"/v1/me/invitations/{invitation_id}/decline",
        ):
            response = await client.post(url, headers=headers)
            assert response.status_code == 404, (url, response.text)
        assert (await client.get("/v1/me/invitations", headers=headers)).json()["items"] == []
    assert (await client.get("/v1/invitations", headers=intruders[0])).json()["items"] == []
    # A's employee is unknown to B: named in a 422, nothing written.
    stolen = await invite(client, other, f"/v1/programs/{other_program}", ada["id"])
    assert stolen.status_code == 422
    mine = await client.get("/v1/me/invitations", headers=person(org, ada["user_name"]))
    assert [i["status"] for i in mine.json()["items"]] == ["open"]
