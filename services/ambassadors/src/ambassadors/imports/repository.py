"""Import job queries, every one scoped by organisation or by the lease that holds the job."""

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, func, or_, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from ambassadors.imports.models import (
    FAILED,
    QUEUED,
    RUNNING,
    SUCCEEDED,
    CsvImport,
    CsvImportError,
    CsvImportFile,
)
from common import upsert
from common.pagination import PageParams, newest_first


async def add_job(session: AsyncSession, *, job: CsvImport, content: bytes) -> None:
    session.add(job)
    await session.flush()  # the file's foreign key needs the job first
    session.add(CsvImportFile(import_id=job.id, org_id=job.org_id, content=content))
    await session.flush()


async def get_job(
    session: AsyncSession, *, org_id: uuid.UUID, import_id: uuid.UUID
) -> CsvImport | None:
    query = select(CsvImport).where(CsvImport.org_id == org_id, CsvImport.id == import_id)
    return (await session.execute(query)).scalar_one_or_none()


async def list_jobs(
    session: AsyncSession, *, org_id: uuid.UUID, page: PageParams, status: str | None
) -> list[CsvImport]:
    query = select(CsvImport).where(CsvImport.org_id == org_id)
    if status is not None:
        query = query.where(CsvImport.status == status)
    rows = await session.execute(newest_first(query, model=CsvImport, page=page))
    return list(rows.scalars().all())


async def list_errors(
    session: AsyncSession, *, org_id: uuid.UUID, import_id: uuid.UUID, after_row: int, limit: int
) -> list[CsvImportError]:
    """Error rows in file order after a row number, one more than asked (for the next page)."""
    query = (
        select(CsvImportError)
        .where(
            CsvImportError.org_id == org_id,
            CsvImportError.import_id == import_id,
            col(CsvImportError.row_number) > after_row,
        )
        .order_by(col(CsvImportError.row_number))
        .limit(limit + 1)
    )
    return list((await session.execute(query)).scalars().all())


def _claimable(now: datetime) -> ColumnElement[bool]:
    abandoned = and_(col(CsvImport.status) == RUNNING, col(CsvImport.lease_until) < now)
    return or_(col(CsvImport.status) == QUEUED, abandoned)


async def claim(
    session: AsyncSession, *, token: uuid.UUID, now: datetime, until: datetime
) -> CsvImport | None:
    """Lease the oldest queued job, or a running one whose worker's lease ran out. One worker
    wins each job: the others skip the locked row, and the condition is checked again under
    the lock."""
    oldest = select(col(CsvImport.id)).where(_claimable(now)).order_by(col(CsvImport.created_at))
    oldest = oldest.limit(1)
    if session.get_bind().dialect.name == "postgresql":
        oldest = oldest.with_for_update(skip_locked=True)
    statement = (
        update(CsvImport)
        .where(col(CsvImport.id) == oldest.scalar_subquery(), _claimable(now))
        .values(
            status=RUNNING,
            lease_token=token,
            lease_until=until,
            attempts=col(CsvImport.attempts) + 1,
            started_at=func.coalesce(col(CsvImport.started_at), now),
            updated_at=now,
        )
        .returning(CsvImport)
    )
    result = await session.execute(statement, execution_options={"populate_existing": True})
    job: CsvImport | None = result.scalar_one_or_none()
    return job


async def file_content(session: AsyncSession, *, import_id: uuid.UUID) -> bytes | None:
    query = select(col(CsvImportFile.content)).where(col(CsvImportFile.import_id) == import_id)
    content: bytes | None = (await session.execute(query)).scalar_one_or_none()
    return content


async def hold(
    session: AsyncSession,
    *,
    import_id: uuid.UUID,
    token: uuid.UUID,
    at_row: int,
    until: datetime,
    now: datetime,
) -> bool:
    """Renew the lease if it is still ours and the checkpoint is where we left it; the row stays
    locked until our transaction ends, so nobody else advances it meanwhile."""
    statement = (
        update(CsvImport)
        .where(
            col(CsvImport.id) == import_id,
            col(CsvImport.status) == RUNNING,
            col(CsvImport.lease_token) == token,
            col(CsvImport.rows_done) == at_row,
        )
        .values(lease_until=until, updated_at=now)
        .returning(col(CsvImport.id))
    )
    return (await session.execute(statement)).first() is not None


async def advance(
    session: AsyncSession,
    *,
    import_id: uuid.UUID,
    rows_done: int,
    failed: int,
    changed: int,
    finished: bool,
    now: datetime,
) -> None:
    """Move the checkpoint (the caller holds the job); the last chunk ends the job."""
    values: dict[str, Any] = {
        "rows_done": rows_done,
        "rows_failed": col(CsvImport.rows_failed) + failed,
        "rows_changed": col(CsvImport.rows_changed) + changed,
        "updated_at": now,
    }
    if finished:
        values |= {
            "status": SUCCEEDED,
            "finished_at": now,
            "lease_token": None,
            "lease_until": None,
        }
    await session.execute(update(CsvImport).where(col(CsvImport.id) == import_id).values(values))
    if finished:
        await _forget_file(session, import_id=import_id)


async def fail(
    session: AsyncSession, *, import_id: uuid.UUID, token: uuid.UUID, error: str, now: datetime
) -> None:
    """End a job we hold as failed (what was committed stays); its file is dropped."""
    statement = (
        update(CsvImport)
        .where(col(CsvImport.id) == import_id, col(CsvImport.lease_token) == token)
        .values(
            status=FAILED,
            error=error,
            finished_at=now,
            updated_at=now,
            lease_token=None,
            lease_until=None,
        )
        .returning(col(CsvImport.id))
    )
    if (await session.execute(statement)).first() is not None:
        await _forget_file(session, import_id=import_id)


async def release(
    session: AsyncSession, *, import_id: uuid.UUID, token: uuid.UUID, now: datetime
) -> None:
    """Give a job we hold back at once (after an error): the next tick may retry it."""
    await session.execute(
        update(CsvImport)
        .where(col(CsvImport.id) == import_id, col(CsvImport.lease_token) == token)
        .values(lease_until=now, updated_at=now)
    )


async def record_errors(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Store error rows; one already stored for that row (a retried chunk) is kept."""
    if not rows:
        return
    statement = upsert.insert(session, CsvImportError).values(list(rows))
    await session.execute(
        statement.on_conflict_do_nothing(index_elements=["import_id", "row_number"])
    )


async def _forget_file(session: AsyncSession, *, import_id: uuid.UUID) -> None:
    # The file holds many people's personal data: kept only as long as the job needs it.
    await session.execute(delete(CsvImportFile).where(col(CsvImportFile.import_id) == import_id))
