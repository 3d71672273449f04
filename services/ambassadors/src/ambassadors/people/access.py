"""Who may read and write employee records.

HR writes (org admins, API keys with hr:write: an HR tool, SCIM provisioning). The people list is
read by org admins, hr:write keys and program managers holding a grant (they invite people);
other employees and analysts see only their own record (GET /v1/me/employee).
"""

import uuid
from typing import Annotated

from fastapi import Depends

from ambassadors.people import repository as people
from ambassadors.people.errors import EmployeeNotFound
from ambassadors.people.models import Employee
from ambassadors.staff import access
from common.auth import Principal
from common.dependencies import CurrentPrincipal, DbSession
from common.errors import Forbidden


async def hr_writer(principal: CurrentPrincipal) -> Principal:
    """Org admins and API keys with hr:write."""
    principal.require_any("org_admin", scope="hr:write")
    return principal


async def people_reader(session: DbSession, principal: CurrentPrincipal) -> Principal:
    """Org admins, hr:write keys, and program managers who hold a program or sub-program."""
    if principal.may("org_admin", scope="hr:write"):
        return principal
    roles = await access.staff_roles(session, principal=principal)
    if any(role == "program_manager" for role, _ in roles.held):
        return principal
    principal.require_any("org_admin", scope="hr:write")
    raise Forbidden("only org admins, HR keys and program managers read employee records")


async def valid_employee_id(
    employee_id: uuid.UUID, session: DbSession, principal: CurrentPrincipal
) -> Employee:
    """The path's employee, if of the caller's organisation (404 before any role check)."""
    employee = await people.get_employee(session, org_id=principal.org_id, employee_id=employee_id)
    if employee is None:
        raise EmployeeNotFound(f"employee {employee_id} not found", field="employee_id")
    return employee


HrWriter = Annotated[Principal, Depends(hr_writer)]
PeopleReader = Annotated[Principal, Depends(people_reader)]
ValidEmployee = Annotated[Employee, Depends(valid_employee_id)]
