"""Who sees which content items and who may act on them, decided in SQL over the access read model.

People: org admins and analysts see the whole organisation; a program manager's or reviewer's
grant shows every item of the sub-programs it covers (granted on the sub-program, or on its
program), whatever the token's roles, since the identity provider need not know our programs;
an employee sees the published items of the sub-programs they are a member of. Roles combine.
API keys with content:read see the organisation's published items. Nothing else is visible.
"""

import uuid
from collections.abc import Sequence

from sqlalchemy import ColumnElement, CompoundSelect, and_, false, or_, true, union
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from common.auth import Principal
from common.errors import Forbidden
from content.access.models import AccessMembership, AccessStaffGrant, AccessSubProgram
from content.models import ContentItem, ContentStatus, ContentTarget

STAFF_ROLES = ("program_manager", "reviewer")
SubProgramIds = CompoundSelect[tuple[uuid.UUID]] | SelectOfScalar[uuid.UUID]


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
    org_id = principal.org_id
    seen: list[ColumnElement[bool]] = [
        targeted_at(covered_sub_programs(principal, roles=STAFF_ROLES), org_id=org_id)
    ]
    if principal.has_any("employee"):
        seen.append(and_(published, targeted_at(member_sub_programs(principal), org_id=org_id)))
    return or_(*seen)


def targeted_at(sub_programs: SubProgramIds, *, org_id: uuid.UUID) -> ColumnElement[bool]:
    """The condition that an item has a target among these sub-programs (a subquery)."""
    return col(ContentItem.id).in_(
        select(col(ContentTarget.content_id)).where(
            col(ContentTarget.org_id) == org_id,  # ix_content_targets_sub_program is org-first
            col(ContentTarget.sub_program_id).in_(sub_programs),
        )
    )


async def require_may_create(
    session: AsyncSession, *, principal: Principal, sub_program_ids: Sequence[uuid.UUID]
) -> None:
    """Org admins create anywhere in their organisation; program managers where grants cover
    every target. Who may create nowhere is a 403 (the targets were checked before: 422)."""
    if principal.kind == "user" and principal.is_org_admin:
        return
    if not await _is_program_manager(session, principal):
        raise Forbidden("creating content needs the 'org_admin' role or a program_manager grant")
    uncovered = await uncovered_targets(
        session, principal, sub_program_ids=sub_program_ids, roles=("program_manager",)
    )
    if uncovered:
        raise Forbidden(
            f"no program_manager grant of yours covers sub-program {uncovered[0]} or its program",
            field="sub_program_ids",
        )


async def require_may_create_somewhere(session: AsyncSession, *, principal: Principal) -> None:
    """403 before any lookup for callers who may create nowhere (no role, no grant)."""
    if principal.kind == "user" and principal.is_org_admin:
        return
    if not await _is_program_manager(session, principal):
        raise Forbidden("creating content needs the 'org_admin' role or a program_manager grant")


async def require_may_approve(
    session: AsyncSession, *, principal: Principal, item: ContentItem
) -> None:
    """Org admins, and program managers or reviewers whose grants cover every target."""
    if principal.kind == "user" and principal.is_org_admin:
        return
    targets = await target_ids(session, content_id=item.id)
    if targets and not await uncovered_targets(
        session, principal, sub_program_ids=targets, roles=STAFF_ROLES
    ):
        return
    raise Forbidden(
        "approving needs the 'org_admin' role or a program_manager or reviewer grant on each "
        "of this item's sub-programs or their programs"
    )


async def target_ids(session: AsyncSession, *, content_id: uuid.UUID) -> list[uuid.UUID]:
    """The sub-programs an item is for."""
    query = select(col(ContentTarget.sub_program_id)).where(
        col(ContentTarget.content_id) == content_id
    )
    return list((await session.execute(query)).scalars())


async def uncovered_targets(
    session: AsyncSession,
    principal: Principal,
    *,
    sub_program_ids: Sequence[uuid.UUID],
    roles: tuple[str, ...],
) -> list[uuid.UUID]:
    """The sub-programs among these that no grant of the caller's (of these roles) covers."""
    if principal.kind != "user":
        return list(sub_program_ids)
    covered = set((await session.execute(covered_sub_programs(principal, roles=roles))).scalars())
    return [sub_program for sub_program in sub_program_ids if sub_program not in covered]


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
