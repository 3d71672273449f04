"""Policy rules: who changes a level's policy, optimistic versions, the merged policy."""

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from ambassadors.models import Program, SubProgram
from ambassadors.policies import events, repository
from ambassadors.policies.effective import Effective, merge
from ambassadors.policies.errors import PolicyVersionConflict
from ambassadors.policies.models import ProgramPolicy
from ambassadors.policies.schemas import PolicyWrite
from ambassadors.staff import access
from ambassadors.staff.access import Scope
from common.auth import Principal
from common.errors import Forbidden


async def require_writer(session: AsyncSession, *, principal: Principal, scope: Scope) -> None:
    """403 unless an org admin or a program manager whose grant covers the scope."""
    if principal.kind == "user" and principal.is_org_admin:
        return
    if await access.manages(session, principal=principal, scope=scope):
        return
    raise Forbidden(f"only org admins and this {scope.type}'s program managers change its policy")


async def write(
    session: AsyncSession, *, principal: Principal, scope: Scope, data: PolicyWrite
) -> ProgramPolicy:
    """Replace the scope's policy if `data.version` is still current (0: none yet), told once."""
    await require_writer(session, principal=principal, scope=scope)
    now = datetime.now(UTC)
    values = data.model_dump(mode="json", exclude={"version"})
    values |= {"updated_by": principal.user_id, "updated_at": now}
    row: ProgramPolicy | None
    if data.version == 0:
        row = await repository.insert_policy(
            session,
            row=ProgramPolicy(
                org_id=scope.org_id,
                program_id=scope.program_id,
                scope_type=scope.type,
                scope_id=scope.id,
                version=1,
                created_at=now,
                **values,
            ),
        )
    else:
        row = await repository.update_policy(
            session, org_id=scope.org_id, scope_id=scope.id, version=data.version, values=values
        )
    # The INSERT's unique index or the UPDATE's version condition decided: someone wrote first.
    if row is None:
        current = await repository.get_policy(session, org_id=scope.org_id, scope_id=scope.id)
        version = current.version if current is not None else 0
        raise PolicyVersionConflict(
            f"the policy is at version {version}, not {data.version}: read it again",
            field="version",
            current_version=version,
        )
    events.policy_changed(session, row)
    return row


async def of_program(session: AsyncSession, *, program: Program) -> Effective:
    """A program's policy with the defaults filled in."""
    own = await repository.get_policy(session, org_id=program.org_id, scope_id=program.id)
    return merge(program_id=program.id, program=own)


async def of_sub_program(session: AsyncSession, *, sub: SubProgram) -> Effective:
    """The policy a sub-program's members are held to: its own over its program's."""
    levels = await repository.sub_program_levels(session, org_id=sub.org_id, sub_program_id=sub.id)
    assert levels is not None  # the caller holds the sub-program row
    program_id, program, own = levels
    return merge(program_id=program_id, program=program, sub_program_id=sub.id, sub=own)
