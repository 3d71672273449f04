"""API keys over HTTP: the console's routes (org admins) and the gateway's introspection."""

import json

from fastapi import APIRouter, Response, status

from ambassadors.api_keys import repository, service
from ambassadors.api_keys.dependencies import KeyAdmin, TheGateway, ValidApiKey
from ambassadors.api_keys.errors import ApiKeyAlreadyCreated
from ambassadors.api_keys.schemas import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyRead,
    Introspection,
    IntrospectionRequest,
)
from common.dependencies import DbSession, Pagination
from common.idempotency import HEADER as IDEMPOTENCY_KEY
from common.idempotency import Idempotent
from common.pagination import Page, build_page

router = APIRouter(prefix="/v1/api-keys", tags=["api keys"])
# Not in the gateway's route table: reachable only with the gateway's own assertion.
internal_router = APIRouter(prefix="/internal/api-keys", tags=["internal"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ApiKeyCreated)
async def create_api_key(
    data: ApiKeyCreate, session: DbSession, admin: KeyAdmin, once: Idempotent
) -> ApiKeyCreated:
    """Create a key (org admin). Its secret is in this response and stored nowhere.

    With an Idempotency-Key, a replay answers 409 naming the key made the first time: it
    cannot show the secret again. Revoke that key if its secret was lost.
    """
    shown: list[ApiKeyCreated] = []

    async def create() -> ApiKeyRead:
        key, secret = service.create_key(session, principal=admin, data=data)
        await session.flush()
        read = service.describe(key)
        shown.append(ApiKeyCreated(**read.model_dump(), key=secret))
        return read  # what the idempotency record keeps: everything but the secret

    stored = await once.run(create)
    if shown:
        return shown[0]
    key_id = json.loads(bytes(stored.body))["id"] if isinstance(stored, Response) else None
    raise ApiKeyAlreadyCreated(
        "this Idempotency-Key already created an API key, whose secret was shown once; "
        "revoke it if the secret was lost",
        field=IDEMPOTENCY_KEY,
        key_id=key_id,
    )


@router.get("", response_model=Page[ApiKeyRead])
async def list_api_keys(session: DbSession, admin: KeyAdmin, page: Pagination) -> Page[ApiKeyRead]:
    """The organisation's keys, newest first, revoked and expired ones included (org admin)."""
    rows = await repository.list_keys(session, org_id=admin.org_id, page=page)
    return build_page(rows, page=page, read=service.describe)


@router.get("/{api_key_id}", response_model=ApiKeyRead)
async def get_api_key(key: ValidApiKey) -> ApiKeyRead:
    """One key (org admin)."""
    return service.describe(key)


@router.delete("/{api_key_id}", status_code=status.HTTP_204_NO_CONTENT)
async def revoke_api_key(key: ValidApiKey, session: DbSession) -> None:
    """Revoke a key (org admin): its next request fails. Revoking it again is also a 204."""
    await service.revoke(session, key=key)


@internal_router.post("/introspect", response_model=Introspection, response_model_exclude_none=True)
async def introspect_api_key(
    data: IntrospectionRequest, session: DbSession, gateway: TheGateway
) -> Introspection:
    """The gateway's question on every request carrying a key: is it live, and whose is it?"""
    key = await service.accept(session, presented=data.key)
    if key is None:
        return Introspection(active=False)
    return Introspection(active=True, key_id=key.id, org_id=key.org_id, scopes=key.scopes)
