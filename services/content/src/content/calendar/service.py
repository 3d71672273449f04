"""Campaign rules: what a valid campaign is, who may write one, and when it is re-announced."""

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from common.auth import Principal
from common.errors import Conflict, InvalidInput, NotFound
from content import targeting
from content.access.visibility import require_may_create, require_may_create_somewhere
from content.calendar import events, repository
from content.calendar.models import Campaign, CampaignStatus
from content.calendar.schemas import CampaignCreate, CampaignRead, CampaignTargeting, CampaignUpdate
from content.targeting import Target


class CampaignNotFound(NotFound):
    code = "campaign_not_found"


class UnknownCampaign(InvalidInput):
    code = "unknown_campaign"


class CampaignExists(Conflict):
    code = "campaign_exists"


class CampaignCancelled(Conflict):
    code = "campaign_cancelled"


async def require_campaign(
    session: AsyncSession, *, org_id: uuid.UUID, campaign_id: uuid.UUID, field: str = "campaign_id"
) -> None:
    """422 naming `field` unless this organisation has the campaign (for rooms that link to one)."""
    if not await repository.exists(session, org_id=org_id, campaign_id=campaign_id):
        raise UnknownCampaign(f"unknown campaign {campaign_id}", field=field)


async def create_campaign(
    session: AsyncSession, *, principal: Principal, data: CampaignCreate
) -> Campaign:
    """Plan a campaign for sub-programs and announce it to each; the same moment twice is a 409."""
    await require_may_create_somewhere(session, principal=principal)
    _check_dates(starts_at=data.starts_at, ends_at=data.ends_at)
    targets = await _resolve(session, principal=principal, spec=data.targeting)
    now = datetime.now(UTC)
    campaign = await repository.insert(
        session,
        Campaign(
            org_id=principal.org_id,
            name=data.name,
            description=data.description,
            kind=data.kind,
            starts_at=data.starts_at,
            ends_at=data.ends_at,
            created_by=principal.user_id,
            created_at=now,
            updated_at=now,
        ),
    )
    if campaign is None:
        raise CampaignExists(
            f"a campaign {data.name!r} starting at {data.starts_at.isoformat()} already exists",
            field="name",
        )
    await repository.replace_targets(session, campaign=campaign, targets=targets)
    events.stage_scheduled(session, campaign=campaign, targets=targets, by=principal.user_id)
    return campaign


async def update_campaign(
    session: AsyncSession, *, principal: Principal, campaign: Campaign, data: CampaignUpdate
) -> Campaign:
    """Edit a scheduled campaign; moving its dates or targets announces it again."""
    before = await _writable_targets(session, principal=principal, campaign=campaign)
    changes: dict[str, Any] = data.model_dump(exclude_unset=True, exclude={"targeting"})
    for required in ("name", "kind", "starts_at", "description"):
        if required in changes and changes[required] is None:
            raise InvalidInput(f"{required} cannot be null", field=required)
    _check_dates(
        starts_at=changes.get("starts_at", campaign.starts_at),
        ends_at=changes.get("ends_at", campaign.ends_at),
    )
    targets = before
    if data.targeting is not None:
        targets = await _resolve(session, principal=principal, spec=data.targeting)
    moved = _moved(campaign, changes) or targets != before
    updated = await _change(session, campaign=campaign, values={**changes, "updated_at": _now()})
    if targets != before:
        await repository.replace_targets(session, campaign=updated, targets=targets)
    if moved:
        events.stage_scheduled(session, campaign=updated, targets=targets, by=principal.user_id)
    return updated


async def cancel_campaign(
    session: AsyncSession, *, principal: Principal, campaign: Campaign
) -> Campaign:
    """Cancel a scheduled campaign (once: a second cancellation is a 409)."""
    await _writable_targets(session, principal=principal, campaign=campaign)
    now = _now()
    values = {
        "status": CampaignStatus.cancelled,
        "cancelled_at": now,
        "cancelled_by": principal.user_id,
        "updated_at": now,
    }
    return await _change(session, campaign=campaign, values=values)


async def read_many(session: AsyncSession, campaigns: list[Campaign]) -> list[CampaignRead]:
    """API views of campaigns with their targets (one query for the lot)."""
    targets = await repository.targets_of(session, campaign_ids=[c.id for c in campaigns])
    return [to_read(campaign, targets.get(campaign.id, [])) for campaign in campaigns]


async def read_one(session: AsyncSession, campaign: Campaign) -> CampaignRead:
    """The API view of one campaign."""
    return (await read_many(session, [campaign]))[0]


def to_read(campaign: Campaign, targets: list[Target]) -> CampaignRead:
    """The API view of a campaign from its row and targets."""
    return CampaignRead.model_validate(
        {
            **campaign.model_dump(),
            "sub_program_ids": [t.sub_program_id for t in targets],
            "program_ids": sorted({t.program_id for t in targets}, key=str),
        }
    )


def _now() -> datetime:
    return datetime.now(UTC)


def _check_dates(*, starts_at: datetime, ends_at: datetime | None) -> None:
    if ends_at is not None and ends_at < starts_at:
        raise InvalidInput("ends_at must not be before starts_at", field="ends_at")


def _moved(campaign: Campaign, changes: dict[str, Any]) -> bool:
    return any(
        name in changes and changes[name] != getattr(campaign, name)
        for name in ("starts_at", "ends_at")
    )


async def _resolve(
    session: AsyncSession, *, principal: Principal, spec: CampaignTargeting
) -> list[Target]:
    targets = await targeting.resolve(
        session,
        org_id=principal.org_id,
        sub_program_ids=spec.sub_program_ids,
        program_ids=spec.program_ids,
        field_prefix="targeting.",
    )
    if not targets:
        raise InvalidInput("name at least one sub-program or program", field="targeting")
    await require_may_create(
        session, principal=principal, sub_program_ids=[t.sub_program_id for t in targets]
    )
    return targets


async def _writable_targets(
    session: AsyncSession, *, principal: Principal, campaign: Campaign
) -> list[Target]:
    """The campaign's targets, once the caller is known to cover them all (403 otherwise)."""
    targets = (await repository.targets_of(session, campaign_ids=[campaign.id])).get(
        campaign.id, []
    )
    await require_may_create(
        session, principal=principal, sub_program_ids=[t.sub_program_id for t in targets]
    )
    return targets


async def _change(session: AsyncSession, *, campaign: Campaign, values: dict[str, Any]) -> Campaign:
    try:
        changed = await repository.change_scheduled(
            session, org_id=campaign.org_id, campaign_id=campaign.id, **values
        )
    except IntegrityError as exc:  # renamed or moved onto another campaign's moment
        raise CampaignExists("another campaign has this name and start time", field="name") from exc
    if changed is None:
        raise CampaignCancelled(
            "a cancelled campaign cannot be changed", field="status", status_now="cancelled"
        )
    return changed
