"""Idea routes (thin: parse, call the service, shape the response)."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from common.dependencies import CurrentPrincipal, DbSession, Pagination
from common.errors import NotFound
from common.idempotency import Idempotent
from common.pagination import Page, build_page
from content.ideas.briefs import repository, service
from content.ideas.briefs.models import Idea, IdeaStatus
from content.ideas.briefs.schemas import IdeaCreate, IdeaFilters, IdeaRead, IdeaUpdate
from content.ideas.briefs.visibility import ideas_visible_to

router = APIRouter(prefix="/v1/ideas", tags=["ideas"])


class IdeaNotFound(NotFound):
    code = "idea_not_found"


async def visible_idea(idea_id: uuid.UUID, session: DbSession, principal: CurrentPrincipal) -> Idea:
    """The path's idea, if the caller sees it (in their organisation, by the rules)."""
    idea = await repository.get(
        session, org_id=principal.org_id, idea_id=idea_id, visible=ideas_visible_to(principal)
    )
    if idea is None:
        raise IdeaNotFound(f"idea {idea_id} not found", field="idea_id")
    return idea


def idea_filters(
    status: Annotated[IdeaStatus | None, Query()] = None,
    sub_program_id: Annotated[uuid.UUID | None, Query()] = None,
    campaign_id: Annotated[uuid.UUID | None, Query()] = None,
) -> IdeaFilters:
    """The list's query filters."""
    return IdeaFilters(status=status, sub_program_id=sub_program_id, campaign_id=campaign_id)


VisibleIdea = Annotated[Idea, Depends(visible_idea)]
Filters = Annotated[IdeaFilters, Depends(idea_filters)]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=IdeaRead)
async def create_idea(
    data: IdeaCreate, session: DbSession, principal: CurrentPrincipal, once: Idempotent
) -> IdeaRead | Response:
    """Draft an idea for sub-programs (org admin, or a program manager covering each)."""

    async def create() -> IdeaRead:
        idea = await service.create_idea(session, principal=principal, data=data)
        return await service.read_one(session, idea)

    return await once.run(create)


@router.get("", response_model=Page[IdeaRead])
async def list_ideas(
    session: DbSession, principal: CurrentPrincipal, page: Pagination, filters: Filters
) -> Page[IdeaRead]:
    """Ideas the caller sees, filtered, newest first."""
    rows = await repository.page_of(
        session,
        org_id=principal.org_id,
        visible=ideas_visible_to(principal),
        filters=filters,
        page=page,
    )
    shown = {read.id: read for read in await service.read_many(session, rows[: page.limit])}
    return build_page(rows, page=page, read=lambda row: shown[row.id])


@router.get("/{idea_id}", response_model=IdeaRead)
async def get_idea(idea: VisibleIdea, session: DbSession) -> IdeaRead:
    """One idea the caller sees (404 otherwise)."""
    return await service.read_one(session, idea)


@router.patch("/{idea_id}", response_model=IdeaRead)
async def update_idea(
    data: IdeaUpdate, idea: VisibleIdea, session: DbSession, principal: CurrentPrincipal
) -> IdeaRead:
    """Edit a draft idea (its writers)."""
    updated = await service.update_idea(session, principal=principal, idea=idea, data=data)
    return await service.read_one(session, updated)


@router.post("/{idea_id}/publish", response_model=IdeaRead)
async def publish_idea(
    idea: VisibleIdea, session: DbSession, principal: CurrentPrincipal, once: Idempotent
) -> IdeaRead | Response:
    """Publish a draft: its sub-programs' members see it and may answer it."""

    async def run() -> IdeaRead:
        return await service.read_one(
            session, await service.publish(session, principal=principal, idea=idea)
        )

    return await once.run(run)


@router.post("/{idea_id}/close", response_model=IdeaRead)
async def close_idea(
    idea: VisibleIdea, session: DbSession, principal: CurrentPrincipal, once: Idempotent
) -> IdeaRead | Response:
    """Close an idea: it takes no more submissions."""

    async def run() -> IdeaRead:
        return await service.read_one(
            session, await service.close(session, principal=principal, idea=idea)
        )

    return await once.run(run)
