"""Who the members of a program or sub-program are, as staff see them: pseudonymous ids, the
networks they declared, and HR's executive flag (executive ambassadors are flagged)."""

import uuid
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select as sa_select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from ambassadors.membership.models import ProgramMember
from ambassadors.membership.schemas import MemberRead
from ambassadors.models import Ambassador, Membership, SocialProfile
from ambassadors.people.models import Employee
from ambassadors.staff.access import Scope
from common.pagination import PageParams, newest_first


@dataclass(frozen=True)
class Row:
    """One member, keyed for pagination by when they joined."""

    id: uuid.UUID
    created_at: datetime
    ambassador_id: uuid.UUID
    employee_id: uuid.UUID | None
    is_executive: bool


class _ByJoinTime:
    def __init__(self, model: Any) -> None:
        self.created_at = col(model.joined_at)
        self.id = col(model.id)


def _record(field: Any) -> Any:
    """A column of the member's HR record (the newest linked one), as a scalar subquery."""
    return (
        select(field)
        .where(
            col(Employee.org_id) == Ambassador.org_id, col(Employee.user_id) == Ambassador.user_id
        )
        .order_by(col(Employee.updated_at).desc())
        .limit(1)
        .scalar_subquery()
    )


async def members(
    session: AsyncSession, *, scope: Scope, page: PageParams, executive: bool | None
) -> list[Row]:
    """Current members of the scope, newest first; `executive` narrows to (non-)executives."""
    model: Any = ProgramMember if scope.type == "program" else Membership
    is_executive = _record(col(Employee.is_executive))
    query = (
        sa_select(
            col(model.id),
            col(model.joined_at),
            col(model.ambassador_id),
            _record(col(Employee.id)).label("employee_id"),
            is_executive.label("is_executive"),
        )
        .join(Ambassador, col(Ambassador.id) == col(model.ambassador_id))
        .where(col(model.org_id) == scope.org_id)
    )
    if scope.type == "program":
        query = query.where(
            col(ProgramMember.program_id) == scope.id, col(ProgramMember.left_at).is_(None)
        )
    else:
        query = query.where(col(Membership.sub_program_id) == scope.id)
    if executive is not None:
        query = query.where(is_executive.is_(True) if executive else is_executive.is_not(True))
    result = await session.execute(newest_first(query, model=_ByJoinTime(model), page=page))
    return [
        Row(
            id=r.id,
            created_at=r.joined_at,
            ambassador_id=r.ambassador_id,
            employee_id=r.employee_id,
            is_executive=bool(r.is_executive),
        )
        for r in result.all()
    ]


async def networks(
    session: AsyncSession, *, ambassador_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, list[str]]:
    """The networks of each ambassador's declared profiles."""
    query = select(col(SocialProfile.ambassador_id), col(SocialProfile.network)).where(
        col(SocialProfile.ambassador_id).in_(list(ambassador_ids))
    )
    held: dict[uuid.UUID, list[str]] = defaultdict(list)
    for ambassador_id, network in (await session.execute(query)).all():
        held[ambassador_id].append(network)
    return {key: sorted(value) for key, value in held.items()}


async def read(session: AsyncSession, rows: list[Row]) -> dict[uuid.UUID, MemberRead]:
    """The rows as staff read them, by row id."""
    held = await networks(session, ambassador_ids={row.ambassador_id for row in rows})
    return {
        row.id: MemberRead(
            ambassador_id=row.ambassador_id,
            employee_id=row.employee_id,
            joined_at=row.created_at,
            networks=held.get(row.ambassador_id, []),
            is_executive=row.is_executive,
        )
        for row in rows
    }
