"""Help request queries and who sees which request."""

import uuid

from sqlalchemy import ColumnElement, false, or_, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from common.auth import Principal
from common.errors import Forbidden
from common.pagination import PageParams, newest_first
from content.access.visibility import STAFF_ROLES, covered_sub_programs
from content.ideas.help.models import HelpRequest, HelpStatus


def help_visible_to(principal: Principal) -> ColumnElement[bool]:
    """Requesters see their own; staff those of the sub-programs they cover; admins all."""
    if principal.kind == "api_key":
        raise Forbidden("ideas, submissions and help requests are for people, not API keys")
    if principal.kind != "user":
        return false()
    if principal.has_any("org_admin", "analyst"):
        return true()
    return or_(
        col(HelpRequest.requested_by) == principal.user_id,
        col(HelpRequest.sub_program_id).in_(covered_sub_programs(principal, roles=STAFF_ROLES)),
    )


async def get(
    session: AsyncSession,
    *,
    org_id: uuid.UUID,
    help_request_id: uuid.UUID,
    visible: ColumnElement[bool],
) -> HelpRequest | None:
    """One help request of this organisation the caller sees, or None."""
    query = select(HelpRequest).where(
        col(HelpRequest.org_id) == org_id, col(HelpRequest.id) == help_request_id, visible
    )
    return (await session.execute(query)).scalar_one_or_none()


async def page_of(
    session: AsyncSession,
    *,
    org_id: uuid.UUID,
    visible: ColumnElement[bool],
    status: HelpStatus | None,
    page: PageParams,
) -> list[HelpRequest]:
    """Help requests the caller sees, newest first (one more than the page)."""
    query = select(HelpRequest).where(col(HelpRequest.org_id) == org_id, visible)
    if status is not None:
        query = query.where(col(HelpRequest.status) == status)
    paged = newest_first(query, model=HelpRequest, page=page)
    return list((await session.execute(paged)).scalars())
