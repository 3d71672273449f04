"""Training routes: a program's modules, completions, my track, and the staff's progress view."""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from ambassadors import repository as ambassadors
from ambassadors.charters import access
from ambassadors.dependencies import Employee, ProgramReader, ValidProgram
from ambassadors.models import Ambassador
from ambassadors.staff.access import Scope
from ambassadors.training import participation, progress, service
from ambassadors.training import repository as training
from ambassadors.training.errors import ModuleNotFound
from ambassadors.training.models import TrainingModule
from ambassadors.training.schemas import (
    CompletionRead,
    ModuleCreate,
    ModuleRead,
    ModuleUpdate,
    MyProgramTraining,
    PersonProgress,
)
from common import openapi
from common.auth import Principal
from common.dependencies import CurrentPrincipal, DbSession, Pagination
from common.errors import Forbidden
from common.idempotency import Idempotent
from common.pagination import Page, build_page

router = APIRouter(prefix="/v1", tags=["training"])


async def valid_module_id(
    module_id: uuid.UUID, session: DbSession, principal: CurrentPrincipal
) -> TrainingModule:
    """The path's module, if of the caller's organisation."""
    module = await training.get_module(session, org_id=principal.org_id, module_id=module_id)
    if module is None:
        raise ModuleNotFound(f"training module {module_id} not found", field="module_id")
    return module


ValidModule = Annotated[TrainingModule, Depends(valid_module_id)]


async def _my_ambassador_id(session: DbSession, principal: Principal) -> uuid.UUID | None:
    if principal.kind != "user":
        return None
    mine = await ambassadors.find_ambassador(
        session, org_id=principal.org_id, user_id=principal.user_id
    )
    return mine.id if mine else None


def read(module: TrainingModule, completed_at: datetime | None = None) -> ModuleRead:
    return ModuleRead.model_validate({**module.model_dump(), "completed_at": completed_at})


@router.post(
    "/programs/{program_id}/training-modules",
    status_code=status.HTTP_201_CREATED,
    response_model=ModuleRead,
    openapi_extra={openapi.RESOURCE: "/v1/training-modules/{module_id}"},
)
async def create_module(
    data: ModuleCreate,
    program: ValidProgram,
    session: DbSession,
    principal: CurrentPrincipal,
    once: Idempotent,
) -> ModuleRead | Response:
    """Add a training module to the program (org admins, its managers; at most 100 in
    circulation)."""

    async def create() -> ModuleRead:
        module = await service.create_module(
            session, principal=principal, program=program, data=data
        )
        return read(module)

    return await once.run(create)


@router.get("/training-modules", response_model=Page[ModuleRead])
async def list_modules(
    session: DbSession,
    principal: ProgramReader,
    page: Pagination,
    program_id: uuid.UUID | None = None,
    include_archived: Annotated[bool, Query(description="Also archived modules.")] = False,
) -> Page[ModuleRead]:
    """Training modules of the organisation, newest first, with my completion of each (any
    person, programs:read keys); `position` gives each program's order."""
    rows = await training.list_modules(
        session,
        org_id=principal.org_id,
        page=page,
        program_id=program_id,
        include_archived=include_archived,
        ambassador_id=await _my_ambassador_id(session, principal),
    )
    return build_page(
        [_Row(module, at) for module, at in rows],
        page=page,
        read=lambda row: read(row.module, row.completed_at),
    )


@dataclass(frozen=True)
class _Row:
    """A module with my completion, seen by keyset pagination (the module's creation)."""

    module: TrainingModule
    completed_at: datetime | None

    @property
    def created_at(self) -> datetime:
        return self.module.created_at

    @property
    def id(self) -> uuid.UUID:
        return self.module.id


@router.get("/training-modules/{module_id}", response_model=ModuleRead)
async def get_module(
    module: ValidModule, session: DbSession, principal: ProgramReader
) -> ModuleRead:
    """One module, with my completion of it (any person, programs:read keys)."""
    ambassador_id = await _my_ambassador_id(session, principal)
    done = None
    if ambassador_id is not None:
        done = await training.get_completion(
            session, module_id=module.id, ambassador_id=ambassador_id
        )
    return read(module, done.completed_at if done else None)


