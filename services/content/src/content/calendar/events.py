"""Staging `content.campaign.scheduled.v1`: one record per target sub-program, in the request's
transaction, so a per-sub-program worker filters on `ce_subprogramid` without decoding."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from common.events.contracts.content import CampaignScheduledV1
from content import item_events
from content.calendar.models import Campaign
from content.targeting import Target


def stage_scheduled(
    session: AsyncSession, *, campaign: Campaign, targets: list[Target], by: uuid.UUID
) -> None:
    """Announce the campaign (new, or moved in time or to other sub-programs) to its targets."""
    item_events.per_target(
        session,
        targets=targets,
        make=lambda target: CampaignScheduledV1(
            **item_events.targeting_fields(org_id=campaign.org_id, targets=targets, target=target),
            campaign_id=campaign.id,
            name=campaign.name,
            kind=campaign.kind,
            starts_at=campaign.starts_at,
            ends_at=campaign.ends_at,
            scheduled_by=by,
        ),
        subject=f"campaign/{campaign.id}",
        key=campaign.id,
    )
