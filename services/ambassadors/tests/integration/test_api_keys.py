"""API keys at the service: org admins manage them, the gateway alone introspects them."""

import asyncio
import logging
import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, update
from sqlmodel import col

from advocacy_testing.apps import Tenant, serving
from advocacy_testing.identity import user_token
from ambassadors.api_keys.models import ApiKey
from ambassadors.config import Settings
from ambassadors.main import build_app
from common import assertions
from common.auth import Principal
from common.db import Database
from common.dev_keys import DEV_INTERNAL_PRIVATE_KEY
from common.idempotency_table import IdempotencyRecord

KEYS = "/v1/api-keys"
INTROSPECT = "/internal/api-keys/introspect"
# The gateway as its own caller, as gateway.identity.signing.GATEWAY asserts it.
GATEWAY = Principal(
    user_id=uuid.UUID(int=0), org_id=uuid.UUID(int=0), roles=frozenset(), kind="gateway"
)
SIGNING_KEY = assertions.load_private_key(DEV_INTERNAL_PRIVATE_KEY)


def assertion_for(principal: Principal, audience: str = "ambassadors") -> dict[str, str]:
    token = assertions.sign(SIGNING_KEY, principal=principal, audience=audience)
    return {"Authorization": f"Bearer {token}"}


@dataclass
class Service:
    """The app behind the gateway shim (people), and raw (the gateway's own assertions)."""

    client: httpx.AsyncClient
    raw: httpx.AsyncClient
    db: Database

    async def introspect(self, key: str) -> dict[str, Any]:
        response = await self.raw.post(
            INTROSPECT, json={"key": key}, headers=assertion_for(GATEWAY)
        )
        assert response.status_code == 200, response.text
        return dict(response.json())

    async def row(self, key_id: str) -> ApiKey:
        async with self.db.transaction() as session:
            return (
                await session.execute(select(ApiKey).where(col(ApiKey.id) == uuid.UUID(key_id)))
            ).scalar_one()

    async def set_row(self, key_id: str, **values: Any) -> None:
        async with self.db.transaction() as session:
            await session.execute(
                update(ApiKey).where(col(ApiKey.id) == uuid.UUID(key_id)).values(**values)
            )


@pytest.fixture
async def service(settings: Settings) -> AsyncIterator[Service]:
    app = build_app(settings)
    db = Database(settings.database_url)
    async with (
        serving(app) as client,
        httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://service") as raw,
    ):
        yield Service(client, raw, db)
    await db.dispose()


async def create_key(
    service: Service, tenant: Tenant, *, scopes: list[str] | None = None, **extra: Any
) -> dict[str, Any]:
    body = {"name": "Workday", "scopes": scopes or ["hr:write"], **extra}
    response = await service.client.post(KEYS, json=body, headers=tenant.headers(admin=True))
    assert response.status_code == 201, response.text
    return dict(response.json())


