"""Who sees a sub-program's page and its spotlights, decided in SQL where lists need it.

A sub-program's page (moments, published spotlights) is for its members, its staff (program
managers and reviewers whose grants cover it) and org admins. A spotlight nobody consented to
yet (or declined, or withdrawn before consent) is seen only by its author and by the person
it is about: consent is what makes it the team's.
"""

import uuid

from sqlalchemy import ColumnElement, and_, or_, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from ambassadors.models import Ambassador, Membership, SubProgram
from ambassadors.staff import access
from ambassadors.staff.access import Scope
from ambassadors.staff.models import StaffGrant
from ambassadors.team.models import Spotlight, SpotlightStatus
from common.auth import Principal
from common.errors import Forbidden


def member_sub_programs(principal: Principal) -> SelectOfScalar[uuid.UUID]:
    """Ids of the sub-programs the caller is a member of (a subquery)."""
    return (
        select(col(Membership.sub_program_id))
        .join(Ambassador, col(Ambassador.id) == col(Membership.ambassador_id))
        .where(
            col(Ambassador.org_id) == principal.org_id,
            col(Ambassador.user_id) == principal.user_id,
        )
    )


def staffed_sub_programs(principal: Principal) -> SelectOfScalar[uuid.UUID]:
    """Ids of the sub-programs a grant of the caller covers (on it, or on its program)."""
    scopes = select(col(StaffGrant.scope_id)).where(
        col(StaffGrant.org_id) == principal.org_id, col(StaffGrant.user_id) == principal.user_id
    )
    return select(col(SubProgram.id)).where(
        col(SubProgram.org_id) == principal.org_id,
        or_(col(SubProgram.id).in_(scopes), col(SubProgram.program_id).in_(scopes)),
    )


def spotlight_visible_to(principal: Principal) -> ColumnElement[bool]:
    """The condition on spotlights (of the caller's organisation) that the caller sees them."""
    if principal.is_org_admin:
        team: ColumnElement[bool] = true()
    else:
        team = or_(
            col(Spotlight.sub_program_id).in_(member_sub_programs(principal)),
            col(Spotlight.sub_program_id).in_(staffed_sub_programs(principal)),
        )
    return or_(
        col(Spotlight.author_id) == principal.user_id,
        col(Spotlight.user_id) == principal.user_id,
        and_(col(Spotlight.status) == SpotlightStatus.published, team),
    )


async def may_manage(session: AsyncSession, *, principal: Principal, sub: SubProgram) -> bool:
    """Org admins and program managers whose grant covers the sub-program."""
    if principal.is_org_admin:
        return True
    return await access.manages(session, principal=principal, scope=Scope.of_sub_program(sub))


async def require_manager(session: AsyncSession, *, principal: Principal, sub: SubProgram) -> None:
    """403 unless the caller may propose and withdraw spotlights in the sub-program."""
    if not await may_manage(session, principal=principal, sub=sub):
        raise Forbidden("only org admins and this sub-program's program managers do this")


async def require_page_reader(
    session: AsyncSession, *, principal: Principal, sub: SubProgram
) -> None:
    """403 unless the caller is an org admin, covered staff or a member of the sub-program."""
    if principal.is_org_admin:
        return
    roles = await access.staff_roles(session, principal=principal)
    scope = Scope.of_sub_program(sub)
    if roles.covers("program_manager", scope) or roles.covers("reviewer", scope):
        return
    member = member_sub_programs(principal).where(col(Membership.sub_program_id) == sub.id)
    if (await session.execute(member.limit(1))).first() is None:
        raise Forbidden("only this sub-program's members and staff and org admins see its page")
