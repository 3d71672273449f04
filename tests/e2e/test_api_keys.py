"""API keys through the gateway and the real processes: scopes hold, revocation and expiry bite
at once, other organisations see nothing, and the secret appears only in the creation answer."""

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from advocacy_testing.apps import Tenant
from advocacy_testing.stack import Stack
from common.db import Database

KEYS = "/v1/api-keys"


@pytest.fixture
async def gw(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=10) as client:
        yield client


def bearer(key: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {key['key']}"}


async def create_key(
    gw: httpx.AsyncClient, tenant: Tenant, scopes: list[str], **extra: Any
) -> dict[str, Any]:
    body = {"name": "BI dashboard", "scopes": scopes, **extra}
    response = await gw.post(KEYS, json=body, headers=tenant.headers(admin=True))
    assert response.status_code == 201, response.text
    assert response.json()["key"].startswith("adv_")
    return dict(response.json())


async def test_a_key_is_judged_by_its_scopes_only(gw: httpx.AsyncClient) -> None:
    tenant = Tenant()
    admin = tenant.headers(admin=True)
    metrics_key = await create_key(gw, tenant, ["metrics:read"])
    other_key = await create_key(gw, tenant, ["content:read", "hr:write", "programs:read"])
    program = (await gw.post("/v1/programs", json={"name": "Advocates"}, headers=admin)).json()
    sub = await gw.post(
        f"/v1/programs/{program['id']}/sub-programs", json={"name": "LinkedIn"}, headers=admin
    )
    draft = {"sub_program_id": sub.json()["id"], "title": "News", "url": "https://example.com/n"}

    summary = await gw.get("/v1/metrics/summary", headers=bearer(metrics_key))
    as_author = await gw.post("/v1/content", json=draft, headers=bearer(metrics_key))
    as_admin = await gw.post("/v1/programs", json={"name": "Mine"}, headers=bearer(metrics_key))
    own_keys = await gw.get(KEYS, headers=bearer(metrics_key))
    new_key = await gw.post(
        KEYS, json={"name": "x", "scopes": ["metrics:read"]}, headers=bearer(metrics_key)
    )
    without_scope = await gw.get("/v1/metrics/summary", headers=bearer(other_key))

    assert summary.status_code == 200, summary.text
    assert set(summary.json()) >= {"shares", "clicks"}
    assert [r.status_code for r in (as_author, as_admin, own_keys, new_key)] == [403] * 4
    assert without_scope.status_code == 403


async def test_a_revoked_key_fails_on_its_very_next_request(gw: httpx.AsyncClient) -> None:
    tenant = Tenant()
    key = await create_key(gw, tenant, ["metrics:read"])
    assert (await gw.get("/v1/metrics/summary", headers=bearer(key))).status_code == 200

    revoked = await gw.delete(f"{KEYS}/{key['id']}", headers=tenant.headers(admin=True))
    next_request = await gw.get("/v1/metrics/summary", headers=bearer(key))

    assert revoked.status_code == 204
    assert next_request.status_code == 401
    assert next_request.headers["content-type"] == "application/problem+json"


async def test_an_expired_key_fails(gw: httpx.AsyncClient, stack: Stack) -> None:
    tenant = Tenant()
    soon = (datetime.now(UTC) + timedelta(seconds=61)).isoformat()
    key = await create_key(gw, tenant, ["metrics:read"], expires_at=soon)
    assert (await gw.get("/v1/metrics/summary", headers=bearer(key))).status_code == 200

    # Test setup: the minute it would take to expire has passed (the API refuses shorter lives).
    db = Database(stack.services["ambassadors"].env["AMBASSADORS_DATABASE_URL"])
    try:
        async with db.transaction() as session:
            await session.execute(
                text("UPDATE api_keys SET expires_at = :past WHERE id = :id"),
                {"past": datetime.now(UTC) - timedelta(seconds=1), "id": uuid.UUID(key["id"])},
            )
    finally:
        await db.dispose()
    after = await gw.get("/v1/metrics/summary", headers=bearer(key))
    seen = await gw.get(f"{KEYS}/{key['id']}", headers=tenant.headers(admin=True))

    assert after.status_code == 401
    assert seen.json()["status"] == "expired"


async def test_only_org_admins_manage_keys_and_only_their_own(gw: httpx.AsyncClient) -> None:
    owner, other = Tenant(), Tenant()
    key = await create_key(gw, owner, ["hr:write"])
    employee = owner.headers(user_id=uuid.uuid4())
    intruder = other.headers(admin=True)
    body = {"name": "Mine", "scopes": ["hr:write"]}

    by_employee = await gw.post(KEYS, json=body, headers=employee)
    listed_by_employee = await gw.get(KEYS, headers=employee)
    seen_by_intruder = await gw.get(f"{KEYS}/{key['id']}", headers=intruder)
    revoked_by_intruder = await gw.delete(f"{KEYS}/{key['id']}", headers=intruder)
    intruders_list = await gw.get(KEYS, headers=intruder)
    still = await gw.get(f"{KEYS}/{key['id']}", headers=owner.headers(admin=True))

    assert (by_employee.status_code, listed_by_employee.status_code) == (403, 403)
    assert (seen_by_intruder.status_code, revoked_by_intruder.status_code) == (404, 404)
    assert intruders_list.json()["items"] == []
    assert still.json()["status"] == "active"


async def test_use_is_recorded_and_the_secret_shows_once_only(
    gw: httpx.AsyncClient, stack: Stack
) -> None:
    tenant = Tenant()
    admin = tenant.headers(admin=True)
    key = await create_key(gw, tenant, ["metrics:read"])
    secret = key["key"]
    before = await gw.get(f"{KEYS}/{key['id']}", headers=admin)

    assert (await gw.get("/v1/metrics/summary", headers=bearer(key))).status_code == 200
    bad_secret = f"{secret[:-4]}AAAA" if not secret.endswith("AAAA") else f"{secret[:-4]}BBBB"
    wrong = await gw.get("/v1/metrics/summary", headers={"Authorization": f"Bearer {bad_secret}"})
    await gw.delete(f"{KEYS}/{key['id']}", headers=admin)
    after = await gw.get(f"{KEYS}/{key['id']}", headers=admin)
    listed = await gw.get(KEYS, headers=admin)

    assert before.json()["last_used_at"] is None
    assert wrong.status_code == 401
    assert after.json()["last_used_at"] is not None
    assert datetime.fromisoformat(after.json()["last_used_at"]) > datetime.now(UTC) - timedelta(
        minutes=1
    )
    for response in (before, after, listed):
        assert secret.split("_", 2)[2] not in response.text
    for process in [*stack.services.values(), *stack.workers.values()]:
        assert secret not in process.log_path.read_text(errors="replace"), process.log_path
