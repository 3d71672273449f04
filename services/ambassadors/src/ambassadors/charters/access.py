"""Who writes a scope's charter, training and kit: org admins and the program managers whose
grant covers the scope (a grant on a program covers its sub-programs). Any person of the
organisation and programs:read keys read what is published; drafts stay with their writers.
"""

import uuid
from collections.abc import Collection

from sqlalchemy.ext.asyncio import AsyncSession

from ambassadors.staff import access
from ambassadors.staff.access import Scope
from common.auth import Principal
from common.errors import Forbidden


async def may_write(session: AsyncSession, *, principal: Principal, scope: Scope) -> bool:
    """True for an org admin (a person) or a program manager covering the scope."""
    if principal.kind != "user":
        return False
    return principal.is_org_admin or await access.manages(session, principal=principal, scope=scope)


async def require_writer(
    session: AsyncSession, *, principal: Principal, scope: Scope, what: str
) -> None:
    """403 unless the caller may write the scope's `what` (charter, training, kit)."""
    if not await may_write(session, principal=principal, scope=scope):
        raise Forbidden(
            f"only org admins and this {scope.type}'s program managers write its {what}"
        )


async def draft_scopes(
    session: AsyncSession, *, principal: Principal
) -> Collection[uuid.UUID] | None:
    """The scopes whose drafts the caller sees: None for every scope (org admins), else the
    programs and sub-programs they manage (none for API keys and other people)."""
    if principal.kind == "user" and principal.is_org_admin:
        return None
    roles = await access.staff_roles(session, principal=principal)
    return frozenset(scope_id for role, scope_id in roles.held if role == "program_manager")
