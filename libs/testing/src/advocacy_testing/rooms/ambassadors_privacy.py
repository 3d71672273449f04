"""Permission rows of the privacy room: a person's export and their own erasure.

Both are for any person of an organisation, about themselves; API keys and platform operators
are refused. An erasure call is made by a stand-in: a fresh person with the caller's exact
claims (organisation, roles), so the table's answer is about the kind of caller while the
world's own people (the member and their share, the staff and their grants) stay as they are
for every other row.
"""

import uuid

import httpx
import jwt

from advocacy_testing.identity import user_token
from advocacy_testing.permission_cells import PERSONS_OF_A, Row, cells
from advocacy_testing.world import Call, Headers, RowKey, World


def rows() -> list[Row]:
    rule = "any person: about themselves"
    return [
        Row("GET", "/v1/me/data", "ambassadors", rule, cells(*PERSONS_OF_A, "other_org_admin")),
        Row(
            "POST",
            "/v1/me/erasure",
            "ambassadors",
            f"{rule} (called by a fresh person with the caller's roles)",
            cells(*PERSONS_OF_A, "other_org_admin"),
        ),
    ]


def stand_in(headers: Headers) -> Headers:
    """The same claims for a fresh user id; API keys and no credential are left as they are."""
    scheme, _, token = headers.get("Authorization", "").partition(" ")
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return headers
    fresh = {
        k: v for k, v in claims.items() if k not in ("sub", "org", "roles", "iat", "nbf", "exp")
    }
    token = user_token(
        user_id=uuid.uuid4(),
        org_id=uuid.UUID(claims["org"]),
        roles=list(claims.get("roles", [])),
        **fresh,
    )
    return {"Authorization": f"{scheme} {token}"}


async def _data(client: httpx.AsyncClient, world: World, headers: Headers) -> httpx.Response:
    return await client.get("/v1/me/data", headers=headers)


async def _erase(client: httpx.AsyncClient, world: World, headers: Headers) -> httpx.Response:
    return await client.post("/v1/me/erasure", headers=stand_in(headers))


def calls() -> dict[RowKey, Call]:
    return {
        ("GET", "/v1/me/data", ""): _data,
        ("POST", "/v1/me/erasure", ""): _erase,
    }
