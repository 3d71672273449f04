"""Permission rows of this room (being built)."""

from advocacy_testing.permission_cells import Row
from advocacy_testing.world import Call, RowKey


def rows() -> list[Row]:
    return []


def calls() -> dict[RowKey, Call]:
    return {}
