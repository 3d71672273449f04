"""Routes of what proposes a program to people: eligibility rules, onboarding, discovery."""

from typing import Annotated

from fastapi import APIRouter, Query

from ambassadors.dependencies import ValidProgram, ValidSubProgram
from ambassadors.membership import discovery, eligibility, onboarding
from ambassadors.membership.access import require_manager
from ambassadors.membership.models import EligibilityPolicy
from ambassadors.membership.schemas import (
    EligibilityApplied,
    EligibilityRead,
    EligibilityRule,
    EligibilityWrite,
    OnboardingRead,
    OnboardingWrite,
    SuggestionRead,
)
from ambassadors.models import Network
from ambassadors.people.models import Employee
from ambassadors.staff.access import Scope
from common.dependencies import CurrentPrincipal, DbSession, Pagination
from common.pagination import Page, build_page

router = APIRouter(prefix="/v1", tags=["membership rules"])


def _eligibility(scope: Scope, policy: EligibilityPolicy | None) -> EligibilityRead:
    return EligibilityRead(
        scope_type=scope.type,
        scope_id=scope.id,
        rules=[EligibilityRule.model_validate(rule) for rule in policy.rules] if policy else [],
        pending=policy.pending if policy else False,
        updated_by=policy.updated_by if policy else None,
        updated_at=policy.updated_at if policy else None,
    )


async def _get(scope: Scope, session: DbSession, principal: CurrentPrincipal) -> EligibilityRead:
    policy = await eligibility.get(session, principal=principal, scope=scope)
    return _eligibility(scope, policy)


async def _put(
    scope: Scope, data: EligibilityWrite, session: DbSession, principal: CurrentPrincipal
) -> EligibilityApplied:
    policy, invited = await eligibility.put(session, principal=principal, scope=scope, data=data)
    return EligibilityApplied(**_eligibility(scope, policy).model_dump(), invited=invited)


@router.get("/programs/{program_id}/eligibility", response_model=EligibilityRead)
async def get_program_eligibility(
    program: ValidProgram, session: DbSession, principal: CurrentPrincipal
) -> EligibilityRead:
    """Who is proposed the program (org admins, its program managers)."""
    return await _get(Scope.of_program(program), session, principal)


@router.put("/programs/{program_id}/eligibility", response_model=EligibilityApplied)
async def set_program_eligibility(
    data: EligibilityWrite, program: ValidProgram, session: DbSession, principal: CurrentPrincipal
) -> EligibilityApplied:
    """Replace the program's eligibility rules (org admins, its program managers): matching
    active employees are invited (reason `eligibility`), never made members."""
    return await _put(Scope.of_program(program), data, session, principal)


@router.get("/sub-programs/{sub_program_id}/eligibility", response_model=EligibilityRead)
async def get_sub_program_eligibility(
    sub_program: ValidSubProgram, session: DbSession, principal: CurrentPrincipal
) -> EligibilityRead:
    """Who is proposed the sub-program (org admins, program managers covering it)."""
    return await _get(Scope.of_sub_program(sub_program), session, principal)


@router.put("/sub-programs/{sub_program_id}/eligibility", response_model=EligibilityApplied)
async def set_sub_program_eligibility(
    data: EligibilityWrite,
    sub_program: ValidSubProgram,
    session: DbSession,
    principal: CurrentPrincipal,
) -> EligibilityApplied:
    """Replace the sub-program's eligibility rules (as for a program)."""
    return await _put(Scope.of_sub_program(sub_program), data, session, principal)


@router.get("/programs/{program_id}/onboarding", response_model=OnboardingRead)
async def get_onboarding(
    program: ValidProgram, session: DbSession, principal: CurrentPrincipal
) -> OnboardingRead:
    """Whether new hires are offered the program (org admins, its program managers)."""
    offer = await onboarding.get(session, principal=principal, program=program)
    if offer is None:
        return OnboardingRead(
            program_id=program.id, offer_to_new_hires=False, updated_by=None, updated_at=None
        )
    return OnboardingRead.model_validate(offer, from_attributes=True)


@router.put("/programs/{program_id}/onboarding", response_model=OnboardingRead)
async def set_onboarding(
    data: OnboardingWrite, program: ValidProgram, session: DbSession, principal: CurrentPrincipal
) -> OnboardingRead:
    """Offer the program to every new hire from now on (an invitation with reason
    `onboarding` when HR records a hire), or stop (org admins, its program managers)."""
    offer = await onboarding.put(session, principal=principal, program=program, data=data)
    return OnboardingRead.model_validate(offer, from_attributes=True)


@router.get("/programs/{program_id}/suggestions", response_model=Page[SuggestionRead])
async def suggestions(
    program: ValidProgram,
    session: DbSession,
    principal: CurrentPrincipal,
    page: Pagination,
    network: Annotated[Network | None, Query()] = None,
) -> Page[SuggestionRead]:
    """Active employees already active on a network (HR's word or their own profiles) who are
    not members and were never proposed the program, newest records first (org admins, its
    program managers). A suggestion: invite them with reason `discovery`."""
    scope = Scope.of_program(program)
    await require_manager(session, principal=principal, scope=scope)
    rows = await discovery.suggestions(session, scope=scope, page=page, network=network)
    declared = await discovery.self_declared(
        session,
        org_id=program.org_id,
        user_ids={e.user_id for e in rows[: page.limit] if e.user_id is not None},
    )

    def read(employee: Employee) -> SuggestionRead:
        return SuggestionRead(
            employee_id=employee.id,
            display_name=employee.display_name,
            department=employee.department,
            job_title=employee.job_title,
            is_executive=employee.is_executive,
            hr_networks=sorted(employee.active_networks),
            self_declared_networks=declared.get(employee.user_id, []) if employee.user_id else [],
        )

    return build_page(rows, page=page, read=read)
