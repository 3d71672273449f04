"""Reusable existence checks for ambassadors routes."""

import uuid
from typing import Annotated

from fastapi import Depends

from ambassadors import repository
from ambassadors.errors import ProgramNotFound, SubProgramNotFound
from ambassadors.models import Ambassador, Program, SubProgram
from common.dependencies import CurrentPrincipal, DbSession


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


async def current_ambassador(session: DbSession, principal: CurrentPrincipal) -> Ambassador | None:
    """The caller as an ambassador, or None if they never opted in."""
    return await repository.find_ambassador(
        session, org_id=principal.org_id, user_id=principal.user_id
    )


ValidProgram = Annotated[Program, Depends(valid_program_id)]
ValidSubProgram = Annotated[SubProgram, Depends(valid_sub_program_id)]
CurrentAmbassador = Annotated[Ambassador | None, Depends(current_ambassador)]