async def test_admin_creates_a_key_shown_once_and_stored_hashed(service: Service) -> None:
    tenant = Tenant()
    before = datetime.now(UTC)
    created = await create_key(service, tenant, scopes=["metrics:read", "hr:write", "hr:write"])

    secret = created.pop("key")
    assert re.fullmatch(rf"adv_{uuid.UUID(created['id']).hex}_[A-Za-z0-9_-]{{43,}}", secret)
    assert created["scopes"] == ["hr:write", "metrics:read"]
    assert (created["status"], created["revoked_at"], created["last_used_at"]) == (
        "active",
        None,
        None,
    )
    assert created["created_by"] == str(tenant.admin_id)
    expires = datetime.fromisoformat(created["expires_at"])
    assert timedelta(days=89) < expires - before <= timedelta(days=90, minutes=1)
    one = await service.client.get(f"{KEYS}/{created['id']}", headers=tenant.headers(admin=True))
    listed = await service.client.get(KEYS, headers=tenant.headers(admin=True))
    assert one.json() == created
    assert listed.json()["items"] == [created]
    assert secret not in one.text + listed.text
    row = await service.row(created["id"])
    assert (
        row.secret_hash != secret and len(row.secret_hash) == 64 and secret not in row.secret_hash
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "", "scopes": ["hr:write"]}, "name"),
        ({"name": "x" * 201, "scopes": ["hr:write"]}, "name"),
        ({"scopes": ["hr:write"]}, "name"),
        ({"name": "CRM", "scopes": []}, "scopes"),
        ({"name": "CRM"}, "scopes"),
        ({"name": "CRM", "scopes": ["admin"]}, "scopes.0"),
        ({"name": "CRM", "scopes": "metrics:read"}, "scopes"),
        (
            {"name": "CRM", "scopes": ["hr:write"], "expires_at": "2020-01-01T00:00:00Z"},
            "expires_at",
        ),
        (
            {"name": "CRM", "scopes": ["hr:write"], "expires_at": "2030-01-01T00:00:00"},
            "expires_at",
        ),
        ({"name": "CRM", "scopes": ["hr:write"], "expires_at": "soon"}, "expires_at"),
        ({"name": "CRM", "scopes": ["hr:write"], "secret": "mine"}, "secret"),
    ],
)
async def test_create_refuses_bad_input_naming_the_field(
    service: Service, body: dict[str, Any], field: str
) -> None:
    response = await service.client.post(KEYS, json=body, headers=Tenant().headers(admin=True))

    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == field


@pytest.mark.parametrize(
    ("ahead", "accepted"),
    [
        (timedelta(seconds=30), False),
        (timedelta(seconds=90), True),
        (timedelta(days=364), True),
        (timedelta(days=366), False),
    ],
)
async def test_expiry_must_be_between_a_minute_and_a_year_ahead(
    service: Service, ahead: timedelta, accepted: bool
) -> None:
    expires_at = datetime.now(UTC) + ahead
    body = {"name": "CRM", "scopes": ["hr:write"], "expires_at": expires_at.isoformat()}
    response = await service.client.post(KEYS, json=body, headers=Tenant().headers(admin=True))

    if accepted:
        assert response.status_code == 201
        assert datetime.fromisoformat(response.json()["expires_at"]) == expires_at
    else:
        assert (response.status_code, response.json()["errors"][0]["field"]) == (422, "expires_at")


@pytest.mark.parametrize(
    "caller",
    [
        {"roles": ["employee"]},
        {"roles": ["analyst", "program_manager", "reviewer"]},
        {"roles": ["integration"], "kind": "api_key", "scopes": ["hr:write", "metrics:read"]},
        # Even a key whose (forged) assertion claims the org_admin role is refused.
        {"roles": ["org_admin"], "kind": "api_key", "scopes": []},
    ],
    ids=["employee", "staff", "api-key", "api-key-claiming-admin"],
)
async def test_only_org_admins_manage_keys(service: Service, caller: dict[str, Any]) -> None:
    tenant = Tenant()
    key_id = (await create_key(service, tenant))["id"]
    token = user_token(user_id=uuid.uuid4(), org_id=tenant.org_id, **caller)
    headers = {"Authorization": f"Bearer {token}"}

    responses = [
        await service.client.post(
            KEYS, json={"name": "x", "scopes": ["hr:write"]}, headers=headers
        ),
        await service.client.get(KEYS, headers=headers),
        await service.client.get(f"{KEYS}/{key_id}", headers=headers),
        await service.client.get(f"{KEYS}/{uuid.uuid4()}", headers=headers),
        await service.client.delete(f"{KEYS}/{key_id}", headers=headers),
    ]

    # Organisation first (docs/permissions.md): a key id nobody has is a 404 whoever asks.
    assert [r.status_code for r in responses] == [403, 403, 403, 404, 403]
    assert (await service.row(key_id)).revoked_at is None


