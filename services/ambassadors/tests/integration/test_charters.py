"""Charters: versions per program and sub-program with one in force decided by PostgreSQL,
acceptances recorded once, and shares refused until the versions in force are accepted."""

import asyncio
import json
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlmodel import col

from advocacy_testing.apps import Tenant
from advocacy_testing.identity import user_token
from ambassadors.charters import privacy
from ambassadors.charters.models import Charter, CharterAcceptance
from ambassadors.config import Settings
from ambassadors.models import FeedItem
from ambassadors.privacy.personal_data import PersonRef
from common.db import Database
from common.outbox import OutboxMessage

PUBLISHED = "ambassadors.charter.published.v1"
ACCEPTED = "ambassadors.charter.accepted.v1"
TERMS = {
    "terms": "# Our charter\nBe yourself.",
    "tone": "Warm, factual.",
    "visual_identity": "https://brand.example.com",
    "disclosure": "I work at Example.",
    "required_hashtags": ["#example"],
    "banned_terms": ["guaranteed"],
}


async def staged(db: Database, event_type: str) -> list[dict[str, Any]]:
    """Every outbox row of one type: payload, key and CloudEvents headers."""
    async with db.transaction() as session:
        query = select(OutboxMessage).where(col(OutboxMessage.event_type) == event_type)
        rows = (await session.execute(query)).scalars().all()
    return [
        json.loads(row.payload) | {"key": row.key, "headers": dict(row.headers)} for row in rows
    ]


