"""Idea rules: who writes ideas, what a valid one is, draft -> published -> closed."""

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from common.auth import Principal
from common.errors import Conflict, InvalidInput
from common.events.contracts.content import IdeaPublishedV1
from content import item_events, targeting
from content.access.visibility import require_may_create, require_may_create_somewhere
from content.calendar.service import require_campaign
from content.ideas.briefs import repository
from content.ideas.briefs.models import Idea, IdeaStatus
from content.ideas.briefs.schemas import IdeaCreate, IdeaRead, IdeaTargeting, IdeaUpdate
from content.ideas.transitions import transition, wrong_status
from content.targeting import Target

CLOSABLE = (IdeaStatus.draft, IdeaStatus.published)


class IdeaNotEditable(Conflict):
    code = "idea_not_editable"


async def create_idea(session: AsyncSession, *, principal: Principal, data: IdeaCreate) -> Idea:
    """Stage a draft idea for sub-programs the caller may create content for."""
    await require_may_create_somewhere(session, principal=principal)
    now = datetime.now(UTC)
    _check_deadline(data.deadline, now=now)
    targets = await _targets(session, principal=principal, spec=data.targeting)
    if data.campaign_id is not None:
        await require_campaign(session, org_id=principal.org_id, campaign_id=data.campaign_id)
    idea = Idea(
        org_id=principal.org_id,
        title=data.title,
        angle=data.angle,
        format=data.format,
        examples=list(data.examples),
        networks=list(dict.fromkeys(data.targeting.networks)),
        deadline=data.deadline,
        campaign_id=data.campaign_id,
        created_by=principal.user_id,
        created_at=now,
        updated_at=now,
    )
    session.add(idea)
    await session.flush()
    await repository.replace_targets(session, idea=idea, targets=targets)
    return idea


async def update_idea(
    session: AsyncSession, *, principal: Principal, idea: Idea, data: IdeaUpdate
) -> Idea:
    """Edit a draft (a published idea is what ambassadors already read: frozen)."""
    await require_may_write(session, principal=principal, idea=idea)
    if idea.status != IdeaStatus.draft:
        raise IdeaNotEditable(
            f"a {idea.status} idea cannot be edited", field="status", status_now=idea.status
        )
    now = datetime.now(UTC)
    changes = data.model_dump(exclude_unset=True, exclude={"targeting"})
    if "deadline" in changes:
        _check_deadline(data.deadline, now=now)
    if data.campaign_id is not None:
        await require_campaign(session, org_id=principal.org_id, campaign_id=data.campaign_id)
    if data.targeting is not None:
        targets = await _targets(session, principal=principal, spec=data.targeting)
        await repository.replace_targets(session, idea=idea, targets=targets)
        changes["networks"] = list(dict.fromkeys(data.targeting.networks))
    for name, value in changes.items():
        setattr(idea, name, value)
    idea.updated_at = now
    await session.flush()
    return idea


async def publish(session: AsyncSession, *, principal: Principal, idea: Idea) -> Idea:
    """draft -> published; each target sub-program is told (IdeaPublishedV1)."""
    await require_may_write(session, principal=principal, idea=idea)
    now = datetime.now(UTC)
    moved = await transition(
        session,
        Idea,
        org_id=idea.org_id,
        row_id=idea.id,
        from_statuses=(IdeaStatus.draft,),
        to_status=IdeaStatus.published,
        published_by=principal.user_id,
        published_at=now,
        updated_at=now,
    )
    if moved is None:
        raise _wrong(idea, "published", allowed=(IdeaStatus.draft,))
    targets = (await repository.targets_of(session, idea_ids=[moved.id]))[moved.id]
    item_events.per_target(
        session,
        targets=targets,
        make=lambda target: IdeaPublishedV1(
            **event_targeting(moved, targets, target),
            idea_id=moved.id,
            title=moved.title,
            deadline=moved.deadline,
            campaign_id=moved.campaign_id,
            published_by=principal.user_id,
            published_at=now,
        ),
        subject=f"ideas/{moved.id}",
        key=moved.id,
    )
    return moved


async def close(session: AsyncSession, *, principal: Principal, idea: Idea) -> Idea:
    """draft | published -> closed: no more submissions answer it."""
    await require_may_write(session, principal=principal, idea=idea)
    now = datetime.now(UTC)
    moved = await transition(
        session,
        Idea,
        org_id=idea.org_id,
        row_id=idea.id,
        from_statuses=CLOSABLE,
        to_status=IdeaStatus.closed,
        closed_at=now,
        updated_at=now,
    )
    if moved is None:
        raise _wrong(idea, "closed", allowed=CLOSABLE)
    return moved


async def require_may_write(session: AsyncSession, *, principal: Principal, idea: Idea) -> None:
    """Org admins, and program managers whose grants cover every target of the idea."""
    targets = (await repository.targets_of(session, idea_ids=[idea.id]))[idea.id]
    await require_may_create(
        session, principal=principal, sub_program_ids=[t.sub_program_id for t in targets]
    )


def event_targeting(idea: Idea, targets: list[Target], target: Target | None) -> dict[str, object]:
    """The ItemTargeting fields of an event about this idea (`target`: the record's own)."""
    return item_events.targeting_fields(
        org_id=idea.org_id, targets=targets, target=target, networks=idea.networks
    )


async def read_many(session: AsyncSession, ideas: list[Idea]) -> list[IdeaRead]:
    """API views of ideas with their targets (one query for the targets of all)."""
    targets = await repository.targets_of(session, idea_ids=[idea.id for idea in ideas])
    return [
        IdeaRead.model_validate(
            {
                **idea.model_dump(),
                "sub_program_ids": [t.sub_program_id for t in targets[idea.id]],
                "program_ids": sorted({t.program_id for t in targets[idea.id]}, key=str),
            }
        )
        for idea in ideas
    ]


async def read_one(session: AsyncSession, idea: Idea) -> IdeaRead:
    """The API view of one idea."""
    return (await read_many(session, [idea]))[0]


async def _targets(
    session: AsyncSession, *, principal: Principal, spec: IdeaTargeting
) -> list[Target]:
    targets = await targeting.resolve(
        session,
        org_id=principal.org_id,
        sub_program_ids=spec.sub_program_ids,
        program_ids=spec.program_ids,
        field_prefix="targeting.",
    )
    if not targets:
        raise InvalidInput("name at least one sub-program or program", field="targeting")
    await require_may_create(
        session, principal=principal, sub_program_ids=[t.sub_program_id for t in targets]
    )
    return targets


def _check_deadline(deadline: datetime | None, *, now: datetime) -> None:
    if deadline is not None and deadline <= now:
        raise InvalidInput("deadline must be in the future", field="deadline")


def _wrong(idea: Idea, action: str, *, allowed: tuple[IdeaStatus, ...]) -> Exception:
    return wrong_status("idea", status_now=idea.status, action=action, allowed=allowed)
