"""Social account queries; callers pass the ambassador they resolved from the caller's
credential, so every query is scoped to one person of one organisation."""

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from ambassadors.accounts.models import (
    AudienceRecord,
    OAuthState,
    PostingConsent,
    SocialToken,
    TokenRevocation,
)
from ambassadors.models import Ambassador, SocialProfile
from ambassadors.people.models import Employee
from common import upsert
from common.pagination import PageParams, newest_first


class _ByRecordedAt:
    """Keyset pagination orders on `created_at, id`: a history row's time is recorded_at."""

    created_at = col(AudienceRecord.recorded_at)
    id = col(AudienceRecord.id)


async def lock_account(
    session: AsyncSession, *, ambassador_id: uuid.UUID, network: str
) -> SocialProfile | None:
    """The account, locked until the transaction ends: its changes are made one at a time."""
    query = (
        select(SocialProfile)
        .where(SocialProfile.ambassador_id == ambassador_id, SocialProfile.network == network)
        .with_for_update()
    )
    result = await session.execute(query, execution_options={"populate_existing": True})
    return result.scalar_one_or_none()


async def insert_account(session: AsyncSession, *, account: SocialProfile) -> SocialProfile | None:
    """Insert the account; None if a twin request inserted it first (it is committed by now)."""
    return await upsert.insert_if_absent(session, account, unique=["ambassador_id", "network"])


async def update_account(
    session: AsyncSession, *, account_id: uuid.UUID, values: dict[str, Any]
) -> SocialProfile:
    """Write these columns of the account; the row returned is the truth."""
    statement = (
        update(SocialProfile)
        .where(col(SocialProfile.id) == account_id)
        .values(**values)
        .returning(SocialProfile)
    )
    result = await session.execute(statement, execution_options={"populate_existing": True})
    updated: SocialProfile = result.scalar_one()
    return updated


async def list_accounts(
    session: AsyncSession, *, ambassador_id: uuid.UUID, page: PageParams
) -> list[SocialProfile]:
    """The person's accounts, newest first."""
    query = newest_first(
        select(SocialProfile).where(SocialProfile.ambassador_id == ambassador_id),
        model=SocialProfile,
        page=page,
    )
    return list((await session.execute(query)).scalars().all())


def add_audience(session: AsyncSession, record: AudienceRecord) -> None:
    """Append an audience history row (flushed with the account's change)."""
    session.add(record)


async def audience_history(
    session: AsyncSession, *, account_id: uuid.UUID, page: PageParams
) -> list[AudienceRecord]:
    """An account's audience sizes, newest first."""
    query = newest_first(
        select(AudienceRecord).where(AudienceRecord.account_id == account_id),
        model=_ByRecordedAt,
        page=page,
    )
    return list((await session.execute(query)).scalars().all())


async def forget_account(session: AsyncSession, *, account_id: uuid.UUID) -> None:
    """Delete the account and everything hanging from it (shares keep their own figures)."""
    for model in (AudienceRecord, OAuthState, PostingConsent):
        await session.execute(delete(model).where(col(model.account_id) == account_id))
    await session.execute(delete(SocialToken).where(col(SocialToken.account_id) == account_id))
    await session.execute(delete(SocialProfile).where(col(SocialProfile.id) == account_id))


async def person_keys(
    session: AsyncSession, *, ambassador_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, tuple[uuid.UUID, uuid.UUID]]:
    """ambassador id -> (user id, event key): the employee id where HR knows the person,
    else the ambassador id (one person's events stay in order on one partition)."""
    if not ambassador_ids:
        return {}
    query = (
        select(col(Ambassador.id), col(Ambassador.user_id), col(Employee.id))
        .select_from(Ambassador)
        .outerjoin(
            Employee,
            (col(Employee.org_id) == col(Ambassador.org_id))
            & (col(Employee.user_id) == col(Ambassador.user_id)),
        )
        .where(col(Ambassador.id).in_(list(ambassador_ids)))
    )
    rows = (await session.execute(query)).all()
    return {ambassador: (user, employee or ambassador) for ambassador, user, employee in rows}


# Tokens


