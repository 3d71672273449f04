"""Item routes (thin: parse, call the service, shape the response)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Response, status

from common.dependencies import CurrentPrincipal, DbSession, Pagination
from common.idempotency import Idempotent
from common.pagination import Page, build_page
from content.access.visibility import visible_to
from content.dependencies import VisibleContent
from content.items import repository, search, service
from content.items.schemas import ContentCreate, ContentRead, ContentUpdate, TranslationRead

router = APIRouter(prefix="/v1/content", tags=["content"])
Filters = Annotated[search.LibraryFilters, Depends(search.library_filters)]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ContentRead)
async def create_content(
    data: ContentCreate, session: DbSession, principal: CurrentPrincipal, once: Idempotent
) -> ContentRead | Response:
    """Create a draft for sub-programs (org admin, or a program manager covering each)."""

    async def create() -> ContentRead:
        item = await service.create_item(session, principal=principal, data=data)
        return await service.read_one(session, item)

    return await once.run(create)


@router.get("", response_model=Page[ContentRead])
async def list_content(
    session: DbSession, principal: CurrentPrincipal, page: Pagination, filters: Filters
) -> Page[ContentRead]:
    """The library: items the caller sees, filtered and searched (`q`), newest first."""
    rows = await search.page_of(
        session,
        org_id=principal.org_id,
        visible=visible_to(principal),
        filters=filters,
        page=page,
    )
    shown = await service.read_many(session, rows[: page.limit])
    by_id = {read.id: read for read in shown}
    return build_page(rows, page=page, read=lambda row: by_id[row.id])


@router.get("/{content_id}", response_model=ContentRead)
async def get_content(item: VisibleContent, session: DbSession) -> ContentRead:
    """One content item the caller sees (404 otherwise)."""
    return await service.read_one(session, item)


@router.patch("/{content_id}", response_model=ContentRead)
async def update_content(
    data: ContentUpdate, item: VisibleContent, session: DbSession, principal: CurrentPrincipal
) -> ContentRead:
    """Edit a draft, or revise a published item (consumers get `content.item.revised.v1`)."""
    updated = await service.update_item(session, principal=principal, item=item, data=data)
    return await service.read_one(session, updated)


@router.get("/{content_id}/translations", response_model=list[TranslationRead])
async def list_translations(
    item: VisibleContent, session: DbSession, principal: CurrentPrincipal
) -> list[TranslationRead]:
    """Every language version of the item that the caller sees (one per language)."""
    rows = await repository.translations(
        session,
        org_id=principal.org_id,
        group_id=item.translation_group_id,
        visible=visible_to(principal),
    )
    return [TranslationRead.model_validate(row) for row in rows]
