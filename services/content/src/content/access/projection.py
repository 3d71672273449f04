"""Set-based writes of the access read model: a few statements per batch, whatever its size.

Order by time, not by arrival: a membership or grant row keeps the `changed_at` of the change it
shows, and an event changes it only if it is newer. So an old event told again later (a dead
letter replayed from content.dlt, a redelivery, `python -m ambassadors.republish`) can never undo
a newer change, and the outcome does not depend on the order events arrive in.

Equal times: the ending (left, revoked) wins over the beginning (joined, granted), whichever came
first. Not "the later in the log": a replay puts an old event later in the log, so position is no
tie-breaker; and when we cannot tell which came last, we deny rather than grant.

Within a batch the same rule picks each row's one change (one statement may not change a row
twice). The consumer's inbox drops an event seen before; the writes are idempotent on their own.
"""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession

from common import bulk
from common.events.contracts.ambassadors import (
    MembershipChangedV1,
    StaffRoleChangedV1,
    SubProgramCreatedV1,
)
from content.access.models import AccessMembership, AccessStaffGrant, AccessSubProgram

SUB_PROGRAMS: Table = AccessSubProgram.__table__  # type: ignore[attr-defined]
MEMBERSHIPS: Table = AccessMembership.__table__  # type: ignore[attr-defined]
STAFF_GRANTS: Table = AccessStaffGrant.__table__  # type: ignore[attr-defined]
MEMBERSHIP_KEY = ("user_id", "sub_program_id")
GRANT_KEY = ("user_id", "scope_id", "role")
ENDINGS = frozenset({"left", "revoked"})


async def add_sub_programs(session: AsyncSession, *, events: Sequence[SubProgramCreatedV1]) -> None:
    """Remember which program each sub-program belongs to (a sub-program never moves)."""
    rows = {
        e.sub_program_id: {
            "sub_program_id": e.sub_program_id,
            "program_id": e.program_id,
            "org_id": e.org_id,
        }
        for e in events
    }
    await bulk.insert_rows(
        session, SUB_PROGRAMS, list(rows.values()), skip_conflicts_on=("sub_program_id",)
    )


async def change_memberships(
    session: AsyncSession, *, events: Sequence[MembershipChangedV1]
) -> None:
    """Joined: a member; left: not (a tombstone), each as of its changed_at."""
    rows = [
        {
            "user_id": e.user_id,
            "sub_program_id": e.sub_program_id,
            "org_id": e.org_id,
            "is_member": e.change == "joined",
            "changed_at": e.changed_at,
        }
        for e in _newest_change_of_each(events, key=MEMBERSHIP_KEY)
    ]
    await bulk.upsert_rows(
        session,
        MEMBERSHIPS,
        rows,
        key=MEMBERSHIP_KEY,
        update=("is_member", "changed_at"),
        only_where=_newer(MEMBERSHIPS, "is_member"),
    )


async def change_staff_roles(
    session: AsyncSession, *, events: Sequence[StaffRoleChangedV1]
) -> None:
    """Granted: held; revoked: not (a tombstone), each as of its changed_at."""
    rows = [
        {
            "user_id": e.user_id,
            "scope_id": e.scope_id,
            "role": e.role,
            "scope_type": e.scope_type,
            "org_id": e.org_id,
            "is_granted": e.change == "granted",
            "changed_at": e.changed_at,
        }
        for e in _newest_change_of_each(events, key=GRANT_KEY)
    ]
    await bulk.upsert_rows(
        session,
        STAFF_GRANTS,
        rows,
        key=GRANT_KEY,
        update=("is_granted", "changed_at"),
        only_where=_newer(STAFF_GRANTS, "is_granted"),
    )


def _newest_change_of_each(events: Sequence[Any], *, key: tuple[str, ...]) -> list[Any]:
    # The same order as the SQL condition: time first, then an ending over a beginning.
    newest: dict[tuple[Any, ...], Any] = {}
    for event in events:
        row = tuple(getattr(event, name) for name in key)
        if row not in newest or _rank(event) > _rank(newest[row]):
            newest[row] = event
    return list(newest.values())


def _rank(event: Any) -> tuple[Any, bool]:
    return event.changed_at, event.change in ENDINGS


def _newer(table: Table, state: str) -> str:
    # Same organisation (a key never moves between tenants), then: strictly newer, or as old
    # and an ending over a beginning.
    t = table.name
    return (
        f"excluded.org_id = {t}.org_id AND (excluded.changed_at > {t}.changed_at"
        f" OR (excluded.changed_at = {t}.changed_at AND {t}.{state} AND NOT excluded.{state}))"
    )
