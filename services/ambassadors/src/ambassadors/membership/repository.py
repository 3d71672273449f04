"""Program membership and invitation queries, every one scoped by organisation; who joined,
who was invited and which answer counted are decided by the database."""

import uuid
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from ambassadors.membership.models import OPEN, Invitation, ProgramMember
from ambassadors.models import Ambassador, Membership
from ambassadors.people.models import Employee
from ambassadors.staff.access import Scope
from common import upsert
from common.pagination import PageParams, newest_first


async def enter_program(session: AsyncSession, *, member: ProgramMember) -> ProgramMember | None:
    """Insert the membership, or renew one the person had left; None if they are a member.

    A concurrent twin waits on the row and then sees it current: one joins, the other is told.
    """
    new = upsert.insert(session, ProgramMember).values(member.model_dump())
    stored = ProgramMember.__table__.c  # type: ignore[attr-defined]
    statement = new.on_conflict_do_update(
        index_elements=["program_id", "ambassador_id"],
        set_={"joined_at": new.excluded.joined_at, "left_at": None},
        where=stored.left_at.is_not(None),
    ).returning(ProgramMember)
    result = await session.execute(statement, execution_options={"populate_existing": True})
    entered: ProgramMember | None = result.scalar_one_or_none()
    return entered


async def end_program_memberships(
    session: AsyncSession,
    *,
    ambassador_id: uuid.UUID,
    program_ids: Collection[uuid.UUID] | None,
    at: datetime,
) -> list[ProgramMember]:
    """Mark the ambassador's current memberships (of `program_ids`, or all) left; returns those
    this statement ended (a twin call ends none)."""
    statement = update(ProgramMember).where(
        col(ProgramMember.ambassador_id) == ambassador_id, col(ProgramMember.left_at).is_(None)
    )
    if program_ids is not None:
        statement = statement.where(col(ProgramMember.program_id).in_(list(program_ids)))
    result = await session.execute(
        statement.values(left_at=at).returning(ProgramMember),
        execution_options={"populate_existing": True},
    )
    return list(result.scalars().all())


async def current_membership(
    session: AsyncSession, *, program_id: uuid.UUID, ambassador_id: uuid.UUID
) -> ProgramMember | None:
    """The ambassador's membership of the program, unless they left it."""
    query = select(ProgramMember).where(
        ProgramMember.program_id == program_id,
        ProgramMember.ambassador_id == ambassador_id,
        col(ProgramMember.left_at).is_(None),
    )
    return (await session.execute(query)).scalar_one_or_none()


def person_of(employee: Any) -> ColumnElement[bool]:
    """The ambassador row of an employee (same organisation, linked sign-in)."""
    return and_(
        col(Ambassador.org_id) == employee.org_id, col(Ambassador.user_id) == employee.user_id
    )


def is_member_of(scope: Scope, employee: Any) -> ColumnElement[bool]:
    """The employee is a current member of the scope (a correlated EXISTS)."""
    if scope.type == "program":
        return exists().where(
            col(ProgramMember.ambassador_id) == Ambassador.id,
            col(ProgramMember.program_id) == scope.id,
            col(ProgramMember.left_at).is_(None),
            person_of(employee),
        )
    return exists().where(
        col(Membership.ambassador_id) == Ambassador.id,
        col(Membership.sub_program_id) == scope.id,
        person_of(employee),
    )


def left_program(program_id: uuid.UUID, employee: Any) -> ColumnElement[bool]:
    """The employee opted out of (or was taken out of) the program at some point."""
    return exists().where(
        col(ProgramMember.ambassador_id) == Ambassador.id,
        col(ProgramMember.program_id) == program_id,
        col(ProgramMember.left_at).is_not(None),
        person_of(employee),
    )


def was_invited_to(scope_id: uuid.UUID, employee: Any) -> ColumnElement[bool]:
    """Any invitation of the employee to the scope, whatever its answer."""
    return exists().where(
        col(Invitation.employee_id) == employee.id, col(Invitation.scope_id) == scope_id
    )


async def employees(
    session: AsyncSession, *, org_id: uuid.UUID, ids: Collection[uuid.UUID]
) -> list[Employee]:
    """The organisation's employees among `ids`, share-locked on PostgreSQL: a departure
    decided meanwhile waits for this transaction, then closes what it opened."""
    query = select(Employee).where(Employee.org_id == org_id, col(Employee.id).in_(list(ids)))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(read=True)
    return list((await session.execute(query)).scalars().all())


