"""Curation routes (thin: parse, call the service, shape the response)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status

from common.dependencies import CurrentPrincipal, DbSession, Pagination
from common.idempotency import Idempotent
from common.pagination import Page, build_page
from content.curation import access, repository, service
from content.curation.dependencies import ValidEntry, ValidSource
from content.curation.fetch import Limits
from content.curation.schemas import (
    EntryAccept,
    EntryFilters,
    EntryRead,
    SourceCreate,
    SourceRead,
    SourceUpdate,
    entry_filters,
)

router = APIRouter(prefix="/v1/curation", tags=["curation"])
Filters = Annotated[EntryFilters, Depends(entry_filters)]


def _limits(request: Request) -> Limits:
    return service.limits_of(request.app.state.settings)


@router.post("/sources", status_code=status.HTTP_201_CREATED, response_model=SourceRead)
async def create_source(
    data: SourceCreate,
    request: Request,
    session: DbSession,
    principal: CurrentPrincipal,
    once: Idempotent,
) -> SourceRead | Response:
    """Follow a feed: its URL is fetched once and must serve RSS or Atom (422 naming `url`)."""

    async def create() -> SourceRead:
        source = await service.create_source(
            session, principal=principal, data=data, limits=_limits(request)
        )
        return SourceRead.model_validate(source)

    return await once.run(create)


@router.get("/sources", response_model=Page[SourceRead])
async def list_sources(
    session: DbSession, principal: CurrentPrincipal, page: Pagination
) -> Page[SourceRead]:
    """The sources the caller sees, newest first."""
    await access.require_reader(session, principal=principal)
    rows = await repository.sources(
        session, org_id=principal.org_id, visible=access.visible_sources(principal), page=page
    )
    return build_page(rows, page=page, read=SourceRead.model_validate)


@router.get("/sources/{source_id}", response_model=SourceRead)
async def get_source(source: ValidSource) -> SourceRead:
    """One source with how its polling goes."""
    return SourceRead.model_validate(source)


@router.patch("/sources/{source_id}", response_model=SourceRead)
async def update_source(
    data: SourceUpdate,
    source: ValidSource,
    request: Request,
    session: DbSession,
    principal: CurrentPrincipal,
) -> SourceRead:
    """Rename, retarget, re-point (fetched once), pause or resume a source."""
    updated = await service.update_source(
        session, principal=principal, source=source, data=data, limits=_limits(request)
    )
    return SourceRead.model_validate(updated)


@router.delete("/sources/{source_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_source(
    source: ValidSource, session: DbSession, principal: CurrentPrincipal
) -> None:
    """Stop following a feed (its pending entries go; decided ones stay)."""
    await service.delete_source(session, principal=principal, source=source)


@router.post("/sources/{source_id}/poll", response_model=SourceRead)
async def poll_source(
    source: ValidSource, session: DbSession, principal: CurrentPrincipal, once: Idempotent
) -> SourceRead | Response:
    """Make the source due now: the worker polls it at its next tick (409 if paused)."""

    async def due() -> SourceRead:
        changed = await service.poll_now(session, principal=principal, source=source)
        return SourceRead.model_validate(changed)

    return await once.run(due)


@router.get("/entries", response_model=Page[EntryRead])
async def list_entries(
    session: DbSession, principal: CurrentPrincipal, page: Pagination, filters: Filters
) -> Page[EntryRead]:
    """The queue the caller sees, newest first; ?status= and ?source_id= filter it."""
    await access.require_reader(session, principal=principal)
    rows = await repository.entries(
        session,
        org_id=principal.org_id,
        visible=access.visible_entries(principal),
        status=filters.status,
        source_id=filters.source_id,
        page=page,
    )
    return build_page(rows, page=page, read=EntryRead.model_validate)


@router.get("/entries/{entry_id}", response_model=EntryRead)
async def get_entry(entry: ValidEntry) -> EntryRead:
    """One entry of the queue."""
    return EntryRead.model_validate(entry)


@router.post("/entries/{entry_id}/accept", response_model=EntryRead)
async def accept_entry(
    entry: ValidEntry,
    session: DbSession,
    principal: CurrentPrincipal,
    once: Idempotent,
    data: EntryAccept | None = None,
) -> EntryRead | Response:
    """Make a draft content item of a pending entry (409 if it was decided already)."""

    async def accept() -> EntryRead:
        accepted = await service.accept_entry(
            session, principal=principal, entry=entry, data=data or EntryAccept()
        )
        return EntryRead.model_validate(accepted)

    return await once.run(accept)


@router.post("/entries/{entry_id}/discard", response_model=EntryRead)
async def discard_entry(
    entry: ValidEntry, session: DbSession, principal: CurrentPrincipal, once: Idempotent
) -> EntryRead | Response:
    """Drop a pending entry (409 if it was decided already)."""

    async def discard() -> EntryRead:
        return EntryRead.model_validate(
            await service.discard_entry(session, principal=principal, entry=entry)
        )

    return await once.run(discard)
