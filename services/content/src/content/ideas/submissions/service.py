"""Submission rules: who may submit where, in answer to which idea, and the author's edits."""

import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from common.auth import Principal
from common.errors import Forbidden, InvalidInput
from content import targeting
from content.ideas.briefs import repository as ideas
from content.ideas.briefs.models import Idea, IdeaStatus
from content.ideas.briefs.visibility import ideas_visible_to
from content.ideas.submissions import repository
from content.ideas.submissions.models import Submission, SubmissionStatus
from content.ideas.submissions.schemas import SubmissionCreate, SubmissionUpdate
from content.ideas.transitions import transition, wrong_status
from content.targeting import Target

EDITABLE = (SubmissionStatus.submitted, SubmissionStatus.changes_requested)


async def create_submission(
    session: AsyncSession, *, principal: Principal, data: SubmissionCreate
) -> Submission:
    """Submit a post for one sub-program the caller is a member of (422/403 otherwise)."""
    ideas_visible_to(principal)  # 403 for API keys before any lookup
    idea = await _idea(session, principal=principal, idea_id=data.idea_id)
    target = await _target(session, principal=principal, idea=idea, wanted=data.sub_program_id)
    if not await repository.member_of(
        session, principal=principal, sub_program_ids=[target.sub_program_id]
    ):
        raise Forbidden(
            f"you are not a member of sub-program {target.sub_program_id}",
            field="sub_program_id",
        )
    now = datetime.now(UTC)
    submission = Submission(
        org_id=principal.org_id,
        idea_id=idea.id if idea else None,
        sub_program_id=target.sub_program_id,
        program_id=target.program_id,
        network=data.network,
        title=data.title,
        text=data.text,
        media=[media.model_dump(mode="json") for media in data.media],
        language=data.language,
        author_id=principal.user_id,
        created_at=now,
        updated_at=now,
    )
    session.add(submission)
    await session.flush()
    return submission


async def update_submission(
    session: AsyncSession, *, principal: Principal, submission: Submission, data: SubmissionUpdate
) -> Submission:
    """The author's edit while under review or sent back; it is then under review again."""
    if submission.author_id != principal.user_id:
        raise Forbidden("only its author may edit a submission")
    changes = data.model_dump(exclude_unset=True, mode="json")
    now = datetime.now(UTC)
    moved = await transition(
        session,
        Submission,
        org_id=submission.org_id,
        row_id=submission.id,
        from_statuses=EDITABLE,
        to_status=SubmissionStatus.submitted,
        updated_at=now,
        **changes,
    )
    if moved is None:
        raise wrong_status(
            "submission", status_now=submission.status, action="edited", allowed=EDITABLE
        )
    return moved


async def _idea(
    session: AsyncSession, *, principal: Principal, idea_id: uuid.UUID | None
) -> Idea | None:
    if idea_id is None:
        return None
    idea = await ideas.get(
        session, org_id=principal.org_id, idea_id=idea_id, visible=ideas_visible_to(principal)
    )
    if idea is None or idea.status == IdeaStatus.draft:
        raise InvalidInput(f"unknown idea {idea_id}", field="idea_id")
    if idea.status != IdeaStatus.published:
        raise InvalidInput(
            f"idea {idea_id} is {idea.status}: it takes no more submissions", field="idea_id"
        )
    return idea


async def _target(
    session: AsyncSession, *, principal: Principal, idea: Idea | None, wanted: uuid.UUID | None
) -> Target:
    if idea is not None:
        targets = (await ideas.targets_of(session, idea_ids=[idea.id]))[idea.id]
        if wanted is None and len(targets) == 1:
            return targets[0]
        for target in targets:
            if target.sub_program_id == wanted:
                return target
        if wanted is not None:
            raise InvalidInput(
                f"sub-program {wanted} is not one of the idea's", field="sub_program_id"
            )
    if wanted is None:
        raise InvalidInput("name the sub-program this post is for", field="sub_program_id")
    try:
        found = await targeting.resolve(session, org_id=principal.org_id, sub_program_ids=[wanted])
    except targeting.UnknownTarget as exc:
        raise targeting.UnknownTarget(exc.message, field="sub_program_id") from exc
    return found[0]
