"""Content HTTP routes (thin: parse, call the service, shape the response)."""

from fastapi import APIRouter, Response, status

from common.dependencies import CurrentPrincipal, DbSession, Pagination
from common.idempotency import Idempotent
from common.pagination import Page, build_page
from content import repository, service
from content.access.visibility import visible_to
from content.dependencies import VisibleContent
from content.schemas import ContentCreate, ContentRead

router = APIRouter(prefix="/v1/content", tags=["content"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ContentRead)
async def create_content(
    data: ContentCreate, session: DbSession, principal: CurrentPrincipal, once: Idempotent
) -> ContentRead | Response:
    """Create a draft for one sub-program (org admin, or its program manager)."""

    async def create() -> ContentRead:
        item = await service.create_draft(session, principal=principal, data=data)
        await session.flush()
        return ContentRead.model_validate(item)

    return await once.run(create)


@router.get("", response_model=Page[ContentRead])
async def list_content(
    session: DbSession, principal: CurrentPrincipal, page: Pagination
) -> Page[ContentRead]:
    """The content items the caller sees, newest first."""
    rows = await repository.list_recent(
        session, org_id=principal.org_id, visible=visible_to(principal), page=page
    )
    return build_page(rows, page=page, read=ContentRead.model_validate)


@router.get("/{content_id}", response_model=ContentRead)
async def get_content(item: VisibleContent) -> ContentRead:
    """One content item the caller sees (404 otherwise)."""
    return ContentRead.model_validate(item)


@router.post("/{content_id}/approve", response_model=ContentRead)
async def approve_content(
    item: VisibleContent, session: DbSession, principal: CurrentPrincipal, once: Idempotent
) -> ContentRead | Response:
    """Approve and publish a draft (org admin, or a program manager or reviewer of it)."""

    async def approve() -> ContentRead:
        published = await service.approve(session, principal=principal, item=item)
        return ContentRead.model_validate(published)

    return await once.run(approve)
