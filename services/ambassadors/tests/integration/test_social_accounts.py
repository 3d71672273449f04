"""Social accounts declared by their owner: one per network, every audience change kept, shares
keep the audience they were made with, bad handles and URLs named, consent to automated
posting for 365 days where the network allows it, each person and organisation apart."""

import asyncio
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import func, select, update
from sqlmodel import col

from advocacy_testing.apps import Tenant, new_sub_program
from advocacy_testing.identity import user_token
from ambassadors.accounts.models import AudienceRecord, PostingConsent
from ambassadors.models import FeedItem
from common.db import Database
from common.outbox import OutboxMessage

UPDATED = "ambassadors.social_account.updated.v1"
ACCOUNTS = "/v1/me/social-accounts"


def account(handle: str = "ada-lovelace", audience: int = 700, **more: Any) -> dict[str, Any]:
    return {"handle": handle, "audience_size": audience} | more


async def staged(db: Database, event_type: str) -> list[dict[str, Any]]:
    async with db.transaction() as session:
        query = (
            select(OutboxMessage)
            .where(col(OutboxMessage.event_type) == event_type)
            .order_by(col(OutboxMessage.id))
        )
        rows = (await session.execute(query)).scalars().all()
    return [
        json.loads(row.payload) | {"headers": dict(row.headers), "key": row.key} for row in rows
    ]


async def history(client: httpx.AsyncClient, me: dict[str, str], network: str) -> list[Any]:
    response = await client.get(f"{ACCOUNTS}/{network}/audience-history", headers=me)
    assert response.status_code == 200, response.text
    return [(r["audience_size"], r["source"]) for r in response.json()["items"]]


async def test_declaring_then_changing_an_account_keeps_every_audience_and_tells_real_changes(
    client: httpx.AsyncClient, db: Database
) -> None:
    org, user_id = Tenant(), uuid.uuid4()
    me = org.headers(user_id=user_id)
    url = f"{ACCOUNTS}/linkedin"
    created = await client.put(url, json=account(audience=700), headers=me)
    same = await client.put(url, json=account(audience=700), headers=me)
    grown = await client.put(url, json=account(audience=950), headers=me)
    renamed = await client.put(url, json=account("ada-l", audience=950), headers=me)
    assert [r.status_code for r in (created, same, grown, renamed)] == [201, 200, 200, 200]
    body = renamed.json()
    assert body["id"] == created.json()["id"]
    assert (body["handle"], body["profile_url"], body["audience_size"]) == (
        "ada-l",
        "https://www.linkedin.com/in/ada-l",
        950,
    )
    assert (body["connection_status"], body["api_posting"]) == ("not_connected", True)
    # The handle change is no audience change: two audiences, newest first.
    assert await history(client, me, "linkedin") == [(950, "self_declared"), (700, "self_declared")]
    first = await client.get(f"{url}/audience-history?limit=1", headers=me)
    rest = await client.get(
        f"{url}/audience-history?limit=1&cursor={first.json()['next_cursor']}", headers=me
    )
    assert [r["audience_size"] for r in first.json()["items"] + rest.json()["items"]] == [950, 700]
    assert rest.json()["next_cursor"] is None
    events = await staged(db, UPDATED)
    assert [(e["change"], e["audience_size"]) for e in events] == [
        ("declared", 700),
        ("updated", 950),
        ("updated", 950),
    ]
    assert {e["user_id"] for e in events} == {str(user_id)}
    assert events[0]["headers"]["ce_network"] == "linkedin"
    assert events[0]["headers"]["ce_orgid"] == str(org.org_id)
    one = await client.get(url, headers=me)
    listed = await client.get(ACCOUNTS, headers=me)
    assert one.json() == body and listed.json()["items"] == [body]


