"""An employee record as a SCIM User and back. The HR external id is the SCIM externalId; a
client that sends none gets its userName as the key, which is then not shown as externalId."""

from typing import Any

from pydantic import ValidationError
from scim2_models import InvalidValueException, Meta

from ambassadors.people.models import Employee
from ambassadors.people.schemas import EmployeeRecord
from ambassadors.scim.models import ScimUser
from ambassadors.scim.resources import Email, EnterpriseUser, Manager, UserModel
from ambassadors.scim.resources import Employee as EmployeeExtension

# Where each field of an employee record lives in a SCIM User (for errors that name it).
ATTRIBUTES = {
    "external_id": "externalId",
    "user_name": "userName",
    "email": "emails.value",
    "display_name": "displayName",
    "job_title": "title",
    "department": f"{EnterpriseUser.__schema__}:department",
    "manager_external_id": f"{EnterpriseUser.__schema__}:manager.value",
    "location": f"{EmployeeExtension.__schema__}:location",
}


def etag(employee: Employee, state: ScimUser | None) -> str:
    """A weak entity tag: the record's version and its SCIM state's."""
    return f'W/"{employee.version}.{state.version if state else 0}"'


def to_resource(employee: Employee, state: ScimUser | None, *, manager: str | None) -> Any:
    """The SCIM User of an employee; `manager` is manager.value as resolved by the caller."""
    enterprise = EnterpriseUser(
        employee_number=state.employee_number if state else None,
        department=employee.department,
        manager=Manager(value=manager) if manager else None,
    )
    modified = max(employee.updated_at, state.updated_at) if state else employee.updated_at
    return UserModel(
        id=str(employee.id),
        external_id=None if state and state.external_id_hidden else employee.external_id,
        user_name=employee.user_name,
        display_name=employee.display_name,
        title=employee.job_title,
        active=employee.employment_status != "left",
        emails=[Email(value=employee.email, type=Email.Type.work, primary=True)]
        if employee.email
        else None,
        meta=Meta(
            resource_type="User",
            created=employee.created_at,
            last_modified=modified,
            version=etag(employee, state),
        ),
        EnterpriseUser=enterprise if enterprise.model_dump(exclude_none=True) else None,
        Employee=EmployeeExtension(location=employee.location, is_executive=employee.is_executive),
    )


def to_record(
    resource: Any, *, key: str, stored: Employee | None, manager: str | None
) -> EmployeeRecord:
    """The HR record a User states; what SCIM does not carry (hire date, networks, leave) is
    kept from the stored record. 400 invalidValue naming the attribute when a value is bad."""
    enterprise = resource[EnterpriseUser] or EnterpriseUser()
    extension = resource[EmployeeExtension] or EmployeeExtension()
    fields = {
        "external_id": key,
        "user_name": resource.user_name,
        "email": _primary_email(resource.emails),
        "display_name": text(resource.display_name),
        "job_title": text(resource.title),
        "department": text(enterprise.department),
        "manager_external_id": manager,
        "location": text(extension.location),
        "is_executive": bool(extension.is_executive),
        "employment_status": _status(resource.active, stored),
        "hire_date": stored.hire_date if stored else None,
        "active_networks": stored.active_networks if stored else [],
    }
    try:
        return EmployeeRecord.model_validate(fields)
    except ValidationError as exc:
        error = exc.errors()[0]
        attribute = ATTRIBUTES.get(str(error["loc"][0]), str(error["loc"][0]))
        raise InvalidValueException(detail=f"{attribute}: {error['msg']}") from exc


def _status(active: bool | None, stored: Employee | None) -> str:
    # false is a departure; true keeps a leave HR recorded (SCIM cannot say on_leave); a
    # client that leaves `active` out changes nothing.
    if active is False:
        return "left"
    current = stored.employment_status if stored else "active"
    if active is True and current == "left":
        return "active"
    return current


def _primary_email(emails: list[Email] | None) -> str | None:
    if not emails:
        return None
    chosen = next((e for e in emails if e.primary), None) or next(
        (e for e in emails if e.type == Email.Type.work), emails[0]
    )
    return text(chosen.value)


def text(value: str | None) -> str | None:
    # Clients send "" for an attribute they clear; the record keeps no empty texts.
    return value if value and value.strip() else None