async def created(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    return dict(response.json())


async def program_and_sub(client: httpx.AsyncClient, org: Tenant) -> tuple[str, str]:
    admin = org.headers(admin=True)
    program = await created(await client.post("/v1/programs", json={"name": "P"}, headers=admin))
    sub = await created(
        await client.post(
            f"/v1/programs/{program['id']}/sub-programs", json={"name": "S"}, headers=admin
        )
    )
    return program["id"], sub["id"]


async def draft(
    client: httpx.AsyncClient, scope: str, headers: dict[str, str], **changes: Any
) -> httpx.Response:
    return await client.post(f"{scope}/charters", json=TERMS | changes, headers=headers)


async def publish(client: httpx.AsyncClient, charter_id: str, headers: dict[str, str]) -> Any:
    return await client.post(f"/v1/charters/{charter_id}/publish", headers=headers)


async def published(client: httpx.AsyncClient, scope: str, org: Tenant, **changes: Any) -> Any:
    """A new version drafted and published by the org admin; the published version."""
    admin = org.headers(admin=True)
    row = await created(await draft(client, scope, admin, **changes))
    answer = await publish(client, row["id"], admin)
    assert answer.status_code == 200, answer.text
    return answer.json()


async def accept(
    client: httpx.AsyncClient, scope: str, version: int, headers: dict[str, str]
) -> httpx.Response:
    return await client.post(f"{scope}/charter/accept", json={"version": version}, headers=headers)


async def member_with_items(
    client: httpx.AsyncClient, settings: Settings, org: Tenant, sub_id: str, items: int
) -> tuple[dict[str, str], list[str]]:
    """A LinkedIn member of the sub-program whose feed holds `items` published items."""
    me = org.headers(user_id=uuid.uuid4())
    body = {"network": "linkedin", "audience_size": 100}
    joined = await created(
        await client.post(f"/v1/sub-programs/{sub_id}/members", json=body, headers=me)
    )
    database = Database(settings.database_url)
    ids = [uuid.uuid4() for _ in range(items)]
    try:
        async with database.transaction() as session:
            for content_id in ids:
                session.add(
                    FeedItem(
                        org_id=org.org_id,
                        ambassador_id=uuid.UUID(joined["ambassador_id"]),
                        content_id=content_id,
                        sub_program_id=uuid.UUID(sub_id),
                        kind="article",
                        title="Published",
                        url="https://example.com/a",
                        created_at=datetime.now(UTC),
                    )
                )
    finally:
        await database.dispose()
    return me, [str(i) for i in ids]


async def share(client: httpx.AsyncClient, content_id: str, me: dict[str, str]) -> httpx.Response:
    body = {"content_id": content_id, "network": "linkedin"}
    return await client.post("/v1/me/shares", json=body, headers=me)


async def test_versions_are_drafted_published_and_superseded_with_one_event_each(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = Tenant()
    admin = org.headers(admin=True)
    program_id, _ = await program_and_sub(client, org)
    scope = f"/v1/programs/{program_id}"

    first = await created(await draft(client, scope, admin))
    assert (first["status"], first["version"], first["based_on_version"]) == ("draft", None, 0)
    assert (await client.get(f"{scope}/charter", headers=admin)).status_code == 404
    v1 = (await publish(client, first["id"], admin)).json()
    v2 = await published(client, scope, org, disclosure="Employee of Example.")
    current = (await client.get(f"{scope}/charter", headers=org.headers())).json()
    old = (await client.get(f"/v1/charters/{first['id']}", headers=org.headers())).json()
    listed = await client.get("/v1/charters", params={"scope_id": program_id}, headers=admin)

    assert (v1["status"], v1["version"], v2["version"], v2["based_on_version"]) == (
        "published",
        1,
        2,
        1,
    )
    assert (current["id"], current["disclosure"]) == (v2["id"], "Employee of Example.")
    assert (old["status"], old["version"]) == ("superseded", 1)
    assert [c["version"] for c in listed.json()["items"]] == [2, 1]
    events = await staged(db, PUBLISHED)
    mine = [e for e in events if e["program_id"] == program_id]
    assert [(e["version"], e["disclosure"]) for e in mine] == [
        (1, "I work at Example."),
        (2, "Employee of Example."),
    ]
    assert mine[0]["required_hashtags"] == ["#example"]
    assert mine[0]["banned_terms"] == ["guaranteed"]
    assert mine[0]["sub_program_id"] is None
    assert {e["key"] for e in mine} == {program_id}
    assert mine[0]["headers"]["ce_orgid"] == str(org.org_id)
    assert mine[0]["headers"]["ce_programid"] == program_id
    assert "ce_subprogramid" not in mine[0]["headers"]


async def test_concurrent_publications_put_exactly_one_version_in_force(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = Tenant()
    admin = org.headers(admin=True)
    program_id, sub_id = await program_and_sub(client, org)
    # The first publication of a scope (nothing to replace) and a later one (v1 to replace).
    for scope, rounds in ((f"/v1/sub-programs/{sub_id}", 3), (f"/v1/programs/{program_id}", 3)):
        for _ in range(rounds):
            drafts = [(await created(await draft(client, scope, admin)))["id"] for _ in range(3)]
            answers = await asyncio.gather(*(publish(client, d, admin) for d in drafts))
            assert sorted(a.status_code for a in answers) == [200, 409, 409]
            losers = [a.json() for a in answers if a.status_code == 409]
            assert {loser["type"] for loser in losers} == {
                "urn:advocacy:problem:charter_draft_outdated"
            }
    async with db.transaction() as session:
        in_force = await session.execute(
            select(col(Charter.scope_id), func.count())
            .where(col(Charter.org_id) == org.org_id, col(Charter.status) == "published")
            .group_by(col(Charter.scope_id))
        )
        versions = await session.execute(
            select(col(Charter.version)).where(
                col(Charter.scope_id) == uuid.UUID(program_id),
                col(Charter.version).is_not(None),
            )
        )
    assert sorted(count for _, count in in_force.all()) == [1, 1]
    assert sorted(versions.scalars().all()) == [1, 2, 3]
    assert len([e for e in await staged(db, PUBLISHED) if e["program_id"] == program_id]) == 6


async def test_one_draft_published_twice_at_once_is_one_version(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = Tenant()
    admin = org.headers(admin=True)
    program_id, _ = await program_and_sub(client, org)
    scope = f"/v1/programs/{program_id}"
    await published(client, scope, org)
    row = await created(await draft(client, scope, admin))

    answers = await asyncio.gather(*(publish(client, row["id"], admin) for _ in range(3)))

    assert sorted(a.status_code for a in answers) == [200, 409, 409]
    assert {a.json()["type"] for a in answers if a.status_code == 409} == {
        "urn:advocacy:problem:charter_not_draft"
    }
    current = (await client.get(f"{scope}/charter", headers=admin)).json()
    assert (current["id"], current["version"]) == (row["id"], 2)


async def test_an_outdated_draft_is_refused_and_names_the_version_in_force(
    client: httpx.AsyncClient,
) -> None:
    org = Tenant()
    admin = org.headers(admin=True)
    program_id, _ = await program_and_sub(client, org)
    scope = f"/v1/programs/{program_id}"
    stale = await created(await draft(client, scope, admin))
    await published(client, scope, org)

    refused = await publish(client, stale["id"], admin)

    assert refused.status_code == 409
    assert refused.json()["type"] == "urn:advocacy:problem:charter_draft_outdated"
    assert refused.json()["current_version"] == 1
    assert (await client.get(f"/v1/charters/{stale['id']}", headers=admin)).json()["status"] == (
        "draft"
    )


async def test_concurrent_acceptances_make_one_record_and_one_event(
    client: httpx.AsyncClient, db: Database, settings: Settings
) -> None:
    org = Tenant()
    program_id, sub_id = await program_and_sub(client, org)
    scope = f"/v1/programs/{program_id}"
    v1 = await published(client, scope, org)
    # Ambassadors already (members): nothing but the acceptance itself is raced.
    people = [(await member_with_items(client, settings, org, sub_id, 0))[0] for _ in range(3)]

    for me in people:
        answers = await asyncio.gather(*(accept(client, scope, 1, me) for _ in range(4)))
        assert {a.status_code for a in answers} == {200}, [a.text for a in answers]
        assert len({a.json()["id"] for a in answers}) == 1
    again = await accept(client, scope, 1, people[0])

    assert again.status_code == 200
    events = [e for e in await staged(db, ACCEPTED) if e["program_id"] == program_id]
    assert len(events) == 3
    assert {e["charter_id"] for e in events} == {v1["id"]}
    assert {e["version"] for e in events} == {1}
    assert events[0]["headers"]["ce_programid"] == program_id
    async with db.transaction() as session:
        count = await session.execute(
            select(func.count()).where(col(CharterAcceptance.charter_id) == uuid.UUID(v1["id"]))
        )
    assert count.scalar_one() == 3


async def test_only_the_version_in_force_can_be_accepted(client: httpx.AsyncClient) -> None:
    org = Tenant()
    me = org.headers(user_id=uuid.uuid4())
    program_id, sub_id = await program_and_sub(client, org)
    scope = f"/v1/programs/{program_id}"

    none_yet = await accept(client, scope, 1, me)
    await published(client, scope, org)
    await published(client, scope, org)
    old = await accept(client, scope, 1, me)
    future = await accept(client, scope, 3, me)
    nothing_there = await accept(client, f"/v1/sub-programs/{sub_id}", 1, me)

    assert (none_yet.status_code, none_yet.json()["type"]) == (
        404,
        "urn:advocacy:problem:charter_not_found",
    )
    for refused in (old, future):
        assert refused.status_code == 409
        problem = refused.json()
        assert problem["type"] == "urn:advocacy:problem:charter_version_not_current"
        assert (problem["current_version"], problem["errors"][0]["field"]) == (2, "version")
    assert nothing_there.status_code == 404
    assert (await accept(client, scope, 2, me)).status_code == 200


async def test_a_share_needs_the_versions_in_force_of_program_and_sub_program_accepted(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    org = Tenant()
    program_id, sub_id = await program_and_sub(client, org)
    program, sub = f"/v1/programs/{program_id}", f"/v1/sub-programs/{sub_id}"
    me, items = await member_with_items(client, settings, org, sub_id, 4)
    # No charter at all: sharing is as it always was.
    assert (await share(client, items[0], me)).status_code == 201

    await published(client, program, org)
    await published(client, sub, org)
    refused = await share(client, items[1], me)
    assert refused.status_code == 403
    problem = refused.json()
    assert problem["type"] == "urn:advocacy:problem:charter_not_accepted"
    assert [(c["program_id"], c["sub_program_id"], c["version"]) for c in problem["charters"]] == [
        (program_id, None, 1),
        (program_id, sub_id, 1),
    ]
    assert (await accept(client, program, 1, me)).status_code == 200
    only_sub = (await share(client, items[1], me)).json()
    assert [c["sub_program_id"] for c in only_sub["charters"]] == [sub_id]
    assert (await accept(client, sub, 1, me)).status_code == 200
    assert (await share(client, items[1], me)).status_code == 201

    await published(client, program, org)
    again = await share(client, items[2], me)
    assert again.status_code == 403
    assert [(c["version"], c["sub_program_id"]) for c in again.json()["charters"]] == [(2, None)]
    assert (await accept(client, program, 2, me)).status_code == 200
    assert (await share(client, items[2], me)).status_code == 201
    mine = await client.get("/v1/me/charters", headers=me)
    assert {
        (c["charter"]["version"], c["accepted_at"] is not None) for c in mine.json()["items"]
    } == {
        (2, True),
        (1, True),
    }


async def test_my_charters_show_what_to_accept_and_what_i_accepted(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    org = Tenant()
    program_id, sub_id = await program_and_sub(client, org)
    program, sub = f"/v1/programs/{program_id}", f"/v1/sub-programs/{sub_id}"
    me, _ = await member_with_items(client, settings, org, sub_id, 0)
    await published(client, program, org)
    await published(client, sub, org)
    await accept(client, program, 1, me)
    await published(client, program, org)

    everything = (await client.get("/v1/me/charters", headers=me)).json()["items"]
    pending = (await client.get("/v1/me/charters?pending=true", headers=me)).json()["items"]
    stranger = (await client.get("/v1/me/charters", headers=org.headers())).json()["items"]

    summary = {
        (c["charter"]["scope_type"], c["charter"]["version"]): (
            c["accepted_at"] is not None,
            c["last_accepted_version"],
        )
        for c in everything
    }
    assert summary == {("program", 2): (False, 1), ("sub_program", 1): (False, None)}
    assert {(c["charter"]["scope_type"]) for c in pending} == {"program", "sub_program"}
    assert stranger == []


async def test_who_writes_and_who_reads_charters(client: httpx.AsyncClient) -> None:
    org = Tenant()
    admin = org.headers(admin=True)
    program_id, sub_id = await program_and_sub(client, org)
    program, sub = f"/v1/programs/{program_id}", f"/v1/sub-programs/{sub_id}"
    program_manager, sub_manager = uuid.uuid4(), uuid.uuid4()
    for scope, user in ((program, program_manager), (sub, sub_manager)):
        body = {"user_id": str(user), "role": "program_manager"}
        await created(await client.post(f"{scope}/staff", json=body, headers=admin))
    pm = org.headers(user_id=program_manager, roles=["program_manager"])
    sm = org.headers(user_id=sub_manager, roles=["program_manager"])
    employee = org.headers()
    key = {
        "Authorization": "Bearer "
        + user_token(
            user_id=uuid.uuid4(),
            org_id=org.org_id,
            roles=["integration"],
            kind="api_key",
            scopes=["programs:read"],
        )
    }

    pm_on_sub = await created(await draft(client, sub, pm))
    sm_on_sub = await created(await draft(client, sub, sm))
    assert (await draft(client, program, sm)).status_code == 403
    assert (await draft(client, program, employee)).status_code == 403
    assert (await draft(client, program, key)).status_code == 403
    # Drafts stay with those who may write them.
    assert (
        await client.get(f"/v1/charters/{pm_on_sub['id']}", headers=employee)
    ).status_code == 404
    assert (await client.get(f"/v1/charters/{pm_on_sub['id']}", headers=sm)).status_code == 200
    listed = await client.get("/v1/charters", headers=employee)
    assert listed.json()["items"] == []
    assert len((await client.get("/v1/charters", headers=sm)).json()["items"]) == 2
    assert (await publish(client, pm_on_sub["id"], employee)).status_code == 403
    assert (await publish(client, pm_on_sub["id"], pm)).status_code == 200
    assert (await publish(client, sm_on_sub["id"], sm)).status_code == 409  # outdated now

    for reader in (employee, key, pm):
        answer = await client.get(f"{sub}/charter", headers=reader)
        assert (answer.status_code, answer.json()["id"]) == (200, pm_on_sub["id"])
    assert len((await client.get("/v1/charters", headers=key)).json()["items"]) == 1
    assert (await accept(client, sub, 1, key)).status_code == 403
    assert (await accept(client, sub, 1, pm)).status_code == 403  # no employee role


async def test_another_organisation_sees_none_of_our_charters(client: httpx.AsyncClient) -> None:
    org, other = Tenant(), Tenant()
    program_id, sub_id = await program_and_sub(client, org)
    program, sub = f"/v1/programs/{program_id}", f"/v1/sub-programs/{sub_id}"
    v1 = await published(client, program, org)
    waiting = await created(await draft(client, sub, org.headers(admin=True)))
    intruders = [other.headers(admin=True), other.headers()]

    for headers in intruders:
        for method, url, body in (
            ("GET", f"{program}/charter", None),
            ("GET", f"{sub}/charter", None),
            ("POST", f"{program}/charters", TERMS),
            ("POST", f"{sub}/charters", TERMS),
            ("POST", f"{program}/charter/accept", {"version": 1}),
            ("GET", f"/v1/charters/{v1['id']}", None),
            ("GET", f"/v1/charters/{waiting['id']}", None),
            ("POST", f"/v1/charters/{waiting['id']}/publish", None),
        ):
            answer = await client.request(method, url, json=body, headers=headers)
            assert answer.status_code == 404, (method, url, answer.text)
        assert (await client.get("/v1/charters", headers=headers)).json()["items"] == []
    assert (
        await client.get(f"/v1/charters/{waiting['id']}", headers=org.headers(admin=True))
    ).json()["status"] == "draft"


async def test_acceptances_are_exported_and_erased_with_the_person(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = Tenant()
    user_id = uuid.uuid4()
    me = org.headers(user_id=user_id)
    program_id, _ = await program_and_sub(client, org)
    scope = f"/v1/programs/{program_id}"
    v1 = await published(client, scope, org)
    accepted = (await accept(client, scope, 1, me)).json()
    person = PersonRef(org_id=org.org_id, user_id=user_id, ambassador_id=None, employee_id=None)

    async with db.transaction() as session:
        exported = await privacy.export(session, person)
    async with db.transaction() as session:
        await privacy.erase(session, person)
    async with db.transaction() as session:
        after = await privacy.export(session, person)

    assert exported == [
        {
            "charter_id": v1["id"],
            "program_id": program_id,
            "sub_program_id": None,
            "version": 1,
            "accepted_at": datetime.fromisoformat(accepted["accepted_at"]).isoformat(),
        }
    ]
    assert after is None
