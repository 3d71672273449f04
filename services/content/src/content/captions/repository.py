"""Queries of the captions room: variants, rule sets and recorded posts, scoped by organisation."""

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from common import upsert
from common.pagination import PageParams, newest_first
from content.access.models import AccessSubProgram
from content.captions.models import CaptionPost, CaptionRuleSet, CaptionVariant

MAX_READ = 2000  # variants of one item read at once (5 networks x languages x 20, bounded)


async def page_of_variants(
    session: AsyncSession,
    *,
    org_id: uuid.UUID,
    content_id: uuid.UUID,
    page: PageParams,
    network: str | None = None,
    language: str | None = None,
) -> list[CaptionVariant]:
    """One page of an item's variants, newest first, optionally of one network or language."""
    query = select(CaptionVariant).where(
        col(CaptionVariant.org_id) == org_id, col(CaptionVariant.content_id) == content_id
    )
    if network is not None:
        query = query.where(col(CaptionVariant.network) == network)
    if language is not None:
        query = query.where(col(CaptionVariant.language) == language)
    ordered = newest_first(query, model=CaptionVariant, page=page)
    return list((await session.execute(ordered)).scalars())


async def variants_of(
    session: AsyncSession,
    *,
    org_id: uuid.UUID,
    content_id: uuid.UUID,
    network: str | None = None,
    language: str | None = None,
) -> list[CaptionVariant]:
    """An item's variants, oldest first (a stable order for rotation)."""
    query = select(CaptionVariant).where(
        col(CaptionVariant.org_id) == org_id, col(CaptionVariant.content_id) == content_id
    )
    if network is not None:
        query = query.where(col(CaptionVariant.network) == network)
    if language is not None:
        query = query.where(col(CaptionVariant.language) == language)
    query = query.order_by(col(CaptionVariant.created_at), col(CaptionVariant.id)).limit(MAX_READ)
    return list((await session.execute(query)).scalars())


async def get_variant(
    session: AsyncSession, *, org_id: uuid.UUID, content_id: uuid.UUID, caption_id: uuid.UUID
) -> CaptionVariant | None:
    """One variant of this item in this organisation."""
    query = select(CaptionVariant).where(
        col(CaptionVariant.org_id) == org_id,
        col(CaptionVariant.content_id) == content_id,
        col(CaptionVariant.id) == caption_id,
    )
    return (await session.execute(query)).scalar_one_or_none()


async def used_slots(
    session: AsyncSession, *, content_id: uuid.UUID, network: str, language: str
) -> set[int]:
    """The slots taken in one (item, network, language)."""
    query = select(col(CaptionVariant.slot)).where(
        col(CaptionVariant.content_id) == content_id,
        col(CaptionVariant.network) == network,
        col(CaptionVariant.language) == language,
    )
    return set((await session.execute(query)).scalars())


async def insert_variant(session: AsyncSession, row: CaptionVariant) -> bool:
    """Insert unless a unique key (slot or text) is taken; a concurrent twin waits for the other."""
    statement = (
        upsert.insert(session, CaptionVariant)
        .values(row.model_dump())
        .on_conflict_do_nothing()
        .returning(col(CaptionVariant.id))
    )
    return (await session.execute(statement)).first() is not None


async def digest_taken(
    session: AsyncSession,
    *,
    content_id: uuid.UUID,
    network: str,
    language: str,
    digest: str,
    other_than: uuid.UUID | None = None,
) -> bool:
    """Whether another variant of this (item, network, language) has this text."""
    query = select(col(CaptionVariant.id)).where(
        col(CaptionVariant.content_id) == content_id,
        col(CaptionVariant.network) == network,
        col(CaptionVariant.language) == language,
        col(CaptionVariant.digest) == digest,
    )
    if other_than is not None:
        query = query.where(col(CaptionVariant.id) != other_than)
    return (await session.execute(query.limit(1))).first() is not None


async def update_variant(
    session: AsyncSession, *, org_id: uuid.UUID, caption_id: uuid.UUID, values: dict[str, Any]
) -> CaptionVariant | None:
    """Change one variant's columns in one UPDATE; None if it is gone."""
    statement = (
        update(CaptionVariant)
        .where(col(CaptionVariant.org_id) == org_id, col(CaptionVariant.id) == caption_id)
        .values(**values, updated_at=datetime.now(UTC))
        .returning(CaptionVariant)
        .execution_options(synchronize_session=False, populate_existing=True)
    )
    return (await session.execute(statement)).scalar_one_or_none()


