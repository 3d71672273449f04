"""Who may touch API keys, and the path's key as a reusable existence check."""

import uuid
from typing import Annotated

from fastapi import Depends

from ambassadors.api_keys import repository
from ambassadors.api_keys.errors import ApiKeyNotFound
from ambassadors.api_keys.models import ApiKey
from common.auth import Principal
from common.dependencies import CurrentPrincipal, DbSession
from common.errors import Forbidden


async def key_admin(principal: CurrentPrincipal) -> Principal:
    """The caller, if an org admin: a key can never mint, list or revoke keys (403)."""
    principal.require_any("org_admin")
    return principal


KeyAdmin = Annotated[Principal, Depends(key_admin)]


async def valid_api_key_id(
    api_key_id: uuid.UUID, session: DbSession, principal: CurrentPrincipal
) -> ApiKey:
    """The path's key for an org admin of its organisation.

    Organisation first (docs/permissions.md): another organisation's key is a 404 whoever asks,
    exactly like a key that does not exist; only then may the caller's role make it a 403.
    """
    key = await repository.get_key(session, org_id=principal.org_id, key_id=api_key_id)
    if key is None:
        raise ApiKeyNotFound(f"API key {api_key_id} not found", field="api_key_id")
    await key_admin(principal)
    return key


async def the_gateway(principal: CurrentPrincipal) -> Principal:
    """Introspection answers the gateway only, asserted as itself (kind "gateway")."""
    if principal.kind != "gateway":
        raise Forbidden("only the gateway may introspect API keys")
    return principal


ValidApiKey = Annotated[ApiKey, Depends(valid_api_key_id)]
TheGateway = Annotated[Principal, Depends(the_gateway)]
