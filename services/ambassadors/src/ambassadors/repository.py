"""Every ambassadors query; all but the public link lookup are scoped by organisation."""

import uuid

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from ambassadors.accounts import store
from ambassadors.models import (
    Ambassador,
    FeedItem,
    Membership,
    Program,
    Share,
    SocialProfile,
    SubProgram,
)
from common import upsert
from common.pagination import PageParams, newest_first


async def get_program(
    session: AsyncSession, *, org_id: uuid.UUID, program_id: uuid.UUID
) -> Program | None:
    """A program of this organisation."""
    query = select(Program).where(Program.org_id == org_id, Program.id == program_id)
    return (await session.execute(query)).scalar_one_or_none()


async def list_programs(
    session: AsyncSession, *, org_id: uuid.UUID, page: PageParams
) -> list[Program]:
    """Programs of this organisation, newest first."""
    query = newest_first(
        select(Program).where(Program.org_id == org_id),
        model=Program,
        page=page,
    )
    return list((await session.execute(query)).scalars().all())


async def get_sub_program(
    session: AsyncSession, *, org_id: uuid.UUID, sub_program_id: uuid.UUID
) -> SubProgram | None:
    """A sub-program of this organisation."""
    query = select(SubProgram).where(SubProgram.org_id == org_id, SubProgram.id == sub_program_id)
    return (await session.execute(query)).scalar_one_or_none()


async def list_sub_programs(
    session: AsyncSession, *, org_id: uuid.UUID, program_id: uuid.UUID, page: PageParams
) -> list[SubProgram]:
    """Sub-programs of one program, newest first."""
    query = newest_first(
        select(SubProgram).where(SubProgram.org_id == org_id, SubProgram.program_id == program_id),
        model=SubProgram,
        page=page,
    )
    return list((await session.execute(query)).scalars().all())


async def find_ambassador(
    session: AsyncSession, *, org_id: uuid.UUID, user_id: uuid.UUID
) -> Ambassador | None:
    """The caller's ambassador record, if they ever opted in."""
    query = select(Ambassador).where(Ambassador.org_id == org_id, Ambassador.user_id == user_id)
    return (await session.execute(query)).scalar_one_or_none()


async def find_profile(
    session: AsyncSession, *, ambassador_id: uuid.UUID, network: str
) -> SocialProfile | None:
    """The ambassador's profile on one network."""
    query = select(SocialProfile).where(
        SocialProfile.ambassador_id == ambassador_id, SocialProfile.network == network
    )
    return (await session.execute(query)).scalar_one_or_none()


async def ensure_ambassador(session: AsyncSession, *, candidate: Ambassador) -> Ambassador:
    """The caller's ambassador row, inserted on first opt-in; racing first opt-ins share one."""
    inserted = await upsert.insert_if_absent(session, candidate, unique=["org_id", "user_id"])
    if inserted is not None:
        return inserted
    # The row exists (committed by now: the INSERT waited for any concurrent twin).
    query = select(Ambassador).where(
        Ambassador.org_id == candidate.org_id, Ambassador.user_id == candidate.user_id
    )
    return (await session.execute(query)).scalar_one()


async def save_profile(session: AsyncSession, *, profile: SocialProfile) -> SocialProfile:
    """Insert the ambassador's profile on a network, or update its declared audience; the
    change is recorded in its audience history and told (ambassadors.accounts.store)."""
    saved, _ = await store.declare(
        session,
        org_id=profile.org_id,
        ambassador_id=profile.ambassador_id,
        network=profile.network,
        values={"audience_size": profile.audience_size},
        source="self_declared",
        now=profile.updated_at,
    )
    return saved


async def add_membership(session: AsyncSession, *, membership: Membership) -> Membership | None:
    """Insert a membership; None if the ambassador already belongs to that sub-program."""
    return await upsert.insert_if_absent(
        session, membership, unique=["sub_program_id", "ambassador_id"]
    )


async def remove_membership(
    session: AsyncSession, *, ambassador_id: uuid.UUID, sub_program_id: uuid.UUID
) -> Membership | None:
    """Delete a membership in one statement; None if there was none (or a twin removed it)."""
    statement = (
        delete(Membership)
        .where(
            col(Membership.ambassador_id) == ambassador_id,
            col(Membership.sub_program_id) == sub_program_id,
        )
        .returning(Membership)
    )
    removed: Membership | None = (await session.execute(statement)).scalar_one_or_none()
    return removed


async def list_feed(
    session: AsyncSession, *, ambassador_id: uuid.UUID, page: PageParams
) -> list[FeedItem]:
    """The ambassador's feed, newest first."""
    query = newest_first(
        select(FeedItem).where(FeedItem.ambassador_id == ambassador_id),
        model=FeedItem,
        page=page,
    )
    return list((await session.execute(query)).scalars().all())


async def find_feed_item(
    session: AsyncSession, *, ambassador_id: uuid.UUID, content_id: uuid.UUID
) -> FeedItem | None:
    """The feed entry for one content item, if it was offered to this ambassador."""
    query = select(FeedItem).where(
        FeedItem.ambassador_id == ambassador_id, FeedItem.content_id == content_id
    )
    return (await session.execute(query)).scalar_one_or_none()


async def add_share(session: AsyncSession, *, share: Share) -> Share | None:
    """Insert a share; None if this ambassador already shared this item on this network."""
    return await upsert.insert_if_absent(
        session, share, unique=["ambassador_id", "content_id", "network"]
    )


async def list_shares(
    session: AsyncSession, *, ambassador_id: uuid.UUID, page: PageParams
) -> list[Share]:
    """The ambassador's shares, newest first."""
    query = newest_first(
        select(Share).where(Share.ambassador_id == ambassador_id),
        model=Share,
        page=page,
    )
    return list((await session.execute(query)).scalars().all())


async def share_by_code(session: AsyncSession, *, code: str) -> Share | None:
    """The share behind a tracked link (public: the code itself is the capability)."""
    return (
        await session.execute(select(Share).where(Share.tracked_code == code))
    ).scalar_one_or_none()
