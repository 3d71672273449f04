"""Submission routes (thin: parse, call the service, shape the response)."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from common.dependencies import CurrentPrincipal, DbSession, Pagination
from common.errors import NotFound
from common.idempotency import Idempotent
from common.pagination import Page, build_page
from content.ideas.submissions import repository, review, service
from content.ideas.submissions.models import Submission, SubmissionStatus
from content.ideas.submissions.schemas import (
    Reason,
    SubmissionCreate,
    SubmissionFilters,
    SubmissionRead,
    SubmissionUpdate,
)

router = APIRouter(prefix="/v1/submissions", tags=["submissions"])


class SubmissionNotFound(NotFound):
    code = "submission_not_found"


async def visible_submission(
    submission_id: uuid.UUID, session: DbSession, principal: CurrentPrincipal
) -> Submission:
    """The path's submission, if the caller sees it (its author, covering staff, admins)."""
    found = await repository.get(
        session,
        org_id=principal.org_id,
        submission_id=submission_id,
        visible=repository.submissions_visible_to(principal),
    )
    if found is None:
        raise SubmissionNotFound(f"submission {submission_id} not found", field="submission_id")
    return found


def submission_filters(
    status: Annotated[SubmissionStatus | None, Query()] = None,
    idea_id: Annotated[uuid.UUID | None, Query()] = None,
    sub_program_id: Annotated[uuid.UUID | None, Query()] = None,
) -> SubmissionFilters:
    """The list's query filters."""
    return SubmissionFilters(status=status, idea_id=idea_id, sub_program_id=sub_program_id)


VisibleSubmission = Annotated[Submission, Depends(visible_submission)]
Filters = Annotated[SubmissionFilters, Depends(submission_filters)]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=SubmissionRead)
async def create_submission(
    data: SubmissionCreate, session: DbSession, principal: CurrentPrincipal, once: Idempotent
) -> SubmissionRead | Response:
    """Submit a post for review in a sub-program the caller is a member of."""

    async def create() -> SubmissionRead:
        made = await service.create_submission(session, principal=principal, data=data)
        return SubmissionRead.model_validate(made)

    return await once.run(create)


@router.get("", response_model=Page[SubmissionRead])
async def list_submissions(
    session: DbSession, principal: CurrentPrincipal, page: Pagination, filters: Filters
) -> Page[SubmissionRead]:
    """Submissions the caller sees (their own; those their grants cover; all for admins)."""
    rows = await repository.page_of(
        session,
        org_id=principal.org_id,
        visible=repository.submissions_visible_to(principal),
        filters=filters,
        page=page,
    )
    return build_page(rows, page=page, read=SubmissionRead.model_validate)


@router.get("/{submission_id}", response_model=SubmissionRead)
async def get_submission(submission: VisibleSubmission) -> SubmissionRead:
    """One submission the caller sees (404 otherwise)."""
    return SubmissionRead.model_validate(submission)


@router.patch("/{submission_id}", response_model=SubmissionRead)
async def update_submission(
    data: SubmissionUpdate,
    submission: VisibleSubmission,
    session: DbSession,
    principal: CurrentPrincipal,
) -> SubmissionRead:
    """The author edits it while under review or sent back; it is under review again."""
    updated = await service.update_submission(
        session, principal=principal, submission=submission, data=data
    )
    return SubmissionRead.model_validate(updated)


@router.post("/{submission_id}/approve", response_model=SubmissionRead)
async def approve_submission(
    submission: VisibleSubmission, session: DbSession, principal: CurrentPrincipal, once: Idempotent
) -> SubmissionRead | Response:
    """Approve: it is published as a content item credited to its author (`content_id`)."""

    async def run() -> SubmissionRead:
        approved = await review.approve(session, principal=principal, submission=submission)
        return SubmissionRead.model_validate(approved)

    return await once.run(run)


@router.post("/{submission_id}/request-changes", response_model=SubmissionRead)
async def request_changes(
    data: Reason,
    submission: VisibleSubmission,
    session: DbSession,
    principal: CurrentPrincipal,
    once: Idempotent,
) -> SubmissionRead | Response:
    """Send it back to its author with what to change."""
    return await once.run(
        lambda: _decide(session, principal, submission, SubmissionStatus.changes_requested, data)
    )


@router.post("/{submission_id}/reject", response_model=SubmissionRead)
async def reject_submission(
    data: Reason,
    submission: VisibleSubmission,
    session: DbSession,
    principal: CurrentPrincipal,
    once: Idempotent,
) -> SubmissionRead | Response:
    """Reject it for good, with the reason."""
    return await once.run(
        lambda: _decide(session, principal, submission, SubmissionStatus.rejected, data)
    )


async def _decide(
    session: DbSession,
    principal: CurrentPrincipal,
    submission: Submission,
    decision: SubmissionStatus,
    data: Reason,
) -> SubmissionRead:
    moved = await review.decide_against(
        session, principal=principal, submission=submission, decision=decision, reason=data.reason
    )
    return SubmissionRead.model_validate(moved)
