"""Set-based writes of the access read model: a few statements per batch, whatever its size.

Events of one key arrive in order (the producer keys them by the sub-program or scope id), and a
batch holds consecutive events of one type in that order: within a batch only the last change of
each row counts, so "joined then left" ends with no membership. The consumer's inbox drops an
event seen before, and every write here is idempotent on its own too (insert-if-absent, delete).
"""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, delete, tuple_
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
MEMBERSHIP_KEY = ("org_id", "user_id", "sub_program_id")
GRANT_KEY = ("org_id", "user_id", "scope_id", "role")


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
    """Joined: the membership exists; left: it does not."""
    latest = _last_change_of_each(events, key=MEMBERSHIP_KEY)
    joined = [_columns(e, MEMBERSHIP_KEY) for e in latest if e.change == "joined"]
    left = [_columns(e, MEMBERSHIP_KEY) for e in latest if e.change == "left"]
    await bulk.insert_rows(
        session, MEMBERSHIPS, joined, skip_conflicts_on=("user_id", "sub_program_id")
    )
    await _delete_rows(session, MEMBERSHIPS, left, key=MEMBERSHIP_KEY)


async def change_staff_roles(
    session: AsyncSession, *, events: Sequence[StaffRoleChangedV1]
) -> None:
    """Granted: the grant exists; revoked: it does not."""
    latest = _last_change_of_each(events, key=GRANT_KEY)
    granted = [_columns(e, (*GRANT_KEY, "scope_type")) for e in latest if e.change == "granted"]
    revoked = [_columns(e, GRANT_KEY) for e in latest if e.change == "revoked"]
    await bulk.insert_rows(
        session, STAFF_GRANTS, granted, skip_conflicts_on=("user_id", "scope_id", "role")
    )
    await _delete_rows(session, STAFF_GRANTS, revoked, key=GRANT_KEY)


def _last_change_of_each(events: Sequence[Any], *, key: tuple[str, ...]) -> list[Any]:
    # Events come in their key's order: a later one replaces an earlier one of the same row.
    last = {tuple(getattr(e, name) for name in key): e for e in events}
    return list(last.values())


def _columns(event: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(event, name) for name in names}


async def _delete_rows(
    session: AsyncSession, table: Table, rows: Sequence[dict[str, Any]], *, key: tuple[str, ...]
) -> None:
    if not rows:
        return
    columns = tuple_(*(table.c[name] for name in key))
    await session.execute(
        delete(table).where(columns.in_([tuple(row[name] for name in key) for row in rows]))
    )
