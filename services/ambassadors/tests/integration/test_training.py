"""Training modules and the kit: written by a program's staff, completed once per person and
told once, required modules gating shares, archived rather than deleted once completed; and
the onboarding track of a person invited or a member."""

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
from ambassadors.config import Settings
from ambassadors.models import FeedItem
from ambassadors.privacy.personal_data import PersonRef
from ambassadors.training import privacy
from ambassadors.training.models import TrainingCompletion, TrainingModule
from common.db import Database
from common.outbox import OutboxMessage

COMPLETED = "ambassadors.training.completed.v1"


async def staged(db: Database, event_type: str) -> list[dict[str, Any]]:
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


async def module(
    client: httpx.AsyncClient, program_id: str, headers: dict[str, str], **fields: Any
) -> httpx.Response:
    body = {"title": "How we share", "body": "Read this.", **fields}
    return await client.post(
        f"/v1/programs/{program_id}/training-modules", json=body, headers=headers
    )


async def complete(
    client: httpx.AsyncClient, module_id: str, headers: dict[str, str]
) -> httpx.Response:
    return await client.post(f"/v1/training-modules/{module_id}/complete", headers=headers)


async def member_with_items(
    client: httpx.AsyncClient, settings: Settings, org: Tenant, sub_id: str, items: int
) -> tuple[dict[str, str], list[str]]:
    """A LinkedIn member of the sub-program whose feed holds `items` published items."""
    me = org.headers(user_id=uuid.uuid4())
    body = {"network": "linkedin", "audience_size": 100}
    joined = await created(
        await client.post(f"/v1/sub-programs/{sub_id}/members", json=body, headers=me)
    )
    ids = [uuid.uuid4() for _ in range(items)]
    database = Database(settings.database_url)
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


async def test_concurrent_completions_make_one_record_and_one_event(
    client: httpx.AsyncClient, db: Database, settings: Settings
) -> None:
    org = Tenant()
    program_id, sub_id = await program_and_sub(client, org)
    row = await created(await module(client, program_id, org.headers(admin=True), required=True))
    # Ambassadors already (members): nothing but the completion itself is raced.
    people = [(await member_with_items(client, settings, org, sub_id, 0))[0] for _ in range(3)]

    for me in people:
        answers = await asyncio.gather(*(complete(client, row["id"], me) for _ in range(4)))
        assert {a.status_code for a in answers} == {200}, [a.text for a in answers]
        assert len({a.json()["id"] for a in answers}) == 1
    again = await complete(client, row["id"], people[0])

    assert again.status_code == 200
    events = [e for e in await staged(db, COMPLETED) if e["module_id"] == row["id"]]
    assert len(events) == 3
    assert {(e["program_id"], e["required"]) for e in events} == {(program_id, True)}
    assert events[0]["headers"]["ce_orgid"] == str(org.org_id)
    assert events[0]["headers"]["ce_programid"] == program_id
    async with db.transaction() as session:
        count = await session.execute(
            select(func.count()).where(col(TrainingCompletion.module_id) == uuid.UUID(row["id"]))
        )
    assert count.scalar_one() == 3


