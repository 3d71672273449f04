"""Employees of one organisation as a scim2-server storage: scim2-server validates requests and
applies PUT and PATCH; every write goes through the people service (one upsert, its events,
departures), in the request's transaction."""

import uuid
from datetime import UTC, datetime
from typing import Any

from scim2_models import (
    InvalidValueException,
    NotFoundException,
    PreconditionFailedException,
    Resource,
    ResourceType,
    ResponseParameters,
    SearchRequest,
    UniquenessException,
)
from scim2_server.storage import AsyncScimStorage, SearchPage
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from ambassadors.people import events
from ambassadors.people import service as people
from ambassadors.people.errors import UserNameTaken
from ambassadors.people.models import Employee
from ambassadors.people.schemas import EmployeeRecord
from ambassadors.scim import filters, mapping, repository
from ambassadors.scim.models import ScimUser
from ambassadors.scim.repository import Found
from ambassadors.scim.resources import EnterpriseUser

SOURCE = "scim"
MAX_EMPLOYEE_NUMBER = 200


class EmployeeStorage(AsyncScimStorage):
    """The organisation's employees (those SCIM deleted left out), read and written."""

    def __init__(self, session: AsyncSession, *, org_id: uuid.UUID) -> None:
        self.session = session
        self.org_id = org_id

    async def get(
        self,
        resource_type: ResourceType,
        resource_id: str,
        *,
        response_parameters: ResponseParameters[Any] | None = None,
    ) -> Resource[Any]:
        return (await self._resources([await self._find(resource_id)]))[0]

    async def search(
        self,
        resource_types: list[ResourceType],
        search_request: SearchRequest[Any],
        *,
        position: Any = None,
    ) -> SearchPage:
        total, rows = await repository.search(
            self.session,
            org_id=self.org_id,
            clause=filters.where(search_request.filter),
            offset=search_request.start_index_0 or 0,
            limit=search_request.count,
        )
        return SearchPage(total=total, resources=await self._resources(rows))

    async def create(self, resource_type: ResourceType, resource: Resource[Any]) -> Resource[Any]:
        """A new employee; the HR key of a user SCIM deleted brings that person back (rehire)."""
        now = datetime.now(UTC)
        key = resource.external_id or str(getattr(resource, "user_name", None) or "").lower()
        found = await repository.state_by_external_id(
            self.session, org_id=self.org_id, external_id=key
        )
        deleted = found if found and found[1] and found[1].deleted_at else None
        if deleted and getattr(resource, "active", None) is None:
            resource = resource.model_copy(update={"active": True})  # back: active unless said
        record = mapping.to_record(
            resource,
            key=key,
            stored=deleted[0] if deleted else None,
            manager=await self._manager_key(resource),
        )
        wanted = _wanted_state(resource)
        employee, changed = await self._sync(record)
        state = None
        if deleted:
            state = await repository.undelete(self.session, employee_id=employee.id, now=now)
            if state is None:
                raise UniquenessException(detail=f"{_key_attribute(resource)}: created already")
        elif not (changed and employee.version == 1):
            raise UniquenessException(
                detail=f"{_key_attribute(resource)}: an employee with HR external id {key!r} "
                "exists; find it with a filter on externalId or userName"
            )
        state = await self._save_state(employee, state, wanted)
        return (await self._resources([(employee, state)]))[0]

    async def update(
        self,
        resource_type: ResourceType,
        resource: Resource[Any],
        *,
        expected_version: str | None = None,
    ) -> Resource[Any]:
        """PUT and PATCH: the whole new state, written if it is still the version read."""
        employee, state = await self._find(str(resource.id), lock=True)
        _check_version(employee, state, expected_version)
        now = datetime.now(UTC)
        key = resource.external_id or employee.external_id
        renamed = key != employee.external_id
        if renamed:
            employee = await self._rename(employee, key, now)
        record = mapping.to_record(
            resource, key=key, stored=employee, manager=await self._manager_key(resource)
        )
        wanted = _wanted_state(resource)
        synced, changed = await self._sync(record)
        if renamed and not changed:  # the new key is the change: told once, like any other
            events.employee_synced(self.session, synced)
        state = await self._save_state(synced, state, wanted)
        return (await self._resources([(synced, state)]))[0]

    async def delete(
        self, resource_type: ResourceType, resource_id: str, *, expected_version: str | None = None
    ) -> None:
        """A departure (people.service.leave), and the user answers 404 to SCIM from now on."""
        employee, state = await self._find(resource_id, lock=True)
        _check_version(employee, state, expected_version)
        await people.leave(self.session, org_id=self.org_id, external_id=employee.external_id)
        now = datetime.now(UTC)
        if await repository.mark_deleted(self.session, employee=employee, now=now) is None:
            raise NotFoundException(detail=f"User {resource_id} not found")

    async def exists(self, resource_id: str) -> None:
        """404 unless the organisation has this user (and SCIM did not delete it)."""
        await self._find(resource_id)

    async def _find(self, resource_id: str, *, lock: bool = False) -> Found:
        try:
            employee_id = uuid.UUID(resource_id)
        except ValueError:
            employee_id = None
        found = None
        if employee_id is not None:
            found = await repository.find(
                self.session, org_id=self.org_id, employee_id=employee_id, lock=lock
            )
        if found is None:
            raise NotFoundException(detail=f"User {resource_id} not found")
        return found

    async def _resources(self, rows: list[Found]) -> list[Resource[Any]]:
        managers = await repository.manager_ids(
            self.session, org_id=self.org_id, keys=(e.manager_external_id for e, _ in rows)
        )

        def manager(key: str | None) -> str | None:
            return str(managers[key]) if key in managers else key

        return [
            mapping.to_resource(e, state, manager=manager(e.manager_external_id))
            for e, state in rows
        ]

    async def _manager_key(self, resource: Resource[Any]) -> str | None:
        # manager.value is the manager's id here (RFC 7643 §4.3); a value that is no id of
        # ours is taken as their HR key (Okta sends what it is mapped to).
        enterprise = resource[EnterpriseUser]
        value = enterprise.manager.value if enterprise and enterprise.manager else None
        if not value:
            return None
        key = await repository.key_of(self.session, org_id=self.org_id, employee_id=value)
        return key or str(value)

    async def _sync(self, record: EmployeeRecord) -> tuple[Employee, bool]:
        try:
            return await people.sync_one(
                self.session, org_id=self.org_id, record=record, source=SOURCE
            )
        except UserNameTaken as exc:
            raise UniquenessException(detail=f"userName: {exc.message}") from exc

    async def _rename(self, employee: Employee, key: str, now: datetime) -> Employee:
        try:
            async with self.session.begin_nested():
                renamed = await repository.rename(
                    self.session, employee=employee, external_id=key, now=now
                )
        except IntegrityError as exc:
            raise UniquenessException(
                detail=f"externalId: another employee has the HR external id {key!r}"
            ) from exc
        assert renamed is not None  # the row is locked by this transaction
        return renamed

    async def _save_state(
        self, employee: Employee, state: ScimUser | None, wanted: tuple[bool, str | None]
    ) -> ScimUser | None:
        """Write what SCIM keeps beyond the record, once the record is written."""
        if employee.employment_status == "left":
            # A departure may have erased the person in this transaction (retention 0): read
            # what it left, and keep no number it erased.
            await self.session.refresh(employee)
            if state is not None:
                await self.session.refresh(state)
        hidden, number = wanted
        number = None if employee.erased_at else number
        if state is None and not hidden and number is None:
            return None  # the default state needs no row
        if state and (state.external_id_hidden, state.employee_number) == (hidden, number):
            return state
        row = ScimUser(
            employee_id=employee.id,
            org_id=employee.org_id,
            external_id_hidden=hidden,
            employee_number=number,
            updated_at=datetime.now(UTC),
        )
        return await repository.save_state(self.session, state=row)


def _wanted_state(resource: Resource[Any]) -> tuple[bool, str | None]:
    """(externalId left out, employeeNumber) of a User; 400 for a number too long."""
    enterprise = resource[EnterpriseUser]
    number = mapping.text(enterprise.employee_number if enterprise else None)
    if number is not None and len(number) > MAX_EMPLOYEE_NUMBER:
        raise InvalidValueException(
            detail=f"{EnterpriseUser.__schema__}:employeeNumber: at most "
            f"{MAX_EMPLOYEE_NUMBER} characters"
        )
    return resource.external_id is None, number


def _check_version(employee: Employee, state: ScimUser | None, expected: str | None) -> None:
    # The version read before the change was applied: anything else wrote in between.
    if expected is not None and mapping.etag(employee, state) != expected:
        raise PreconditionFailedException(
            detail="the user changed since it was read; read it again"
        )


def _key_attribute(resource: Resource[Any]) -> str:
    return "externalId" if resource.external_id else "userName"
