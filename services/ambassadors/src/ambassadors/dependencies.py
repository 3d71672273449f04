"""Reusable existence and caller checks for ambassadors routes.

Order matters and is the same everywhere: an object of another organisation (or none) is a
404 before anything else; then a caller without the right kind of credential or role is a 403.
"""

import uuid
from typing import Annotated

from fastapi import Depends

from ambassadors import repository
from ambassadors.errors import ProgramNotFound, SubProgramNotFound
from ambassadors.models import Ambassador, Program, SubProgram
from common.auth import Principal, Role
from common.dependencies import CurrentPrincipal, DbSession
from common.errors import Forbidden

# Every role a person of an organisation can hold (not integration keys, not platform operators).
PERSON_ROLES: tuple[Role, ...] = ("org_admin", "program_manager", "reviewer", "analyst", "employee")


async def valid_program_id(
    program_id: uuid.UUID, session: DbSession, principal: CurrentPrincipal
) -> Program:
    """The path's program, if it belongs to the caller's organisation."""
    program = await repository.get_program(session, org_id=principal.org_id, program_id=program_id)
    if program is None:
        raise ProgramNotFound(f"program {program_id} not found", field="program_id")
    return program


async def valid_sub_program_id(
    sub_program_id: uuid.UUID, session: DbSession, principal: CurrentPrincipal
) -> SubProgram:
    """The path's sub-program, if it belongs to the caller's organisation."""
    sub = await repository.get_sub_program(
        session, org_id=principal.org_id, sub_program_id=sub_program_id
    )
    if sub is None:
        raise SubProgramNotFound(f"sub-program {sub_program_id} not found", field="sub_program_id")
    return sub


async def person(principal: CurrentPrincipal) -> Principal:
    """The caller, if a person of the organisation (any person role; no API key)."""
    if principal.kind != "user":
        raise Forbidden("API keys cannot use this route")
    principal.require(*PERSON_ROLES)
    return principal


async def program_reader(principal: CurrentPrincipal) -> Principal:
    """The caller, if a person of the organisation or an API key with programs:read."""
    principal.require_any(*PERSON_ROLES, scope="programs:read")
    return principal


async def employee(principal: CurrentPrincipal) -> Principal:
    """The caller, if a person with the employee role: only they act as an ambassador."""
    if principal.kind != "user":
        raise Forbidden("API keys cannot use this route")
    principal.require("employee")
    return principal


Person = Annotated[Principal, Depends(person)]
ProgramReader = Annotated[Principal, Depends(program_reader)]
Employee = Annotated[Principal, Depends(employee)]


async def current_ambassador(session: DbSession, principal: Employee) -> Ambassador | None:
    """The caller as an ambassador, or None if they never opted in."""
    return await repository.find_ambassador(
        session, org_id=principal.org_id, user_id=principal.user_id
    )


ValidProgram = Annotated[Program, Depends(valid_program_id)]
ValidSubProgram = Annotated[SubProgram, Depends(valid_sub_program_id)]
CurrentAmbassador = Annotated[Ambassador | None, Depends(current_ambassador)]
