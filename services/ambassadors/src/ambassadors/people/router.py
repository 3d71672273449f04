"""Employee routes: HR upserts and departures, the people list, the retention policy."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status

from ambassadors.dependencies import Person
from ambassadors.people import repository as people
from ambassadors.people import service
from ambassadors.people.access import HrWriter, PeopleReader, ValidEmployee
from ambassadors.people.departure import DEFAULT_ERASE_AFTER_DAYS
from ambassadors.people.errors import EmployeeNotFound
from ambassadors.people.models import Employee, RetentionPolicy
from ambassadors.people.schemas import (
    EmployeeFields,
    EmployeeRead,
    EmployeeRecord,
    EmploymentStatus,
    RetentionPolicyRead,
    RetentionPolicyWrite,
)
from common.dependencies import DbSession, Pagination
from common.pagination import Page, build_page

router = APIRouter(tags=["employees"])
ExternalIdPath = Annotated[str, Path(min_length=1, max_length=200, pattern=r"^\S+$")]


def read(employee: Employee) -> EmployeeRead:
    return EmployeeRead.model_validate(
        {**employee.model_dump(), "linked": employee.user_id is not None}
    )


@router.put(
    "/v1/hr/employees/{external_id}",
    response_model=EmployeeRead,
    responses={201: {"model": EmployeeRead, "description": "Created"}},
)
async def upsert_employee(
    external_id: ExternalIdPath,
    data: EmployeeFields,
    response: Response,
    session: DbSession,
    principal: HrWriter,
) -> EmployeeRead:
    """Create or replace an employee by HR external id (org admins, hr:write keys): 201 when
    created, 200 otherwise; an identical record changes nothing. `employment_status: left`
    deactivates the person at once."""
    record = EmployeeRecord(external_id=external_id, **data.model_dump())
    employee, changed = await service.sync_one(
        session, org_id=principal.org_id, record=record, source="api"
    )
    if changed and employee.version == 1:
        response.status_code = status.HTTP_201_CREATED
    return read(employee)


@router.post("/v1/hr/employees/{external_id}/leave", response_model=EmployeeRead)
async def employee_left(
    external_id: ExternalIdPath, session: DbSession, principal: HrWriter
) -> EmployeeRead:
    """HR says the employee left: out of every sub-program and feed, credentials revoked, data
    erased per the retention policy (org admins, hr:write keys). Said twice: one departure."""
    return read(await service.leave(session, org_id=principal.org_id, external_id=external_id))


@router.get("/v1/employees", response_model=Page[EmployeeRead])
async def list_employees(
    session: DbSession,
    principal: PeopleReader,
    page: Pagination,
    department: Annotated[str | None, Query(max_length=200)] = None,
    employment_status: EmploymentStatus | None = None,
    external_id: Annotated[str | None, Query(max_length=200)] = None,
    user_name: Annotated[str | None, Query(max_length=320)] = None,
) -> Page[EmployeeRead]:
    """Employees of the organisation, newest first (org admins, hr:write keys, program managers)."""
    rows = await people.list_employees(
        session,
        org_id=principal.org_id,
        page=page,
        department=department,
        employment_status=employment_status,
        external_id=external_id,
        user_name=user_name,
    )
    return build_page(rows, page=page, read=read)


@router.get("/v1/employees/{employee_id}", response_model=EmployeeRead)
async def get_employee(employee: ValidEmployee, _: PeopleReader) -> EmployeeRead:
    """One employee record (org admins, hr:write keys, program managers)."""
    return read(employee)


@router.get(
    "/v1/me/employee",
    response_model=EmployeeRead,
    responses={404: {"description": "HR has no record linked to you"}},
)
async def my_employee_record(session: DbSession, principal: Person) -> EmployeeRead:
    """What HR says about me (linked on first sight by the sign-in name my IdP states)."""
    employee = await service.caller_record(session, principal=principal)
    if employee is None:
        raise EmployeeNotFound("HR has no record linked to you", field="employee")
    return read(employee)


@router.get("/v1/hr/retention", response_model=RetentionPolicyRead)
async def get_retention(session: DbSession, principal: HrWriter) -> RetentionPolicyRead:
    """How long a departed employee's personal data is kept (default 30 days)."""
    policy = await people.retention_policy(session, org_id=principal.org_id)
    if policy is None:
        return RetentionPolicyRead(erase_after_days=DEFAULT_ERASE_AFTER_DAYS, updated_at=None)
    return RetentionPolicyRead(
        erase_after_days=policy.erase_after_days, updated_at=policy.updated_at
    )


@router.put("/v1/hr/retention", response_model=RetentionPolicyRead)
async def set_retention(
    data: RetentionPolicyWrite, session: DbSession, principal: Person
) -> RetentionPolicyRead:
    """Set the retention policy (org admins); applies to departures from now on."""
    principal.require("org_admin")
    policy = await people.save_retention_policy(
        session,
        policy=RetentionPolicy(
            org_id=principal.org_id,
            erase_after_days=data.erase_after_days,
            updated_by=principal.user_id,
            updated_at=datetime.now(UTC),
        ),
    )
    return RetentionPolicyRead(
        erase_after_days=policy.erase_after_days, updated_at=policy.updated_at
    )
