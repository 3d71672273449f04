"""Campaign queries: one campaign, pages of them, their targets, and the writes that change them."""

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Table, delete, func, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from common import bulk, upsert
from common.pagination import PageParams, newest_first
from content.calendar.models import Campaign, CampaignStatus, CampaignTarget
from content.models import ContentItem
from content.targeting import Target

TARGETS: Table = CampaignTarget.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class CampaignFilters:
    """The list's filters (all optional); from/to keep campaigns overlapping [from, to)."""

    starts_before: datetime | None = None  # `to`
    ends_after: datetime | None = None  # `from`
    sub_program_id: uuid.UUID | None = None
    program_id: uuid.UUID | None = None
    kind: str | None = None
    status: str | None = None


def overlapping(*, start: datetime | None, end: datetime | None) -> list[ColumnElement[bool]]:
    """Conditions that a campaign overlaps [start, end) (without ends_at: the moment it starts)."""
    conditions = []
    if end is not None:
        conditions.append(col(Campaign.starts_at) < end)
    if start is not None:
        ends = func.coalesce(col(Campaign.ends_at), col(Campaign.starts_at))
        conditions.append(ends >= start)
    return conditions


async def insert(session: AsyncSession, campaign: Campaign) -> Campaign | None:
    """Insert the campaign unless the same moment (org, name, starts_at) exists: None then."""
    return await upsert.insert_if_absent(session, campaign, unique=("org_id", "name", "starts_at"))


async def get(
    session: AsyncSession,
    *,
    org_id: uuid.UUID,
    campaign_id: uuid.UUID,
    visible: ColumnElement[bool],
) -> Campaign | None:
    """One campaign of this organisation the caller sees, or None (hidden looks like missing)."""
    query = select(Campaign).where(
        col(Campaign.org_id) == org_id, col(Campaign.id) == campaign_id, visible
    )
    return (await session.execute(query)).scalar_one_or_none()


async def exists(session: AsyncSession, *, org_id: uuid.UUID, campaign_id: uuid.UUID) -> bool:
    """Whether this organisation has this campaign (whoever may see it)."""
    query = select(col(Campaign.id)).where(
        col(Campaign.org_id) == org_id, col(Campaign.id) == campaign_id
    )
    return (await session.execute(query)).first() is not None


async def page_of(
    session: AsyncSession,
    *,
    org_id: uuid.UUID,
    visible: ColumnElement[bool],
    filters: CampaignFilters,
    page: PageParams,
) -> list[Campaign]:
    """Campaigns the caller sees, filtered, newest first (one more row than the page)."""
    query = select(Campaign).where(col(Campaign.org_id) == org_id, visible)
    query = query.where(*overlapping(start=filters.ends_after, end=filters.starts_before))
    if filters.kind is not None:
        query = query.where(col(Campaign.kind) == filters.kind)
    if filters.status is not None:
        query = query.where(col(Campaign.status) == filters.status)
    for column, value in (
        (CampaignTarget.sub_program_id, filters.sub_program_id),
        (CampaignTarget.program_id, filters.program_id),
    ):
        if value is not None:
            targeted = select(col(CampaignTarget.campaign_id)).where(
                col(CampaignTarget.org_id) == org_id, col(column) == value
            )
            query = query.where(col(Campaign.id).in_(targeted))
    rows = await session.execute(newest_first(query, model=Campaign, page=page))
    return list(rows.scalars())


async def targets_of(
    session: AsyncSession, *, campaign_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, list[Target]]:
    """Targets of these campaigns in one query, each list sorted by sub-program id."""
    ids = list(campaign_ids)
    found: dict[uuid.UUID, list[Target]] = defaultdict(list)
    if ids:
        query = select(CampaignTarget).where(col(CampaignTarget.campaign_id).in_(ids))
        for row in (await session.execute(query)).scalars():
            found[row.campaign_id].append(Target(row.sub_program_id, row.program_id))
    for targets in found.values():
        targets.sort(key=lambda target: str(target.sub_program_id))
    return found


async def replace_targets(
    session: AsyncSession, *, campaign: Campaign, targets: Sequence[Target]
) -> None:
    """The campaign's targets become exactly these."""
    await session.execute(
        delete(CampaignTarget).where(col(CampaignTarget.campaign_id) == campaign.id)
    )
    rows = [
        {
            "campaign_id": campaign.id,
            "sub_program_id": target.sub_program_id,
            "program_id": target.program_id,
            "org_id": campaign.org_id,
        }
        for target in targets
    ]
    await bulk.insert_rows(session, TARGETS, rows)


async def change_scheduled(
    session: AsyncSession, *, org_id: uuid.UUID, campaign_id: uuid.UUID, **values: Any
) -> Campaign | None:
    """Set these values on a campaign still scheduled; None if it is not (cancelled meanwhile).

    The WHERE on status decides a race with a cancellation: PostgreSQL re-checks it for the
    second statement once the first commits, so a cancelled campaign is never changed.
    """
    statement = (
        update(Campaign)
        .where(
            col(Campaign.id) == campaign_id,
            col(Campaign.org_id) == org_id,
            col(Campaign.status) == CampaignStatus.scheduled,
        )
        .values(**values)
        .returning(Campaign)
        .execution_options(synchronize_session=False, populate_existing=True)
    )
    return (await session.execute(statement)).scalar_one_or_none()


async def content_of(
    session: AsyncSession, *, campaign: Campaign, visible: ColumnElement[bool], page: PageParams
) -> list[ContentItem]:
    """The campaign's content items the caller sees, newest first (one more than the page)."""
    query = select(ContentItem).where(
        col(ContentItem.org_id) == campaign.org_id,
        col(ContentItem.campaign_id) == campaign.id,
        visible,
    )
    rows = await session.execute(newest_first(query, model=ContentItem, page=page))
    return list(rows.scalars())
