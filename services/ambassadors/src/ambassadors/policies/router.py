"""Policy routes of programs and sub-programs, the merged policy, and the program roll-up."""

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import AwareDatetime

from ambassadors import repository as programs
from ambassadors.dependencies import ProgramReader, ValidProgram, ValidSubProgram
from ambassadors.models import SubProgram
from ambassadors.policies import repository, rollup, service
from ambassadors.policies.effective import Effective
from ambassadors.policies.models import ProgramPolicy
from ambassadors.policies.schemas import (
    EffectivePolicy,
    PolicyRead,
    PolicyWrite,
    ProgramRollup,
    SubProgramRollup,
)
from ambassadors.staff.access import Scope
from common.dependencies import CurrentPrincipal, DbSession, Pagination
from common.pagination import build_page

router = APIRouter(prefix="/v1", tags=["policies"])
STALE: dict[int | str, dict[str, Any]] = {
    409: {"description": "`version` is not the policy's current one (`current_version`)"}
}


def effective_read(policy: Effective) -> EffectivePolicy:
    if policy.sub_program_id is not None:
        rules = f"/v1/caption-rules/sub-programs/{policy.sub_program_id}"
    else:
        rules = f"/v1/caption-rules/programs/{policy.program_id}"
    return EffectivePolicy.model_validate(
        {
            **policy.values,
            "program_id": policy.program_id,
            "sub_program_id": policy.sub_program_id,
            "rewarded_networks": policy.rewarded_networks,
            "sources": policy.sources,
            "caption_rules": rules,
        }
    )


def policy_read(scope: Scope, row: ProgramPolicy | None, policy: Effective) -> PolicyRead:
    own = row.model_dump() if row is not None else {}
    return PolicyRead.model_validate(
        {
            **own,
            "scope_type": scope.type,
            "scope_id": scope.id,
            "program_id": scope.program_id,
            "version": row.version if row is not None else 0,
            "updated_by": row.updated_by if row is not None else None,
            "updated_at": row.updated_at if row is not None else None,
            "effective": effective_read(policy),
        }
    )


@router.get("/programs/{program_id}/policy", response_model=PolicyRead)
async def get_program_policy(
    program: ValidProgram, session: DbSession, _: ProgramReader
) -> PolicyRead:
    """A program's policy (version 0: none set) and the defaults it gives its sub-programs
    (any person, API keys with programs:read)."""
    scope = Scope.of_program(program)
    row = await repository.get_policy(session, org_id=program.org_id, scope_id=program.id)
    return policy_read(scope, row, await service.of_program(session, program=program))


@router.put("/programs/{program_id}/policy", response_model=PolicyRead, responses=STALE)
async def put_program_policy(
    data: PolicyWrite, program: ValidProgram, session: DbSession, principal: CurrentPrincipal
) -> PolicyRead:
    """Replace a program's policy (org admins, the program's managers); `version` is the one
    read, 409 policy_version_conflict when someone wrote since."""
    scope = Scope.of_program(program)
    row = await service.write(session, principal=principal, scope=scope, data=data)
    return policy_read(scope, row, await service.of_program(session, program=program))


@router.get("/sub-programs/{sub_program_id}/policy", response_model=PolicyRead)
async def get_sub_program_policy(
    sub_program: ValidSubProgram, session: DbSession, _: ProgramReader
) -> PolicyRead:
    """A sub-program's own settings (null: its program's) and the merged policy (any person,
    API keys with programs:read)."""
    scope = Scope.of_sub_program(sub_program)
    row = await repository.get_policy(session, org_id=sub_program.org_id, scope_id=sub_program.id)
    return policy_read(scope, row, await service.of_sub_program(session, sub=sub_program))


@router.put("/sub-programs/{sub_program_id}/policy", response_model=PolicyRead, responses=STALE)
async def put_sub_program_policy(
    data: PolicyWrite,
    sub_program: ValidSubProgram,
    session: DbSession,
    principal: CurrentPrincipal,
) -> PolicyRead:
    """Replace a sub-program's own settings (org admins, program managers covering it)."""
    scope = Scope.of_sub_program(sub_program)
    row = await service.write(session, principal=principal, scope=scope, data=data)
    return policy_read(scope, row, await service.of_sub_program(session, sub=sub_program))


@router.get("/sub-programs/{sub_program_id}/policy/effective", response_model=EffectivePolicy)
async def get_effective_policy(
    sub_program: ValidSubProgram, session: DbSession, _: ProgramReader
) -> EffectivePolicy:
    """The policy a member of the sub-program is held to, with each setting's source (any
    person, API keys with programs:read)."""
    return effective_read(await service.of_sub_program(session, sub=sub_program))


@router.get("/programs/{program_id}/rollup", response_model=ProgramRollup)
async def get_rollup(
    program: ValidProgram,
    session: DbSession,
    principal: CurrentPrincipal,
    page: Pagination,
    since: Annotated[AwareDatetime | None, Query()] = None,
    until: Annotated[AwareDatetime | None, Query()] = None,
) -> ProgramRollup:
    """Members, shares, potential reach and active ambassadors over [since, until) (default
    the last 30 days, at most 366), program-wide and per sub-program, newest sub-program first
    (org admins, analysts, the program's managers)."""
    await rollup.require_viewer(session, principal=principal, program=program)
    start, end = rollup.window(since, until)
    rows = await programs.list_sub_programs(
        session, org_id=program.org_id, program_id=program.id, page=page
    )
    counts = await rollup.per_sub_program(
        session, org_id=program.org_id, sub_ids=[r.id for r in rows], since=start, until=end
    )
    whole = await rollup.program_wide(
        session, org_id=program.org_id, program_id=program.id, since=start, until=end
    )

    def read(sub: SubProgram) -> SubProgramRollup:
        return SubProgramRollup(
            **rollup.figures(counts[sub.id]).model_dump(),
            sub_program_id=sub.id,
            name=sub.name,
            kind=sub.kind,
            created_at=sub.created_at,
        )

    return ProgramRollup(
        program_id=program.id,
        since=start,
        until=end,
        program=rollup.figures(whole),
        sub_programs=build_page(rows, page=page, read=read),
    )
