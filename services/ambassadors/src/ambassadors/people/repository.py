"""Employee queries, every one scoped by organisation; upserts decided by the database."""

import hashlib
import json
import uuid
from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any

import orjson
from sqlalchemy import JSON, Text, bindparam, case, cast, func, update
from sqlalchemy import select as select_columns
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from ambassadors.people.models import Employee, RetentionPolicy
from ambassadors.people.schemas import EmployeeRecord
from common import upsert
from common.pagination import PageParams, newest_first

# The HR fields an upsert writes; a digest of them decides whether anything changed.
HR_FIELDS = tuple(name for name in EmployeeRecord.model_fields if name != "external_id")
_COLUMNS = tuple(column.name for column in Employee.__table__.columns)  # type: ignore[attr-defined]
_JSON = frozenset({"active_networks"})  # sent to PostgreSQL as JSON text: lists would be 2-D arrays


def fingerprint(record: EmployeeRecord) -> str:
    """A stable digest of what HR says about the person (same record, same digest)."""
    canonical = json.dumps(record.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def record_of(employee: Employee) -> EmployeeRecord:
    """What HR's record of a stored employee says (the fields a fingerprint digests); stored
    values were validated when written, so they are taken as they are."""
    return EmployeeRecord.model_construct(
        **employee.model_dump(include={"external_id", *HR_FIELDS})
    )


def row_of(
    record: EmployeeRecord, *, org_id: uuid.UUID, source: str, now: datetime
) -> dict[str, Any]:
    """The employees row an upsert inserts for a record (also its update values)."""
    left = record.employment_status == "left"
    return {
        "id": uuid.uuid4(),
        "org_id": org_id,
        "external_id": record.external_id,
        **record.model_dump(include=set(HR_FIELDS), mode="python"),
        "active_networks": [str(n) for n in record.active_networks],
        "hire_date": record.hire_date,
        "user_id": None,
        "fingerprint": fingerprint(record),
        "version": 1,
        "source": source,
        "left_at": now if left else None,
        "erase_after": None,
        "erased_at": None,
        "created_at": now,
        "updated_at": now,
    }


async def upsert_employees(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> list[Employee]:
    """Insert or update employees by (org, external id) in one statement; returns only the rows
    that were created or really changed (an identical record writes nothing).

    A departure keeps its first `left_at`; a rehire (left -> active) clears the departure.
    The rows' external ids must be distinct within one call.
    """
    if not rows:
        return []
    options = {"populate_existing": True}
    if session.get_bind().dialect.name == "postgresql":
        params = {name: [row[name] for row in rows] for name in _COLUMNS}
        params["active_networks"] = [orjson.dumps(n).decode() for n in params["active_networks"]]
        # As a SELECT of employees: an INSERT given parameters would be an ORM bulk insert.
        statement = select(Employee).from_statement(_unnested_upsert())
        result = await session.execute(statement, params, execution_options=options)
    else:
        statement = _on_conflict(upsert.insert(session, Employee).values(list(rows)))
        result = await session.execute(statement, execution_options=options)
    return list(result.scalars().all())


@cache
def _unnested_upsert() -> Any:
    """The PostgreSQL upsert with one array per column (through unnest): the same statement for
    every batch, compiled once. A multi-VALUES statement has a bind parameter per row and column
    and is compiled anew for every batch: most of a large sync's time went there."""
    table = Employee.__table__  # type: ignore[attr-defined]
    arrays = [
        bindparam(c.name, type_=postgresql.ARRAY(Text() if c.name in _JSON else c.type))
        for c in table.columns
    ]
    unnested = func.unnest(*arrays).table_valued(*_COLUMNS).render_derived()
    columns = (cast(unnested.c[n], JSON) if n in _JSON else unnested.c[n] for n in _COLUMNS)
    values = select_columns(*columns)
    return _on_conflict(postgresql.insert(Employee).from_select(list(_COLUMNS), values))


def _on_conflict(new: upsert.Upsert) -> Any:
    """What a known (org, external id) gets: HR's fields, only when its digest differs."""
    stored = Employee.__table__.c  # type: ignore[attr-defined]
    became_left = (new.excluded.employment_status == "left") & (stored.employment_status != "left")
    still_left = (new.excluded.employment_status == "left") & (stored.employment_status == "left")
    return new.on_conflict_do_update(
        index_elements=["org_id", "external_id"],
        set_={
            **{name: new.excluded[name] for name in HR_FIELDS},
            "fingerprint": new.excluded.fingerprint,
            "source": new.excluded.source,
            "version": stored.version + 1,
            "updated_at": new.excluded.updated_at,
            "left_at": case(
                (became_left, new.excluded.left_at), (still_left, stored.left_at), else_=None
            ),
            "erase_after": case((still_left, stored.erase_after), else_=None),
            "erased_at": case((still_left, stored.erased_at), else_=None),
        },
        where=stored.fingerprint != new.excluded.fingerprint,
    ).returning(Employee)


async def get_employee(
    session: AsyncSession, *, org_id: uuid.UUID, employee_id: uuid.UUID
) -> Employee | None:
    query = select(Employee).where(Employee.org_id == org_id, Employee.id == employee_id)
    return (await session.execute(query)).scalar_one_or_none()


async def by_external_id(
    session: AsyncSession, *, org_id: uuid.UUID, external_id: str
) -> Employee | None:
    query = select(Employee).where(Employee.org_id == org_id, Employee.external_id == external_id)
    return (await session.execute(query)).scalar_one_or_none()


async def by_user(
    session: AsyncSession, *, org_id: uuid.UUID, user_id: uuid.UUID
) -> Employee | None:
    """The employee record linked to a signed-in person (the newest if HR made several)."""
    query = (
        select(Employee)
        .where(Employee.org_id == org_id, Employee.user_id == user_id)
        .order_by(col(Employee.updated_at).desc())
        .limit(1)
    )
    return (await session.execute(query)).scalar_one_or_none()


async def link_user(
    session: AsyncSession, *, org_id: uuid.UUID, user_name: str, user_id: uuid.UUID
) -> Employee | None:
    """Link the record whose user_name the person signed in with, once (conditional UPDATE)."""
    statement = (
        update(Employee)
        .where(
            col(Employee.org_id) == org_id,
            col(Employee.user_name) == user_name,
            col(Employee.user_id).is_(None),
        )
        .values(user_id=user_id)
        .returning(Employee)
    )
    result = await session.execute(statement, execution_options={"populate_existing": True})
    linked: Employee | None = result.scalar_one_or_none()
    return linked


async def list_employees(
    session: AsyncSession,
    *,
    org_id: uuid.UUID,
    page: PageParams,
    department: str | None = None,
    employment_status: str | None = None,
    external_id: str | None = None,
    user_name: str | None = None,
) -> list[Employee]:
    query = select(Employee).where(Employee.org_id == org_id)
    for column, value in (
        (Employee.department, department),
        (Employee.employment_status, employment_status),
        (Employee.external_id, external_id),
        (Employee.user_name, user_name.lower() if user_name else None),
    ):
        if value is not None:
            query = query.where(column == value)
    rows = await session.execute(newest_first(query, model=Employee, page=page))
    return list(rows.scalars().all())


async def retention_policy(session: AsyncSession, *, org_id: uuid.UUID) -> RetentionPolicy | None:
    return await session.get(RetentionPolicy, org_id)


async def save_retention_policy(
    session: AsyncSession, *, policy: RetentionPolicy
) -> RetentionPolicy:
    new = upsert.insert(session, RetentionPolicy).values(policy.model_dump())
    statement = new.on_conflict_do_update(
        index_elements=["org_id"],
        set_={
            "erase_after_days": new.excluded.erase_after_days,
            "updated_by": new.excluded.updated_by,
            "updated_at": new.excluded.updated_at,
        },
    ).returning(RetentionPolicy)
    result = await session.execute(statement, execution_options={"populate_existing": True})
    saved: RetentionPolicy = result.scalar_one()
    return saved


async def schedule_erasure(
    session: AsyncSession, *, employee_id: uuid.UUID, erase_after: datetime
) -> None:
    await session.execute(
        update(Employee).where(col(Employee.id) == employee_id).values(erase_after=erase_after)
    )


async def due_for_erasure(session: AsyncSession, *, now: datetime, limit: int) -> list[Employee]:
    """Departed employees whose retention ran out, oldest first; locked for this worker only."""
    query = (
        select(Employee)
        .where(
            col(Employee.erase_after) <= now,
            col(Employee.erased_at).is_(None),
            Employee.employment_status == "left",
        )
        .order_by(col(Employee.erase_after))
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list((await session.execute(query)).scalars().all())
