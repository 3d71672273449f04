"""What the imports room holds about a person: the imports they uploaded (their id as
`created_by`) and the error rows naming their HR external id. The uploaded files hold many
people's data but only while their job runs: the job's end deletes them."""

from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from ambassadors.imports.models import CsvImport, CsvImportError
from ambassadors.people.models import Employee
from ambassadors.privacy.personal_data import PersonalData, PersonRef

ROW_CAP = 10_000  # an export is one bounded answer


async def _external_id(session: AsyncSession, person: PersonRef) -> str | None:
    if person.employee_id is None:
        return None
    employee = await session.get(Employee, person.employee_id)
    return employee.external_id if employee is not None else None


async def export(session: AsyncSession, person: PersonRef) -> Any:
    """The imports they uploaded and the rows of theirs that were refused; None when neither."""
    uploaded: list[CsvImport] = []
    if person.user_id is not None:
        jobs = select(CsvImport).where(
            CsvImport.org_id == person.org_id, CsvImport.created_by == person.user_id
        )
        uploaded = list((await session.execute(jobs.limit(ROW_CAP))).scalars().all())
    refused: list[CsvImportError] = []
    external_id = await _external_id(session, person)
    if external_id is not None:
        rows = select(CsvImportError).where(
            CsvImportError.org_id == person.org_id, CsvImportError.external_id == external_id
        )
        refused = list((await session.execute(rows.limit(ROW_CAP))).scalars().all())
    if not uploaded and not refused:
        return None
    return {
        "uploaded": [
            job.model_dump(mode="json", include={"id", "file_name", "status", "created_at"})
            for job in uploaded
        ],
        "refused_rows": [
            row.model_dump(mode="json", include={"import_id", "row_number", "errors"})
            for row in refused
        ],
    }


async def erase(session: AsyncSession, person: PersonRef) -> None:
    """Their imports stay, uploaded by nobody; the error rows naming them go."""
    if person.user_id is not None:
        await session.execute(
            update(CsvImport)
            .where(
                col(CsvImport.org_id) == person.org_id,
                col(CsvImport.created_by) == person.user_id,
            )
            .values(created_by=None)
        )
    external_id = await _external_id(session, person)
    if external_id is not None:
        await session.execute(
            delete(CsvImportError).where(
                col(CsvImportError.org_id) == person.org_id,
                col(CsvImportError.external_id) == external_id,
            )
        )


PERSONAL_DATA = PersonalData(section="csv_imports", export=export, erase=erase)
