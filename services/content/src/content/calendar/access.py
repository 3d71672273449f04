"""Who sees which campaigns, decided in SQL over the access read model (as for content items).

Org admins and analysts see every campaign of their organisation; a program manager's or
reviewer's grant shows the campaigns aimed at a sub-program it covers; an employee sees the
campaigns of the sub-programs they are a member of. API keys need content:read (403 otherwise)
and see no campaign: a campaign is for people of its sub-programs, not for integrations.
"""

from sqlalchemy import ColumnElement, false, or_, true
from sqlmodel import col, select

from common.auth import Principal
from content.access.visibility import (
    STAFF_ROLES,
    SubProgramIds,
    covered_sub_programs,
    member_sub_programs,
)
from content.calendar.models import Campaign, CampaignTarget


def campaign_visible_to(principal: Principal) -> ColumnElement[bool]:
    """The condition on campaigns (of the caller's organisation) that the caller sees them."""
    if principal.kind == "api_key":
        principal.require_scope("content:read")
        return false()
    if principal.kind != "user":
        return false()
    if principal.has_any("org_admin", "analyst"):
        return true()
    seen = [aimed_at(covered_sub_programs(principal, roles=STAFF_ROLES))]
    if principal.has_any("employee"):
        seen.append(aimed_at(member_sub_programs(principal)))
    return or_(*seen)


def aimed_at(sub_programs: SubProgramIds) -> ColumnElement[bool]:
    """The condition that a campaign has a target among these sub-programs (a subquery)."""
    return col(Campaign.id).in_(
        select(col(CampaignTarget.campaign_id)).where(
            col(CampaignTarget.sub_program_id).in_(sub_programs)
        )
    )
