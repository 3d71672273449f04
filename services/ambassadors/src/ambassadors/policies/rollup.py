"""Roll-ups: a program's members, shares, potential reach and active ambassadors over a window,
program-wide and per sub-program, from this service's own memberships and shares.

Members are counted now (memberships have no history yet); shares and reach in the window. An
active ambassador is a member now who shared in the window (PRODUCT.md: % of members who
shared in the period), so the rate never exceeds 100 %; shares of people who since left count.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, and_, distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from ambassadors.models import Membership, Program, Share, SubProgram
from ambassadors.policies.schemas import Figure, RollupFigures
from ambassadors.staff import access
from ambassadors.staff.access import Scope
from common.auth import Principal
from common.errors import Forbidden, InvalidInput

DEFAULT_WINDOW = timedelta(days=30)
MAX_WINDOW = timedelta(days=366)
EARLIEST, LATEST = datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Counts:
    members: int = 0
    shares: int = 0
    reach: int = 0
    active: int = 0


async def require_viewer(session: AsyncSession, *, principal: Principal, program: Program) -> None:
    """403 unless an org admin, an analyst, or a program manager of the program."""
    if principal.kind == "user" and principal.has_any("org_admin", "analyst"):
        return
    if await access.manages(session, principal=principal, scope=Scope.of_program(program)):
        return
    raise Forbidden("only org admins, analysts and this program's managers see its roll-up")


def window(since: datetime | None, until: datetime | None) -> tuple[datetime, datetime]:
    """The [since, until) asked for: until defaults to now, since to 30 days before; ≤ 366 days."""
    for name, moment in (("since", since), ("until", until)):
        # Also keeps date arithmetic and UTC conversion far from datetime's own limits.
        if moment is not None and not EARLIEST <= moment < LATEST:
            raise InvalidInput(f"{name} must be in the years 2000 to 2099", field=name)
    end = until or datetime.now(UTC)
    start = since or end - DEFAULT_WINDOW
    if start >= end:
        raise InvalidInput("since must be before until", field="since")
    if end - start > MAX_WINDOW:
        raise InvalidInput("the window is at most 366 days", field="since")
    return start, end


def _in_window(since: datetime, until: datetime) -> list[ColumnElement[bool]]:
    return [col(Share.created_at) >= since, col(Share.created_at) < until]


async def per_sub_program(
    session: AsyncSession,
    *,
    org_id: uuid.UUID,
    sub_ids: Sequence[uuid.UUID],
    since: datetime,
    until: datetime,
) -> dict[uuid.UUID, Counts]:
    """Each sub-program's counts (two grouped queries for the whole page)."""
    if not sub_ids:
        return {}
    members = select(col(Membership.sub_program_id), func.count()).where(
        col(Membership.org_id) == org_id, col(Membership.sub_program_id).in_(sub_ids)
    )
    is_member = and_(
        col(Membership.sub_program_id) == col(Share.sub_program_id),
        col(Membership.ambassador_id) == col(Share.ambassador_id),
    )
    shares = (
        select(
            col(Share.sub_program_id),
            func.count(col(Share.id)),
            func.coalesce(func.sum(col(Share.audience_size)), 0),
            func.count(distinct(col(Membership.ambassador_id))),
        )
        .select_from(Share)
        .outerjoin(Membership, is_member)
        .where(col(Share.org_id) == org_id, col(Share.sub_program_id).in_(sub_ids))
        .where(*_in_window(since, until))
    )
    grouped = await session.execute(members.group_by(col(Membership.sub_program_id)))
    counted: dict[uuid.UUID, int] = {row[0]: row[1] for row in grouped.all()}
    shared = {
        row[0]: row[1:]
        for row in (await session.execute(shares.group_by(col(Share.sub_program_id)))).all()
    }
    return {
        sub_id: Counts(int(counted.get(sub_id, 0)), *map(int, shared.get(sub_id, (0, 0, 0))))
        for sub_id in sub_ids
    }


async def program_wide(
    session: AsyncSession,
    *,
    org_id: uuid.UUID,
    program_id: uuid.UUID,
    since: datetime,
    until: datetime,
) -> Counts:
    """The program's counts, each person once (one statement)."""
    subs = select(col(SubProgram.id)).where(
        col(SubProgram.org_id) == org_id, col(SubProgram.program_id) == program_id
    )
    members_now = select(col(Membership.ambassador_id)).where(
        col(Membership.org_id) == org_id, col(Membership.sub_program_id).in_(subs)
    )
    shares = [col(Share.org_id) == org_id, col(Share.sub_program_id).in_(subs)]
    shares += _in_window(since, until)
    query = select(
        select(func.count(distinct(col(Membership.ambassador_id))))
        .where(col(Membership.org_id) == org_id, col(Membership.sub_program_id).in_(subs))
        .scalar_subquery(),
        select(func.count()).select_from(Share).where(*shares).scalar_subquery(),
        select(func.coalesce(func.sum(col(Share.audience_size)), 0))
        .where(*shares)
        .scalar_subquery(),
        select(func.count(distinct(col(Share.ambassador_id))))
        .where(*shares, col(Share.ambassador_id).in_(members_now))
        .scalar_subquery(),
    )
    row = (await session.execute(query)).one()
    return Counts(*(int(value) for value in row))


def figures(counts: Counts) -> RollupFigures:
    """The counts, each labelled observed or estimated as PRODUCT.md defines them."""
    rate = round(100 * counts.active / counts.members, 1) if counts.members else 0.0
    return RollupFigures(
        members=Figure(value=counts.members, basis="observed", method="members now"),
        shares=Figure(value=counts.shares, basis="observed", method="shares recorded"),
        potential_reach=Figure(
            value=counts.reach,
            basis="estimated",
            method="sum of the audience declared at each share (audience x shares)",
        ),
        active_ambassadors=Figure(
            value=counts.active, basis="observed", method="members now who shared in the window"
        ),
        active_rate=Figure(
            value=rate, basis="observed", method="active ambassadors / members x 100"
        ),
    )