async def members_among(
    session: AsyncSession, *, scope: Scope, employee_ids: Collection[uuid.UUID]
) -> list[uuid.UUID]:
    """Which of these employees already are members of the scope."""
    query = select(Employee.id).where(
        col(Employee.id).in_(list(employee_ids)), is_member_of(scope, Employee)
    )
    return list((await session.execute(query)).scalars().all())


async def add_invitations(session: AsyncSession, rows: Sequence[Invitation]) -> list[Invitation]:
    """Insert invitations; a person who already has an open one to the scope is skipped."""
    if not rows:
        return []
    statement = (
        upsert.insert(session, Invitation)
        .values([row.model_dump() for row in rows])
        .on_conflict_do_nothing(index_elements=["scope_id", "employee_id"], index_where=OPEN)
        .returning(Invitation)
    )
    return list((await session.execute(statement)).scalars().all())


async def decide(
    session: AsyncSession,
    *,
    org_id: uuid.UUID,
    invitation_id: uuid.UUID,
    status: str,
    by: uuid.UUID | None,
    at: datetime,
    employee_id: uuid.UUID | None = None,
) -> Invitation | None:
    """Answer an open invitation in one conditional UPDATE; None when it is not open (any more)
    or not this employee's. Of two racing answers exactly one gets the row."""
    statement = update(Invitation).where(
        col(Invitation.org_id) == org_id,
        col(Invitation.id) == invitation_id,
        col(Invitation.status) == "open",
    )
    if employee_id is not None:
        statement = statement.where(col(Invitation.employee_id) == employee_id)
    result = await session.execute(
        statement.values(status=status, decided_by=by, decided_at=at).returning(Invitation),
        execution_options={"populate_existing": True},
    )
    decided: Invitation | None = result.scalar_one_or_none()
    return decided


async def settle_open(
    session: AsyncSession,
    *,
    employee_id: uuid.UUID,
    scope_ids: Collection[uuid.UUID],
    by: uuid.UUID,
    at: datetime,
) -> None:
    """A person who joined by themselves answered their open invitations to those scopes."""
    await session.execute(
        update(Invitation)
        .where(
            col(Invitation.employee_id) == employee_id,
            col(Invitation.scope_id).in_(list(scope_ids)),
            col(Invitation.status) == "open",
        )
        .values(status="accepted", decided_by=by, decided_at=at)
    )


async def get_invitation(
    session: AsyncSession,
    *,
    org_id: uuid.UUID,
    invitation_id: uuid.UUID,
    employee_id: uuid.UUID | None = None,
) -> Invitation | None:
    """One invitation of the organisation (of one employee, when given)."""
    query = select(Invitation).where(Invitation.org_id == org_id, Invitation.id == invitation_id)
    if employee_id is not None:
        query = query.where(Invitation.employee_id == employee_id)
    return (await session.execute(query)).scalar_one_or_none()


async def list_invitations(
    session: AsyncSession,
    *,
    org_id: uuid.UUID,
    page: PageParams,
    status: str | None = None,
    program_id: uuid.UUID | None = None,
    scope_id: uuid.UUID | None = None,
    employee_id: uuid.UUID | None = None,
) -> list[Invitation]:
    """Invitations of the organisation, newest first, narrowed by what is given."""
    query = select(Invitation).where(Invitation.org_id == org_id)
    for column, value in (
        (Invitation.status, status),
        (Invitation.program_id, program_id),
        (Invitation.scope_id, scope_id),
        (Invitation.employee_id, employee_id),
    ):
        if value is not None:
            query = query.where(column == value)
    rows = await session.execute(newest_first(query, model=Invitation, page=page))
    return list(rows.scalars().all())


async def departments(
    session: AsyncSession, *, org_id: uuid.UUID, employee_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, str | None]:
    """Each employee's department (the events' filter header)."""
    query = select(Employee.id, Employee.department).where(
        Employee.org_id == org_id, col(Employee.id).in_(list(employee_ids))
    )
    return {row.id: row.department for row in (await session.execute(query)).all()}
