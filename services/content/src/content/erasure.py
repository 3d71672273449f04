"""Erasure (ambassadors.ambassador.erased.v1): a person's id leaves every table of the service.

Every column that names a person (PERSON_COLUMNS) in any table with an org_id is rewritten to
one pseudonym drawn for this erasure: what they wrote, reviewed or posted stays (and still
counts), but no longer says who. The access read model's rows of the person are deleted. New
tables are covered by naming their person columns like these.
"""

import uuid
from collections.abc import Sequence

from sqlalchemy import Table, delete, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel

import content.tables  # noqa: F401 - every table of the service is in the metadata
from common.events.contracts.people import AmbassadorErasedV1

PERSON_COLUMNS = frozenset(
    {
        "created_by",
        "updated_by",
        "user_id",
        "author_id",
        "approved_by",
        "reviewed_by",
        "requested_by",
        "assignee_id",
        "published_by",
        "decided_by",
        "cancelled_by",
        "revised_by",
    }
)
# A person's rows of the access read model: deleted, not pseudonymised (they grant nothing).
ACCESS_TABLES = frozenset({"access_memberships", "access_staff_grants"})


def _own_tables() -> list[Table]:
    """This service's tables only: the metadata is shared by every model imported in the
    process (a test run imports all services'), and other services' tables are not ours."""
    tables: dict[str, Table] = {}
    classes = list(SQLModel.__subclasses__())
    while classes:
        model = classes.pop()
        classes.extend(model.__subclasses__())
        table = getattr(model, "__table__", None)
        if isinstance(table, Table) and model.__module__.startswith("content."):
            tables[table.name] = table
    return [tables[name] for name in sorted(tables)]


def _person_tables() -> list[tuple[Table, list[str]]]:
    found = []
    for table in _own_tables():
        if "org_id" not in table.c or table.name in ACCESS_TABLES:
            continue
        columns = sorted(PERSON_COLUMNS & set(table.c.keys()))
        if columns:
            found.append((table, columns))
    return found


async def forget(session: AsyncSession, *, events: Sequence[AmbassadorErasedV1]) -> None:
    """Rewrite each erased person's id to a fresh pseudonym, everywhere it appears."""
    for event in events:
        if event.user_id is None:
            continue  # never signed in: no row here names them
        pseudonym = uuid.uuid4()
        for table, columns in _person_tables():
            for name in columns:
                await session.execute(
                    update(table)
                    .where(table.c.org_id == event.org_id, table.c[name] == event.user_id)
                    .values({name: pseudonym})
                )
        for table in _own_tables():
            if table.name in ACCESS_TABLES:
                await session.execute(
                    delete(table).where(
                        table.c.org_id == event.org_id, table.c.user_id == event.user_id
                    )
                )
