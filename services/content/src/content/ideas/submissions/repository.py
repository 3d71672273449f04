"""Submission queries and who sees which submission."""

import uuid

from sqlalchemy import ColumnElement, false, or_, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from common.auth import Principal
from common.errors import Forbidden
from common.pagination import PageParams, newest_first
from content.access.models import AccessMembership
from content.access.visibility import STAFF_ROLES, covered_sub_programs, member_sub_programs
from content.ideas.submissions.models import Submission
from content.ideas.submissions.schemas import SubmissionFilters


def submissions_visible_to(principal: Principal) -> ColumnElement[bool]:
    """Authors see their own; staff those of the sub-programs they cover; admins, analysts all."""
    if principal.kind == "api_key":
        raise Forbidden("ideas, submissions and help requests are for people, not API keys")
    if principal.kind != "user":
        return false()
    if principal.has_any("org_admin", "analyst"):
        return true()
    return or_(
        col(Submission.author_id) == principal.user_id,
        col(Submission.sub_program_id).in_(covered_sub_programs(principal, roles=STAFF_ROLES)),
    )


async def get(
    session: AsyncSession,
    *,
    org_id: uuid.UUID,
    submission_id: uuid.UUID,
    visible: ColumnElement[bool],
) -> Submission | None:
    """One submission of this organisation the caller sees, or None."""
    query = select(Submission).where(
        col(Submission.org_id) == org_id, col(Submission.id) == submission_id, visible
    )
    return (await session.execute(query)).scalar_one_or_none()


async def page_of(
    session: AsyncSession,
    *,
    org_id: uuid.UUID,
    visible: ColumnElement[bool],
    filters: SubmissionFilters,
    page: PageParams,
) -> list[Submission]:
    """Submissions the caller sees, filtered, newest first (one more than the page)."""
    query = select(Submission).where(col(Submission.org_id) == org_id, visible)
    if filters.status is not None:
        query = query.where(col(Submission.status) == filters.status)
    if filters.idea_id is not None:
        query = query.where(col(Submission.idea_id) == filters.idea_id)
    if filters.sub_program_id is not None:
        query = query.where(col(Submission.sub_program_id) == filters.sub_program_id)
    paged = newest_first(query, model=Submission, page=page)
    return list((await session.execute(paged)).scalars())


async def member_of(
    session: AsyncSession, *, principal: Principal, sub_program_ids: list[uuid.UUID]
) -> list[uuid.UUID]:
    """Those of these sub-programs the caller is (still) a member of, in the order given."""
    if principal.kind != "user" or not sub_program_ids:
        return []
    query = member_sub_programs(principal).where(
        col(AccessMembership.sub_program_id).in_(sub_program_ids)
    )
    found = set((await session.execute(query)).scalars())
    return [sub_program_id for sub_program_id in sub_program_ids if sub_program_id in found]
