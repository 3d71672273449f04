"""API keys: the gateway asks the service that keeps them (ambassadors) on every use.

No cache: a revoked key must fail on its next request, and integrations call far less often
than people (ADR 0009 measures the extra hop).
"""

import uuid

import httpx
from pydantic import BaseModel, ValidationError

from common.auth import Principal
from common.errors import Unauthorized
from gateway.errors import UpstreamUnavailable

PREFIX = "adv_"
INTROSPECT_PATH = "/internal/api-keys/introspect"
_INVALID = "invalid, expired or revoked API key"


class Introspection(BaseModel):
    """The keeper's answer (RFC 7662 in spirit: `active` or nothing else)."""

    active: bool
    key_id: uuid.UUID | None = None
    org_id: uuid.UUID | None = None
    scopes: list[str] = []


def looks_like_api_key(token: str) -> bool:
    return token.startswith(PREFIX)


async def introspect(
    token: str, *, client: httpx.AsyncClient, base_url: str, assertion: str
) -> Principal:
    """The integration principal of a live key; 401 for unknown, expired or revoked ones."""
    try:
        response = await client.post(
            f"{base_url}{INTROSPECT_PATH}",
            json={"key": token},
            headers={"authorization": f"Bearer {assertion}"},
        )
    except httpx.HTTPError as exc:
        raise UpstreamUnavailable("API keys cannot be checked right now") from exc
    if response.status_code != 200:
        raise UpstreamUnavailable(f"API key check answered {response.status_code}")
    try:
        answer = Introspection.model_validate_json(response.content)
    except ValidationError as exc:
        raise UpstreamUnavailable("API key check answered garbage") from exc
    if not answer.active or answer.key_id is None or answer.org_id is None:
        raise Unauthorized(_INVALID)
    return Principal(
        user_id=answer.key_id,
        org_id=answer.org_id,
        roles=frozenset({"integration"}),
        scopes=frozenset(answer.scopes),
        kind="api_key",
    )
