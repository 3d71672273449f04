"""SCIM queries: employees of one organisation with their SCIM state, the deleted left out."""

import uuid
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import ColumnElement, Select, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from ambassadors.people.models import Employee
from ambassadors.scim.models import ScimUser
from common import upsert

Found = tuple[Employee, ScimUser | None]


def _visible(org_id: uuid.UUID) -> Select[Employee, ScimUser]:
    return (
        select(Employee, ScimUser)
        .outerjoin(ScimUser, col(ScimUser.employee_id) == col(Employee.id))
        .where(col(Employee.org_id) == org_id, col(ScimUser.deleted_at).is_(None))
    )


async def find(
    session: AsyncSession, *, org_id: uuid.UUID, employee_id: uuid.UUID, lock: bool = False
) -> Found | None:
    """An employee SCIM may see; `lock` holds its row until the transaction ends."""
    query = _visible(org_id).where(col(Employee.id) == employee_id)
    if lock and session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(of=Employee)
    # A locked read must see the row as it is now, not as this session loaded it before.
    options = {"populate_existing": True} if lock else {}
    row = (await session.execute(query, execution_options=options)).one_or_none()
    return None if row is None else (row[0], row[1])


async def search(
    session: AsyncSession,
    *,
    org_id: uuid.UUID,
    clause: ColumnElement[bool],
    offset: int,
    limit: int | None,
) -> tuple[int, list[Found]]:
    """How many employees match, and one page of them in creation order."""
    matching = _visible(org_id).where(clause)
    total = (await session.execute(select(func.count()).select_from(matching.subquery()))).scalar()
    page = matching.order_by(col(Employee.created_at), col(Employee.id)).offset(offset)
    rows = (await session.execute(page.limit(limit))).all() if limit != 0 else []
    return int(total or 0), [(row[0], row[1]) for row in rows]


async def state_by_external_id(
    session: AsyncSession, *, org_id: uuid.UUID, external_id: str
) -> Found | None:
    """An employee by HR key, deleted or not, with its SCIM state."""
    query = (
        select(Employee, ScimUser)
        .outerjoin(ScimUser, col(ScimUser.employee_id) == col(Employee.id))
        .where(col(Employee.org_id) == org_id, col(Employee.external_id) == external_id)
    )
    row = (await session.execute(query)).one_or_none()
    return None if row is None else (row[0], row[1])


async def manager_ids(
    session: AsyncSession, *, org_id: uuid.UUID, keys: Iterable[str | None]
) -> dict[str, uuid.UUID]:
    """HR key -> employee id, for the managers that have a record."""
    wanted = {key for key in keys if key}
    if not wanted:
        return {}
    query = select(col(Employee.external_id), col(Employee.id)).where(
        col(Employee.org_id) == org_id, col(Employee.external_id).in_(wanted)
    )
    return {row.external_id: row.id for row in (await session.execute(query)).all()}


async def key_of(session: AsyncSession, *, org_id: uuid.UUID, employee_id: str) -> str | None:
    """The HR key of the employee with this id in the organisation, if any."""
    try:
        wanted = uuid.UUID(employee_id)
    except ValueError:
        return None
    query = select(col(Employee.external_id)).where(
        col(Employee.org_id) == org_id, col(Employee.id) == wanted
    )
    key: str | None = (await session.execute(query)).scalar_one_or_none()
    return key


async def rename(
    session: AsyncSession, *, employee: Employee, external_id: str, now: datetime
) -> Employee | None:
    """Give the employee another HR key (the client changed externalId); a new version."""
    statement = (
        update(Employee)
        .where(
            col(Employee.org_id) == employee.org_id,
            col(Employee.id) == employee.id,
            col(Employee.external_id) == employee.external_id,
        )
        .values(external_id=external_id, version=Employee.version + 1, updated_at=now)
        .returning(Employee)
    )
    result = await session.execute(statement, execution_options={"populate_existing": True})
    renamed: Employee | None = result.scalar_one_or_none()
    return renamed


async def save_state(session: AsyncSession, *, state: ScimUser) -> ScimUser:
    """Write an employee's SCIM state (a new version of it when one exists)."""
    new = upsert.insert(session, ScimUser).values(state.model_dump())
    stored = ScimUser.__table__.c  # type: ignore[attr-defined]
    statement = new.on_conflict_do_update(
        index_elements=["employee_id"],
        set_={
            "external_id_hidden": new.excluded.external_id_hidden,
            "employee_number": new.excluded.employee_number,
            "version": stored.version + 1,
            "updated_at": new.excluded.updated_at,
        },
    ).returning(ScimUser)
    result = await session.execute(statement, execution_options={"populate_existing": True})
    saved: ScimUser = result.scalar_one()
    return saved


async def mark_deleted(
    session: AsyncSession, *, employee: Employee, now: datetime
) -> ScimUser | None:
    """Delete the user for SCIM, once: None when it already was."""
    row = ScimUser(employee_id=employee.id, org_id=employee.org_id, deleted_at=now, updated_at=now)
    new = upsert.insert(session, ScimUser).values(row.model_dump())
    stored = ScimUser.__table__.c  # type: ignore[attr-defined]
    statement = new.on_conflict_do_update(
        index_elements=["employee_id"],
        set_={"deleted_at": now, "version": stored.version + 1, "updated_at": now},
        where=stored.deleted_at.is_(None),
    ).returning(ScimUser)
    result = await session.execute(statement, execution_options={"populate_existing": True})
    deleted: ScimUser | None = result.scalar_one_or_none()
    return deleted


async def state(session: AsyncSession, *, employee_id: uuid.UUID) -> ScimUser | None:
    return await session.get(ScimUser, employee_id)


async def erase_number(session: AsyncSession, *, employee_id: uuid.UUID) -> None:
    """Forget a departed employee's number; an employed person's stays HR's."""
    departed = select(col(Employee.id)).where(
        col(Employee.id) == employee_id, col(Employee.employment_status) == "left"
    )
    await session.execute(
        update(ScimUser).where(col(ScimUser.employee_id).in_(departed)).values(employee_number=None)
    )


async def undelete(
    session: AsyncSession, *, employee_id: uuid.UUID, now: datetime
) -> ScimUser | None:
    """Bring back a user SCIM deleted (created again), once: None when it is not deleted."""
    statement = (
        update(ScimUser)
        .where(col(ScimUser.employee_id) == employee_id, col(ScimUser.deleted_at).is_not(None))
        .values(deleted_at=None, version=ScimUser.version + 1, updated_at=now)
        .returning(ScimUser)
    )
    result = await session.execute(statement, execution_options={"populate_existing": True})
    undeleted: ScimUser | None = result.scalar_one_or_none()
    return undeleted
