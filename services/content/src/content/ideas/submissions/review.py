"""Reviewing submissions: approve (it becomes a published item credited to its author), request
changes or reject, each a conditional UPDATE told once (SubmissionReviewedV1)."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import true
from sqlalchemy.ext.asyncio import AsyncSession

from common.auth import Principal
from common.errors import Forbidden
from common.events.contracts.content import SubmissionReviewedV1
from content import item_events
from content.access.visibility import STAFF_ROLES, uncovered_targets
from content.ideas.briefs import repository as ideas
from content.ideas.submissions.models import Submission
from content.ideas.submissions.models import SubmissionStatus as S
from content.ideas.transitions import transition, wrong_status
from content.items import service as items
from content.items.schemas import ContentCreate
from content.lifecycle import service as lifecycle
from content.models import ContentItem, ContentKind, ContentSource
from content.targeting import Target

REVIEWABLE = (S.submitted,)
REJECTABLE = (S.submitted, S.changes_requested)


async def approve(
    session: AsyncSession, *, principal: Principal, submission: Submission
) -> Submission:
    """submitted -> approved, and the post becomes a published item in the same transaction."""
    await require_reviewer(session, principal=principal, submission=submission)
    now = datetime.now(UTC)
    # The submission moves first: a concurrent second approval finds it approved and creates
    # nothing (409), so one submission makes one item.
    moved = await _move(submission, session, REVIEWABLE, S.approved, principal, now, reason=None)
    item = await _publish_as_item(session, principal=principal, submission=moved)
    moved.content_id = item.id
    await session.flush()
    _stage_reviewed(session, moved, decision="approved", reviewer=principal, at=now)
    return moved


async def decide_against(
    session: AsyncSession,
    *,
    principal: Principal,
    submission: Submission,
    decision: str,
    reason: str,
) -> Submission:
    """Request changes (back to its author) or reject (final), with the reason."""
    await require_reviewer(session, principal=principal, submission=submission)
    now = datetime.now(UTC)
    if decision == S.changes_requested:
        moved = await _move(
            submission, session, REVIEWABLE, S.changes_requested, principal, now, reason=reason
        )
    else:
        moved = await _move(
            submission, session, REJECTABLE, S.rejected, principal, now, reason=reason
        )
    _stage_reviewed(session, moved, decision=decision, reviewer=principal, at=now)
    return moved


async def require_reviewer(
    session: AsyncSession, *, principal: Principal, submission: Submission
) -> None:
    """Org admins, and program managers or reviewers whose grants cover its sub-program;
    never its own author (someone else vouches for what goes out)."""
    if principal.user_id == submission.author_id:
        raise Forbidden("a submission is reviewed by someone else than its author")
    if principal.kind == "user" and principal.is_org_admin:
        return
    uncovered = await uncovered_targets(
        session, principal, sub_program_ids=[submission.sub_program_id], roles=STAFF_ROLES
    )
    if uncovered:
        raise Forbidden(
            "reviewing needs the 'org_admin' role or a program_manager or reviewer grant on "
            "this submission's sub-program or its program"
        )


async def _move(
    submission: Submission,
    session: AsyncSession,
    allowed: tuple[S, ...],
    to: S,
    principal: Principal,
    now: datetime,
    **values: Any,
) -> Submission:
    moved = await transition(
        session,
        Submission,
        org_id=submission.org_id,
        row_id=submission.id,
        from_statuses=allowed,
        to_status=to,
        reviewed_by=principal.user_id,
        reviewed_at=now,
        updated_at=now,
        **values,
    )
    if moved is None:
        raise wrong_status(
            "submission", status_now=submission.status, action=str(to), allowed=allowed
        )
    return moved


async def _publish_as_item(
    session: AsyncSession, *, principal: Principal, submission: Submission
) -> ContentItem:
    idea = None
    if submission.idea_id is not None:
        idea = await ideas.get(
            session, org_id=submission.org_id, idea_id=submission.idea_id, visible=true()
        )
    data = ContentCreate(
        kind=ContentKind.media if submission.media else ContentKind.post,
        title=submission.title,
        body=submission.text,
        language=submission.language,
        sub_program_ids=[submission.sub_program_id],
        networks=[submission.network] if submission.network else [],
        campaign_id=idea.campaign_id if idea else None,
        details={"media": submission.media} if submission.media else {},
    )
    item = await items.create_item(
        session,
        principal=principal,
        data=data,
        source=ContentSource.submission,
        author_id=submission.author_id,
        check_permission=False,
    )
    return await lifecycle.approve(session, principal=principal, item=item)


def _stage_reviewed(
    session: AsyncSession,
    submission: Submission,
    *,
    decision: str,
    reviewer: Principal,
    at: datetime,
) -> None:
    targets = [Target(submission.sub_program_id, submission.program_id)]
    item_events.once(
        session,
        targets=targets,
        payload=SubmissionReviewedV1(
            **item_events.targeting_fields(
                org_id=submission.org_id,
                targets=targets,
                target=targets[0],
                networks=[submission.network] if submission.network else [],
                language=submission.language,
            ),
            submission_id=submission.id,
            author_id=submission.author_id,
            decision=decision,
            reason=submission.reason,
            content_id=submission.content_id,
            reviewed_by=reviewer.user_id,
            reviewed_at=at,
        ),
        subject=f"submissions/{submission.id}",
        key=submission.id,
    )
