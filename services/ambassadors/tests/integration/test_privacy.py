"""A person's export holds every section and nothing of anyone else; their erasure removes
everything the export showed (the HR record excepted: HR's own while they are employed), keeps
shares counting and links redirecting, is told once however often asked, and a person who came
back can erase again."""

import asyncio
import json
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import select
from sqlmodel import col

from advocacy_testing.apps import Tenant, new_sub_program
from advocacy_testing.identity import user_token
from ambassadors.models import FeedItem, Share
from ambassadors.privacy.rooms import ROOMS
from common.db import Database
from common.outbox import OutboxMessage

ERASED = "ambassadors.ambassador.erased.v1"
Headers = dict[str, str]


def person(org: Tenant, user_id: uuid.UUID, user_name: str, roles: list[str]) -> Headers:
    token = user_token(
        user_id=user_id, org_id=org.org_id, roles=roles, preferred_username=user_name
    )
    return {"Authorization": f"Bearer {token}"}


async def created(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    return dict(response.json())


async def participant(
    client: httpx.AsyncClient, db: Database, org: Tenant, sub: str, name: str
) -> dict[str, Any]:
    """An employee HR knows, member of `sub`, with a share and a consented spotlight."""
    admin = org.headers(admin=True)
    user_id = uuid.uuid4()
    record = {"user_name": f"{name}@example.com", "display_name": name.title()}
    hr = await client.put(f"/v1/hr/employees/E-{name}", json=record, headers=admin)
    assert hr.status_code == 201, hr.text
    headers = person(org, user_id, f"{name}@example.com", ["employee"])
    body = {"network": "linkedin", "audience_size": 250}
    joined = await created(
        await client.post(f"/v1/sub-programs/{sub}/members", json=body, headers=headers)
    )
    content_id = uuid.uuid4()
    async with db.transaction() as session:
        session.add(
            FeedItem(
                org_id=org.org_id,
                ambassador_id=uuid.UUID(joined["ambassador_id"]),
                content_id=content_id,
                sub_program_id=uuid.UUID(sub),
                kind="article",
                title=f"{name}'s item",
                url="https://example.com/item",
                created_at=datetime.now(UTC),
            )
        )
    share_body = {"content_id": str(content_id), "network": "linkedin"}
    shared = await created(await client.post("/v1/me/shares", json=share_body, headers=headers))
    spotlight = {"ambassador_id": joined["ambassador_id"], "message": f"Well done {name}"}
    spot = await created(
        await client.post(f"/v1/sub-programs/{sub}/spotlights", json=spotlight, headers=admin)
    )
    consent = await client.post(f"/v1/me/spotlights/{spot['id']}/consent", headers=headers)
    assert consent.status_code == 200, consent.text
    return {
        "headers": headers,
        "user_id": str(user_id),
        "ambassador_id": joined["ambassador_id"],
        "share_id": shared["id"],
        "code": shared["tracked_url"].rsplit("/", 1)[1],
        "spotlight_id": spot["id"],
    }


async def export(client: httpx.AsyncClient, headers: Headers) -> dict[str, Any]:
    response = await client.get("/v1/me/data", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    return dict(response.json())


async def staged(db: Database, event_type: str) -> list[dict[str, Any]]:
    async with db.transaction() as session:
        query = select(OutboxMessage).where(col(OutboxMessage.event_type) == event_type)
        rows = (await session.execute(query)).scalars().all()
    return [json.loads(row.payload) for row in rows]


def empty(value: Any) -> bool:
    """Nothing held: null, an empty list, or a section made only of empty parts."""
    if isinstance(value, dict):
        return all(empty(part) for part in value.values())
    return value is None or value == []


def personal(sections: dict[str, Any]) -> dict[str, Any]:
    """The sections that still hold something, HR's own record aside."""
    return {name: held for name, held in sections.items() if name != "employee" and not empty(held)}


async def test_the_export_holds_every_section_and_nobody_else(
    client: httpx.AsyncClient, db: Database
) -> None:
    org, other_org = Tenant(), Tenant()
    sub = await new_sub_program(client, org)
    ada = await participant(client, db, org, sub, "ada")
    bob = await participant(client, db, org, sub, "bob")
    await participant(client, db, other_org, await new_sub_program(client, other_org), "ada")
    grant = {"user_id": ada["user_id"], "role": "reviewer"}
    admin = org.headers(admin=True)
    assert (
        await client.post(f"/v1/sub-programs/{sub}/staff", json=grant, headers=admin)
    ).status_code == 201

    data = await export(client, ada["headers"])
    sections = data["sections"]
    assert list(sections) == [room.section for room in ROOMS]
    assert data["user_id"] == ada["user_id"] and data["truncated"] == []
    assert sections["employee"]["user_name"] == "ada@example.com"
    assert sections["ambassador"]["id"] == ada["ambassador_id"]
    assert [p["audience_size"] for p in sections["ambassador"]["social_profiles"]] == [250]
    assert [m["sub_program_id"] for m in sections["memberships"]] == [sub]
    assert [f["title"] for f in sections["feed"]] == ["ada's item"]
    assert [s["id"] for s in sections["shares"]] == [ada["share_id"]]
    assert [g["role"] for g in sections["staff_grants"]] == ["reviewer"]
    assert [s["id"] for s in sections["spotlights"]] == [ada["spotlight_id"]]
    text = json.dumps(data)
    for value in (bob["user_id"], bob["ambassador_id"], bob["share_id"], bob["spotlight_id"]):
        assert value not in text
    assert str(other_org.org_id) not in text and "bob" not in text
    # Any person may ask, for themselves; API keys may not.
    assert (
        await client.get("/v1/me/data", headers=org.headers(roles=["analyst"]))
    ).status_code == 200
    key = user_token(
        user_id=uuid.uuid4(),
        org_id=org.org_id,
        roles=["integration"],
        kind="api_key",
        scopes=["hr:write"],
    )
    for method, url in (("GET", "/v1/me/data"), ("POST", "/v1/me/erasure")):
        refused = await client.request(method, url, headers={"Authorization": f"Bearer {key}"})
        assert refused.status_code == 403


async def test_erasure_removes_everything_the_export_showed(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = Tenant()
    admin = org.headers(admin=True)
    sub = await new_sub_program(client, org)
    ada = await participant(client, db, org, sub, "ada")
    bob = await participant(client, db, org, sub, "bob")
    # Ada also reviews S, and proposed Bob's second spotlight as an org admin would.
    grant = {"user_id": ada["user_id"], "role": "reviewer"}
    assert (
        await client.post(f"/v1/sub-programs/{sub}/staff", json=grant, headers=admin)
    ).status_code == 201
    before = await export(client, ada["headers"])
    assert set(personal(before["sections"])) >= {
        "ambassador",
        "memberships",
        "feed",
        "shares",
        "staff_grants",
        "spotlights",
    }

    erased = await client.post("/v1/me/erasure", headers=ada["headers"])
    assert erased.status_code == 201, erased.text
    assert erased.json()["erasures"] == 1

    after = await export(client, ada["headers"])
    assert personal(after["sections"]) == {}
    assert after["sections"]["employee"] == before["sections"]["employee"]
    assert after["erasure"]["erased_at"] == erased.json()["erased_at"]
    text = json.dumps(after)
    for value in (ada["ambassador_id"], ada["share_id"], ada["spotlight_id"]):
        assert value not in text
    (event,) = [e for e in await staged(db, ERASED) if e["user_id"] == ada["user_id"]]
    assert event["reason"] == "requested" and event["ambassador_id"] == ada["ambassador_id"]
    left = await staged(db, "ambassadors.ambassador.left.v1")
    assert [e["reason"] for e in left if e["user_id"] == ada["user_id"]] == ["erased"]
    revoked = await staged(db, "ambassadors.staff_role.changed.v1")
    assert [e["change"] for e in revoked if e["user_id"] == ada["user_id"]] == [
        "granted",
        "revoked",
    ]
    # The share still counts and its link still redirects, named by no one.
    async with db.transaction() as session:
        kept = await session.get(Share, uuid.UUID(ada["share_id"]))
    assert kept is not None and str(kept.ambassador_id) == ada["ambassador_id"]
    link = await client.get(f"/l/{ada['code']}", headers={"User-Agent": "Mozilla/5.0"})
    assert link.status_code == 302
    # Bob's data is untouched; the spotlight about Ada is gone from his side too.
    bobs = await export(client, bob["headers"])
    assert [s["id"] for s in bobs["sections"]["shares"]] == [bob["share_id"]]
    page = await client.get(f"/v1/sub-programs/{sub}/moments", headers=bob["headers"])
    assert [s["id"] for s in page.json()["spotlights"]] == [bob["spotlight_id"]]
    # HR's next sync changes HR's record only: no advocacy data comes back.
    resync = {"user_name": "ada@example.com", "display_name": "Ada Lovelace"}
    assert (
        await client.put("/v1/hr/employees/E-ada", json=resync, headers=admin)
    ).status_code == 200
    assert personal((await export(client, ada["headers"]))["sections"]) == {}


async def test_an_author_erasing_leaves_the_spotlight_to_its_person(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = Tenant()
    sub = await new_sub_program(client, org)
    bob = await participant(client, db, org, sub, "bob")
    admin = org.headers(admin=True)  # org_admin and employee: the author of Bob's spotlight
    assert (await client.post("/v1/me/erasure", headers=admin)).status_code == 201
    mine = (await client.get("/v1/me/spotlights", headers=bob["headers"])).json()["items"]
    assert [(s["id"], s["status"], s["author_id"]) for s in mine] == [
        (bob["spotlight_id"], "published", None)
    ]


async def test_erasure_is_told_once_however_often_asked(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = Tenant()
    sub = await new_sub_program(client, org)
    ada = await participant(client, db, org, sub, "ada")
    answers = await asyncio.gather(
        *(client.post("/v1/me/erasure", headers=ada["headers"]) for _ in range(3))
    )
    assert sorted(r.status_code for r in answers) == [201, 409, 409]
    refused = next(r for r in answers if r.status_code == 409)
    assert refused.json()["type"].endswith("already_erased")
    again = await client.post("/v1/me/erasure", headers=ada["headers"])
    assert again.status_code == 409

    def mine(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [e for e in events if e["user_id"] == ada["user_id"]]

    assert len(mine(await staged(db, ERASED))) == 1
    # A retry with the same key gets the stored answer; nothing is erased or told again.
    key = {"Idempotency-Key": "erase-1"}
    body = {"network": "x", "audience_size": 40}
    rejoined = await created(
        await client.post(f"/v1/sub-programs/{sub}/members", json=body, headers=ada["headers"])
    )
    assert rejoined["ambassador_id"] != ada["ambassador_id"]
    first = await client.post("/v1/me/erasure", headers=ada["headers"] | key)
    replay = await client.post("/v1/me/erasure", headers=ada["headers"] | key)
    assert (first.status_code, replay.status_code) == (201, 201)
    assert replay.headers["Idempotent-Replayed"] == "true" and first.json()["erasures"] == 2
    told = mine(await staged(db, ERASED))
    assert [e["ambassador_id"] for e in told] == [ada["ambassador_id"], rejoined["ambassador_id"]]
    assert personal((await export(client, ada["headers"]))["sections"]) == {}