@router.patch("/training-modules/{module_id}", response_model=ModuleRead)
async def update_module(
    data: ModuleUpdate, module: ValidModule, session: DbSession, principal: CurrentPrincipal
) -> ModuleRead:
    """Change a module in circulation (org admins, its program's managers)."""
    return read(await service.update_module(session, principal=principal, module=module, data=data))


@router.delete("/training-modules/{module_id}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_module(
    module: ValidModule, session: DbSession, principal: CurrentPrincipal
) -> None:
    """Delete a module nobody completed, or archive it once someone has (org admins, its
    program's managers); an archived module stays archived."""
    await service.remove_module(session, principal=principal, module=module)


@router.post("/training-modules/{module_id}/complete", response_model=CompletionRead)
async def complete_module(
    module: ValidModule, session: DbSession, principal: Employee, once: Idempotent
) -> CompletionRead | Response:
    """Mark a module completed (employees, for themselves): once; again returns the same record."""

    async def complete() -> CompletionRead:
        row = await service.complete(session, principal=principal, module_id=module.id)
        return CompletionRead.model_validate(row)

    return await once.run(complete)


@dataclass(frozen=True)
class _Keyed:
    """A program's track seen by keyset pagination, ordered by the program's creation."""

    entry: MyProgramTraining

    @property
    def created_at(self) -> datetime:
        return self.entry.created_at

    @property
    def id(self) -> uuid.UUID:
        return self.entry.program_id


@router.get("/me/training", response_model=Page[MyProgramTraining])
async def my_training(
    session: DbSession, principal: Employee, page: Pagination
) -> Page[MyProgramTraining]:
    """My modules in each program I take part in (member or trained), newest program first,
    with my progress."""
    ambassador_id = await _my_ambassador_id(session, principal)
    programs = await participation.programs(
        session, org_id=principal.org_id, ambassador_id=ambassador_id, invited=(), page=page
    )
    rows = await training.track(
        session,
        org_id=principal.org_id,
        program_ids=[p.id for p in programs],
        ambassador_id=ambassador_id,
    )
    entries = []
    for program in programs:
        modules = [read(m, at) for m, at in rows if m.program_id == program.id]
        required = [m for m in modules if m.required]
        entries.append(
            _Keyed(
                MyProgramTraining(
                    program_id=program.id,
                    program_name=program.name,
                    modules=modules,
                    completed=sum(m.completed_at is not None for m in modules),
                    total=len(modules),
                    required_completed=sum(m.completed_at is not None for m in required),
                    required_total=len(required),
                    created_at=program.created_at,
                )
            )
        )
    return build_page(entries, page=page, read=lambda keyed: keyed.entry)


@router.get("/programs/{program_id}/training/progress", response_model=Page[PersonProgress])
async def training_progress(
    program: ValidProgram, session: DbSession, principal: CurrentPrincipal, page: Pagination
) -> Page[PersonProgress]:
    """Per person (members of its sub-programs, and anyone who trained in it): completion
    counts of the program's modules in circulation, newest ambassador first (org admins, its
    managers)."""
    if not await access.may_write(session, principal=principal, scope=Scope.of_program(program)):
        raise Forbidden("only org admins and this program's managers see its training progress")
    people = await progress.program_people(
        session, org_id=program.org_id, program_id=program.id, page=page
    )
    total, required = await progress.program_totals(session, program_id=program.id)
    counts = await progress.completion_counts(
        session, program_id=program.id, ambassador_ids=[a.id for a in people]
    )

    def counted(ambassador: Ambassador) -> PersonProgress:
        done, required_done, last = counts.get(ambassador.id, (0, 0, None))
        return PersonProgress(
            ambassador_id=ambassador.id,
            user_id=ambassador.user_id,
            completed=done,
            total=total,
            required_completed=required_done,
            required_total=required,
            last_completed_at=last,
        )

    return build_page(people, page=page, read=counted)
