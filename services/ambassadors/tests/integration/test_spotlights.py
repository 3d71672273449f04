"""Spotlights: staff propose, only the person's consent publishes (told once, whatever the
timing), nobody else sees an unconsented one, staff withdraw; bad targets name their field."""

import asyncio
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import select
from sqlmodel import col

from advocacy_testing.apps import Tenant
from advocacy_testing.identity import user_token
from ambassadors.models import FeedItem
from common.db import Database
from common.outbox import OutboxMessage

PUBLISHED = "ambassadors.spotlight.published.v1"
Headers = dict[str, str]


@dataclass
class Team:
    """Org A: program P with sub-programs S and S2, a manager of P, a reviewer of S, two
    members of S (M named by HR, N), an employee of nothing (E), and M's share in S."""

    org: Tenant
    program: str
    sub: str
    sub2: str
    manager: Headers
    reviewer: Headers
    m: Headers
    m_ambassador: str
    n: Headers
    n_ambassador: str
    e: Headers
    share: str

    @property
    def admin(self) -> Headers:
        return self.org.headers(admin=True)


def person(org: Tenant, roles: list[str], user_name: str | None = None) -> Headers:
    claims = {"preferred_username": user_name} if user_name else {}
    token = user_token(user_id=uuid.uuid4(), org_id=org.org_id, roles=roles, **claims)
    return {"Authorization": f"Bearer {token}"}


