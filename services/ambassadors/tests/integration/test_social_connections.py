"""Connecting LinkedIn through its OAuth 2.0 authorization code flow, against a local server
that follows LinkedIn's documented endpoints: tokens stored encrypted, never answered nor
logged; states single-use, expiring and personal; reminders once whatever the workers;
lapses, disconnections and departures revoke."""

import asyncio
import json
import logging
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from cryptography.fernet import Fernet
from sqlalchemy import func, select, text, update
from sqlmodel import col

from advocacy_testing.apps import Tenant, serving
from advocacy_testing.identity import user_token
from advocacy_testing.linkedin_server import LinkedInApp, linkedin_server
from ambassadors.accounts import reminders, rotate
from ambassadors.accounts.models import (
    AudienceRecord,
    OAuthState,
    PostingConsent,
    SocialToken,
    TokenRevocation,
)
from ambassadors.accounts.secrets import SecretBox, SecretUnreadable
from ambassadors.config import Settings
from ambassadors.main import build_app
from ambassadors.models import SocialProfile
from common.db import Database
from common.logging import JsonFormatter
from common.outbox import OutboxMessage

ACCOUNT = "/v1/me/social-accounts/linkedin"
REDIRECT = "https://app.example.com/connections/linkedin"
UPDATED = "ambassadors.social_account.updated.v1"
EXPIRING = "ambassadors.social_account.expiring.v1"
KEY = Fernet.generate_key().decode()


@pytest.fixture
def linkedin() -> Iterator[LinkedInApp]:
    with linkedin_server(
        client_id="app-1", client_secret="s3cret-app-1", redirect_uri=REDIRECT
    ) as app:
        yield app


@pytest.fixture
def connected_settings(settings: Settings, linkedin: LinkedInApp) -> Settings:
    return settings.model_copy(
        update={
            "linkedin_client_id": linkedin.client_id,
            "linkedin_client_secret": linkedin.client_secret,
            "linkedin_redirect_uri": REDIRECT,
            "linkedin_oauth_base_url": linkedin.base_url,
            "secrets_keys": KEY,
        }
    )


