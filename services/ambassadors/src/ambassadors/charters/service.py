"""Charter rules: drafts written by a scope's staff, one version in force per scope decided by
the database, each person's acceptance recorded once and asked again after every new version."""

import uuid
from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from ambassadors import repository as ambassadors
from ambassadors.charters import access, events
from ambassadors.charters import repository as charters
from ambassadors.charters.errors import (
    CharterDraftOutdated,
    CharterNotDraft,
    CharterNotFound,
    CharterVersionNotCurrent,
)
from ambassadors.charters.models import Charter, CharterAcceptance
from ambassadors.charters.schemas import CharterWrite
from ambassadors.models import Ambassador
from ambassadors.people.service import require_not_departed
from ambassadors.staff.access import Scope, ScopeType
from common.auth import Principal


def scope_of(charter: Charter) -> Scope:
    """The program or sub-program a version belongs to."""
    scope_type: ScopeType = "sub_program" if charter.sub_program_id else "program"
    return Scope(
        type=scope_type, id=charter.scope_id, program_id=charter.program_id, org_id=charter.org_id
    )


async def draft(
    session: AsyncSession, *, principal: Principal, scope: Scope, data: CharterWrite
) -> Charter:
    """A new version of the scope's charter, as a draft based on the version now in force."""
    await access.require_writer(session, principal=principal, scope=scope, what="charter")
    in_force = await charters.current(session, org_id=scope.org_id, scope_id=scope.id)
    row = Charter(
        org_id=scope.org_id,
        program_id=scope.program_id,
        sub_program_id=scope.id if scope.type == "sub_program" else None,
        scope_type=scope.type,
        scope_id=scope.id,
        status="draft",
        based_on_version=(in_force.version or 0) if in_force else 0,
        **data.model_dump(),
        created_by=principal.user_id,
        created_at=datetime.now(UTC),
    )
    session.add(row)
    await session.flush()
    return row


async def visible(session: AsyncSession, *, principal: Principal, charter: Charter) -> Charter:
    """The version, unless it is a draft the caller may not write (then it is not there)."""
    if charter.status == "draft" and not await access.may_write(
        session, principal=principal, scope=scope_of(charter)
    ):
        raise CharterNotFound(f"charter {charter.id} not found", field="charter_id")
    return charter


async def publish(session: AsyncSession, *, principal: Principal, charter: Charter) -> Charter:
    """Put a draft in force in place of the version it was based on: of two drafts based on
    the same version, one is published and the other is refused (409), whatever the timing."""
    scope = scope_of(charter)
    await access.require_writer(session, principal=principal, scope=scope, what="charter")
    charter_id, based_on, now = charter.id, charter.based_on_version, datetime.now(UTC)
    published = None
    try:
        async with session.begin_nested():
            replaced = based_on == 0 or await charters.supersede(
                session, scope_id=scope.id, version=based_on, at=now
            )
            if replaced:
                published = await charters.publish_draft(
                    session,
                    charter_id=charter_id,
                    version=based_on + 1,
                    by=principal.user_id,
                    at=now,
                )
            if published is None:
                raise _Refused
    except (_Refused, IntegrityError):
        raise await _why_not(
            session, scope=scope, charter_id=charter_id, based_on=based_on
        ) from None
    events.charter_published(session, published)
    return published


class _Refused(Exception):
    """Rolls the savepoint back: nothing of a refused publication stays."""


async def _why_not(
    session: AsyncSession, *, scope: Scope, charter_id: uuid.UUID, based_on: int
) -> Exception:
    stored = await charters.get(session, org_id=scope.org_id, charter_id=charter_id)
    if stored is None or stored.status != "draft":
        return CharterNotDraft("this version is already published", field="charter_id")
    in_force = await charters.current(session, org_id=scope.org_id, scope_id=scope.id)
    now = in_force.version if in_force else 0
    return CharterDraftOutdated(
        f"this draft was written against version {based_on}, version {now} is now in force: "
        "write a new draft from it",
        field="charter_id",
        current_version=now,
    )


async def accept(
    session: AsyncSession, *, principal: Principal, scope: Scope, version: int
) -> CharterAcceptance:
    """The caller accepts the version in force (only that one); accepting twice is one record
    and one event."""
    employee = await require_not_departed(session, principal=principal)
    charter = await charters.current(
        session, org_id=scope.org_id, scope_id=scope.id, version=version
    )
    if charter is None:
        raise await _not_current(session, scope=scope, version=version)
    now = datetime.now(UTC)
    ambassador = await ambassadors.ensure_ambassador(
        session,
        candidate=Ambassador(org_id=principal.org_id, user_id=principal.user_id, created_at=now),
    )
    assert charter.version is not None
    row = await charters.add_acceptance(
        session,
        acceptance=CharterAcceptance(
            org_id=charter.org_id,
            charter_id=charter.id,
            ambassador_id=ambassador.id,
            user_id=principal.user_id,
            program_id=charter.program_id,
            sub_program_id=charter.sub_program_id,
            scope_id=charter.scope_id,
            version=charter.version,
            accepted_at=now,
        ),
    )
    if row is None:  # accepted before (or by a concurrent twin): the same record, told once
        existing = await charters.get_acceptance(
            session, charter_id=charter.id, ambassador_id=ambassador.id
        )
        assert existing is not None
        return existing
    events.charter_accepted(session, row, key=employee.id if employee else ambassador.id)
    return row


async def _not_current(session: AsyncSession, *, scope: Scope, version: int) -> Exception:
    in_force = await charters.current(session, org_id=scope.org_id, scope_id=scope.id)
    if in_force is None:
        return CharterNotFound(f"this {scope.type} has no charter in force", field="version")
    return CharterVersionNotCurrent(
        f"version {version} is not in force: accept version {in_force.version}",
        field="version",
        current_version=in_force.version,
        charter_id=str(in_force.id),
    )


async def current_or_404(session: AsyncSession, *, scope: Scope) -> Charter:
    """The scope's version in force."""
    in_force = await charters.current(session, org_id=scope.org_id, scope_id=scope.id)
    if in_force is None:
        raise CharterNotFound(
            f"this {scope.type} has no charter in force", field=f"{scope.type}_id"
        )
    return in_force
