"""The permission table, every route × every caller, through the gateway and the real processes.

Org A is built through the public API: a program P with sub-programs S and S2, a program manager
granted on P, a reviewer granted on S, a member of S and S2 with a published item in their feed
and a share on X, a draft in S, and real API keys with each scope. Content decides visibility
from its read model of A's grants and memberships (events), so the test waits for it first.
"""

import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from advocacy_testing import cross_tenant, identity
from advocacy_testing.apps import Tenant
from advocacy_testing.permission_matrix import Headers, World, check, fresh_draft
from advocacy_testing.permissions import CALLER_NAMES, CONTENT_LIST, ROWS
from advocacy_testing.polling import eventually
from advocacy_testing.stack import Stack, running_stack
from gateway.routes import match

PERSON_ROLES = {
    "org_admin": ["org_admin"],
    "program_manager": ["program_manager"],
    "reviewer": ["reviewer"],
    "analyst": ["analyst"],
    "member": ["employee"],
    "employee": ["employee"],
    "ungranted_manager": ["program_manager"],
}
KEY_SCOPES = {
    "key_programs": ["programs:read"],
    "key_content": ["content:read"],
    "key_metrics": ["metrics:read"],
    "key_other": ["hr:write", "outcomes:write", "events:read"],
}


@pytest.fixture(scope="module")
async def stack(postgres_url: str, kafka_bootstrap: str) -> AsyncIterator[Stack]:
    # Each column has exactly its roles: the IdP adds no default "employee" here.
    issuers = [issuer | {"default_roles": []} for issuer in json.loads(identity.issuer_config())]
    gateway_env = {
        "GATEWAY_OIDC_ISSUERS": json.dumps(issuers),
        # Every caller follows the same tracked link: lift the per-link-and-IP limit (0 = off).
        "GATEWAY_RATE_LIMIT_LINK_IP_PER_MINUTE": "0",
        # The table makes thousands of calls from one address, many as A's admin (fresh objects
        # for every cell): the limits are not what it checks (their own tests do).
        "GATEWAY_RATE_LIMIT_CREDENTIAL_PER_MINUTE": "1000000",
        "GATEWAY_RATE_LIMIT_IP_PER_MINUTE": "1000000",
    }
    async with running_stack(
        postgres_url=postgres_url, kafka=kafka_bootstrap, gateway_env=gateway_env
    ) as running:
        yield running


@pytest.fixture(scope="module")
async def world(stack: Stack) -> World:
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=30) as gw:
        return await org_a(gw)


async def created(
    gw: httpx.AsyncClient, url: str, body: dict[str, Any], headers: dict[str, str]
) -> dict[str, Any]:
    response = await gw.post(url, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def callers(
    gw: httpx.AsyncClient, org: Tenant, people: dict[str, uuid.UUID]
) -> dict[str, Headers]:
    """Every column's credential: IdP tokens for persons, real API keys made by A's admin."""
    headers = {name: org.headers(roles=PERSON_ROLES[name], user_id=people[name]) for name in people}
    for name, scopes in KEY_SCOPES.items():
        body = {"name": name, "scopes": scopes}
        key = await created(gw, "/v1/api-keys", body, headers["org_admin"])
        headers[name] = {"Authorization": f"Bearer {key['key']}"}
    headers["operator"] = Tenant().headers(roles=["operator"])
    headers["other_org_admin"] = Tenant().headers(roles=["org_admin"])
    return headers


async def org_a(gw: httpx.AsyncClient) -> World:
    org = Tenant()
    people = {name: uuid.uuid4() for name in PERSON_ROLES} | {"org_admin": org.admin_id}
    headers = await callers(gw, org, people)
    admin, member = headers["org_admin"], headers["member"]
    program = (await created(gw, "/v1/programs", {"name": "P"}, admin))["id"]
    subs = [
        (await created(gw, f"/v1/programs/{program}/sub-programs", {"name": name}, admin))["id"]
        for name in ("S", "S2")
    ]
    for caller, scope, role in (
        ("program_manager", f"/v1/programs/{program}", "program_manager"),
        ("reviewer", f"/v1/sub-programs/{subs[0]}", "reviewer"),
    ):
        await created(gw, f"{scope}/staff", {"user_id": str(people[caller]), "role": role}, admin)
    for sub, network in zip(subs, ("linkedin", "x"), strict=True):
        membership = {"network": network, "audience_size": 100}
        await created(gw, f"/v1/sub-programs/{sub}/members", membership, member)
    hr_key = await created(gw, "/v1/api-keys", {"name": "HR", "scopes": ["hr:write"]}, admin)
    world = World(
        headers=headers,
        program_id=program,
        sub_program_id=subs[0],
        second_sub_program_id=subs[1],
        published_id="",
        link_code="",
        api_key_id=hr_key["id"],
    )
    await add_content_and_a_share(gw, world)
    await content_has_seen_the_grants_and_memberships(gw, world)
    return world


async def add_content_and_a_share(gw: httpx.AsyncClient, world: World) -> None:
    """A draft and a published item in S; the member shares the published one on X."""
    world.draft_id = await fresh_draft(gw, world)
    world.published_id = await fresh_draft(gw, world)
    approved = await gw.post(f"/v1/content/{world.published_id}/approve", headers=world.admin)
    assert approved.status_code == 200, approved.text
    member = world.headers["member"]

    async def feed() -> list[Any]:
        return list((await gw.get("/v1/me/feed", headers=member)).json()["items"])

    await eventually(feed, lambda items: len(items) == 1)
    body = {"content_id": world.published_id, "network": "x"}
    share = await created(gw, "/v1/me/shares", body, member)
    world.link_code = share["tracked_url"].rsplit("/", 1)[1]


async def content_has_seen_the_grants_and_memberships(gw: httpx.AsyncClient, world: World) -> None:
    """Wait until the content service's read model shows the staff and the member their items."""
    for caller, item in (
        ("program_manager", world.draft_id),
        ("reviewer", world.draft_id),
        ("member", world.published_id),
    ):

        async def status(caller: str = caller, item: str = item) -> int:
            return (await gw.get(f"/v1/content/{item}", headers=world.headers[caller])).status_code

        await eventually(status, lambda code: code == 200)


async def test_every_route_answers_every_caller_as_the_table_says(
    stack: Stack, world: World
) -> None:
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=30) as gw:
        differences = await check(gw, world, ROWS, CALLER_NAMES)

    assert differences == [], f"{len(differences)} cells differ:\n" + "\n".join(differences)


async def test_content_lists_show_each_caller_what_the_table_says(
    stack: Stack, world: World
) -> None:
    items = {world.draft_id: "draft", world.published_id: "published"}
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=30) as gw:
        for caller, expected in CONTENT_LIST.items():
            # Every page: the matrix made many items since (fresh drafts), these are old ones.
            listed = await cross_tenant.pages(gw, "/v1/content", world.headers[caller])
            seen = {items[i["id"]] for i in listed if i["id"] in items}
            assert seen == expected, caller


async def test_the_table_covers_exactly_the_gateways_published_api(stack: Stack) -> None:
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=30) as gw:
        document = (await gw.get("/openapi.json")).json()

    published = {
        (method.upper(), path)
        for path, operations in document["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"} and match(path)
    }
    assert published == {(row.method, row.path) for row in ROWS}
