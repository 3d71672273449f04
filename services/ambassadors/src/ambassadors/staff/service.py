"""Staff rules: who may grant, list and revoke program managers and reviewers."""

import uuid
from datetime import UTC, datetime
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from ambassadors import access_events
from ambassadors.errors import AlreadyGranted, GrantNotFound
from ambassadors.staff import access, repository
from ambassadors.staff.access import Scope, StaffRole
from ambassadors.staff.models import StaffGrant
from ambassadors.staff.schemas import StaffGrantCreate
from common.auth import Principal
from common.errors import Forbidden

ALL_ROLES: tuple[StaffRole, ...] = ("program_manager", "reviewer")


async def manageable_roles(
    session: AsyncSession, *, principal: Principal, scope: Scope
) -> tuple[StaffRole, ...]:
    """Roles the caller may grant or revoke on the scope: all for an org admin, reviewers for
    a program manager whose grant covers it, none for anyone else."""
    if principal.is_org_admin and principal.kind == "user":
        return ALL_ROLES
    if await access.manages(session, principal=principal, scope=scope):
        return ("reviewer",)
    return ()


async def require_staff_viewer(
    session: AsyncSession, *, principal: Principal, scope: Scope
) -> None:
    """403 unless the caller may see who is staff on the scope (the same people who manage it)."""
    if not await manageable_roles(session, principal=principal, scope=scope):
        raise Forbidden("only org admins and this scope's program managers see its staff")


async def grant(
    session: AsyncSession, *, principal: Principal, scope: Scope, data: StaffGrantCreate
) -> StaffGrant:
    """Give a person a role on the scope; the unique index decides a duplicate."""
    allowed = await manageable_roles(session, principal=principal, scope=scope)
    if data.role not in allowed:
        raise _forbidden(allowed)
    row = await repository.add_grant(
        session,
        grant=StaffGrant(
            org_id=scope.org_id,
            user_id=data.user_id,
            role=data.role,
            scope_type=scope.type,
            scope_id=scope.id,
            granted_by=principal.user_id,
            granted_at=datetime.now(UTC),
        ),
    )
    if row is None:
        raise AlreadyGranted(
            f"user {data.user_id} is already {data.role} of this {scope.type}", field="user_id"
        )
    _announce(session, row, scope=scope, change="granted")
    return row


async def revoke(
    session: AsyncSession, *, principal: Principal, scope: Scope, grant_id: uuid.UUID
) -> None:
    """Withdraw one grant of the scope; of two concurrent revocations one succeeds."""
    allowed = await manageable_roles(session, principal=principal, scope=scope)
    if not allowed:
        raise _forbidden(allowed)
    removed = await repository.revoke_grant(
        session, org_id=scope.org_id, scope_id=scope.id, grant_id=grant_id, roles=allowed
    )
    if removed is not None:
        _announce(session, removed, scope=scope, change="revoked")
        return
    # Nothing deleted: tell a grant the caller may not touch from one that does not exist.
    if await repository.get_grant(
        session, org_id=scope.org_id, scope_id=scope.id, grant_id=grant_id
    ):
        raise _forbidden(allowed)
    raise GrantNotFound(f"grant {grant_id} not found on this {scope.type}", field="grant_id")


def _forbidden(allowed: tuple[StaffRole, ...]) -> Forbidden:
    if allowed:
        return Forbidden("program managers grant and revoke reviewers only", field="role")
    return Forbidden("only org admins and this scope's program managers manage its staff")


def _announce(
    session: AsyncSession,
    row: StaffGrant,
    *,
    scope: Scope,
    change: Literal["granted", "revoked"],
) -> None:
    access_events.staff_role_changed(
        session, row, program_id=scope.program_id, change=change, changed_at=datetime.now(UTC)
    )