async def test_another_organisation_neither_sees_nor_revokes_a_key(service: Service) -> None:
    owner, other = Tenant(), Tenant()
    key_id = (await create_key(service, owner))["id"]
    await create_key(service, other)
    admin = other.headers(admin=True)

    seen = await service.client.get(f"{KEYS}/{key_id}", headers=admin)
    revoked = await service.client.delete(f"{KEYS}/{key_id}", headers=admin)
    listed = await service.client.get(KEYS, headers=admin)
    unknown = await service.client.get(f"{KEYS}/{uuid.uuid4()}", headers=admin)

    assert (seen.status_code, revoked.status_code, unknown.status_code) == (404, 404, 404)
    assert seen.json()["errors"][0]["field"] == "api_key_id"
    assert key_id not in [item["id"] for item in listed.json()["items"]]
    assert (await service.row(key_id)).revoked_at is None


async def test_revoke_is_204_twice_keeps_the_first_time_and_kills_the_key(service: Service) -> None:
    tenant = Tenant()
    created = await create_key(service, tenant)
    admin = tenant.headers(admin=True)
    url = f"{KEYS}/{created['id']}"
    assert (await service.introspect(created["key"]))["active"] is True

    first, second = await asyncio.gather(
        service.client.delete(url, headers=admin), service.client.delete(url, headers=admin)
    )
    revoked_at = (await service.client.get(url, headers=admin)).json()["revoked_at"]
    again = await service.client.delete(url, headers=admin)
    after = (await service.client.get(url, headers=admin)).json()

    assert (first.status_code, second.status_code, again.status_code) == (204, 204, 204)
    assert revoked_at is not None and after["revoked_at"] == revoked_at
    assert after["status"] == "revoked"
    assert await service.introspect(created["key"]) == {"active": False}


async def test_list_is_paginated_newest_first(service: Service) -> None:
    tenant = Tenant()
    ids = [(await create_key(service, tenant))["id"] for _ in range(3)]
    admin = tenant.headers(admin=True)

    first = (await service.client.get(KEYS, params={"limit": 2}, headers=admin)).json()
    cursor = first["next_cursor"]
    rest = (await service.client.get(KEYS, params={"cursor": cursor}, headers=admin)).json()

    assert [item["id"] for item in first["items"] + rest["items"]] == ids[::-1]
    assert rest["next_cursor"] is None
    assert all("key" not in item and "secret_hash" not in item for item in first["items"])


async def test_replayed_create_is_409_naming_the_key_and_never_repeats_the_secret(
    service: Service,
) -> None:
    tenant = Tenant()
    headers = tenant.headers(admin=True) | {"Idempotency-Key": "workday-1"}
    body = {"name": "Workday", "scopes": ["hr:write"]}

    first = await service.client.post(KEYS, json=body, headers=headers)
    replay = await service.client.post(KEYS, json=body, headers=headers)
    changed = await service.client.post(KEYS, json=body | {"name": "SAP"}, headers=headers)

    assert first.status_code == 201
    secret = first.json()["key"]
    assert replay.status_code == 409
    assert replay.json()["key_id"] == first.json()["id"]
    assert replay.json()["errors"][0]["field"] == "Idempotency-Key"
    assert secret not in replay.text
    assert (changed.status_code, changed.json()["errors"][0]["field"]) == (422, "Idempotency-Key")
    async with service.db.transaction() as session:
        stored = (
            (await session.execute(select(col(IdempotencyRecord.response_body)))).scalars().all()
        )
        keys = (
            await session.execute(
                select(func.count()).select_from(ApiKey).where(col(ApiKey.org_id) == tenant.org_id)
            )
        ).scalar_one()
    assert stored and all(secret.encode() not in (body or b"") for body in stored)
    assert keys == 1


