"""Reusable request pieces of the calendar: the path's campaign and the list's query filters."""

import uuid
from typing import Annotated

from fastapi import Depends, Query
from pydantic import AwareDatetime

from common.dependencies import CurrentPrincipal, DbSession
from common.errors import InvalidInput
from content.calendar import repository
from content.calendar.access import campaign_visible_to
from content.calendar.models import Campaign, CampaignKind, CampaignStatus
from content.calendar.service import CampaignNotFound


async def visible_campaign_id(
    campaign_id: uuid.UUID, session: DbSession, principal: CurrentPrincipal
) -> Campaign:
    """The path's campaign, if the caller sees it (in their organisation, by the rules)."""
    campaign = await repository.get(
        session,
        org_id=principal.org_id,
        campaign_id=campaign_id,
        visible=campaign_visible_to(principal),
    )
    if campaign is None:
        raise CampaignNotFound(f"campaign {campaign_id} not found", field="campaign_id")
    return campaign


async def campaign_filters(
    start: Annotated[AwareDatetime | None, Query(alias="from")] = None,
    end: Annotated[AwareDatetime | None, Query(alias="to")] = None,
    sub_program_id: uuid.UUID | None = None,
    program_id: uuid.UUID | None = None,
    kind: CampaignKind | None = None,
    status: CampaignStatus | None = None,
) -> repository.CampaignFilters:
    """?from=&to= (campaigns overlapping [from, to)), sub_program_id, program_id, kind, status."""
    if start is not None and end is not None and end <= start:
        raise InvalidInput("to must be after from", field="to")
    return repository.CampaignFilters(
        starts_before=end,
        ends_after=start,
        sub_program_id=sub_program_id,
        program_id=program_id,
        kind=kind,
        status=status,
    )


VisibleCampaign = Annotated[Campaign, Depends(visible_campaign_id)]
CampaignFilters = Annotated[repository.CampaignFilters, Depends(campaign_filters)]
