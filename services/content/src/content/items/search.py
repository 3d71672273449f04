"""The library: filtered, searched, cursor-paginated lists of items, one statement per page.

Full-text search is PostgreSQL's (`websearch_to_tsquery` over a stored, generated tsvector of
title and body with a GIN index, the 'simple' configuration so no language's stemming is
imposed on another's items);
SQLite, the embedded default, matches every word of the query case-insensitively in title or
body. Results stay newest first, so the cursor means the same with or without a query.
"""

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import Query
from pydantic import BaseModel
from sqlalchemy import ColumnElement, Select, and_, func, literal_column, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from common.pagination import PageParams, newest_first
from content.models import ContentItem, ContentTag, ContentTarget, TagDimension


class LibraryFilters(BaseModel):
    """What a library page may be narrowed by (every one optional, all combined with AND)."""

    status: list[str] = []
    kind: list[str] = []
    program_id: uuid.UUID | None = None
    sub_program_id: uuid.UUID | None = None
    topic: str | None = None
    campaign_id: uuid.UUID | None = None
    language: str | None = None
    network: str | None = None
    department: str | None = None
    author_id: uuid.UUID | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None
    published_after: datetime | None = None
    published_before: datetime | None = None
    q: str | None = None


async def library_filters(
    status: Annotated[list[str] | None, Query(max_length=10)] = None,
    kind: Annotated[list[str] | None, Query(max_length=6)] = None,
    program_id: uuid.UUID | None = None,
    sub_program_id: uuid.UUID | None = None,
    topic: Annotated[str | None, Query(max_length=64)] = None,
    campaign_id: uuid.UUID | None = None,
    language: Annotated[str | None, Query(max_length=35)] = None,
    network: Annotated[
        str | None, Query(pattern=r"^(linkedin|x|facebook|instagram|custom)$")
    ] = None,
    department: Annotated[str | None, Query(max_length=64)] = None,
    author_id: uuid.UUID | None = None,
    created_after: datetime | None = None,
    created_before: datetime | None = None,
    published_after: datetime | None = None,
    published_before: datetime | None = None,
    q: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
) -> LibraryFilters:
    """FastAPI dependency: the list's query parameters, validated (422 names the parameter)."""
    return LibraryFilters(
        status=status or [],
        kind=kind or [],
        program_id=program_id,
        sub_program_id=sub_program_id,
        topic=topic,
        campaign_id=campaign_id,
        language=language,
        network=network,
        department=department,
        author_id=author_id,
        created_after=created_after,
        created_before=created_before,
        published_after=published_after,
        published_before=published_before,
        q=q,
    )


async def page_of(
    session: AsyncSession,
    *,
    org_id: uuid.UUID,
    visible: ColumnElement[bool],
    filters: LibraryFilters,
    page: PageParams,
) -> list[ContentItem]:
    """One page (plus one row telling whether more exist) of the items the caller sees."""
    dialect = session.bind.dialect.name if session.bind else "postgresql"
    conditions = [col(ContentItem.org_id) == org_id, visible, *_narrowing(filters, org_id)]
    if filters.q:
        conditions.append(_matches(filters.q, dialect=dialect))
    query = newest_first(select(ContentItem).where(*conditions), model=ContentItem, page=page)
    return list((await session.execute(query)).scalars().all())


def _narrowing(filters: LibraryFilters, org_id: uuid.UUID) -> list[ColumnElement[bool]]:
    item = ContentItem
    conditions: list[ColumnElement[bool]] = []
    if filters.status:
        conditions.append(col(item.status).in_(filters.status))
    if filters.kind:
        conditions.append(col(item.kind).in_(filters.kind))
    equal: tuple[tuple[Any, object], ...] = (
        (item.campaign_id, filters.campaign_id),
        (item.language, filters.language),
        (item.author_id, filters.author_id),
    )
    for column, value in equal:
        if value is not None:
            conditions.append(col(column) == value)
    for moment, after, before in (
        (item.created_at, filters.created_after, filters.created_before),
        (item.published_at, filters.published_after, filters.published_before),
    ):
        if after is not None:
            conditions.append(col(moment) >= after)
        if before is not None:
            conditions.append(col(moment) < before)
    if filters.sub_program_id is not None:
        conditions.append(_targeted(ContentTarget.sub_program_id, filters.sub_program_id, org_id))
    if filters.program_id is not None:
        conditions.append(_targeted(ContentTarget.program_id, filters.program_id, org_id))
    if filters.topic is not None:
        conditions.append(_tagged(TagDimension.topic, filters.topic, org_id))
    for dimension, wanted in (
        (TagDimension.network, filters.network),
        (TagDimension.department, filters.department),
    ):
        if wanted is not None:  # an item naming none of this dimension is for every one
            conditions.append(
                or_(
                    _tagged(dimension, wanted, org_id),
                    ~col(item.id).in_(_with_dimension(dimension, org_id)),
                )
            )
    return conditions


def _targeted(column: object, value: uuid.UUID, org_id: uuid.UUID) -> ColumnElement[bool]:
    ids = select(col(ContentTarget.content_id)).where(
        col(ContentTarget.org_id) == org_id, col(column) == value
    )
    return col(ContentItem.id).in_(ids)


def _tagged(dimension: TagDimension, value: str, org_id: uuid.UUID) -> ColumnElement[bool]:
    ids = select(col(ContentTag.content_id)).where(
        col(ContentTag.org_id) == org_id,
        col(ContentTag.dimension) == dimension,
        col(ContentTag.value) == value,
    )
    return col(ContentItem.id).in_(ids)


def _with_dimension(dimension: TagDimension, org_id: uuid.UUID) -> Select[Any]:
    return select(col(ContentTag.content_id)).where(
        col(ContentTag.org_id) == org_id, col(ContentTag.dimension) == dimension
    )


def _matches(q: str, *, dialect: str) -> ColumnElement[bool]:
    if dialect == "postgresql":
        # The stored tsvector column PostgreSQL generates (migration 20261202_search_column);
        # not in the model, since SQLite has no such column.
        query = func.websearch_to_tsquery(literal_column("'simple'::regconfig"), q)
        return literal_column("content_items.search_fts").op("@@")(query)
    words = [word for word in q.lower().split() if word][:10]
    return and_(
        *(
            or_(
                func.lower(col(ContentItem.title)).contains(word, autoescape=True),
                func.lower(func.coalesce(col(ContentItem.body), "")).contains(
                    word, autoescape=True
                ),
            )
            for word in words
        )
    )
