"""Training rules: modules written by a program's staff, completed once per person and told
once; a module someone completed is archived rather than deleted."""

import uuid
from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from ambassadors import repository as ambassadors
from ambassadors.charters import access
from ambassadors.models import Ambassador, Program
from ambassadors.people.service import require_not_departed
from ambassadors.staff.access import Scope
from ambassadors.training import events
from ambassadors.training import repository as training
from ambassadors.training.errors import ModuleArchived, ModuleNotFound, NoContent, TooManyModules
from ambassadors.training.models import TrainingCompletion, TrainingModule
from ambassadors.training.schemas import ModuleCreate, ModuleUpdate
from common.auth import Principal

# Modules in circulation per program: a person's track stays one bounded answer.
MAX_MODULES = 100
WHAT = "training"


def scope_of(program_id: uuid.UUID, org_id: uuid.UUID) -> Scope:
    return Scope(type="program", id=program_id, program_id=program_id, org_id=org_id)


async def create_module(
    session: AsyncSession, *, principal: Principal, program: Program, data: ModuleCreate
) -> TrainingModule:
    """A new module of the program (org admins, its managers), within MAX_MODULES."""
    scope = Scope.of_program(program)
    await access.require_writer(session, principal=principal, scope=scope, what=WHAT)
    # The program row's lock makes concurrent additions count one after the other.
    await training.lock_program(session, program_id=program.id)
    if await training.count_modules(session, program_id=program.id) >= MAX_MODULES:
        raise TooManyModules(f"a program holds at most {MAX_MODULES} modules in circulation")
    now = datetime.now(UTC)
    module = TrainingModule(
        org_id=program.org_id,
        program_id=program.id,
        **data.model_dump(mode="json"),
        created_by=principal.user_id,
        created_at=now,
        updated_at=now,
    )
    session.add(module)
    await session.flush()
    return module


async def update_module(
    session: AsyncSession, *, principal: Principal, module: TrainingModule, data: ModuleUpdate
) -> TrainingModule:
    """Change a module in circulation; an archived one is 409."""
    scope = scope_of(module.program_id, module.org_id)
    await access.require_writer(session, principal=principal, scope=scope, what=WHAT)
    changes = data.model_dump(mode="json", exclude_unset=True)
    for name in ("title", "required", "position", "part_of_onboarding"):
        if name in changes and changes[name] is None:
            raise NoContent(f"{name} cannot be null", field=name)
    module_id, org_id = module.id, module.org_id
    try:
        async with session.begin_nested():  # the table's check keeps a body or a url
            updated = await training.update_module(
                session,
                org_id=org_id,
                module_id=module_id,
                values={**changes, "updated_at": datetime.now(UTC)},
            )
    except IntegrityError:
        raise NoContent("a module needs a body, a url, or both", field="body") from None
    if updated is None:
        raise ModuleArchived("this module is archived", field="module_id")
    return updated


async def remove_module(
    session: AsyncSession, *, principal: Principal, module: TrainingModule
) -> None:
    """Delete a module nobody completed; archive it otherwise (their completions stay true)."""
    scope = scope_of(module.program_id, module.org_id)
    await access.require_writer(session, principal=principal, scope=scope, what=WHAT)
    module_id, org_id = module.id, module.org_id
    deleted = None
    try:
        async with session.begin_nested():
            deleted = await training.delete_module(session, org_id=org_id, module_id=module_id)
    except IntegrityError:  # a completion committed meanwhile: archive instead
        deleted = None
    if deleted is None:
        await training.archive_module(
            session, org_id=org_id, module_id=module_id, at=datetime.now(UTC)
        )


async def complete(
    session: AsyncSession, *, principal: Principal, module_id: uuid.UUID
) -> TrainingCompletion:
    """The caller completed a module in circulation: recorded and told once."""
    employee = await require_not_departed(session, principal=principal)
    module = await training.get_module(
        session, org_id=principal.org_id, module_id=module_id, share_lock=True
    )
    if module is None:
        raise ModuleNotFound(f"training module {module_id} not found", field="module_id")
    now = datetime.now(UTC)
    ambassador = await ambassadors.ensure_ambassador(
        session,
        candidate=Ambassador(org_id=principal.org_id, user_id=principal.user_id, created_at=now),
    )
    existing = await training.get_completion(
        session, module_id=module.id, ambassador_id=ambassador.id
    )
    if existing is not None:
        return existing
    if module.archived_at is not None:
        raise ModuleArchived("this module is archived", field="module_id")
    row = await training.add_completion(
        session,
        completion=TrainingCompletion(
            org_id=module.org_id,
            module_id=module.id,
            program_id=module.program_id,
            ambassador_id=ambassador.id,
            user_id=principal.user_id,
            required=module.required,
            completed_at=now,
        ),
    )
    if row is None:  # a concurrent twin recorded it: the same record, told once
        twin = await training.get_completion(
            session, module_id=module.id, ambassador_id=ambassador.id
        )
        assert twin is not None
        return twin
    events.training_completed(session, row, key=employee.id if employee else ambassador.id)
    return row
