"""Every ambassadors query; all but the public link lookup are scoped by organisation."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from ambassadors.models import (
    Ambassador,
    FeedItem,
    Membership,
    Program,
    Share,
    SocialProfile,
    SubProgram,
)
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


async def find_membership(
    session: AsyncSession, *, ambassador_id: uuid.UUID, sub_program_id: uuid.UUID
) -> Membership | None:
    """The ambassador's membership of a sub-program."""
    query = select(Membership).where(
        Membership.ambassador_id == ambassador_id, Membership.sub_program_id == sub_program_id
    )
    return (await session.execute(query)).scalar_one_or_none()


async def member_ids(
    session: AsyncSession, *, org_id: uuid.UUID, sub_program_id: uuid.UUID
) -> list[uuid.UUID]:
    """Ambassadors of a sub-program (the audience of a published item)."""
    query = select(Membership.ambassador_id).where(
        Membership.org_id == org_id, Membership.sub_program_id == sub_program_id
    )
    return list((await session.execute(query)).scalars().all())


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


async def find_share(
    session: AsyncSession, *, ambassador_id: uuid.UUID, content_id: uuid.UUID, network: str
) -> Share | None:
    """An existing share of this item on this network by this ambassador."""
    query = select(Share).where(
        Share.ambassador_id == ambassador_id,
        Share.content_id == content_id,
        Share.network == network,
    )
    return (await session.execute(query)).scalar_one_or_none()


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