async def test_opting_in_declares_the_account_and_starts_its_history(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = Tenant()
    sub_id = await new_sub_program(client, org)
    me = org.headers(user_id=uuid.uuid4())
    joined = await client.post(
        f"/v1/sub-programs/{sub_id}/members",
        json={"network": "x", "audience_size": 120},
        headers=me,
    )
    assert joined.status_code == 201, joined.text
    declared = await client.put(f"{ACCOUNTS}/x", json=account("@ada_l", 150), headers=me)
    assert declared.status_code == 200, declared.text  # the opt-in declared it already
    assert (declared.json()["handle"], declared.json()["profile_url"]) == (
        "ada_l",
        "https://x.com/ada_l",
    )
    assert await history(client, me, "x") == [(150, "self_declared"), (120, "self_declared")]
    assert [e["change"] for e in await staged(db, UPDATED)] == ["declared", "updated"]


async def test_a_share_keeps_the_audience_it_was_made_with(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = Tenant()
    sub_id = await new_sub_program(client, org)
    me = org.headers(user_id=uuid.uuid4())
    joined = await client.post(
        f"/v1/sub-programs/{sub_id}/members",
        json={"network": "linkedin", "audience_size": 700},
        headers=me,
    )
    items = [uuid.uuid4(), uuid.uuid4()]
    async with db.transaction() as session:
        for content_id in items:
            session.add(
                FeedItem(
                    org_id=org.org_id,
                    ambassador_id=uuid.UUID(joined.json()["ambassador_id"]),
                    content_id=content_id,
                    sub_program_id=uuid.UUID(sub_id),
                    kind="article",
                    title="A story",
                    url="https://example.com/a",
                    created_at=datetime.now(UTC),
                )
            )

    async def share(content_id: uuid.UUID) -> int:
        body = {"content_id": str(content_id), "network": "linkedin"}
        response = await client.post("/v1/me/shares", json=body, headers=me)
        assert response.status_code == 201, response.text
        return int(response.json()["audience_size"])

    before = await share(items[0])
    changed = await client.put(f"{ACCOUNTS}/linkedin", json=account(audience=2500), headers=me)
    assert changed.status_code == 200
    after = await share(items[1])
    assert (before, after) == (700, 2500)
    shares = (await client.get("/v1/me/shares", headers=me)).json()["items"]
    assert sorted(s["audience_size"] for s in shares) == [700, 2500]
    reach = [e["audience_size"] for e in await staged(db, "ambassadors.share.created.v1")]
    assert reach == [700, 2500]
    # Forgetting the account keeps what the shares recorded, and stops new ones on it.
    forgotten = await client.delete(f"{ACCOUNTS}/linkedin", headers=me)
    assert forgotten.status_code == 204
    shares = (await client.get("/v1/me/shares", headers=me)).json()["items"]
    assert sorted(s["audience_size"] for s in shares) == [700, 2500]
    assert (await client.get(f"{ACCOUNTS}/linkedin", headers=me)).status_code == 404
    again = await client.post(
        "/v1/me/shares", json={"content_id": str(items[0]), "network": "linkedin"}, headers=me
    )
    assert again.json()["type"].endswith("no_profile_on_network")
    async with db.transaction() as session:
        kept = select(func.count()).select_from(AudienceRecord)
        assert (await session.execute(kept)).scalar_one() == 0
    assert [e["change"] for e in await staged(db, UPDATED)][-1] == "removed"


async def test_bad_accounts_are_422_naming_each_field_and_write_nothing(
    client: httpx.AsyncClient, db: Database
) -> None:
    me = Tenant().headers(user_id=uuid.uuid4())
    cases = {
        ("handle",): ("linkedin", account("no spaces allowed")),
        ("profile_url",): ("x", account("ada", profile_url="https://evil.example/ada")),
        ("handle", "profile_url"): (
            "instagram",
            account("..", profile_url="http://instagram.com/x"),
        ),
        ("audience_size",): ("facebook", account("ada.lovelace", -1)),
        ("network",): ("myspace", account()),
        ("extra",): ("x", account("ada") | {"extra": 1}),
    }
    for fields, (network, body) in cases.items():
        response = await client.put(f"{ACCOUNTS}/{network}", json=body, headers=me)
        assert response.status_code == 422, (fields, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert tuple(e["field"] for e in response.json()["errors"]) == fields, response.text
    assert (await client.get(ACCOUNTS, headers=me)).json()["items"] == []
    assert await staged(db, UPDATED) == []


async def test_only_employees_for_themselves_and_departed_ones_are_refused(
    client: httpx.AsyncClient,
) -> None:
    org, user_id = Tenant(), uuid.uuid4()
    admin = org.headers(admin=True)
    hr = await client.put(
        "/v1/hr/employees/E-1", json={"user_name": "ada@example.com"}, headers=admin
    )
    assert hr.status_code == 201
    me = {
        "Authorization": "Bearer "
        + user_token(
            user_id=user_id,
            org_id=org.org_id,
            roles=["employee"],
            preferred_username="ada@example.com",
        )
    }
    assert (await client.put(f"{ACCOUNTS}/x", json=account("ada"), headers=me)).status_code == 201
    analyst = org.headers(roles=["analyst"])
    assert (await client.get(ACCOUNTS, headers=analyst)).status_code == 403
    assert (await client.post("/v1/hr/employees/E-1/leave", headers=admin)).status_code == 200
    refused = await client.put(f"{ACCOUNTS}/x", json=account("ada", 5), headers=me)
    assert refused.status_code == 403
    assert refused.json()["type"].endswith("employee_departed")
    consent = await client.post(
        f"{ACCOUNTS}/x/posting-consent", json={"wording_version": "v1"}, headers=me
    )
    assert consent.status_code == 403


async def test_another_organisation_never_sees_nor_changes_my_accounts(
    client: httpx.AsyncClient,
) -> None:
    user_id = uuid.uuid4()
    mine, theirs = Tenant().headers(user_id=user_id), Tenant().headers(user_id=user_id)
    other_person = Tenant().headers()
    assert (await client.put(f"{ACCOUNTS}/x", json=account("ada"), headers=mine)).status_code == 201
    for headers in (theirs, other_person):
        assert (await client.get(ACCOUNTS, headers=headers)).json()["items"] == []
        assert (await client.get(f"{ACCOUNTS}/x", headers=headers)).status_code == 404
        assert (await client.delete(f"{ACCOUNTS}/x", headers=headers)).status_code == 404
        history_of = await client.get(f"{ACCOUNTS}/x/audience-history", headers=headers)
        assert history_of.status_code == 404
    # The same user id in another organisation is another person: their own account.
    own = await client.put(f"{ACCOUNTS}/x", json=account("bob", 3), headers=theirs)
    assert own.status_code == 201
    still = (await client.get(f"{ACCOUNTS}/x", headers=mine)).json()
    assert (still["handle"], still["audience_size"]) == ("ada", 700)


async def test_posting_consent_lasts_365_days_is_renewed_and_withdrawn(
    client: httpx.AsyncClient, db: Database
) -> None:
    me = Tenant().headers(user_id=uuid.uuid4())
    consent = f"{ACCOUNTS}/linkedin/posting-consent"
    assert (await client.get(consent, headers=me)).status_code == 404  # no account yet
    await client.put(f"{ACCOUNTS}/linkedin", json=account(), headers=me)
    assert (await client.get(consent, headers=me)).json()["status"] == "none"
    granted = await client.post(consent, json={"wording_version": "2026-12"}, headers=me)
    assert granted.status_code == 201, granted.text
    first = granted.json()
    started = datetime.fromisoformat(first["granted_at"])
    assert datetime.fromisoformat(first["expires_at"]) - started == timedelta(days=365)
    assert (first["status"], first["wording_version"]) == ("active", "2026-12")
    renewed = (await client.post(consent, json={"wording_version": "2027-01"}, headers=me)).json()
    assert renewed["expires_at"] > first["expires_at"] and renewed["wording_version"] == "2027-01"
    async with db.transaction() as session:
        rows = (
            (await session.execute(select(PostingConsent).order_by(col(PostingConsent.granted_at))))
            .scalars()
            .all()
        )
    assert [(r.end_reason, r.ended_at is None) for r in rows] == [("renewed", False), (None, True)]
    # A consent whose year ran out reads as expired (renewing is granting again).
    async with db.transaction() as session:
        await session.execute(
            update(PostingConsent)
            .where(col(PostingConsent.id) == rows[1].id)
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    assert (await client.get(consent, headers=me)).json()["status"] == "expired"
    assert (await client.delete(consent, headers=me)).status_code == 204
    withdrawn = (await client.get(consent, headers=me)).json()
    assert withdrawn["status"] == "withdrawn" and withdrawn["withdrawn_at"] is not None
    again = await client.delete(consent, headers=me)
    assert (again.status_code, again.json()["type"]) == (
        404,
        "urn:advocacy:problem:posting_consent_not_found",
    )


async def test_posting_consent_is_refused_where_the_network_forbids_automated_posting(
    client: httpx.AsyncClient,
) -> None:
    me = Tenant().headers(user_id=uuid.uuid4())
    body = {"wording_version": "v1"}
    for network, handle, reason in (
        ("facebook", "ada.lovelace", "facebook_personal_profile"),
        ("instagram", "ada", "instagram_personal_account"),
    ):
        declared = await client.put(f"{ACCOUNTS}/{network}", json=account(handle), headers=me)
        assert declared.json()["api_posting"] is False
        refused = await client.post(f"{ACCOUNTS}/{network}/posting-consent", json=body, headers=me)
        assert (refused.status_code, refused.json()["type"]) == (
            409,
            f"urn:advocacy:problem:{reason}",
        )
    await client.put(f"{ACCOUNTS}/x", json=account("ada"), headers=me)
    x = await client.post(f"{ACCOUNTS}/x/posting-consent", json=body, headers=me)
    assert (x.status_code, x.json()["status"]) == (201, "active")


async def test_concurrent_declarations_make_one_account_and_apply_one_after_another(
    client: httpx.AsyncClient, db: Database
) -> None:
    me = Tenant().headers(user_id=uuid.uuid4())
    # Already an ambassador (on LinkedIn), so the declarations race for the X account itself.
    await client.put(f"{ACCOUNTS}/linkedin", json=account(), headers=me)
    sizes = [100, 200, 300, 400, 500, 600]
    answers = await asyncio.gather(
        *(client.put(f"{ACCOUNTS}/x", json=account("ada", size), headers=me) for size in sizes)
    )
    assert sorted(r.status_code for r in answers) == [200] * 5 + [201], [r.text for r in answers]
    assert len({r.json()["id"] for r in answers}) == 1
    # Each declaration was compared with the one before it: one history row per change.
    kept = await history(client, me, "x")
    assert len(kept) == len(sizes) and sorted(size for size, _ in kept) == sizes
    changes = [e["change"] for e in await staged(db, UPDATED) if e["network"] == "x"]
    assert changes == ["declared"] + ["updated"] * 5
    # The same new audience declared six times at once is one change: each saw the last write.
    same = await asyncio.gather(
        *(client.put(f"{ACCOUNTS}/x", json=account("ada", 7), headers=me) for _ in sizes)
    )
    assert {r.status_code for r in same} == {200}
    assert (await history(client, me, "x"))[0] == (7, "self_declared")
    assert len(await history(client, me, "x")) == len(sizes) + 1
    changes = [e["change"] for e in await staged(db, UPDATED) if e["network"] == "x"]
    assert changes == ["declared"] + ["updated"] * 6


async def test_a_retried_consent_with_the_same_idempotency_key_is_granted_once(
    client: httpx.AsyncClient, db: Database
) -> None:
    me = Tenant().headers(user_id=uuid.uuid4())
    await client.put(f"{ACCOUNTS}/linkedin", json=account(), headers=me)
    once = me | {"Idempotency-Key": str(uuid.uuid4())}
    url, body = f"{ACCOUNTS}/linkedin/posting-consent", {"wording_version": "v1"}
    first = await client.post(url, json=body, headers=once)
    retried = await client.post(url, json=body, headers=once)
    assert (first.status_code, retried.status_code) == (201, 201)
    assert retried.headers["Idempotent-Replayed"] == "true" and retried.json() == first.json()
    async with db.transaction() as session:
        granted = select(func.count()).select_from(PostingConsent)
        assert (await session.execute(granted)).scalar_one() == 1