async def save_tokens(session: AsyncSession, *, tokens: SocialToken) -> None:
    """Store (or replace) an account's encrypted tokens."""
    new = upsert.insert(session, SocialToken).values(tokens.model_dump())
    replaced = {
        name: getattr(new.excluded, name) for name in tokens.model_dump() if name != "account_id"
    }
    await session.execute(new.on_conflict_do_update(index_elements=["account_id"], set_=replaced))


async def tokens_of(session: AsyncSession, *, account_id: uuid.UUID) -> SocialToken | None:
    """An account's encrypted tokens, if it holds any."""
    query = select(SocialToken).where(SocialToken.account_id == account_id)
    result = await session.execute(query, execution_options={"populate_existing": True})
    return result.scalar_one_or_none()


async def take_tokens(
    session: AsyncSession, *, account_ids: Sequence[uuid.UUID]
) -> list[SocialToken]:
    """Delete these accounts' tokens; the rows deleted (to revoke at the network)."""
    if not account_ids:
        return []
    statement = (
        delete(SocialToken)
        .where(col(SocialToken.account_id).in_(list(account_ids)))
        .returning(SocialToken)
    )
    return list((await session.execute(statement)).scalars().all())


def queue_revocation(session: AsyncSession, revocation: TokenRevocation) -> None:
    """Remember to revoke a token at the network (done by the worker, then forgotten)."""
    session.add(revocation)


async def claim_revocations(session: AsyncSession, *, limit: int) -> list[TokenRevocation]:
    """Pending revocations no other worker holds, oldest first."""
    query = (
        select(TokenRevocation)
        .order_by(col(TokenRevocation.created_at))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list((await session.execute(query)).scalars().all())


# Authorization states


def add_state(session: AsyncSession, state: OAuthState) -> None:
    session.add(state)


async def consume_state(
    session: AsyncSession,
    *,
    state_hash: str,
    org_id: uuid.UUID,
    user_id: uuid.UUID,
    network: str,
) -> OAuthState | None:
    """Delete the person's state in one statement: of two uses, one gets it, the other None."""
    statement = (
        delete(OAuthState)
        .where(
            col(OAuthState.state_hash) == state_hash,
            col(OAuthState.org_id) == org_id,
            col(OAuthState.user_id) == user_id,
            col(OAuthState.network) == network,
        )
        .returning(OAuthState)
    )
    consumed: OAuthState | None = (await session.execute(statement)).scalar_one_or_none()
    return consumed


async def purge_states(session: AsyncSession, *, now: datetime) -> None:
    """Forget authorizations nobody completed in time."""
    await session.execute(delete(OAuthState).where(col(OAuthState.expires_at) <= now))


# Posting consent


async def current_consent(session: AsyncSession, *, account_id: uuid.UUID) -> PostingConsent | None:
    """The account's latest consent (in force, lapsed or ended)."""
    query = (
        select(PostingConsent)
        .where(PostingConsent.account_id == account_id)
        .order_by(col(PostingConsent.granted_at).desc(), col(PostingConsent.id).desc())
        .limit(1)
    )
    result = await session.execute(query, execution_options={"populate_existing": True})
    return result.scalar_one_or_none()


async def end_consents(
    session: AsyncSession, *, account_ids: Sequence[uuid.UUID], reason: str, now: datetime
) -> list[PostingConsent]:
    """End the consents in force on these accounts; the rows this statement ended."""
    if not account_ids:
        return []
    statement = (
        update(PostingConsent)
        .where(
            col(PostingConsent.account_id).in_(list(account_ids)),
            col(PostingConsent.ended_at).is_(None),
        )
        .values(ended_at=now, end_reason=reason)
        .returning(PostingConsent)
    )
    return list((await session.execute(statement)).scalars().all())


async def accounts_of(session: AsyncSession, *, ambassador_id: uuid.UUID) -> list[SocialProfile]:
    """Every account of one person (privacy export, erasure, departure)."""
    query = (
        select(SocialProfile)
        .where(SocialProfile.ambassador_id == ambassador_id)
        .order_by(col(SocialProfile.created_at))
    )
    return list((await session.execute(query)).scalars().all())
