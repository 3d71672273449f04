"""One chunk of an import: its rows judged (outside any transaction), then, in the chunk's
transaction, its good rows upserted through the people service and its bad rows recorded."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from ambassadors.imports import csv_file
from ambassadors.imports.csv_file import Row, RowError
from ambassadors.people import service as people
from ambassadors.people.schemas import EmployeeRecord

SOURCE = "csv"


@dataclass
class Seen:
    """Each external id and user name of the file so far, with the first row that had it: a
    person appears once per file (a later row with the same id or sign-in name is an error)."""

    external_ids: dict[str, int] = field(default_factory=dict)
    user_names: dict[str, int] = field(default_factory=dict)

    def claim(self, row: Row, *, columns: tuple[str, ...]) -> list[dict[str, str]]:
        """Note the row's keys; the errors of those another row had first."""
        if len(row.cells) != len(columns):
            return []
        errors = []
        cells = dict(zip(columns, row.cells, strict=True))
        for name, known in (("external_id", self.external_ids), ("user_name", self.user_names)):
            key = cells.get(name, "").strip()
            key = key.lower() if name == "user_name" else key  # stored lower-cased
            if not key:
                continue
            first = known.setdefault(key, row.number)
            if first != row.number:
                errors.append({"field": name, "message": f"already on row {first} of this file"})
        return errors


@dataclass
class Judged:
    """A chunk's rows sorted: records to upsert (with their row numbers) and errors."""

    records: list[tuple[int, EmployeeRecord]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def judge(rows: list[Row], *, columns: tuple[str, ...], seen: Seen) -> Judged:
    """Validate each row and refuse the ones repeating a person seen earlier in the file."""
    judged = Judged()
    for row in rows:
        duplicate = seen.claim(row, columns=columns)
        outcome = csv_file.record(row, columns=columns)
        if isinstance(outcome, RowError):
            judged.errors.append(
                RowError(row.number, outcome.external_id, outcome.errors + duplicate)
            )
        elif duplicate:
            judged.errors.append(RowError(row.number, outcome.external_id, duplicate))
        else:
            judged.records.append((row.number, outcome))
    return judged


async def apply(session: AsyncSession, *, org_id: uuid.UUID, judged: Judged) -> int:
    """Upsert the chunk's records in one statement; how many employees changed. A user name
    another employee already holds fails that statement: then row by row, to name the rows."""
    records = [record for _, record in judged.records]
    try:
        async with session.begin_nested():
            return len(await people.sync(session, org_id=org_id, records=records, source=SOURCE))
    except IntegrityError:
        pass
    changed = 0
    for number, record in judged.records:
        try:
            async with session.begin_nested():
                changed += len(
                    await people.sync(session, org_id=org_id, records=[record], source=SOURCE)
                )
        except IntegrityError:
            message = f"another employee already signs in as {record.user_name!r}"
            error = RowError(
                number, record.external_id, [{"field": "user_name", "message": message}]
            )
            judged.errors.append(error)
    return changed


def error_rows(
    errors: list[RowError], *, org_id: uuid.UUID, import_id: uuid.UUID, now: datetime
) -> list[dict[str, Any]]:
    """The csv_import_errors rows of a chunk's errors."""
    return [
        {
            "id": uuid.uuid4(),
            "org_id": org_id,
            "import_id": import_id,
            "row_number": error.number,
            "external_id": error.external_id[:200] if error.external_id else None,
            "errors": error.errors,
            "created_at": now,
        }
        for error in errors
    ]