async def delete_variant(
    session: AsyncSession, *, org_id: uuid.UUID, caption_id: uuid.UUID
) -> bool:
    """Delete one variant; False if it was gone already (a concurrent delete)."""
    statement = (
        delete(CaptionVariant)
        .where(col(CaptionVariant.org_id) == org_id, col(CaptionVariant.id) == caption_id)
        .returning(col(CaptionVariant.id))
    )
    return (await session.execute(statement)).first() is not None


async def rule_sets(
    session: AsyncSession, *, org_id: uuid.UUID, scope_ids: list[uuid.UUID]
) -> list[CaptionRuleSet]:
    """The rule sets of these programs and sub-programs (ids never collide across kinds)."""
    if not scope_ids:
        return []
    query = select(CaptionRuleSet).where(
        col(CaptionRuleSet.org_id) == org_id, col(CaptionRuleSet.scope_id).in_(set(scope_ids))
    )
    return list((await session.execute(query)).scalars())


async def put_rule_set(session: AsyncSession, row: CaptionRuleSet) -> CaptionRuleSet:
    """Insert or replace one level's rules in one statement, counting versions."""
    values = row.model_dump()
    statement = upsert.insert(session, CaptionRuleSet).values(values)
    replaced = {
        name: statement.excluded[name]
        for name in values
        if name not in ("org_id", "scope_type", "scope_id", "created_at", "version")
    }
    replaced["version"] = CaptionRuleSet.__table__.c.version + 1  # type: ignore[attr-defined]
    returning = (
        statement.on_conflict_do_update(
            index_elements=["org_id", "scope_type", "scope_id"], set_=replaced
        )
        .returning(CaptionRuleSet)
        .execution_options(populate_existing=True)
    )
    stored: CaptionRuleSet = (await session.execute(returning)).scalar_one()
    return stored


async def program_of(
    session: AsyncSession, *, org_id: uuid.UUID, sub_program_id: uuid.UUID
) -> uuid.UUID | None:
    """The program of a sub-program known in this organisation's read model."""
    query = select(col(AccessSubProgram.program_id)).where(
        col(AccessSubProgram.org_id) == org_id,
        col(AccessSubProgram.sub_program_id) == sub_program_id,
    )
    return (await session.execute(query)).scalar_one_or_none()


async def sub_programs_in(
    session: AsyncSession, *, org_id: uuid.UUID, program_id: uuid.UUID
) -> list[uuid.UUID]:
    """The sub-programs of a program known in this organisation's read model."""
    query = select(col(AccessSubProgram.sub_program_id)).where(
        col(AccessSubProgram.org_id) == org_id, col(AccessSubProgram.program_id) == program_id
    )
    return list((await session.execute(query)).scalars())


async def recent_posts(
    session: AsyncSession,
    *,
    org_id: uuid.UUID,
    content_id: uuid.UUID,
    limit: int,
    since: datetime | None = None,
    network: str | None = None,
    except_user: uuid.UUID | None = None,
) -> list[CaptionPost]:
    """An item's posts recorded since a moment, most recent first, bounded."""
    query = select(CaptionPost).where(
        col(CaptionPost.org_id) == org_id,
        col(CaptionPost.content_id) == content_id,
    )
    if since is not None:
        query = query.where(col(CaptionPost.updated_at) >= since)
    if network is not None:
        query = query.where(col(CaptionPost.network) == network)
    if except_user is not None:
        query = query.where(col(CaptionPost.user_id) != except_user)
    query = query.order_by(col(CaptionPost.updated_at).desc()).limit(limit)
    return list((await session.execute(query)).scalars())


async def record_post(session: AsyncSession, row: CaptionPost) -> None:
    """One post per person, item and network: a new text replaces the previous one."""
    values: dict[str, Any] = row.model_dump()
    statement = upsert.insert(session, CaptionPost).values(values)
    kept = ("id", "org_id", "content_id", "user_id", "network", "created_at")
    statement = statement.on_conflict_do_update(
        index_elements=["content_id", "user_id", "network"],
        set_={name: statement.excluded[name] for name in values if name not in kept},
    )
    await session.execute(statement)
