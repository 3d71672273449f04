"""The onboarding track: for each program a person is invited to or a member of, the charters
to accept, the onboarding modules with their completion, and the communication kit. A track
is an offer (the membership room's invitation), never an enrolment."""

import uuid
from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, Field

from ambassadors import repository as ambassadors
from ambassadors.charters import repository as charters
from ambassadors.charters.schemas import CharterRead, MyCharterRead
from ambassadors.dependencies import Employee
from ambassadors.models import Program
from ambassadors.people.service import caller_record
from ambassadors.training import participation
from ambassadors.training import repository as training
from ambassadors.training.kit import repository as kit
from ambassadors.training.kit.schemas import ResourceRead
from ambassadors.training.router import read
from ambassadors.training.schemas import ModuleRead
from common.dependencies import DbSession, Pagination
from common.pagination import Page, build_page

router = APIRouter(prefix="/v1/me", tags=["training"])


class OnboardingProgram(BaseModel):
    """One program's track: done when every charter is accepted and every module completed."""

    program_id: uuid.UUID
    program_name: str
    invited: bool = Field(description="I hold an open invitation to it.")
    member: bool = Field(description="I am a member (of it or one of its sub-programs).")
    charters: list[MyCharterRead] = Field(
        description="The program's charter and those of my sub-programs there, in force."
    )
    modules: list[ModuleRead] = Field(description="Its onboarding modules, in order.")
    kit: list[ResourceRead] = Field(description="Its communication kit, in order.")
    done: bool
    created_at: datetime = Field(description="The program's creation (the list's order).")

    @property
    def id(self) -> uuid.UUID:
        return self.program_id


@router.get("/onboarding", response_model=Page[OnboardingProgram])
async def my_onboarding(
    session: DbSession, principal: Employee, page: Pagination
) -> Page[OnboardingProgram]:
    """My onboarding, per program I am invited to or a member of, newest program first: the
    charters to accept, the onboarding modules to complete, the kit."""
    org_id = principal.org_id
    mine = await ambassadors.find_ambassador(session, org_id=org_id, user_id=principal.user_id)
    ambassador_id = mine.id if mine else None
    employee = await caller_record(session, principal=principal)
    invited = await participation.invited_programs(
        session, org_id=org_id, employee_id=employee.id if employee else None
    )
    programs = await participation.programs(
        session,
        org_id=org_id,
        ambassador_id=ambassador_id,
        invited=invited,
        page=page,
        trained=False,
    )
    ids = [program.id for program in programs]
    subs = await participation.member_sub_programs(
        session, ambassador_id=ambassador_id, program_ids=ids
    )
    member = await participation.member_of(session, ambassador_id=ambassador_id, program_ids=ids)
    scopes = ids + [sub for found in subs.values() for sub in found]
    in_force = await charters.in_force_of_scopes(
        session, org_id=org_id, scope_ids=scopes, ambassador_id=ambassador_id
    )
    modules = await training.track(
        session, org_id=org_id, program_ids=ids, ambassador_id=ambassador_id, onboarding_only=True
    )
    resources = await kit.of_programs(session, org_id=org_id, program_ids=ids)

    def track(program: Program) -> OnboardingProgram:
        own = [
            MyCharterRead(
                charter=CharterRead.model_validate(c), accepted_at=at, last_accepted_version=None
            )
            for c, at in in_force
            if c.program_id == program.id
        ]
        steps = [read(m, at) for m, at in modules if m.program_id == program.id]
        return OnboardingProgram(
            program_id=program.id,
            program_name=program.name,
            invited=program.id in invited,
            member=program.id in member,
            charters=own,
            modules=steps,
            kit=[ResourceRead.model_validate(r) for r in resources if r.program_id == program.id],
            done=all(c.accepted_at for c in own) and all(m.completed_at for m in steps),
            created_at=program.created_at,
        )

    return build_page(
        [track(program) for program in programs],
        page=page,
        read=lambda entry: entry,
    )