async def created(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    return dict(response.json())


async def join(client: httpx.AsyncClient, sub: str, headers: Headers) -> str:
    body = {"network": "linkedin", "audience_size": 300}
    joined = await created(
        await client.post(f"/v1/sub-programs/{sub}/members", json=body, headers=headers)
    )
    return str(joined["ambassador_id"])


async def share(
    client: httpx.AsyncClient,
    db: Database,
    org: Tenant,
    sub: str,
    ambassador: str,
    headers: Headers,
) -> str:
    """A share of a fresh item offered in the member's feed of `sub` (the feed row is what
    content's publication would have written)."""
    content_id = uuid.uuid4()
    async with db.transaction() as session:
        session.add(
            FeedItem(
                org_id=org.org_id,
                ambassador_id=uuid.UUID(ambassador),
                content_id=content_id,
                sub_program_id=uuid.UUID(sub),
                kind="article",
                title="Our plant opens",
                url="https://example.com/plant",
                created_at=datetime.now(UTC),
            )
        )
    body = {"content_id": str(content_id), "network": "linkedin"}
    return str(
        (await created(await client.post("/v1/me/shares", json=body, headers=headers)))["id"]
    )


async def team(client: httpx.AsyncClient, db: Database) -> Team:
    org = Tenant()
    admin = org.headers(admin=True)
    program = (await created(await client.post("/v1/programs", json={"name": "P"}, headers=admin)))[
        "id"
    ]
    subs = [
        (
            await created(
                await client.post(
                    f"/v1/programs/{program}/sub-programs", json={"name": n}, headers=admin
                )
            )
        )["id"]
        for n in ("S", "S2")
    ]
    manager_id, reviewer_id = uuid.uuid4(), uuid.uuid4()
    for scope, user, role in (
        (f"/v1/programs/{program}", manager_id, "program_manager"),
        (f"/v1/sub-programs/{subs[0]}", reviewer_id, "reviewer"),
    ):
        await created(
            await client.post(
                f"{scope}/staff", json={"user_id": str(user), "role": role}, headers=admin
            )
        )
    hr = {"user_name": "ada@example.com", "display_name": "Ada L."}
    assert (await client.put("/v1/hr/employees/E-1", json=hr, headers=admin)).status_code == 201
    m = person(org, ["employee"], "ada@example.com")
    n = person(org, ["employee"])
    m_ambassador, n_ambassador = await join(client, subs[0], m), await join(client, subs[0], n)
    return Team(
        org=org,
        program=program,
        sub=subs[0],
        sub2=subs[1],
        manager=org.headers(user_id=manager_id, roles=["program_manager"]),
        reviewer=org.headers(user_id=reviewer_id, roles=["reviewer"]),
        m=m,
        m_ambassador=m_ambassador,
        n=n,
        n_ambassador=n_ambassador,
        e=person(org, ["employee"]),
        share=await share(client, db, org, subs[0], m_ambassador, m),
    )


async def propose(
    client: httpx.AsyncClient, t: Team, headers: Headers, **body: Any
) -> httpx.Response:
    body = {"ambassador_id": t.m_ambassador, "message": "Ada's post brought 40 visitors"} | body
    return await client.post(f"/v1/sub-programs/{t.sub}/spotlights", json=body, headers=headers)


async def staged(db: Database, spotlight_id: str) -> list[dict[str, Any]]:
    async with db.transaction() as session:
        query = select(OutboxMessage).where(col(OutboxMessage.event_type) == PUBLISHED)
        rows = (await session.execute(query)).scalars().all()
    found = [json.loads(row.payload) | {"headers": dict(row.headers)} for row in rows]
    return [event for event in found if event["spotlight_id"] == spotlight_id]


async def seen(client: httpx.AsyncClient, spotlight_id: str, headers: Headers) -> int:
    return (await client.get(f"/v1/spotlights/{spotlight_id}", headers=headers)).status_code


async def on_page(client: httpx.AsyncClient, t: Team, headers: Headers) -> list[str]:
    page = await client.get(f"/v1/sub-programs/{t.sub}/moments", headers=headers)
    assert page.status_code == 200, page.text
    return [s["id"] for s in page.json()["spotlights"]]


async def test_only_consent_shows_a_spotlight_to_the_team(
    client: httpx.AsyncClient, db: Database
) -> None:
    t = await team(client, db)
    proposed = await created(await propose(client, t, t.manager, share_id=t.share))
    spot = proposed["id"]
    assert proposed["status"] == "awaiting_consent" and proposed["person_name"] == "Ada L."
    assert proposed["content_id"] is not None
    # Until the person consents: the author and the person only.
    assert [await seen(client, spot, h) for h in (t.manager, t.m)] == [200, 200]
    others = (t.admin, t.reviewer, t.n, t.e, Tenant().headers(admin=True))
    assert [await seen(client, spot, h) for h in others] == [404] * 5
    assert await on_page(client, t, t.n) == [] and await on_page(client, t, t.admin) == []
    listed = await client.get("/v1/spotlights", headers=t.admin)
    assert listed.status_code == 200 and listed.json()["items"] == []
    mine = (await client.get("/v1/me/spotlights", headers=t.m)).json()["items"]
    assert [s["id"] for s in mine] == [spot]
    assert (await client.get("/v1/me/spotlights", headers=t.n)).json()["items"] == []
    assert await staged(db, spot) == []

    consented = await client.post(f"/v1/me/spotlights/{spot}/consent", headers=t.m)
    assert consented.status_code == 200, consented.text
    assert consented.json()["status"] == "published"
    events = await staged(db, spot)
    assert len(events) == 1 and events[0]["share_id"] == t.share
    assert events[0]["headers"]["ce_subprogramid"] == t.sub
    assert [await seen(client, spot, h) for h in (t.admin, t.reviewer, t.n)] == [200] * 3
    assert [await seen(client, spot, h) for h in (t.e, Tenant().headers(admin=True))] == [404] * 2
    assert await on_page(client, t, t.n) == [spot]
    page = await client.get(f"/v1/spotlights?sub_program_id={t.sub}", headers=t.admin)
    assert [s["id"] for s in page.json()["items"]] == [spot]

    # Consent can be taken back: the team no longer sees it.
    declined = await client.post(f"/v1/me/spotlights/{spot}/decline", headers=t.m)
    assert declined.status_code == 200 and declined.json()["status"] == "declined"
    assert [await seen(client, spot, h) for h in (t.admin, t.n)] == [404, 404]
    assert await on_page(client, t, t.n) == []
    again = await client.post(f"/v1/me/spotlights/{spot}/consent", headers=t.m)
    assert again.status_code == 409 and again.json()["type"].endswith("not_awaiting_consent")


async def test_concurrent_consents_publish_once(client: httpx.AsyncClient, db: Database) -> None:
    t = await team(client, db)
    spot = (await created(await propose(client, t, t.admin)))["id"]
    url = f"/v1/me/spotlights/{spot}/consent"
    answers = await asyncio.gather(*(client.post(url, headers=t.m) for _ in range(4)))
    assert sorted(r.status_code for r in answers) == [200, 409, 409, 409]
    assert len(await staged(db, spot)) == 1
    # Nobody but the person consents: the author and another member get 404.
    other = await created(await propose(client, t, t.admin))
    for headers in (t.admin, t.n):
        refused = await client.post(f"/v1/me/spotlights/{other['id']}/consent", headers=headers)
        assert refused.status_code == 404
    replayed = [
        await client.post(
            f"/v1/me/spotlights/{other['id']}/consent", headers=t.m | {"Idempotency-Key": "k1"}
        )
        for _ in range(2)
    ]
    assert [r.status_code for r in replayed] == [200, 200]
    assert replayed[1].headers.get("Idempotent-Replayed") == "true"
    assert len(await staged(db, other["id"])) == 1


async def test_proposals_name_what_is_wrong(client: httpx.AsyncClient, db: Database) -> None:
    t = await team(client, db)
    n_share = await share(client, db, t.org, t.sub, t.n_ambassador, t.n)
    s2_member = await join(client, t.sub2, t.e)
    cases = {
        "ambassador_id": [{"ambassador_id": s2_member}, {"ambassador_id": str(uuid.uuid4())}],
        "share_id": [{"share_id": n_share}, {"share_id": str(uuid.uuid4())}],
        "message": [{"message": "  "}, {"message": "x" * 1001}],
    }
    for field, bodies in cases.items():
        for body in bodies:
            refused = await propose(client, t, t.admin, **body)
            assert refused.status_code == 422, (field, refused.text)
            assert [e["field"] for e in refused.json()["errors"]] == [field]
    for headers in (t.reviewer, t.n, t.e, person(t.org, ["program_manager"])):
        assert (await propose(client, t, headers)).status_code == 403
    assert (await propose(client, t, Tenant().headers(admin=True))).status_code == 404
    twice = await asyncio.gather(
        *(propose(client, t, t.manager, share_id=t.share) for _ in range(2))
    )
    assert sorted(r.status_code for r in twice) == [201, 409]
    conflict = next(r for r in twice if r.status_code == 409)
    assert conflict.json()["type"].endswith("spotlight_exists")


async def test_staff_withdraw_and_the_person_leaving_blocks_consent(
    client: httpx.AsyncClient, db: Database
) -> None:
    t = await team(client, db)
    spot = (await created(await propose(client, t, t.manager)))["id"]
    assert (await client.post(f"/v1/me/spotlights/{spot}/consent", headers=t.m)).status_code == 200
    for headers, status in ((t.reviewer, 403), (t.n, 403), (t.e, 404)):
        refused = await client.post(f"/v1/spotlights/{spot}/withdraw", headers=headers)
        assert refused.status_code == status, refused.text
    withdrawn = await client.post(f"/v1/spotlights/{spot}/withdraw", headers=t.admin)
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    assert await seen(client, spot, t.n) == 404
    closed = await client.post(f"/v1/spotlights/{spot}/withdraw", headers=t.manager)
    assert closed.status_code == 409 and closed.json()["type"].endswith("spotlight_closed")
    # Another manager does not see (so cannot withdraw) one awaiting consent they did not write.
    pending = (await created(await propose(client, t, t.admin)))["id"]
    assert (
        await client.post(f"/v1/spotlights/{pending}/withdraw", headers=t.manager)
    ).status_code == 404
    left = await client.delete(f"/v1/sub-programs/{t.sub}/members/me", headers=t.m)
    assert left.status_code == 204
    late = await client.post(f"/v1/me/spotlights/{pending}/consent", headers=t.m)
    assert late.status_code == 409 and late.json()["type"].endswith("not_member")


async def test_a_departure_takes_the_persons_spotlights_off_the_page(
    client: httpx.AsyncClient, db: Database
) -> None:
    t = await team(client, db)
    spot = (await created(await propose(client, t, t.manager)))["id"]
    assert (await client.post(f"/v1/me/spotlights/{spot}/consent", headers=t.m)).status_code == 200
    pending = (await created(await propose(client, t, t.admin, share_id=t.share)))["id"]
    assert await on_page(client, t, t.n) == [spot]
    left = await client.post("/v1/hr/employees/E-1/leave", headers=t.admin)
    assert left.status_code == 200, left.text
    assert await on_page(client, t, t.n) == []
    mine = (await client.get("/v1/me/spotlights", headers=t.m)).json()["items"]
    assert {(s["id"], s["status"]) for s in mine} == {(spot, "withdrawn"), (pending, "withdrawn")}
