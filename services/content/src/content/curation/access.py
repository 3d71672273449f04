"""Who sees and manages curation: org admins and analysts see every source of the organisation,
program managers the sources aimed at sub-programs their grants cover; managing a source (or
deciding its entries) needs a program_manager grant covering every one of its targets."""

import uuid

from sqlalchemy import ColumnElement, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from common.auth import Principal
from common.errors import Forbidden
from content.access.visibility import (
    covered_sub_programs,
    require_may_create,
    require_may_create_somewhere,
)
from content.curation import repository
from content.curation.models import CurationEntry, CurationSource, CurationSourceTarget

MANAGERS = ("program_manager",)


async def require_reader(session: AsyncSession, *, principal: Principal) -> None:
    """403 for callers who may see no curation at all (API keys, employees, reviewers)."""
    if principal.kind == "user" and principal.has_any("org_admin", "analyst"):
        return
    try:
        await require_may_create_somewhere(session, principal=principal)
    except Forbidden as exc:
        raise Forbidden(
            "curation needs the 'org_admin' or 'analyst' role or a program_manager grant"
        ) from exc


def sees_all(principal: Principal) -> bool:
    """Org admins and analysts see the whole organisation's curation."""
    return principal.kind == "user" and principal.has_any("org_admin", "analyst")


def visible_sources(principal: Principal) -> ColumnElement[bool]:
    """The condition on sources (of the caller's organisation) that the caller sees them."""
    if sees_all(principal):
        return true()
    return col(CurationSource.id).in_(_covered_source_ids(principal))


def visible_entries(principal: Principal) -> ColumnElement[bool]:
    """The condition on entries that the caller sees them (through their source)."""
    if sees_all(principal):
        return true()
    return col(CurationEntry.source_id).in_(_covered_source_ids(principal))


async def require_may_manage(
    session: AsyncSession, *, principal: Principal, source_id: uuid.UUID
) -> None:
    """Org admins; program managers whose grants cover each of the source's targets."""
    targets = await repository.target_ids(session, source_id=source_id)
    if not targets and not (principal.kind == "user" and principal.is_org_admin):
        raise Forbidden("only an org admin manages a source without targets")
    await require_may_create(session, principal=principal, sub_program_ids=targets)


def _covered_source_ids(principal: Principal) -> SelectOfScalar[uuid.UUID]:
    return select(col(CurationSourceTarget.source_id)).where(
        col(CurationSourceTarget.org_id) == principal.org_id,
        col(CurationSourceTarget.sub_program_id).in_(
            covered_sub_programs(principal, roles=MANAGERS)
        ),
    )
