"""Spotlight rules: staff propose, only the person's consent publishes (told once), the person
may take it back at any time, staff may withdraw it."""

import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from ambassadors.models import SubProgram
from ambassadors.team import access, repository
from ambassadors.team.errors import (
    NoLongerMember,
    NotAwaitingConsent,
    NotMemberOfSubProgram,
    ShareNotFound,
    SpotlightClosed,
    SpotlightExists,
    SpotlightNotFound,
)
from ambassadors.team.models import Spotlight, SpotlightStatus
from ambassadors.team.schemas import SpotlightCreate
from common.auth import Principal
from common.events.contracts.people import SpotlightPublishedV1
from common.outbox import add_event

SOURCE = "/services/ambassadors"
OPEN = (SpotlightStatus.awaiting_consent, SpotlightStatus.published)


async def propose(
    session: AsyncSession, *, principal: Principal, sub: SubProgram, data: SpotlightCreate
) -> Spotlight:
    """A spotlight awaiting the person's consent (org admins, the sub-program's managers)."""
    await access.require_manager(session, principal=principal, sub=sub)
    member = await repository.membership(
        session, org_id=sub.org_id, sub_program_id=sub.id, ambassador_id=data.ambassador_id
    )
    if member is None:
        raise NotMemberOfSubProgram(
            "this ambassador is not a member of the sub-program", field="ambassador_id"
        )
    content_id = None
    if data.share_id is not None:
        share = await repository.share_of(
            session,
            org_id=sub.org_id,
            sub_program_id=sub.id,
            ambassador_id=data.ambassador_id,
            share_id=data.share_id,
        )
        if share is None:
            raise ShareNotFound(
                "no share of this ambassador in this sub-program has that id", field="share_id"
            )
        content_id = share.content_id
    user_id = await repository.user_of(session, ambassador_id=data.ambassador_id)
    created = await repository.insert_spotlight(
        session,
        Spotlight(
            org_id=sub.org_id,
            program_id=sub.program_id,
            sub_program_id=sub.id,
            ambassador_id=data.ambassador_id,
            user_id=user_id,
            author_id=principal.user_id,
            share_id=data.share_id,
            content_id=content_id,
            message=data.message,
            status=SpotlightStatus.awaiting_consent,
            created_at=datetime.now(UTC),
        ),
    )
    # The partial unique index decides a double proposal of one share, whatever the timing.
    if created is None:
        raise SpotlightExists(
            "this share already has a spotlight awaiting consent or published", field="share_id"
        )
    return created


async def consent(
    session: AsyncSession, *, principal: Principal, spotlight_id: uuid.UUID
) -> Spotlight:
    """The person agrees: published, and told once (the UPDATE that moved it decides)."""
    mine = await _about_me(session, principal=principal, spotlight_id=spotlight_id)
    member = await repository.membership(
        session,
        org_id=mine.org_id,
        sub_program_id=mine.sub_program_id,
        ambassador_id=mine.ambassador_id,
    )
    if member is None:
        raise NoLongerMember("you are no longer a member of this sub-program", field="spotlight_id")
    now = datetime.now(UTC)
    published = await repository.move(
        session,
        org_id=principal.org_id,
        spotlight_id=spotlight_id,
        about=principal.user_id,
        from_status=[SpotlightStatus.awaiting_consent],
        status=SpotlightStatus.published,
        decided_at=now,
        published_at=now,
    )
    if published is None:
        raise NotAwaitingConsent("this spotlight is not awaiting your consent", field="status")
    _tell_published(session, published)
    return published


async def decline(
    session: AsyncSession, *, principal: Principal, spotlight_id: uuid.UUID
) -> Spotlight:
    """The person says no, before or after consenting (consent can be taken back)."""
    await _about_me(session, principal=principal, spotlight_id=spotlight_id)
    declined = await repository.move(
        session,
        org_id=principal.org_id,
        spotlight_id=spotlight_id,
        about=principal.user_id,
        from_status=OPEN,
        status=SpotlightStatus.declined,
        decided_at=datetime.now(UTC),
    )
    if declined is None:
        raise SpotlightClosed("this spotlight was already declined or withdrawn", field="status")
    return declined


async def withdraw(
    session: AsyncSession, *, principal: Principal, spotlight: Spotlight, sub: SubProgram
) -> Spotlight:
    """Staff take a spotlight down (org admins, the sub-program's managers)."""
    await access.require_manager(session, principal=principal, sub=sub)
    now = datetime.now(UTC)
    withdrawn = await repository.move(
        session,
        org_id=principal.org_id,
        spotlight_id=spotlight.id,
        from_status=OPEN,
        status=SpotlightStatus.withdrawn,
        withdrawn_at=now,
        withdrawn_by=principal.user_id,
    )
    if withdrawn is None:
        raise SpotlightClosed("this spotlight was already declined or withdrawn", field="status")
    return withdrawn


async def _about_me(
    session: AsyncSession, *, principal: Principal, spotlight_id: uuid.UUID
) -> Spotlight:
    found = await repository.get_visible(
        session,
        org_id=principal.org_id,
        spotlight_id=spotlight_id,
        visible=col(Spotlight.user_id) == principal.user_id,
    )
    if found is None:
        raise SpotlightNotFound(f"spotlight {spotlight_id} not found", field="spotlight_id")
    return found


def _tell_published(session: AsyncSession, spotlight: Spotlight) -> None:
    # Keyed by the sub-program: its spotlights reach a per-sub-program worker in order.
    add_event(
        session,
        SpotlightPublishedV1(
            org_id=spotlight.org_id,
            program_id=spotlight.program_id,
            sub_program_id=spotlight.sub_program_id,
            spotlight_id=spotlight.id,
            ambassador_id=spotlight.ambassador_id,
            share_id=spotlight.share_id,
            content_id=spotlight.content_id,
            published_at=spotlight.published_at or datetime.now(UTC),
        ),
        source=SOURCE,
        subject=f"spotlights/{spotlight.id}",
        key=str(spotlight.sub_program_id),
        orgid=str(spotlight.org_id),
        programid=str(spotlight.program_id),
        subprogramid=str(spotlight.sub_program_id),
    )
