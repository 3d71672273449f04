"""Cursor pagination: opaque, stable under inserts, bounded page sizes."""

import base64
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Annotated, Any, Generic, Protocol, TypeVar

import orjson
from fastapi import Query
from pydantic import BaseModel
from sqlalchemy import Select, and_, or_

from common.errors import InvalidInput

T = TypeVar("T")
MAX_LIMIT = 100


class Page(BaseModel, Generic[T]):
    """One page of a list; pass next_cursor back to get the following page."""

    items: list[T]
    next_cursor: str | None


class PageParams(BaseModel):
    """Validated ?limit=&cursor= query parameters."""

    limit: int
    after: tuple[datetime, uuid.UUID] | None


def encode_cursor(created_at: datetime, row_id: uuid.UUID) -> str:
    """Cursor pointing just after (created_at, id) in descending order."""
    raw = orjson.dumps([created_at.isoformat(), str(row_id)])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    """Inverse of encode_cursor; 422 naming the field when tampered with."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        created, row_id = orjson.loads(base64.urlsafe_b64decode(padded))
        return datetime.fromisoformat(created), uuid.UUID(row_id)
    except (ValueError, TypeError) as exc:
        raise InvalidInput("cursor is not valid", field="cursor") from exc


async def page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 20,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> PageParams:
    """FastAPI dependency for list endpoints."""
    return PageParams(limit=limit, after=decode_cursor(cursor) if cursor else None)


class Keyed(Protocol):
    """A paginated row: ordered by creation time, ties broken by id."""

    @property
    def created_at(self) -> datetime: ...

    @property
    def id(self) -> uuid.UUID: ...


K = TypeVar("K", bound=Keyed)


def newest_first(query: Select[Any], *, model: Any, page: PageParams) -> Select[Any]:
    """Keyset pagination on (created_at, id) descending, fetching one row more than asked."""
    created_at, row_id = model.created_at, model.id
    if page.after is not None:
        after_at, after_id = page.after
        query = query.where(
            or_(created_at < after_at, and_(created_at == after_at, row_id < after_id))
        )
    return query.order_by(created_at.desc(), row_id.desc()).limit(page.limit + 1)


def build_page(rows: Sequence[K], *, page: PageParams, read: Callable[[K], T]) -> Page[T]:
    """Turn the rows of newest_first into a Page with the next cursor."""
    more = len(rows) > page.limit
    shown = rows[: page.limit]
    cursor = encode_cursor(shown[-1].created_at, shown[-1].id) if more and shown else None
    return Page[T](items=[read(row) for row in shown], next_cursor=cursor)
