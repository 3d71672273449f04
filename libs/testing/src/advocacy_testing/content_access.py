"""Rows of the content service's access read model, written straight into a test's database.

For integration tests of one content room (and `org_a`, the permission table's org A built
straight in the database for in-process checks of a room's rows), where what matters is the
room, not how the read model gets there (test_visibility.py and test_access_projection.py
prove the projection itself with real events). Raw SQL: test support never imports a
service's package.
"""

import uuid
from datetime import UTC, datetime

from sqlalchemy import text

from advocacy_testing.apps import Tenant
from advocacy_testing.identity import user_token
from advocacy_testing.world import World
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


PERSON_ROLES = {
    "org_admin": ["org_admin"],
    "program_manager": ["program_manager"],
    "reviewer": ["reviewer"],
    "analyst": ["analyst"],
    "member": ["employee"],
    "employee": ["employee"],
    "ungranted_manager": ["program_manager"],
}
KEY_SCOPES = {
    "key_programs": ["programs:read"],
    "key_content": ["content:read"],
    "key_metrics": ["metrics:read"],
    "key_other": ["hr:write", "outcomes:write", "events:read"],
}


async def org_a(database_url: str) -> World:
    """Org A as the e2e world has it: P with S and S2, S's member, reviewer and P's manager."""
    org, url = Tenant(), database_url
    people = {name: uuid.uuid4() for name in PERSON_ROLES} | {"org_admin": org.admin_id}
    program = uuid.uuid4()
    subs = [await known_sub_program(url, org_id=org.org_id, program_id=program) for _ in "ab"]
    for sub in subs:
        await member(url, org_id=org.org_id, user_id=people["member"], sub_program_id=sub)
    await grant(
        url, org_id=org.org_id, user_id=people["reviewer"], scope_id=subs[0], role="reviewer"
    )
    await grant(
        url,
        org_id=org.org_id,
        user_id=people["program_manager"],
        scope_id=program,
        role="program_manager",
        scope_type="program",
    )
    headers = {
        name: org.headers(user_id=people[name], roles=roles) for name, roles in PERSON_ROLES.items()
    }
    for name, scopes in KEY_SCOPES.items():
        token = user_token(
            user_id=uuid.uuid4(),
            org_id=org.org_id,
            roles=["integration"],
            kind="api_key",
            scopes=scopes,
        )
        headers[name] = {"Authorization": f"Bearer {token}"}
    headers["operator"] = Tenant().headers(roles=["operator"])
    headers["other_org_admin"] = Tenant().headers(roles=["org_admin"])
    return World(
        headers=headers,
        program_id=str(program),
        sub_program_id=str(subs[0]),
        second_sub_program_id=str(subs[1]),
        published_id="",
        link_code="",
        api_key_id="",
    )


async def _insert(database_url: str, statement: str, **values: object) -> None:
    db = Database(database_url)
    try:
        async with db.transaction() as session:
            await session.execute(text(statement), values)
    finally:
        await db.dispose()
