"""Who sees which ideas, decided in SQL over the access read model (as for content items).

Org admins and analysts see every idea of their organisation; a program manager's or reviewer's
grant shows the ideas aimed at the sub-programs it covers, drafts included; an employee sees the
published ideas of the sub-programs they are a member of. Ideas are for people: API keys get 403.
"""

from sqlalchemy import ColumnElement, and_, false, or_, true
from sqlmodel import col, select

from common.auth import Principal
from common.errors import Forbidden
from content.access.visibility import (
    STAFF_ROLES,
    SubProgramIds,
    covered_sub_programs,
    member_sub_programs,
)
from content.ideas.briefs.models import Idea, IdeaStatus, IdeaTarget


def ideas_visible_to(principal: Principal) -> ColumnElement[bool]:
    """The condition on ideas (of the caller's organisation) that the caller sees them."""
    if principal.kind == "api_key":
        raise Forbidden("ideas, submissions and help requests are for people, not API keys")
    if principal.kind != "user":
        return false()
    if principal.has_any("org_admin", "analyst"):
        return true()
    seen = [idea_targeted_at(covered_sub_programs(principal, roles=STAFF_ROLES))]
    if principal.has_any("employee"):
        published = col(Idea.status) == IdeaStatus.published
        seen.append(and_(published, idea_targeted_at(member_sub_programs(principal))))
    return or_(*seen)


def idea_targeted_at(sub_programs: SubProgramIds) -> ColumnElement[bool]:
    """The condition that an idea has a target among these sub-programs (a subquery)."""
    return col(Idea.id).in_(
        select(col(IdeaTarget.idea_id)).where(col(IdeaTarget.sub_program_id).in_(sub_programs))
    )
