"""The permission table's ambassadors rows, cell by cell, in front of the service; and another
organisation never reads or changes org A's programs, sub-programs or grants."""

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest

from advocacy_testing.apps import Tenant, serving
from advocacy_testing.identity import user_token
from advocacy_testing.permission_matrix import World, check
from advocacy_testing.permissions import CALLER_NAMES, ROWS
from ambassadors.config import Settings
from ambassadors.main import build_app
from ambassadors.models import FeedItem
from common.db import Database

KEY_SCOPES = {
    "key_programs": ["programs:read"],
    "key_content": ["content:read"],
    "key_metrics": ["metrics:read"],
    "key_other": ["hr:write", "outcomes:write", "events:read"],
}
PERSON_ROLES = {
    "org_admin": ["org_admin"],
    "program_manager": ["program_manager"],
    "reviewer": ["reviewer"],
    "analyst": ["analyst"],
    "member": ["employee"],
    "employee": ["employee"],
    "ungranted_manager": ["program_manager"],
}


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with serving(build_app(settings)) as client:
        yield client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def callers(org: Tenant, people: dict[str, uuid.UUID]) -> dict[str, dict[str, str]]:
    """Headers of every caller of the table, as the gateway would assert them."""
    headers = {
        name: org.headers(roles=roles, user_id=people[name]) for name, roles in PERSON_ROLES.items()
    }
    for name, scopes in KEY_SCOPES.items():
        key = user_token(
            user_id=uuid.uuid4(),
            org_id=org.org_id,
            roles=["integration"],
            kind="api_key",
            scopes=scopes,
        )
        headers[name] = bearer(key)
    headers["operator"] = Tenant().headers(roles=["operator"])
    headers["other_org_admin"] = Tenant().headers(roles=["org_admin"])
    return headers


async def created(response: httpx.Response) -> str:
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def org_a(client: httpx.AsyncClient, settings: Settings) -> World:
    """Program P, sub-programs S and S2, a PM on P, a reviewer on S, a member of S and S2
    with one item in their feed, one share on X (its tracked link), one API key."""
    org = Tenant()
    people = {name: uuid.uuid4() for name in PERSON_ROLES}
    headers = callers(org, people)
    admin = headers["org_admin"]
    program = await created(await client.post("/v1/programs", json={"name": "P"}, headers=admin))
    subs = [
        await created(
            await client.post(
                f"/v1/programs/{program}/sub-programs", json={"name": name}, headers=admin
            )
        )
        for name in ("S", "S2")
    ]
    for caller, scope, role in (
        ("program_manager", f"/v1/programs/{program}", "program_manager"),
        ("reviewer", f"/v1/sub-programs/{subs[0]}", "reviewer"),
    ):
        body = {"user_id": str(people[caller]), "role": role}
        await created(await client.post(f"{scope}/staff", json=body, headers=admin))
    member = headers["member"]
    for sub, network in zip(subs, ("linkedin", "x"), strict=True):
        membership = {"network": network, "audience_size": 100}
        joined = await client.post(
            f"/v1/sub-programs/{sub}/members", json=membership, headers=member
        )
        assert joined.status_code == 201, joined.text
    content_id = await feed_item(settings, org, joined.json()["ambassador_id"], subs[0])
    share = await client.post(
        "/v1/me/shares", json={"content_id": content_id, "network": "x"}, headers=member
    )
    assert share.status_code == 201, share.text
    key = {"name": "HR", "scopes": ["hr:write"]}
    return World(
        headers=headers,
        program_id=program,
        sub_program_id=subs[0],
        second_sub_program_id=subs[1],
        published_id=content_id,
        link_code=share.json()["tracked_url"].rsplit("/", 1)[1],
        api_key_id=await created(await client.post("/v1/api-keys", json=key, headers=admin)),
    )


async def feed_item(settings: Settings, org: Tenant, ambassador_id: str, sub_id: str) -> str:
    """A published item in the member's feed, written directly: the fan-out is tested elsewhere."""
    content_id = uuid.uuid4()
    database = Database(settings.database_url)
    try:
        async with database.transaction() as session:
            session.add(
                FeedItem(
                    org_id=org.org_id,
                    ambassador_id=uuid.UUID(ambassador_id),
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
    return str(content_id)


async def test_every_ambassadors_cell_of_the_permission_table(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    world = await org_a(client, settings)
    # Dead letters need the worker's topics; the e2e test covers them through the gateway.
    rows = [r for r in ROWS if r.service == "ambassadors" and not r.path.startswith("/v1/ops/")]

    differences = await check(client, world, rows, CALLER_NAMES)

    assert differences == [], "\n".join(differences)


async def test_another_organisation_never_reads_or_changes_org_a(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    world = await org_a(client, settings)
    org_b = Tenant()
    # B's own program manager really manages something, in B.
    b_program = await created(
        await client.post("/v1/programs", json={"name": "B"}, headers=org_b.headers(admin=True))
    )
    b_manager_id = uuid.uuid4()
    b_grant = {"user_id": str(b_manager_id), "role": "program_manager"}
    await created(
        await client.post(
            f"/v1/programs/{b_program}/staff", json=b_grant, headers=org_b.headers(admin=True)
        )
    )
    a_grants = await client.get(f"/v1/programs/{world.program_id}/staff", headers=world.admin)
    a_grant_id = a_grants.json()["items"][0]["id"]
    program, sub = f"/v1/programs/{world.program_id}", f"/v1/sub-programs/{world.sub_program_id}"
    grant = {"user_id": str(uuid.uuid4()), "role": "reviewer"}
    attempts = [
        ("GET", program, None),
        ("GET", f"{program}/sub-programs", None),
        ("POST", f"{program}/sub-programs", {"name": "Mine now"}),
        ("GET", sub, None),
        ("POST", f"{sub}/members", {"network": "linkedin", "audience_size": 1}),
        ("DELETE", f"{sub}/members/me", None),
        ("GET", f"{program}/staff", None),
        ("POST", f"{program}/staff", grant),
        ("DELETE", f"{program}/staff/{a_grant_id}", None),
        ("GET", f"{sub}/staff", None),
        ("POST", f"{sub}/staff", grant),
    ]
    intruders = {
        "admin": org_b.headers(roles=["org_admin", "employee"]),
        "manager": org_b.headers(user_id=b_manager_id, roles=["program_manager", "employee"]),
        "employee": org_b.headers(),
    }

    for name, headers in intruders.items():
        for method, url, body in attempts:
            answer = await client.request(method, url, json=body, headers=headers)
            assert answer.status_code == 404, (name, method, url, answer.text)

    after = await client.get(f"/v1/programs/{world.program_id}/staff", headers=world.admin)
    subs = await client.get(f"/v1/programs/{world.program_id}/sub-programs", headers=world.admin)
    assert after.json() == a_grants.json()
    assert len(subs.json()["items"]) == 2
    assert (await client.get("/v1/programs", headers=intruders["admin"])).json()["items"][0][
        "id"
    ] == b_program