@pytest.fixture
async def client(connected_settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with serving(build_app(connected_settings)) as client:
        yield client


@contextmanager
def captured_logs() -> Iterator[list[str]]:
    """Every log line of the process at DEBUG, as the JSON formatter writes it (extras too)."""
    lines: list[str] = []
    formatter = JsonFormatter("test")

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(formatter.format(record))

    root, handler = logging.getLogger(), Keep(level=logging.DEBUG)
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield lines
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


async def declared(client: httpx.AsyncClient, me: dict[str, str]) -> dict[str, Any]:
    response = await client.put(ACCOUNT, json={"handle": "ada", "audience_size": 500}, headers=me)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def authorize(
    client: httpx.AsyncClient, me: dict[str, str], linkedin: LinkedInApp
) -> dict[str, str]:
    """Start, and let the member approve at the fake LinkedIn: the redirect's code and state."""
    started = await client.post(f"{ACCOUNT}/connection", headers=me)
    assert started.status_code == 200, started.text
    url = started.json()["authorization_url"]
    query = parse_qs(urlsplit(url).query)
    assert url.startswith(linkedin.base_url + "/authorization?")
    assert (query["scope"], query["response_type"], query["redirect_uri"]) == (
        ["w_member_social"],
        ["code"],
        [REDIRECT],
    )
    async with httpx.AsyncClient() as browser:
        approved = await browser.get(url)
    assert approved.status_code == 302
    relayed = parse_qs(urlsplit(approved.headers["location"]).query)
    return {"code": relayed["code"][0], "state": relayed["state"][0]}


async def connect(
    client: httpx.AsyncClient, me: dict[str, str], linkedin: LinkedInApp
) -> httpx.Response:
    return await client.post(
        f"{ACCOUNT}/connection/callback", json=await authorize(client, me, linkedin), headers=me
    )


async def staged(db: Database, event_type: str) -> list[dict[str, Any]]:
    async with db.transaction() as session:
        query = (
            select(OutboxMessage)
            .where(col(OutboxMessage.event_type) == event_type)
            .order_by(col(OutboxMessage.id))
        )
        rows = (await session.execute(query)).scalars().all()
    return [json.loads(row.payload) for row in rows]


async def tokens_of(db: Database, account_id: str) -> SocialToken | None:
    async with db.transaction() as session:
        return await session.get(SocialToken, uuid.UUID(account_id))


async def set_account(db: Database, account_id: str, **values: Any) -> None:
    async with db.transaction() as session:
        await session.execute(
            update(SocialProfile)
            .where(col(SocialProfile.id) == uuid.UUID(account_id))
            .values(**values)
        )


async def count(db: Database, model: Any) -> int:
    async with db.transaction() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


async def test_connecting_stores_tokens_encrypted_and_never_answers_or_logs_them(
    client: httpx.AsyncClient, db: Database, linkedin: LinkedInApp
) -> None:
    me = Tenant().headers(user_id=uuid.uuid4())
    account = await declared(client, me)
    # The person's browser at LinkedIn is not our process: its redirect is outside the capture.
    grant = await authorize(client, me, linkedin)
    with captured_logs() as logs:
        connected = await client.post(f"{ACCOUNT}/connection/callback", json=grant, headers=me)
        answers = [
            connected,
            await client.get(ACCOUNT, headers=me),
            await client.get("/v1/me/social-accounts", headers=me),
            await client.get(f"{ACCOUNT}/audience-history", headers=me),
            await client.get("/v1/me/data", headers=me),
        ]
    assert connected.status_code == 200, connected.text
    body = connected.json()
    assert body["connection_status"] == "connected"
    expires = datetime.fromisoformat(body["connection_expires_at"])
    left = expires - datetime.fromisoformat(body["connected_at"])
    assert left == timedelta(days=60)
    (token,) = linkedin.access_tokens
    # In the database: ciphertext only, which the configured key opens back to the token.
    stored = await tokens_of(db, account["id"])
    assert stored is not None
    assert token.encode() not in stored.access_token
    async with db.transaction() as session:
        raw = await session.execute(
            text("SELECT access_token FROM social_tokens WHERE account_id = :id"),
            {"id": uuid.UUID(account["id"])},
        )
        column = bytes(raw.scalar_one())
    assert token.encode() not in column and column == stored.access_token
    assert SecretBox(KEY).open(column, context=account["id"]) == token
    # Never in an answer, never in a log line (the capture did see the exchange and our line).
    assert all(r.status_code == 200 for r in answers), [r.text for r in answers]
    for secret in (token, grant["code"], linkedin.client_secret):
        assert not any(secret in r.text for r in answers)
        assert not any(secret in line for line in logs)
    assert any("social account connected" in line for line in logs)
    exported = answers[-1].json()["sections"]["social_accounts"]
    assert [(a["network"], a["connection_status"]) for a in exported] == [("linkedin", "connected")]
    assert [h["audience_size"] for h in exported[0]["audience_history"]] == [500]
    assert any("/oauth/v2/accessToken" in line for line in logs)
    assert [e["change"] for e in await staged(db, UPDATED)] == ["declared", "connected"]


async def test_states_are_single_use_personal_and_expiring(
    client: httpx.AsyncClient, db: Database, linkedin: LinkedInApp
) -> None:
    org = Tenant()
    me, colleague = org.headers(user_id=uuid.uuid4()), org.headers(user_id=uuid.uuid4())
    await declared(client, me)
    await declared(client, colleague)
    callback = f"{ACCOUNT}/connection/callback"
    unknown = await client.post(callback, json={"code": "c", "state": "made-up"}, headers=me)
    grant = await authorize(client, me, linkedin)
    # Someone else relaying my redirect gets nothing, and does not use my state up.
    theirs = await client.post(callback, json=grant, headers=colleague)
    mine = await client.post(callback, json=grant, headers=me)
    replayed = await client.post(callback, json=grant, headers=me)
    assert [r.status_code for r in (unknown, theirs, mine, replayed)] == [422, 422, 200, 422]
    for refused in (unknown, theirs, replayed):
        assert refused.json()["type"] == "urn:advocacy:problem:oauth_state_invalid"
        assert refused.json()["errors"][0]["field"] == "state"
    late = await authorize(client, me, linkedin)
    async with db.transaction() as session:
        await session.execute(
            update(OAuthState).values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    expired = await client.post(callback, json=late, headers=me)
    assert (expired.status_code, expired.json()["type"]) == (
        422,
        "urn:advocacy:problem:oauth_state_expired",
    )
    assert await count(db, OAuthState) == 0


async def test_the_networks_refusal_or_outage_is_a_clear_error_and_uses_the_state_up(
    client: httpx.AsyncClient, db: Database, linkedin: LinkedInApp
) -> None:
    me = Tenant().headers(user_id=uuid.uuid4())
    account = await declared(client, me)
    callback = f"{ACCOUNT}/connection/callback"
    grant = await authorize(client, me, linkedin)
    wrong_code = await client.post(callback, json=grant | {"code": "AQT-forged"}, headers=me)
    assert (wrong_code.status_code, wrong_code.json()["errors"][0]["field"]) == (422, "code")
    assert wrong_code.json()["type"] == "urn:advocacy:problem:authorization_code_rejected"
    again = await client.post(callback, json=grant, headers=me)
    assert again.json()["type"] == "urn:advocacy:problem:oauth_state_invalid"
    linkedin.fail_with = 500
    down = await client.post(callback, json=await authorize(client, me, linkedin), headers=me)
    assert (down.status_code, down.json()["type"]) == (
        503,
        "urn:advocacy:problem:social_network_unavailable",
    )
    assert await tokens_of(db, account["id"]) is None
    status = (await client.get(ACCOUNT, headers=me)).json()["connection_status"]
    assert status == "not_connected"
    assert [e["change"] for e in await staged(db, UPDATED)] == ["declared"]


async def test_networks_without_a_connection_here_say_why(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    me = Tenant().headers(user_id=uuid.uuid4())
    await client.put(
        "/v1/me/social-accounts/x", json={"handle": "ada", "audience_size": 1}, headers=me
    )
    x = await client.post("/v1/me/social-accounts/x/connection", headers=me)
    assert (x.status_code, x.json()["type"]) == (
        409,
        "urn:advocacy:problem:connection_not_supported",
    )
    bare = settings.model_copy(update={"linkedin_client_id": ""})
    async with serving(build_app(bare)) as unconfigured:
        await declared(unconfigured, me)
        none = await unconfigured.post(f"{ACCOUNT}/connection", headers=me)
    assert none.json()["type"] == "urn:advocacy:problem:connection_not_configured"
    undeclared = await client.post(f"{ACCOUNT}/connection", headers=Tenant().headers())
    assert undeclared.status_code == 404


async def test_disconnecting_drops_the_tokens_and_the_worker_revokes_them_even_after_rotation(
    client: httpx.AsyncClient, db: Database, linkedin: LinkedInApp, connected_settings: Settings
) -> None:
    me = Tenant().headers(user_id=uuid.uuid4())
    account = await declared(client, me)
    assert (await connect(client, me, linkedin)).status_code == 200
    assert (await client.delete(f"{ACCOUNT}/connection", headers=me)).status_code == 204
    assert (await client.delete(f"{ACCOUNT}/connection", headers=me)).status_code == 204
    assert (await client.get(ACCOUNT, headers=me)).json()["connection_status"] == "revoked"
    assert await tokens_of(db, account["id"]) is None
    assert [e["change"] for e in await staged(db, UPDATED)] == [
        "declared",
        "connected",
        "disconnected",
    ]
    # A new key goes first; the old one still reads what it sealed.
    rotated = connected_settings.model_copy(
        update={"secrets_keys": f"{Fernet.generate_key().decode()},{KEY}"}
    )
    assert (await reminders.tick(db, rotated))["revoked"] == 1
    assert linkedin.revoked == linkedin.access_tokens
    assert await count(db, TokenRevocation) == 0


async def test_rotation_reseals_every_token_with_the_newest_key(
    client: httpx.AsyncClient, db: Database, linkedin: LinkedInApp
) -> None:
    me, new = Tenant().headers(user_id=uuid.uuid4()), Fernet.generate_key().decode()
    account = await declared(client, me)
    await connect(client, me, linkedin)
    before = await tokens_of(db, account["id"])
    assert before is not None
    assert await rotate.rotate_all(db, SecretBox(f"{new},{KEY}")) == 1
    after = await tokens_of(db, account["id"])
    assert after is not None and after.access_token != before.access_token
    (token,) = linkedin.access_tokens
    assert SecretBox(new).open(after.access_token, context=account["id"]) == token
    with pytest.raises(SecretUnreadable):
        SecretBox(KEY).open(after.access_token, context=account["id"])


async def test_a_token_no_configured_key_opens_is_given_up_not_sent(
    client: httpx.AsyncClient, db: Database, linkedin: LinkedInApp, connected_settings: Settings
) -> None:
    me = Tenant().headers(user_id=uuid.uuid4())
    account = await declared(client, me)
    await connect(client, me, linkedin)
    stored = await tokens_of(db, account["id"])
    assert stored is not None
    with pytest.raises(SecretUnreadable):
        SecretBox(Fernet.generate_key().decode()).open(stored.access_token, context=account["id"])
    await client.delete(f"{ACCOUNT}/connection", headers=me)
    lost = connected_settings.model_copy(update={"secrets_keys": Fernet.generate_key().decode()})
    assert (await reminders.tick(db, lost))["revoked"] == 1
    assert linkedin.revoked == [] and await count(db, TokenRevocation) == 0


async def test_reminders_are_sent_once_whatever_the_number_of_workers(
    client: httpx.AsyncClient, db: Database, linkedin: LinkedInApp, connected_settings: Settings
) -> None:
    me = Tenant().headers(user_id=uuid.uuid4())
    account = await declared(client, me)
    await connect(client, me, linkedin)
    consent = f"{ACCOUNT}/posting-consent"
    await client.post(consent, json={"wording_version": "v1"}, headers=me)
    soon = datetime.now(UTC) + timedelta(days=3)
    await set_account(db, account["id"], connection_expires_at=soon)
    async with db.transaction() as session:
        await session.execute(update(PostingConsent).values(expires_at=soon))
    other = Database(connected_settings.database_url)
    try:
        ticks = await asyncio.gather(
            reminders.tick(db, connected_settings), reminders.tick(other, connected_settings)
        )
    finally:
        await other.dispose()
    assert sum(t["reminded"] for t in ticks) == 2
    assert (await reminders.tick(db, connected_settings))["reminded"] == 0
    sent = [(e["what"], e["expires_at"]) for e in await staged(db, EXPIRING)]
    assert sorted(w for w, _ in sent) == ["connection", "posting_consent"]
    # Renewing (a new expiry) is reminded again, once.
    await client.post(consent, json={"wording_version": "v2"}, headers=me)
    async with db.transaction() as session:
        await session.execute(
            update(PostingConsent)
            .where(col(PostingConsent.ended_at).is_(None))
            .values(expires_at=soon + timedelta(days=1))
        )
    assert (await reminders.tick(db, connected_settings))["reminded"] == 1
    assert (await reminders.tick(db, connected_settings))["reminded"] == 0
    assert len(await staged(db, EXPIRING)) == 3


async def test_a_lapsed_connection_becomes_expired_once(
    client: httpx.AsyncClient, db: Database, linkedin: LinkedInApp, connected_settings: Settings
) -> None:
    me = Tenant().headers(user_id=uuid.uuid4())
    account = await declared(client, me)
    await connect(client, me, linkedin)
    await set_account(db, account["id"], connection_expires_at=datetime.now(UTC))
    first = await reminders.tick(db, connected_settings)
    second = await reminders.tick(db, connected_settings)
    assert (first["expired"], second["expired"]) == (1, 0)
    assert (await client.get(ACCOUNT, headers=me)).json()["connection_status"] == "expired"
    assert await tokens_of(db, account["id"]) is None
    changes = [(e["change"], e["connection_status"]) for e in await staged(db, UPDATED)]
    assert changes[-1] == ("expired", "expired") and len(changes) == 3


async def test_a_refresh_token_renews_a_connection_before_it_lapses(
    settings: Settings, db: Database
) -> None:
    with linkedin_server(
        client_id="app-2", client_secret="s3cret-app-2", redirect_uri=REDIRECT, refresh_tokens=True
    ) as linkedin:
        configured = settings.model_copy(
            update={
                "linkedin_client_id": "app-2",
                "linkedin_client_secret": "s3cret-app-2",
                "linkedin_redirect_uri": REDIRECT,
                "linkedin_oauth_base_url": linkedin.base_url,
                "secrets_keys": KEY,
            }
        )
        async with serving(build_app(configured)) as client:
            me = Tenant().headers(user_id=uuid.uuid4())
            account = await declared(client, me)
            await connect(client, me, linkedin)
            soon = datetime.now(UTC) + timedelta(days=2)
            await set_account(db, account["id"], connection_expires_at=soon)
            done = await reminders.tick(db, configured)
            renewed = (await client.get(ACCOUNT, headers=me)).json()
    assert (done["refreshed"], done["reminded"]) == (1, 0)
    assert datetime.fromisoformat(renewed["connection_expires_at"]) > soon + timedelta(days=50)
    first, fresh = linkedin.access_tokens
    stored = await tokens_of(db, account["id"])
    assert stored is not None
    assert SecretBox(KEY).open(stored.access_token, context=account["id"]) == fresh != first


async def test_leaving_the_company_revokes_connections_and_consents_at_once(
    client: httpx.AsyncClient, db: Database, linkedin: LinkedInApp, connected_settings: Settings
) -> None:
    org, user_id = Tenant(), uuid.uuid4()
    admin = org.headers(admin=True)
    hr = await client.put("/v1/hr/employees/E-9", json={"user_name": "ada@x.io"}, headers=admin)
    assert hr.status_code == 201
    token = user_token(
        user_id=user_id, org_id=org.org_id, roles=["employee"], preferred_username="ada@x.io"
    )
    me = {"Authorization": f"Bearer {token}"}
    account = await declared(client, me)
    await connect(client, me, linkedin)
    await client.post(f"{ACCOUNT}/posting-consent", json={"wording_version": "v1"}, headers=me)
    assert (await client.post("/v1/hr/employees/E-9/leave", headers=admin)).status_code == 200
    async with db.transaction() as session:
        row = await session.get(SocialProfile, uuid.UUID(account["id"]))
        consents = (await session.execute(select(PostingConsent))).scalars().all()
    assert row is not None and row.connection_status == "revoked"
    assert [c.end_reason for c in consents] == ["revoked"]
    assert await tokens_of(db, account["id"]) is None
    revoked = [e for e in await staged(db, UPDATED) if e["change"] == "disconnected"]
    assert [(e["connection_status"], e["user_id"]) for e in revoked] == [("revoked", str(user_id))]
    await reminders.tick(db, connected_settings)
    assert linkedin.revoked == linkedin.access_tokens


async def test_erasure_keeps_nothing_of_the_accounts_and_still_revokes_at_the_network(
    client: httpx.AsyncClient, db: Database, linkedin: LinkedInApp, connected_settings: Settings
) -> None:
    org = Tenant()
    admin = org.headers(admin=True)
    retention = await client.put("/v1/hr/retention", json={"erase_after_days": 0}, headers=admin)
    assert retention.status_code == 200
    await client.put("/v1/hr/employees/E-5", json={"user_name": "bo@x.io"}, headers=admin)
    token = user_token(
        user_id=uuid.uuid4(), org_id=org.org_id, roles=["employee"], preferred_username="bo@x.io"
    )
    me = {"Authorization": f"Bearer {token}"}
    await declared(client, me)
    await client.put(ACCOUNT, json={"handle": "bo-b", "audience_size": 800}, headers=me)
    await connect(client, me, linkedin)
    await client.post(f"{ACCOUNT}/posting-consent", json={"wording_version": "v1"}, headers=me)
    await client.post(f"{ACCOUNT}/connection", headers=me)  # an authorization left pending
    assert (await client.post("/v1/hr/employees/E-5/leave", headers=admin)).status_code == 200
    for model in (SocialProfile, AudienceRecord, PostingConsent, SocialToken, OAuthState):
        assert await count(db, model) == 0, model
    await reminders.tick(db, connected_settings)
    assert linkedin.revoked == linkedin.access_tokens and await count(db, TokenRevocation) == 0
