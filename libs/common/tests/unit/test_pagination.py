import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from common.errors import InvalidInput
from common.pagination import PageParams, build_page, decode_cursor, encode_cursor


def test_cursor_round_trips() -> None:
    at, row_id = datetime.now(UTC), uuid.uuid4()
    assert decode_cursor(encode_cursor(at, row_id)) == (at, row_id)


def test_tampered_cursor_names_the_field() -> None:
    with pytest.raises(InvalidInput) as caught:
        decode_cursor("not-a-cursor")
    assert caught.value.field == "cursor"


@dataclass(frozen=True)
class Row:
    created_at: datetime
    id: uuid.UUID


def test_build_page_sets_cursor_only_when_more_rows_exist() -> None:
    now = datetime.now(UTC)
    rows = [Row(now - timedelta(seconds=i), uuid.uuid4()) for i in range(3)]
    page = PageParams(limit=2, after=None)

    first = build_page(rows, page=page, read=lambda r: r.id)
    last = build_page(rows[:2], page=page, read=lambda r: r.id)

    assert first.items == [rows[0].id, rows[1].id]
    assert first.next_cursor is not None
    assert decode_cursor(first.next_cursor) == (rows[1].created_at, rows[1].id)
    assert last.next_cursor is None
