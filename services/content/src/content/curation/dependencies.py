"""Existence checks of curation routes: 404 for another organisation's (or an unseen) object."""

import uuid
from typing import Annotated

from fastapi import Depends
from sqlmodel import col, select

from common.dependencies import CurrentPrincipal, DbSession
from common.errors import NotFound
from content.curation import access, repository
from content.curation.models import CurationEntry, CurationSource


class SourceNotFound(NotFound):
    code = "source_not_found"


class EntryNotFound(NotFound):
    code = "entry_not_found"


async def valid_source_id(
    source_id: uuid.UUID, session: DbSession, principal: CurrentPrincipal
) -> CurationSource:
    """The path's source: the caller's organisation first (404), then role (403), then scope."""
    source = await repository.get_source(session, org_id=principal.org_id, source_id=source_id)
    if source is None:
        raise SourceNotFound(f"source {source_id} not found", field="source_id")
    await access.require_reader(session, principal=principal)
    if not access.sees_all(principal):
        query = select(col(CurationSource.id)).where(
            col(CurationSource.id) == source.id, access.visible_sources(principal)
        )
        if (await session.execute(query)).first() is None:
            raise SourceNotFound(f"source {source_id} not found", field="source_id")
    return source


async def valid_entry_id(
    entry_id: uuid.UUID, session: DbSession, principal: CurrentPrincipal
) -> CurationEntry:
    """The path's entry, by the same rules as its source."""
    entry = await repository.get_entry(session, org_id=principal.org_id, entry_id=entry_id)
    if entry is None:
        raise EntryNotFound(f"entry {entry_id} not found", field="entry_id")
    await access.require_reader(session, principal=principal)
    if not access.sees_all(principal):
        query = select(col(CurationEntry.id)).where(
            col(CurationEntry.id) == entry.id, access.visible_entries(principal)
        )
        if (await session.execute(query)).first() is None:
            raise EntryNotFound(f"entry {entry_id} not found", field="entry_id")
    return entry


ValidSource = Annotated[CurationSource, Depends(valid_source_id)]
ValidEntry = Annotated[CurationEntry, Depends(valid_entry_id)]
