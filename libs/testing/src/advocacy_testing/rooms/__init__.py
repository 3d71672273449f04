"""The permission table's rows and calls of the content service's rooms, one module per room.

Each module exports `rows() -> list[Row]` (built with advocacy_testing.permission_cells) and
`calls() -> dict[RowKey, Call]` (built with advocacy_testing.world); a room adds itself to
ROOMS below.
"""

from advocacy_testing.permission_cells import Row
from advocacy_testing.rooms import (
    ambassadors_accounts,
    ambassadors_charters,
    ambassadors_imports,
    ambassadors_membership,
    ambassadors_people,
    ambassadors_policies,
    ambassadors_privacy,
    ambassadors_scim,
    ambassadors_team,
    ambassadors_training,
    content_calendar,
    content_captions,
    content_curation,
    content_ideas,
    content_lifecycle,
)
from advocacy_testing.world import Call, RowKey

ROOMS = (
    content_lifecycle,
    content_captions,
    content_calendar,
    content_ideas,
    content_curation,
    ambassadors_people,
    ambassadors_membership,
    ambassadors_policies,
    ambassadors_imports,
    ambassadors_scim,
    ambassadors_charters,
    ambassadors_training,
    ambassadors_accounts,
    ambassadors_team,
    ambassadors_privacy,
)

ROOM_ROWS: tuple[Row, ...] = tuple(row for room in ROOMS for row in room.rows())
ROOM_CALLS: dict[RowKey, Call] = {key: call for room in ROOMS for key, call in room.calls().items()}
