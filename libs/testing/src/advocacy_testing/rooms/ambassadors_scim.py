"""Permission rows of SCIM provisioning (/scim/v2): org admins and hr:write keys only, like HR's
own upserts. The role is checked before any lookup (403 whatever the id); another organisation's
admin gets 404 on A's users and its own organisation's answers everywhere else.

Every call on a user acts on a fresh user of A that A's admin made inside the call."""

import json
import uuid
from collections.abc import Callable

import httpx

from advocacy_testing.permission_cells import Outcome, Row, cells
from advocacy_testing.world import Call, Headers, RowKey, World

ROOT = "/scim/v2"
USER = f"{ROOT}/Users/{{employee_id}}"
SCIM_JSON = {"Content-Type": "application/scim+json"}
CORE = "urn:ietf:params:scim:schemas:core:2.0:User"
HR = "org admins and hr:write keys"


OWN_ORG: dict[str, Outcome] = cells("org_admin", "key_other", "other_org_admin")


def rows() -> list[Row]:
    everyone_their_own = [
        ("GET", f"{ROOT}/ServiceProviderConfig"),
        ("GET", f"{ROOT}/ResourceTypes"),
        ("GET", f"{ROOT}/ResourceTypes/{{resource_type_id}}"),
        ("GET", f"{ROOT}/Schemas"),
        ("GET", f"{ROOT}/Schemas/{{schema_id}}"),
        ("GET", f"{ROOT}/Users"),
        ("POST", f"{ROOT}/Users"),
        ("POST", f"{ROOT}/Users/.search"),
        ("POST", f"{ROOT}/.search"),
    ]
    a_user = cells("org_admin", "key_other", other_org_admin="404")
    return [
        *(
            Row(method, path, "ambassadors", f"{HR} (org B: its own)", OWN_ORG)
            for method, path in everyone_their_own
        ),
        *(
            Row(method, USER, "ambassadors", f"{HR} (org B: 404)", a_user)
            for method in ("GET", "PUT", "PATCH", "DELETE")
        ),
    ]


def _user() -> dict[str, object]:
    return {"schemas": [CORE], "userName": f"s-{uuid.uuid4().hex[:12]}@example.com"}


async def fresh_user(client: httpx.AsyncClient, world: World) -> str:
    """A user of A made by A's admin through SCIM: its id."""
    body = json.dumps(_user())
    response = await client.post(f"{ROOT}/Users", content=body, headers=world.admin | SCIM_JSON)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _get(path: str) -> Call:
    async def call(client: httpx.AsyncClient, world: World, headers: Headers) -> httpx.Response:
        return await client.get(path, headers=headers)

    return call


def _post(path: str, body: dict[str, object]) -> Call:
    async def call(client: httpx.AsyncClient, world: World, headers: Headers) -> httpx.Response:
        return await client.post(path, content=json.dumps(body), headers=headers | SCIM_JSON)

    return call


async def _create(client: httpx.AsyncClient, world: World, headers: Headers) -> httpx.Response:
    content = json.dumps(_user())
    return await client.post(f"{ROOT}/Users", content=content, headers=headers | SCIM_JSON)


def _on_user(method: str, body: Callable[[], dict[str, object]] | None = None) -> Call:
    async def call(client: httpx.AsyncClient, world: World, headers: Headers) -> httpx.Response:
        url = f"{ROOT}/Users/{await fresh_user(client, world)}"
        content = None if body is None else json.dumps(body())
        return await client.request(method, url, content=content, headers=headers | SCIM_JSON)

    return call


def calls() -> dict[RowKey, Call]:
    search = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], "count": 5}
    title = {"op": "replace", "path": "title", "value": "Engineer"}
    patch = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [title]}
    return {
        ("GET", f"{ROOT}/ServiceProviderConfig", ""): _get(f"{ROOT}/ServiceProviderConfig"),
        ("GET", f"{ROOT}/ResourceTypes", ""): _get(f"{ROOT}/ResourceTypes"),
        ("GET", f"{ROOT}/ResourceTypes/{{resource_type_id}}", ""): _get(
            f"{ROOT}/ResourceTypes/User"
        ),
        ("GET", f"{ROOT}/Schemas", ""): _get(f"{ROOT}/Schemas"),
        ("GET", f"{ROOT}/Schemas/{{schema_id}}", ""): _get(f"{ROOT}/Schemas/{CORE}"),
        ("GET", f"{ROOT}/Users", ""): _get(f"{ROOT}/Users"),
        ("POST", f"{ROOT}/Users", ""): _create,
        ("POST", f"{ROOT}/Users/.search", ""): _post(f"{ROOT}/Users/.search", search),
        ("POST", f"{ROOT}/.search", ""): _post(f"{ROOT}/.search", search),
        ("GET", USER, ""): _on_user("GET"),
        ("PUT", USER, ""): _on_user("PUT", _user),
        ("PATCH", USER, ""): _on_user("PATCH", lambda: patch),
        ("DELETE", USER, ""): _on_user("DELETE"),
    }
