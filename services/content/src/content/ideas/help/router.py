"""Help request routes (thin: parse, call the service, shape the response)."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from common.dependencies import CurrentPrincipal, DbSession, Pagination
from common.errors import NotFound
from common.idempotency import Idempotent
from common.pagination import Page, build_page
from content.ideas.help import repository, service
from content.ideas.help.models import HelpRequest, HelpStatus
from content.ideas.help.schemas import Assignment, Closing, HelpRequestCreate, HelpRequestRead

router = APIRouter(prefix="/v1/help-requests", tags=["help requests"])


class HelpRequestNotFound(NotFound):
    code = "help_request_not_found"


async def visible_help_request(
    help_request_id: uuid.UUID, session: DbSession, principal: CurrentPrincipal
) -> HelpRequest:
    """The path's help request, if the caller sees it (its requester, covering staff, admins)."""
    found = await repository.get(
        session,
        org_id=principal.org_id,
        help_request_id=help_request_id,
        visible=repository.help_visible_to(principal),
    )
    if found is None:
        raise HelpRequestNotFound(
            f"help request {help_request_id} not found", field="help_request_id"
        )
    return found


VisibleHelpRequest = Annotated[HelpRequest, Depends(visible_help_request)]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=HelpRequestRead)
async def create_help_request(
    data: HelpRequestCreate, session: DbSession, principal: CurrentPrincipal, once: Idempotent
) -> HelpRequestRead | Response:
    """Ask for production help on an idea, a submission or a content item one sees."""

    async def create() -> HelpRequestRead:
        made = await service.create_request(session, principal=principal, data=data)
        return HelpRequestRead.model_validate(made)

    return await once.run(create)


@router.get("", response_model=Page[HelpRequestRead])
async def list_help_requests(
    session: DbSession,
    principal: CurrentPrincipal,
    page: Pagination,
    status: Annotated[HelpStatus | None, Query()] = None,
) -> Page[HelpRequestRead]:
    """Help requests the caller sees (their own; those their grants cover; all for admins)."""
    rows = await repository.page_of(
        session,
        org_id=principal.org_id,
        visible=repository.help_visible_to(principal),
        status=status,
        page=page,
    )
    return build_page(rows, page=page, read=HelpRequestRead.model_validate)


@router.get("/{help_request_id}", response_model=HelpRequestRead)
async def get_help_request(request: VisibleHelpRequest) -> HelpRequestRead:
    """One help request the caller sees (404 otherwise)."""
    return HelpRequestRead.model_validate(request)


@router.post("/{help_request_id}/assign", response_model=HelpRequestRead)
async def assign_help_request(
    data: Assignment,
    request: VisibleHelpRequest,
    session: DbSession,
    principal: CurrentPrincipal,
    once: Idempotent,
) -> HelpRequestRead | Response:
    """Give an open request to someone (staff covering its sub-program)."""

    async def run() -> HelpRequestRead:
        moved = await service.assign(
            session, principal=principal, request=request, assignee_id=data.assignee_id
        )
        return HelpRequestRead.model_validate(moved)

    return await once.run(run)


@router.post("/{help_request_id}/close", response_model=HelpRequestRead)
async def close_help_request(
    data: Closing,
    request: VisibleHelpRequest,
    session: DbSession,
    principal: CurrentPrincipal,
    once: Idempotent,
) -> HelpRequestRead | Response:
    """Close an open or assigned request with its resolution."""

    async def run() -> HelpRequestRead:
        moved = await service.close(
            session, principal=principal, request=request, resolution=data.resolution
        )
        return HelpRequestRead.model_validate(moved)

    return await once.run(run)
