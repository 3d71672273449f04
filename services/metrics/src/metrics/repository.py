"""Every metrics query, scoped by organisation."""

import uuid
from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from metrics.models import ClickFact, ShareFact


@dataclass(frozen=True)
class Totals:
    shares: int
    potential_reach: int
    clicks: int


async def totals(
    session: AsyncSession, *, org_id: uuid.UUID, content_id: uuid.UUID | None = None
) -> Totals:
    """Share count, summed audience and click count for an org, or one of its content items."""
    shares = select(func.count(), func.coalesce(func.sum(ShareFact.audience_size), 0)).where(
        ShareFact.org_id == org_id
    )
    clicks = select(func.count()).where(ClickFact.org_id == org_id)
    if content_id is not None:
        shares = shares.where(ShareFact.content_id == content_id)
        clicks = clicks.where(ClickFact.content_id == content_id)
    share_count, reach = (await session.execute(shares)).one()
    click_count = await session.scalar(clicks)
    return Totals(shares=share_count, potential_reach=int(reach), clicks=click_count or 0)
