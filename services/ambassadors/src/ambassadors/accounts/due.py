"""Queries of the reminder loop (accounts.reminders): each statement decides its rows once,
whatever the number of workers running it at the same moment."""

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from ambassadors.accounts.models import PostingConsent, SocialToken
from ambassadors.models import SocialProfile


async def remind_connections(
    session: AsyncSession, *, now: datetime, until: datetime, limit: int
) -> list[SocialProfile]:
    """Mark connections lapsing in (now, until] as reminded for their expiry; the rows marked."""
    unreminded = col(SocialProfile.connection_reminded_for).is_distinct_from(
        col(SocialProfile.connection_expires_at)
    )
    due = (
        select(col(SocialProfile.id))
        .where(
            col(SocialProfile.connection_status) == "connected",
            col(SocialProfile.connection_expires_at) > now,
            col(SocialProfile.connection_expires_at) <= until,
            unreminded,
        )
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    statement = (
        update(SocialProfile)
        .where(col(SocialProfile.id).in_(due.scalar_subquery()), unreminded)
        .values(connection_reminded_for=col(SocialProfile.connection_expires_at))
        .returning(SocialProfile)
    )
    result = await session.execute(statement, execution_options={"populate_existing": True})
    return list(result.scalars().all())


async def expire_connections(
    session: AsyncSession, *, now: datetime, limit: int
) -> list[SocialProfile]:
    """Mark connections whose token lapsed as expired; the rows this statement changed."""
    due = (
        select(col(SocialProfile.id))
        .where(
            col(SocialProfile.connection_status) == "connected",
            col(SocialProfile.connection_expires_at) <= now,
        )
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    statement = (
        update(SocialProfile)
        .where(
            col(SocialProfile.id).in_(due.scalar_subquery()),
            col(SocialProfile.connection_status) == "connected",
        )
        .values(connection_status="expired", updated_at=now)
        .returning(SocialProfile)
    )
    result = await session.execute(statement, execution_options={"populate_existing": True})
    return list(result.scalars().all())


async def remind_consents(
    session: AsyncSession, *, now: datetime, until: datetime, limit: int
) -> list[PostingConsent]:
    """Mark consents in force lapsing in (now, until] as reminded; the rows marked."""
    unreminded = col(PostingConsent.reminded_for).is_distinct_from(col(PostingConsent.expires_at))
    due = (
        select(col(PostingConsent.id))
        .where(
            col(PostingConsent.ended_at).is_(None),
            col(PostingConsent.expires_at) > now,
            col(PostingConsent.expires_at) <= until,
            unreminded,
        )
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    statement = (
        update(PostingConsent)
        .where(col(PostingConsent.id).in_(due.scalar_subquery()), unreminded)
        .values(reminded_for=col(PostingConsent.expires_at))
        .returning(PostingConsent)
    )
    return list((await session.execute(statement)).scalars().all())


async def accounts_by_id(
    session: AsyncSession, *, account_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, SocialProfile]:
    if not account_ids:
        return {}
    query = select(SocialProfile).where(col(SocialProfile.id).in_(list(account_ids)))
    return {row.id: row for row in (await session.execute(query)).scalars().all()}


async def claim_refreshable(
    session: AsyncSession, *, network: str, now: datetime, until: datetime, limit: int
) -> list[tuple[SocialProfile, SocialToken]]:
    """Connections lapsing by `until` that hold a live refresh token not yet tried for this
    expiry; their tokens are locked (skipped by other workers) until the transaction ends."""
    query = (
        select(SocialProfile, SocialToken)
        .join(SocialToken, col(SocialToken.account_id) == col(SocialProfile.id))
        .where(
            col(SocialProfile.network) == network,
            col(SocialProfile.connection_status) == "connected",
            col(SocialProfile.connection_expires_at) <= until,
            col(SocialToken.refresh_token).is_not(None),
            col(SocialToken.refresh_expires_at).is_(None)
            | (col(SocialToken.refresh_expires_at) > now),
            col(SocialToken.refresh_failed_for).is_distinct_from(
                col(SocialProfile.connection_expires_at)
            ),
        )
        .limit(limit)
        .with_for_update(skip_locked=True, of=SocialToken)
    )
    rows = (await session.execute(query)).all()
    return [(row[0], row[1]) for row in rows]
