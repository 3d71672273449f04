"""Who may read and write caption rules, and which programs and sub-programs a caller may name.

A program or sub-program is known when the organisation's access read model has it (a program:
through at least one of its sub-programs); anything else, another organisation's included, is a
404 before any role is looked at.
"""

import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from common.auth import Principal
from common.errors import Forbidden, NotFound
from content.access.visibility import STAFF_ROLES, uncovered_targets
from content.captions import repository


class ScopeNotFound(NotFound):
    code = "scope_not_found"


async def known_program(
    session: AsyncSession, *, principal: Principal, program_id: uuid.UUID
) -> list[uuid.UUID]:
    """The program's sub-programs; 404 if the caller's organisation knows none."""
    subs = await repository.sub_programs_in(session, org_id=principal.org_id, program_id=program_id)
    if not subs:
        raise ScopeNotFound(f"program {program_id} not found", field="program_id")
    return subs


async def known_sub_program(
    session: AsyncSession, *, principal: Principal, sub_program_id: uuid.UUID
) -> uuid.UUID:
    """The sub-program's program; 404 if the caller's organisation does not know it."""
    program = await repository.program_of(
        session, org_id=principal.org_id, sub_program_id=sub_program_id
    )
    if program is None:
        raise ScopeNotFound(f"sub-program {sub_program_id} not found", field="sub_program_id")
    return program


async def require_may_read_rules(
    session: AsyncSession, *, principal: Principal, sub_program_ids: Sequence[uuid.UUID]
) -> None:
    """Org admins and analysts; program managers and reviewers covering one of these."""
    if principal.kind == "user" and principal.has_any("org_admin", "analyst"):
        return
    uncovered = await uncovered_targets(
        session, principal, sub_program_ids=sub_program_ids, roles=STAFF_ROLES
    )
    if len(uncovered) < len(sub_program_ids):
        return
    raise Forbidden(
        "reading caption rules needs the 'org_admin' or 'analyst' role, or a program_manager or "
        "reviewer grant covering them"
    )


async def require_may_write_rules(
    session: AsyncSession, *, principal: Principal, sub_program_ids: Sequence[uuid.UUID]
) -> None:
    """Org admins; program managers whose grants cover every one of these sub-programs."""
    if principal.kind == "user" and principal.is_org_admin:
        return
    uncovered = await uncovered_targets(
        session, principal, sub_program_ids=sub_program_ids, roles=("program_manager",)
    )
    if not uncovered:
        return
    raise Forbidden(
        "writing caption rules needs the 'org_admin' role or a program_manager grant covering "
        "them (for a program's: on the program itself)"
    )
