"""Help request rules: asked by a member on something they see; staff assign and close it."""

import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from common.auth import Principal
from common.errors import Forbidden, InvalidInput
from common.events.contracts.content import HelpRequestedV1
from content import item_events
from content.access.visibility import STAFF_ROLES, uncovered_targets, visible_to
from content.ideas.briefs import repository as ideas
from content.ideas.briefs.visibility import ideas_visible_to
from content.ideas.help.models import HelpRequest, HelpStatus
from content.ideas.help.schemas import HelpRequestCreate
from content.ideas.submissions import repository as submissions
from content.ideas.transitions import transition, wrong_status
from content.items import repository as items
from content.targeting import Target

ABOUT = ("submission_id", "idea_id", "content_id")  # the first one named decides the sub-program
CLOSABLE = (HelpStatus.open, HelpStatus.assigned)


async def create_request(
    session: AsyncSession, *, principal: Principal, data: HelpRequestCreate
) -> HelpRequest:
    """Ask for help on what the caller sees, in a sub-program of it they are a member of."""
    ideas_visible_to(principal)  # 403 for API keys before any lookup
    if all(getattr(data, name) is None for name in ABOUT):
        raise InvalidInput(
            "name what the help is for: idea_id, submission_id or content_id",
            field="idea_id",
            errors=[{"field": name, "message": "one of these is required"} for name in ABOUT],
        )
    candidates = await _candidates(session, principal=principal, data=data)
    target = await _requester_target(session, principal=principal, candidates=candidates)
    now = datetime.now(UTC)
    request = HelpRequest(
        org_id=principal.org_id,
        kind=data.kind,
        message=data.message,
        idea_id=data.idea_id,
        submission_id=data.submission_id,
        content_id=data.content_id,
        sub_program_id=target.sub_program_id,
        program_id=target.program_id,
        requested_by=principal.user_id,
        created_at=now,
        updated_at=now,
    )
    session.add(request)
    await session.flush()
    _stage_requested(session, request)
    return request


async def assign(
    session: AsyncSession, *, principal: Principal, request: HelpRequest, assignee_id: uuid.UUID
) -> HelpRequest:
    """open -> assigned to someone (once: a second assignment races and loses, 409)."""
    await require_handler(session, principal=principal, request=request)
    now = datetime.now(UTC)
    return await _move(
        session,
        request,
        (HelpStatus.open,),
        HelpStatus.assigned,
        assignee_id=assignee_id,
        assigned_at=now,
        updated_at=now,
    )


async def close(
    session: AsyncSession, *, principal: Principal, request: HelpRequest, resolution: str
) -> HelpRequest:
    """open | assigned -> closed, with how it ended."""
    await require_handler(session, principal=principal, request=request)
    now = datetime.now(UTC)
    return await _move(
        session,
        request,
        CLOSABLE,
        HelpStatus.closed,
        resolution=resolution,
        closed_at=now,
        updated_at=now,
    )


async def require_handler(
    session: AsyncSession, *, principal: Principal, request: HelpRequest
) -> None:
    """Org admins, and program managers or reviewers covering the request's sub-program."""
    if principal.kind == "user" and principal.is_org_admin:
        return
    if await uncovered_targets(
        session, principal, sub_program_ids=[request.sub_program_id], roles=STAFF_ROLES
    ):
        raise Forbidden(
            "handling help requests needs the 'org_admin' role or a program_manager or reviewer "
            "grant on the request's sub-program or its program"
        )


async def _candidates(
    session: AsyncSession, *, principal: Principal, data: HelpRequestCreate
) -> list[list[Target]]:
    found: dict[str, list[Target] | None] = {}
    org = principal.org_id
    if data.submission_id is not None:
        submission = await submissions.get(
            session,
            org_id=org,
            submission_id=data.submission_id,
            visible=submissions.submissions_visible_to(principal),
        )
        found["submission_id"] = (
            [Target(submission.sub_program_id, submission.program_id)] if submission else None
        )
    if data.idea_id is not None:
        idea = await ideas.get(
            session, org_id=org, idea_id=data.idea_id, visible=ideas_visible_to(principal)
        )
        found["idea_id"] = (
            (await ideas.targets_of(session, idea_ids=[idea.id]))[idea.id] if idea else None
        )
    if data.content_id is not None:
        item = await items.get(
            session, org_id=org, content_id=data.content_id, visible=visible_to(principal)
        )
        found["content_id"] = (
            (await items.facets_of(session, content_ids=[item.id]))[item.id].targets
            if item
            else None
        )
    _check_found(found, data)
    return [targets for name in ABOUT if (targets := found.get(name))]


def _check_found(found: dict[str, list[Target] | None], data: HelpRequestCreate) -> None:
    problems = [
        {"field": name, "message": f"unknown {name.removesuffix('_id')} {getattr(data, name)}"}
        for name in ABOUT
        if name in found and found[name] is None
    ]
    if problems:
        raise InvalidInput(problems[0]["message"], field=problems[0]["field"], errors=problems)


async def _requester_target(
    session: AsyncSession, *, principal: Principal, candidates: list[list[Target]]
) -> Target:
    for targets in candidates:
        by_id = {target.sub_program_id: target for target in targets}
        mine = await submissions.member_of(
            session, principal=principal, sub_program_ids=list(by_id)
        )
        if mine:
            return by_id[mine[0]]
    raise Forbidden("help is asked by members: you are not a member of a sub-program this is for")


async def _move(
    session: AsyncSession,
    request: HelpRequest,
    allowed: tuple[HelpStatus, ...],
    to: HelpStatus,
    **values: object,
) -> HelpRequest:
    moved = await transition(
        session,
        HelpRequest,
        org_id=request.org_id,
        row_id=request.id,
        from_statuses=allowed,
        to_status=to,
        **values,
    )
    if moved is None:
        raise wrong_status(
            "help request", status_now=request.status, action=str(to), allowed=allowed
        )
    return moved


def _stage_requested(session: AsyncSession, request: HelpRequest) -> None:
    targets = [Target(request.sub_program_id, request.program_id)]
    item_events.once(
        session,
        targets=targets,
        payload=HelpRequestedV1(
            **item_events.targeting_fields(
                org_id=request.org_id, targets=targets, target=targets[0]
            ),
            help_request_id=request.id,
            requested_by=request.requested_by,
            kind=request.kind,
            idea_id=request.idea_id,
            content_id=request.content_id,
            submission_id=request.submission_id,
            requested_at=request.created_at,
        ),
        subject=f"help-requests/{request.id}",
        key=request.id,
    )
