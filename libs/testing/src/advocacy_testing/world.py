"""Org A's objects and every caller's headers, and the small call builders every table row uses.

Apart from permission_matrix.py so the rooms' own rows (advocacy_testing.rooms) build on them.
"""

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx

Headers = dict[str, str]
RowKey = tuple[str, str, str]


@dataclass
class World:
    """Org A's objects and every caller's headers (anonymous: none)."""

    headers: dict[str, Headers]
    program_id: str
    sub_program_id: str
    # Another sub-program the member joined (with an X profile): the one they leave.
    second_sub_program_id: str
    published_id: str
    link_code: str
    api_key_id: str
    draft_id: str = ""

    @property
    def admin(self) -> Headers:
        return self.headers["org_admin"]


Call = Callable[[httpx.AsyncClient, World, Headers], Awaitable[httpx.Response]]


async def _created(response: httpx.Response) -> str:
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def fresh_sub_program(client: httpx.AsyncClient, world: World) -> str:
    body = {"name": "Fresh", "kind": "topic"}
    url = f"/v1/programs/{world.program_id}/sub-programs"
    return await _created(await client.post(url, json=body, headers=world.admin))


async def fresh_grant(client: httpx.AsyncClient, world: World, scope: str, role: str) -> str:
    body = {"user_id": str(uuid.uuid4()), "role": role}
    return await _created(await client.post(f"{scope}/staff", json=body, headers=world.admin))


async def fresh_draft(client: httpx.AsyncClient, world: World) -> str:
    body = {"sub_program_id": world.sub_program_id, "title": "Draft", "url": "https://example.com"}
    return await _created(await client.post("/v1/content", json=body, headers=world.admin))


async def fresh_key(client: httpx.AsyncClient, world: World) -> str:
    body = {"name": "Fresh", "scopes": ["metrics:read"]}
    return await _created(await client.post("/v1/api-keys", json=body, headers=world.admin))


def _get(url: Callable[[World], str]) -> Call:
    async def call(client: httpx.AsyncClient, world: World, headers: Headers) -> httpx.Response:
        return await client.get(url(world), headers=headers)

    return call


def _post(url: Callable[[World], str], body: Callable[[World], object] = lambda w: {}) -> Call:
    async def call(client: httpx.AsyncClient, world: World, headers: Headers) -> httpx.Response:
        return await client.post(url(world), json=body(world), headers=headers)

    return call


get_call = _get
post_call = _post
