"""Item queries: one item, its targets and tags, and the writes that replace them."""

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, Table, delete
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from common import bulk
from content.models import ContentItem, ContentTag, ContentTarget, TagDimension
from content.targeting import Target

TARGETS: Table = ContentTarget.__table__  # type: ignore[attr-defined]
TAGS: Table = ContentTag.__table__  # type: ignore[attr-defined]


@dataclass
class Facets:
    """An item's targets and multi-valued tags, as read for the API."""

    targets: list[Target] = field(default_factory=list)
    tags: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def values(self, dimension: TagDimension) -> list[str]:
        return sorted(self.tags.get(dimension, []))


async def get(
    session: AsyncSession,
    *,
    org_id: uuid.UUID,
    content_id: uuid.UUID,
    visible: ColumnElement[bool],
) -> ContentItem | None:
    """One item of this organisation the caller sees, or None (hidden looks like missing)."""
    query = select(ContentItem).where(
        col(ContentItem.org_id) == org_id, col(ContentItem.id) == content_id, visible
    )
    return (await session.execute(query)).scalar_one_or_none()


async def facets_of(
    session: AsyncSession, *, content_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, Facets]:
    """Targets and tags of these items in two queries, whatever their number."""
    ids = list(content_ids)
    found: dict[uuid.UUID, Facets] = {content_id: Facets() for content_id in ids}
    if not ids:
        return found
    # Plain columns, not ORM objects: a page of 50 has ~200 of these rows (bench content.*).
    targets = await session.execute(
        select(
            col(ContentTarget.content_id),
            col(ContentTarget.sub_program_id),
            col(ContentTarget.program_id),
        ).where(col(ContentTarget.content_id).in_(ids))
    )
    for content_id, sub_program_id, program_id in targets:
        found[content_id].targets.append(Target(sub_program_id, program_id or sub_program_id))
    tags = await session.execute(
        select(col(ContentTag.content_id), col(ContentTag.dimension), col(ContentTag.value)).where(
            col(ContentTag.content_id).in_(ids)
        )
    )
    for content_id, dimension, value in tags:
        found[content_id].tags[dimension].append(value)
    for facets in found.values():
        facets.targets.sort(key=lambda target: str(target.sub_program_id))
    return found


async def replace_targets(
    session: AsyncSession, *, item: ContentItem, targets: Sequence[Target]
) -> None:
    """The item's targets become exactly these."""
    await session.execute(delete(ContentTarget).where(col(ContentTarget.content_id) == item.id))
    rows = [
        {
            "content_id": item.id,
            "sub_program_id": target.sub_program_id,
            "program_id": target.program_id,
            "org_id": item.org_id,
        }
        for target in targets
    ]
    await bulk.insert_rows(session, TARGETS, rows)


async def replace_tags(
    session: AsyncSession, *, item: ContentItem, dimension: TagDimension, values: Sequence[str]
) -> None:
    """The item's tags of one dimension become exactly these (case kept, duplicates dropped)."""
    await session.execute(
        delete(ContentTag).where(
            col(ContentTag.content_id) == item.id, col(ContentTag.dimension) == dimension
        )
    )
    rows = [
        {"content_id": item.id, "dimension": dimension, "value": value, "org_id": item.org_id}
        for value in dict.fromkeys(values)
    ]
    await bulk.insert_rows(session, TAGS, rows)


async def translations(
    session: AsyncSession, *, org_id: uuid.UUID, group_id: uuid.UUID, visible: ColumnElement[bool]
) -> list[ContentItem]:
    """Every language version of one item the caller sees (a group is small: one per language)."""
    query = (
        select(ContentItem)
        .where(
            col(ContentItem.org_id) == org_id,
            col(ContentItem.translation_group_id) == group_id,
            visible,
        )
        .order_by(col(ContentItem.language))
        .limit(200)
    )
    return list((await session.execute(query)).scalars())
