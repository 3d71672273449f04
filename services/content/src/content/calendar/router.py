"""Campaign and calendar routes (thin: parse, call the service, shape the response)."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Response, status
from pydantic import AwareDatetime

from common.dependencies import CurrentPrincipal, DbSession, Pagination
from common.idempotency import Idempotent
from common.pagination import Page, build_page
from content.access.visibility import visible_to
from content.calendar import agenda, repository, service
from content.calendar.access import campaign_visible_to
from content.calendar.dependencies import CampaignFilters, VisibleCampaign
from content.calendar.schemas import CalendarEntry, CampaignCreate, CampaignRead, CampaignUpdate
from content.items import service as items
from content.items.schemas import ContentRead

router = APIRouter(tags=["calendar"])


@router.post("/v1/campaigns", status_code=status.HTTP_201_CREATED, response_model=CampaignRead)
async def create_campaign(
    data: CampaignCreate, session: DbSession, principal: CurrentPrincipal, once: Idempotent
) -> CampaignRead | Response:
    """Plan a campaign for sub-programs (org admin, or a program manager covering each)."""

    async def create() -> CampaignRead:
        campaign = await service.create_campaign(session, principal=principal, data=data)
        return await service.read_one(session, campaign)

    return await once.run(create)


@router.get("/v1/campaigns", response_model=Page[CampaignRead])
async def list_campaigns(
    session: DbSession, principal: CurrentPrincipal, page: Pagination, filters: CampaignFilters
) -> Page[CampaignRead]:
    """Campaigns the caller sees, filtered, newest first."""
    rows = await repository.page_of(
        session,
        org_id=principal.org_id,
        visible=campaign_visible_to(principal),
        filters=filters,
        page=page,
    )
    shown = {read.id: read for read in await service.read_many(session, rows[: page.limit])}
    return build_page(rows, page=page, read=lambda row: shown[row.id])


@router.get("/v1/campaigns/{campaign_id}", response_model=CampaignRead)
async def get_campaign(campaign: VisibleCampaign, session: DbSession) -> CampaignRead:
    """One campaign the caller sees (404 otherwise)."""
    return await service.read_one(session, campaign)


@router.patch("/v1/campaigns/{campaign_id}", response_model=CampaignRead)
async def update_campaign(
    data: CampaignUpdate, campaign: VisibleCampaign, session: DbSession, principal: CurrentPrincipal
) -> CampaignRead:
    """Edit a scheduled campaign; new dates or targets announce it again."""
    updated = await service.update_campaign(
        session, principal=principal, campaign=campaign, data=data
    )
    return await service.read_one(session, updated)


@router.post("/v1/campaigns/{campaign_id}/cancel", response_model=CampaignRead)
async def cancel_campaign(
    campaign: VisibleCampaign, session: DbSession, principal: CurrentPrincipal, once: Idempotent
) -> CampaignRead | Response:
    """Cancel a scheduled campaign: it leaves the calendar (a second cancel is a 409)."""

    async def run() -> CampaignRead:
        cancelled = await service.cancel_campaign(session, principal=principal, campaign=campaign)
        return await service.read_one(session, cancelled)

    return await once.run(run)


@router.get("/v1/campaigns/{campaign_id}/content", response_model=Page[ContentRead])
async def campaign_content(
    campaign: VisibleCampaign, session: DbSession, principal: CurrentPrincipal, page: Pagination
) -> Page[ContentRead]:
    """The campaign's content items that the caller sees, newest first."""
    rows = await repository.content_of(
        session, campaign=campaign, visible=visible_to(principal), page=page
    )
    shown = {read.id: read for read in await items.read_many(session, rows[: page.limit])}
    return build_page(rows, page=page, read=lambda row: shown[row.id])


@router.get("/v1/calendar", response_model=Page[CalendarEntry])
async def calendar(
    session: DbSession,
    principal: CurrentPrincipal,
    page: Pagination,
    start: Annotated[AwareDatetime | None, Query(alias="from")] = None,
    end: Annotated[AwareDatetime | None, Query(alias="to")] = None,
) -> Page[CalendarEntry]:
    """What is coming for the caller in [from, to) (default today to 8 weeks on), in time order."""
    span = agenda.window(start=start, end=end, today=datetime.now(UTC))
    shown, cursor = await agenda.entries(session, principal=principal, span=span, page=page)
    return Page[CalendarEntry](items=shown, next_cursor=cursor)