async def test_introspection_names_a_live_keys_org_and_scopes(service: Service) -> None:
    tenant = Tenant()
    created = await create_key(service, tenant, scopes=["metrics:read", "content:read"])

    answer = await service.introspect(created["key"])

    assert answer == {
        "active": True,
        "key_id": created["id"],
        "org_id": str(tenant.org_id),
        "scopes": ["content:read", "metrics:read"],
    }


async def test_introspection_says_only_inactive_for_any_bad_key(service: Service) -> None:
    tenant = Tenant()
    live, revoked, expired = [await create_key(service, tenant) for _ in range(3)]
    await service.client.delete(f"{KEYS}/{revoked['id']}", headers=tenant.headers(admin=True))
    await service.set_row(expired["id"], expires_at=datetime.now(UTC) - timedelta(seconds=1))
    key_id, secret = live["key"][len("adv_") :].split("_", 1)
    other_secret = (await create_key(service, tenant))["key"].split("_", 2)[2]

    bad = [
        f"adv_{key_id}_{other_secret}",  # someone else's secret on this id
        f"adv_{key_id}_{secret[:-1]}A" if secret[-1] != "A" else f"adv_{key_id}_{secret[:-1]}B",
        f"adv_{uuid.uuid4().hex}_{secret}",  # unknown id
        revoked["key"],
        expired["key"],
        "adv_",
        "adv_nothex_" + secret,
        f"adv_{key_id}_",
        f"adv_{key_id.upper()}_{secret}",
        live["key"] + "x" * 200,
        "x" * 10_000,
        "",
    ]

    answers = [await service.introspect(key) for key in bad]

    assert answers == [{"active": False}] * len(bad)
    assert (await service.introspect(live["key"]))["active"] is True
    assert (await service.row(expired["id"])).last_used_at is None


async def test_introspection_answers_only_the_gateway(service: Service) -> None:
    tenant = Tenant()
    key = (await create_key(service, tenant))["key"]
    admin = Principal(user_id=tenant.admin_id, org_id=tenant.org_id, roles=frozenset({"org_admin"}))
    integration = Principal(
        user_id=uuid.uuid4(), org_id=tenant.org_id, roles=frozenset({"integration"}), kind="api_key"
    )

    async def ask(headers: dict[str, str]) -> int:
        response = await service.raw.post(INTROSPECT, json={"key": key}, headers=headers)
        return response.status_code

    assert await ask(assertion_for(admin)) == 403
    assert await ask(assertion_for(integration)) == 403
    assert await ask(assertion_for(GATEWAY, audience="metrics")) == 401
    assert await ask({}) == 401
    assert await ask({"Authorization": f"Bearer {key}"}) == 401
    assert await ask(assertion_for(GATEWAY)) == 200


async def test_introspection_notes_last_use_at_most_once_a_minute(service: Service) -> None:
    created = await create_key(service, Tenant())
    assert (await service.row(created["id"])).last_used_at is None

    await service.introspect(created["key"])
    first_use = (await service.row(created["id"])).last_used_at
    await service.introspect(created["key"])
    within_a_minute = (await service.row(created["id"])).last_used_at
    a_while_ago = datetime.now(UTC) - timedelta(seconds=61)
    await service.set_row(created["id"], last_used_at=a_while_ago)
    await service.introspect(created["key"])
    later = (await service.row(created["id"])).last_used_at

    assert first_use is not None and within_a_minute == first_use
    assert later is not None and later > a_while_ago + timedelta(seconds=60)


async def test_nothing_logs_the_secret_even_at_debug_level(
    service: Service, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    tenant = Tenant()
    created = await create_key(service, tenant)
    secret = created["key"]

    await service.introspect(secret)
    await service.introspect(secret[:-1])
    await service.client.get(f"{KEYS}/{created['id']}", headers=tenant.headers(admin=True))
    await service.client.delete(f"{KEYS}/{created['id']}", headers=tenant.headers(admin=True))
    await service.introspect(secret)

    assert caplog.records  # the capture works: requests were logged, just never the key
    assert secret.split("_", 2)[2] not in caplog.text
