"""Rows of the content service's access read model, written straight into a test's database.

For integration tests of one content room, where what matters is the room, not how the read
model gets there (test_visibility.py and test_access_projection.py prove the projection itself
with real events). Raw SQL: test support never imports a service's package.
"""

import uuid
from datetime import UTC, datetime

from sqlalchemy import text

from common.db import Database


async def known_sub_program(
    database_url: str, *, org_id: uuid.UUID, program_id: uuid.UUID | None = None
) -> uuid.UUID:
    """A sub-program (of a new program unless given) that content knows for this org."""
    sub_program_id = uuid.uuid4()
    await _insert(
        database_url,
        "INSERT INTO access_sub_programs (sub_program_id, program_id, org_id) "
        "VALUES (:sub, :program, :org)",
        sub=sub_program_id,
        program=program_id or uuid.uuid4(),
        org=org_id,
    )
    return sub_program_id


async def member(
    database_url: str, *, org_id: uuid.UUID, user_id: uuid.UUID, sub_program_id: uuid.UUID
) -> None:
    """The person is a member of the sub-program."""
    await _insert(
        database_url,
        "INSERT INTO access_memberships (user_id, sub_program_id, org_id, is_member, changed_at) "
        "VALUES (:user, :sub, :org, true, :at)",
        user=user_id,
        sub=sub_program_id,
        org=org_id,
        at=datetime.now(UTC),
    )


async def grant(
    database_url: str,
    *,
    org_id: uuid.UUID,
    user_id: uuid.UUID,
    scope_id: uuid.UUID,
    role: str,
    scope_type: str = "sub_program",
) -> None:
    """A program_manager or reviewer grant on a sub-program (or a program)."""
    await _insert(
        database_url,
        "INSERT INTO access_staff_grants "
        "(user_id, scope_id, role, scope_type, org_id, is_granted, changed_at) "
        "VALUES (:user, :scope, :role, :scope_type, :org, true, :at)",
        user=user_id,
        scope=scope_id,
        role=role,
        scope_type=scope_type,
        org=org_id,
        at=datetime.now(UTC),
    )


async def _insert(database_url: str, statement: str, **values: object) -> None:
    db = Database(database_url)
    try:
        async with db.transaction() as session:
            await session.execute(text(statement), values)
    finally:
        await db.dispose()