async def test_required_modules_gate_shares_until_completed(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    org = Tenant()
    admin = org.headers(admin=True)
    program_id, sub_id = await program_and_sub(client, org)
    me, items = await member_with_items(client, settings, org, sub_id, 3)
    await created(await module(client, program_id, admin, title="Optional"))
    assert (await share(client, items[0], me)).status_code == 201

    second = await created(await module(client, program_id, admin, title="Second", position=2))
    first = await created(
        await module(client, program_id, admin, title="First", position=1, required=True)
    )
    await client.patch(
        f"/v1/training-modules/{second['id']}", json={"required": True}, headers=admin
    )
    refused = await share(client, items[1], me)
    assert refused.status_code == 403
    problem = refused.json()
    assert problem["type"] == "urn:advocacy:problem:training_required"
    assert problem["program_id"] == program_id
    assert [m["title"] for m in problem["modules"]] == ["First", "Second"]

    assert (await complete(client, first["id"], me)).status_code == 200
    left = (await share(client, items[1], me)).json()
    assert [m["id"] for m in left["modules"]] == [second["id"]]
    assert (await complete(client, second["id"], me)).status_code == 200
    assert (await share(client, items[1], me)).status_code == 201
    # A new required module gates again; archiving it lifts the gate.
    third = await created(await module(client, program_id, admin, title="Third", required=True))
    assert (await share(client, items[2], me)).status_code == 403
    assert (
        await client.delete(f"/v1/training-modules/{third['id']}", headers=admin)
    ).status_code == 204
    assert (await share(client, items[2], me)).status_code == 201


async def test_a_module_someone_completed_is_archived_not_deleted(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = Tenant()
    admin, me = org.headers(admin=True), org.headers(user_id=uuid.uuid4())
    program_id, _ = await program_and_sub(client, org)
    untouched = await created(await module(client, program_id, admin))
    done = await created(await module(client, program_id, admin))
    await complete(client, done["id"], me)

    for row in (untouched, done):
        assert (
            await client.delete(f"/v1/training-modules/{row['id']}", headers=admin)
        ).status_code == 204

    assert (
        await client.get(f"/v1/training-modules/{untouched['id']}", headers=admin)
    ).status_code == 404
    kept = (await client.get(f"/v1/training-modules/{done['id']}", headers=me)).json()
    assert kept["archived_at"] is not None and kept["completed_at"] is not None
    listed = await client.get("/v1/training-modules", params={"program_id": program_id}, headers=me)
    assert listed.json()["items"] == []
    archived = await client.get(
        "/v1/training-modules",
        params={"program_id": program_id, "include_archived": "true"},
        headers=me,
    )
    assert [m["id"] for m in archived.json()["items"]] == [done["id"]]
    patched = await client.patch(
        f"/v1/training-modules/{done['id']}", json={"title": "New"}, headers=admin
    )
    assert (patched.status_code, patched.json()["type"]) == (
        409,
        "urn:advocacy:problem:training_module_archived",
    )
    late = await complete(client, done["id"], org.headers(user_id=uuid.uuid4()))
    assert (late.status_code, late.json()["type"]) == (
        409,
        "urn:advocacy:problem:training_module_archived",
    )
    # Completed before it was archived: still the same record.
    assert (await complete(client, done["id"], me)).status_code == 200
    async with db.transaction() as session:
        stored = await session.execute(
            select(func.count()).where(col(TrainingModule.program_id) == uuid.UUID(program_id))
        )
    assert stored.scalar_one() == 1


async def test_a_delete_racing_completions_never_loses_one(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = Tenant()
    admin = org.headers(admin=True)
    program_id, _ = await program_and_sub(client, org)
    for _ in range(5):
        row = await created(await module(client, program_id, admin))
        people = [org.headers(user_id=uuid.uuid4()) for _ in range(3)]
        answers = await asyncio.gather(
            client.delete(f"/v1/training-modules/{row['id']}", headers=admin),
            *(complete(client, row["id"], me) for me in people),
        )
        assert answers[0].status_code == 204
        completed = [a for a in answers[1:] if a.status_code == 200]
        assert {a.status_code for a in answers[1:]} <= {200, 404}
        async with db.transaction() as session:
            kept = await session.get(TrainingModule, uuid.UUID(row["id"]))
            count = await session.execute(
                select(func.count()).where(
                    col(TrainingCompletion.module_id) == uuid.UUID(row["id"])
                )
            )
        # Every completion answered 200 is stored, on a module that stays (archived).
        assert count.scalar_one() == len(completed)
        assert (kept is not None) == bool(completed)
        if kept is not None:
            assert kept.archived_at is not None


async def test_modules_validate_their_fields_and_keep_some_content(
    client: httpx.AsyncClient,
) -> None:
    org = Tenant()
    admin = org.headers(admin=True)
    program_id, _ = await program_and_sub(client, org)

    empty = await client.post(
        f"/v1/programs/{program_id}/training-modules", json={"title": "T"}, headers=admin
    )
    bad_url = await module(client, program_id, admin, url="ftp://example.com")
    too_long = await module(client, program_id, admin, estimated_minutes=601)
    link = await created(await module(client, program_id, admin, body=None, url="https://e.com/v"))
    emptied = await client.patch(
        f"/v1/training-modules/{link['id']}", json={"url": None}, headers=admin
    )
    no_title = await client.patch(
        f"/v1/training-modules/{link['id']}", json={"title": None}, headers=admin
    )

    assert empty.status_code == 422
    assert [e["field"] for e in bad_url.json()["errors"]] == ["url"]
    assert [e["field"] for e in too_long.json()["errors"]] == ["estimated_minutes"]
    assert (emptied.status_code, emptied.json()["errors"][0]["field"]) == (422, "body")
    assert (no_title.status_code, no_title.json()["errors"][0]["field"]) == (422, "title")
    unchanged = (await client.get(f"/v1/training-modules/{link['id']}", headers=admin)).json()
    assert (unchanged["url"], unchanged["title"]) == ("https://e.com/v", "How we share")


async def test_my_training_and_the_staff_progress_view(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    org = Tenant()
    admin = org.headers(admin=True)
    program_id, sub_id = await program_and_sub(client, org)
    me, _ = await member_with_items(client, settings, org, sub_id, 0)
    other, _ = await member_with_items(client, settings, org, sub_id, 0)
    required = await created(await module(client, program_id, admin, required=True, position=1))
    optional = await created(await module(client, program_id, admin, position=2))
    await complete(client, required["id"], me)
    await complete(client, optional["id"], me)
    await complete(client, optional["id"], other)

    mine = (await client.get("/v1/me/training", headers=me)).json()["items"]
    progress = await client.get(f"/v1/programs/{program_id}/training/progress", headers=admin)
    first_page = await client.get(
        f"/v1/programs/{program_id}/training/progress", params={"limit": 1}, headers=admin
    )
    second_page = await client.get(
        f"/v1/programs/{program_id}/training/progress",
        params={"limit": 1, "cursor": first_page.json()["next_cursor"]},
        headers=admin,
    )

    assert len(mine) == 1
    assert [m["id"] for m in mine[0]["modules"]] == [required["id"], optional["id"]]
    assert {
        k: mine[0][k] for k in ("completed", "total", "required_completed", "required_total")
    } == {
        "completed": 2,
        "total": 2,
        "required_completed": 1,
        "required_total": 1,
    }
    rows = {(r["completed"], r["required_completed"], r["total"]) for r in progress.json()["items"]}
    assert rows == {(2, 1, 2), (1, 0, 2)}
    paged = first_page.json()["items"] + second_page.json()["items"]
    assert [r["ambassador_id"] for r in paged] == [
        r["ambassador_id"] for r in progress.json()["items"]
    ]
    assert (
        await client.get(f"/v1/programs/{program_id}/training/progress", headers=me)
    ).status_code == 403


async def test_who_writes_and_reads_modules_and_kit(client: httpx.AsyncClient) -> None:
    org = Tenant()
    admin = org.headers(admin=True)
    program_id, sub_id = await program_and_sub(client, org)
    manager, sub_manager = uuid.uuid4(), uuid.uuid4()
    for scope, user in (
        (f"/v1/programs/{program_id}", manager),
        (f"/v1/sub-programs/{sub_id}", sub_manager),
    ):
        body = {"user_id": str(user), "role": "program_manager"}
        await created(await client.post(f"{scope}/staff", json=body, headers=admin))
    pm = org.headers(user_id=manager, roles=["program_manager"])
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
    kit_body = {"kind": "follow_company_page", "title": "Follow us", "url": "https://example.com/c"}
    kit_url = f"/v1/programs/{program_id}/kit-resources"

    row = await created(await module(client, program_id, pm))
    resource = await created(await client.post(kit_url, json=kit_body, headers=pm))
    for refused in (sm, employee, key):
        assert (await module(client, program_id, refused)).status_code == 403
        assert (await client.post(kit_url, json=kit_body, headers=refused)).status_code == 403
        patch = await client.patch(
            f"/v1/kit-resources/{resource['id']}", json={"title": "Mine"}, headers=refused
        )
        assert patch.status_code == 403
        gone = await client.delete(f"/v1/training-modules/{row['id']}", headers=refused)
        assert gone.status_code == 403
    for reader in (employee, key, sm):
        assert (
            await client.get(f"/v1/training-modules/{row['id']}", headers=reader)
        ).status_code == 200
        assert (
            await client.get(f"/v1/kit-resources/{resource['id']}", headers=reader)
        ).status_code == 200
        listed = await client.get(
            "/v1/kit-resources", params={"program_id": program_id}, headers=reader
        )
        assert [r["id"] for r in listed.json()["items"]] == [resource["id"]]
    assert (await complete(client, row["id"], key)).status_code == 403


async def test_the_kit_is_created_changed_listed_and_deleted(client: httpx.AsyncClient) -> None:
    org = Tenant()
    admin = org.headers(admin=True)
    program_id, _ = await program_and_sub(client, org)
    url = f"/v1/programs/{program_id}/kit-resources"
    kinds = ["follow_company_page", "relay_vs_comment", "internal_information", "visual_assets"]
    rows = [
        await created(
            await client.post(
                url,
                json={"kind": kind, "title": kind, "body": "How.", "position": i},
                headers=admin,
            )
        )
        for i, kind in enumerate(kinds)
    ]
    wrong_kind = await client.post(
        url, json={"kind": "memes", "title": "T", "body": "B"}, headers=admin
    )
    empty = await client.post(url, json={"kind": "other", "title": "T"}, headers=admin)

    changed = await client.patch(
        f"/v1/kit-resources/{rows[0]['id']}",
        json={"url": "https://www.linkedin.com/company/example", "position": 9},
        headers=admin,
    )
    deleted = await client.delete(f"/v1/kit-resources/{rows[1]['id']}", headers=admin)
    twice = await client.delete(f"/v1/kit-resources/{rows[1]['id']}", headers=admin)
    by_kind = await client.get("/v1/kit-resources", params={"kind": "visual_assets"}, headers=admin)
    everything = await client.get(
        "/v1/kit-resources", params={"program_id": program_id}, headers=admin
    )

    assert [e["field"] for e in wrong_kind.json()["errors"]] == ["kind"]
    assert empty.status_code == 422
    assert changed.status_code == 200
    assert (changed.json()["position"], changed.json()["body"]) == (9, "How.")
    assert (deleted.status_code, twice.status_code) == (204, 404)
    assert [r["kind"] for r in by_kind.json()["items"]] == ["visual_assets"]
    assert len(everything.json()["items"]) == 3


async def test_another_organisation_sees_none_of_our_training_or_kit(
    client: httpx.AsyncClient,
) -> None:
    org, other = Tenant(), Tenant()
    admin = org.headers(admin=True)
    program_id, _ = await program_and_sub(client, org)
    row = await created(await module(client, program_id, admin))
    resource = await created(
        await client.post(
            f"/v1/programs/{program_id}/kit-resources",
            json={"kind": "other", "title": "T", "body": "B"},
            headers=admin,
        )
    )

    for headers in (other.headers(admin=True), other.headers()):
        for method, url, body in (
            ("POST", f"/v1/programs/{program_id}/training-modules", {"title": "T", "body": "B"}),
            (
                "POST",
                f"/v1/programs/{program_id}/kit-resources",
                {"kind": "other", "title": "T", "body": "B"},
            ),
            ("GET", f"/v1/programs/{program_id}/training/progress", None),
            ("GET", f"/v1/training-modules/{row['id']}", None),
            ("PATCH", f"/v1/training-modules/{row['id']}", {"title": "Mine"}),
            ("DELETE", f"/v1/training-modules/{row['id']}", None),
            ("POST", f"/v1/training-modules/{row['id']}/complete", None),
            ("GET", f"/v1/kit-resources/{resource['id']}", None),
            ("PATCH", f"/v1/kit-resources/{resource['id']}", {"title": "Mine"}),
            ("DELETE", f"/v1/kit-resources/{resource['id']}", None),
        ):
            answer = await client.request(method, url, json=body, headers=headers)
            assert answer.status_code == 404, (method, url, answer.text)
        assert (await client.get("/v1/training-modules", headers=headers)).json()["items"] == []
        assert (await client.get("/v1/kit-resources", headers=headers)).json()["items"] == []
    assert (await client.get(f"/v1/training-modules/{row['id']}", headers=admin)).json()[
        "title"
    ] == ("How we share")


async def test_onboarding_offers_an_invited_person_the_charter_modules_and_kit(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    org = Tenant()
    admin = org.headers(admin=True)
    program_id, sub_id = await program_and_sub(client, org)
    user_id = uuid.uuid4()
    newcomer = {
        "Authorization": "Bearer "
        + user_token(
            user_id=user_id,
            org_id=org.org_id,
            roles=["employee"],
            preferred_username="new@example.com",
        )
    }
    hired = await client.put(
        "/v1/hr/employees/E-1", json={"user_name": "new@example.com"}, headers=admin
    )
    assert hired.status_code == 201, hired.text
    invited = await client.post(
        f"/v1/programs/{program_id}/invitations",
        json={"employee_ids": [hired.json()["id"]]},
        headers=admin,
    )
    assert invited.status_code in (200, 201), invited.text
    charter = await created(
        await client.post(
            f"/v1/programs/{program_id}/charters", json={"terms": "Be kind."}, headers=admin
        )
    )
    await client.post(f"/v1/charters/{charter['id']}/publish", headers=admin)
    onboarding = await created(
        await module(client, program_id, admin, title="Welcome", part_of_onboarding=True)
    )
    await created(await module(client, program_id, admin, title="Advanced"))
    await created(
        await client.post(
            f"/v1/programs/{program_id}/kit-resources",
            json={"kind": "relay_vs_comment", "title": "Relay or comment?", "body": "Both."},
            headers=admin,
        )
    )

    before = (await client.get("/v1/me/onboarding", headers=newcomer)).json()["items"]
    await client.post(
        f"/v1/programs/{program_id}/charter/accept", json={"version": 1}, headers=newcomer
    )
    await complete(client, onboarding["id"], newcomer)
    after = (await client.get("/v1/me/onboarding", headers=newcomer)).json()["items"]
    stranger = (await client.get("/v1/me/onboarding", headers=org.headers())).json()["items"]
    member, _ = await member_with_items(client, settings, org, sub_id, 0)
    as_member = (await client.get("/v1/me/onboarding", headers=member)).json()["items"]

    assert len(before) == 1
    track = before[0]
    assert (track["program_id"], track["invited"], track["member"], track["done"]) == (
        program_id,
        True,
        False,
        False,
    )
    assert [(c["charter"]["version"], c["accepted_at"]) for c in track["charters"]] == [(1, None)]
    assert [m["title"] for m in track["modules"]] == ["Welcome"]
    assert [r["title"] for r in track["kit"]] == ["Relay or comment?"]
    assert after[0]["done"] is True
    assert stranger == []
    assert [(t["program_id"], t["invited"], t["member"], t["done"]) for t in as_member] == [
        (program_id, False, True, False)
    ]
    assert [m["completed_at"] for m in as_member[0]["modules"]] == [None]


async def test_completions_are_exported_and_erased_with_the_person(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = Tenant()
    user_id = uuid.uuid4()
    program_id, _ = await program_and_sub(client, org)
    row = await created(await module(client, program_id, org.headers(admin=True)))
    await complete(client, row["id"], org.headers(user_id=user_id))
    person = PersonRef(org_id=org.org_id, user_id=user_id, ambassador_id=None, employee_id=None)

    async with db.transaction() as session:
        exported = await privacy.export(session, person)
        await privacy.erase(session, person)
    async with db.transaction() as session:
        after = await privacy.export(session, person)

    assert [(e["module_id"], e["program_id"], e["required"]) for e in exported] == [
        (row["id"], program_id, False)
    ]
    assert after is None


async def test_concurrent_additions_never_pass_the_cap_of_modules(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = Tenant()
    admin = org.headers(admin=True)
    program_id, _ = await program_and_sub(client, org)
    now = datetime.now(UTC)
    async with db.transaction() as session:
        for position in range(99):
            session.add(
                TrainingModule(
                    org_id=org.org_id,
                    program_id=uuid.UUID(program_id),
                    title=f"Module {position}",
                    body="Read.",
                    position=position,
                    created_by=org.admin_id,
                    created_at=now,
                    updated_at=now,
                )
            )

    answers = await asyncio.gather(*(module(client, program_id, admin) for _ in range(3)))

    assert sorted(a.status_code for a in answers) == [201, 409, 409]
    assert {a.json()["type"] for a in answers if a.status_code == 409} == {
        "urn:advocacy:problem:too_many_training_modules"
    }
    async with db.transaction() as session:
        count = await session.execute(
            select(func.count()).where(col(TrainingModule.program_id) == uuid.UUID(program_id))
        )
    assert count.scalar_one() == 100
