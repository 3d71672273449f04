"""Keyset pagination forwards in time on (moment, id): the calendar reads from now onwards.

The cursor is common.pagination's encoding of the last entry's (moment, id); only the
direction differs from the newest-first lists.
"""

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy import Select, and_, or_

from common.pagination import PageParams, encode_cursor


class Timed(Protocol):
    """An entry ordered by its moment, ties broken by id."""

    @property
    def starts_at(self) -> datetime: ...

    @property
    def id(self) -> uuid.UUID: ...


E = TypeVar("E", bound=Timed)


def earliest_first(
    query: Select[Any], *, moment: Any, row_id: Any, page: PageParams
) -> Select[Any]:
    """Rows after the cursor in (moment, id) order, one more than the page holds."""
    if page.after is not None:
        after_at, after_id = page.after
        query = query.where(or_(moment > after_at, and_(moment == after_at, row_id > after_id)))
    return query.order_by(moment, row_id).limit(page.limit + 1)


def merge(sources: Sequence[Sequence[E]], *, page: PageParams) -> tuple[list[E], str | None]:
    """The first page of several sources each read by earliest_first, and the next cursor.

    Each source holds its first limit+1 rows, so the merged first limit+1 are the true ones.
    """
    merged = sorted((entry for source in sources for entry in source), key=_key)
    shown = merged[: page.limit]
    more = len(merged) > page.limit
    cursor = encode_cursor(shown[-1].starts_at, shown[-1].id) if more and shown else None
    return shown, cursor


def _key(entry: Timed) -> tuple[datetime, str]:
    return entry.starts_at, str(entry.id)
