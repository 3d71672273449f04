"""Who sees which content items and who may act on them, decided in SQL over the access read model.

People: org admins and analysts see the whole organisation; a program manager's or reviewer's
grant shows every item of the sub-programs it covers (granted on the sub-program, or on its
program), whatever the token's roles, since the identity provider need not know our programs;
an employee sees the published items of the sub-programs they are a member of. Roles combine.
API keys with content:read see the organisation's published items. Nothing else is visible.
"""

import uuid

from sqlalchemy import ColumnElement, CompoundSelect, and_, false, literal, or_, true, union
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Uuid, col, select
from sqlmodel.sql.expression import SelectOfScalar

from common.auth import Principal
from common.errors import Forbidden, InvalidInput
from content.access.models import AccessMembership, AccessStaffGrant, AccessSubProgram
from content.errors import SubProgramNotFound
from content.models import ContentItem, ContentStatus

STAFF_ROLES = ("program_manager", "reviewer")


def visible_to(principal: Principal) -> ColumnElement[bool]:
    """The condition on content items (of the caller's organisation) that the caller sees them.

    403 for an API key without content:read: such a key may not read content at all.
    """
    published = col(ContentItem.status) == ContentStatus.published
    if principal.kind == "api_key":
        principal.require_scope("content:read")
        return published
    if principal.kind != "user":
        return false()
    if principal.has_any("org_admin", "analyst"):
        return true()
    sub_program = col(ContentItem.sub_program_id)
    seen: list[ColumnElement[bool]] = [
        sub_program.in_(covered_sub_programs(principal, roles=STAFF_ROLES))
    ]
    if principal.has_any("employee"):
        seen.append(and_(published, sub_program.in_(member_sub_programs(principal))))
    return or_(*seen)


async def require_may_create(
    session: AsyncSession, *, principal: Principal, sub_program_id: uuid.UUID
) -> None:
    """Org admins create anywhere in their organisation; program managers where a grant covers.

    Who may create nowhere is a 403; another organisation's sub-program is a 404 for the others.
    A sub-program not projected yet is accepted from an org admin (its event may still be on its
    way), and a 422 for a program manager (no grant of theirs can cover it yet).
    """
    admin = principal.kind == "user" and principal.is_org_admin
    if not admin and not await _is_program_manager(session, principal):
        raise Forbidden("creating content needs the 'org_admin' role or a program_manager grant")
    owner = await _organisation_of(session, sub_program_id=sub_program_id)
    if owner is not None and owner != principal.org_id:
        raise SubProgramNotFound(f"sub-program {sub_program_id} not found", field="sub_program_id")
    if admin:
        return
    if await _covers(session, principal, sub_program_id=sub_program_id, roles=("program_manager",)):
        return
    if owner is None:
        raise InvalidInput(f"unknown sub-program {sub_program_id}", field="sub_program_id")
    raise Forbidden("no program_manager grant of yours covers this sub-program or its program")


async def require_may_approve(
    session: AsyncSession, *, principal: Principal, item: ContentItem
) -> None:
    """Org admins, and program managers or reviewers whose grants cover the item's sub-program."""
    if principal.kind == "user" and principal.is_org_admin:
        return
    if await _covers(session, principal, sub_program_id=item.sub_program_id, roles=STAFF_ROLES):
        return
    raise Forbidden(
        "approving needs the 'org_admin' role or a program_manager or reviewer grant on this "
        "item's sub-program or its program"
    )


def covered_sub_programs(
    principal: Principal, *, roles: tuple[str, ...]
) -> CompoundSelect[tuple[uuid.UUID]]:
    """Ids of the sub-programs the caller's grants of these roles cover, as one subquery."""
    grant = col(AccessStaffGrant.scope_id)
    mine = (
        col(AccessStaffGrant.org_id) == principal.org_id,
        col(AccessStaffGrant.user_id) == principal.user_id,
        col(AccessStaffGrant.role).in_(roles),
        col(AccessStaffGrant.is_granted),  # not a revoked grant's tombstone
    )
    on_sub_programs = select(grant).where(*mine, col(AccessStaffGrant.scope_type) == "sub_program")
    via_programs = (
        select(col(AccessSubProgram.sub_program_id))
        .join(AccessStaffGrant, grant == col(AccessSubProgram.program_id))
        .where(
            *mine,
            col(AccessStaffGrant.scope_type) == "program",
            col(AccessSubProgram.org_id) == principal.org_id,
        )
    )
    return union(on_sub_programs, via_programs)


def member_sub_programs(principal: Principal) -> SelectOfScalar[uuid.UUID]:
    """Ids of the sub-programs the caller is a member of, as a subquery."""
    return select(col(AccessMembership.sub_program_id)).where(
        col(AccessMembership.org_id) == principal.org_id,
        col(AccessMembership.user_id) == principal.user_id,
        col(AccessMembership.is_member),  # not a departed member's tombstone
    )


async def _covers(
    session: AsyncSession,
    principal: Principal,
    *,
    sub_program_id: uuid.UUID,
    roles: tuple[str, ...],
) -> bool:
    if principal.kind != "user":
        return False
    target = literal(sub_program_id, Uuid())
    query = select(target.in_(covered_sub_programs(principal, roles=roles)))
    return bool(await session.scalar(query))


async def _is_program_manager(session: AsyncSession, principal: Principal) -> bool:
    if principal.kind != "user":
        return False
    if principal.has_any("program_manager"):
        return True
    query = select(col(AccessStaffGrant.user_id)).where(
        col(AccessStaffGrant.org_id) == principal.org_id,
        col(AccessStaffGrant.user_id) == principal.user_id,
        col(AccessStaffGrant.role) == "program_manager",
        col(AccessStaffGrant.is_granted),
    )
    return (await session.execute(query.limit(1))).first() is not None


async def _organisation_of(session: AsyncSession, *, sub_program_id: uuid.UUID) -> uuid.UUID | None:
    query = select(col(AccessSubProgram.org_id)).where(
        col(AccessSubProgram.sub_program_id) == sub_program_id
    )
    owner: uuid.UUID | None = await session.scalar(query)
    return owner
