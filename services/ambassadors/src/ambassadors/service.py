"""Ambassador rules: voluntary opt-in, feeds from published content, shares via tracked links."""

import uuid
from datetime import UTC, datetime
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from ambassadors import access_events, intents, repository, share_gates
from ambassadors.errors import (
    AlreadyMember,
    AlreadyShared,
    NoProfileOnNetwork,
    NothingToLink,
    NotInFeed,
    NotMember,
)
from ambassadors.membership import programs
from ambassadors.models import (
    Membership,
    Program,
    Share,
    SocialProfile,
    SubProgram,
)
from ambassadors.people.service import require_not_departed
from ambassadors.policies import gates as policy_gates
from ambassadors.schemas import MembershipCreate, ProgramCreate, ShareCreate, SubProgramCreate
from ambassadors.staff import access
from ambassadors.staff.access import Scope
from common.auth import Principal
from common.errors import Forbidden
from common.events.contracts.ambassadors import LinkClickedV1, ShareCreatedV1
from common.events.envelope import EventPayload
from common.outbox import add_event

SOURCE = "/services/ambassadors"


def create_program(session: AsyncSession, *, principal: Principal, data: ProgramCreate) -> Program:
    """A new program in the caller's organisation (org admin), announced to other services."""
    principal.require("org_admin")
    program = Program(org_id=principal.org_id, name=data.name, created_at=datetime.now(UTC))
    session.add(program)
    access_events.program_created(session, program)
    return program


async def create_sub_program(
    session: AsyncSession, *, principal: Principal, program: Program, data: SubProgramCreate
) -> SubProgram:
    """A sub-program under one of the organisation's programs (org admin, its program managers)."""
    if not principal.is_org_admin and not await access.manages(
        session, principal=principal, scope=Scope.of_program(program)
    ):
        raise Forbidden("only org admins and this program's managers create its sub-programs")
    sub = SubProgram(
        org_id=program.org_id,
        program_id=program.id,
        name=data.name,
        kind=data.kind,
        created_at=datetime.now(UTC),
    )
    session.add(sub)
    access_events.sub_program_created(session, sub)
    return sub


async def join(
    session: AsyncSession, *, principal: Principal, sub_program: SubProgram, data: MembershipCreate
) -> tuple[Membership, SocialProfile]:
    """The caller opts in to a sub-program, declaring one of their own profiles; they join its
    program too if they were not a member (one AmbassadorJoinedV1)."""
    ambassador, employee = await programs.become_ambassador(session, principal=principal)
    # Policies room: a network the sub-program's policy excludes is a 409 network_not_allowed.
    await policy_gates.require_network_allowed(
        session, sub_program=sub_program, network=data.network
    )
    now = datetime.now(UTC)
    # The unique index decides a double submit: one insert wins, the other is told why.
    membership = await repository.add_membership(
        session,
        membership=Membership(
            org_id=ambassador.org_id,
            sub_program_id=sub_program.id,
            ambassador_id=ambassador.id,
            joined_at=now,
        ),
    )
    if membership is None:
        raise AlreadyMember("you are already a member of this sub-program", field="sub_program_id")
    _announce_membership(session, membership, principal=principal, sub=sub_program, change="joined")
    await programs.enter(
        session,
        ambassador=ambassador,
        program_id=sub_program.program_id,
        employee=employee,
        sub_program_id=sub_program.id,
    )
    profile = await repository.save_profile(
        session,
        profile=SocialProfile(
            org_id=ambassador.org_id,
            ambassador_id=ambassador.id,
            network=data.network,
            audience_size=data.audience_size,
            updated_at=now,
        ),
    )
    return membership, profile


async def leave(session: AsyncSession, *, principal: Principal, sub_program: SubProgram) -> None:
    """The caller opts out of a sub-program; nothing new reaches their feed from it."""
    ambassador = await repository.find_ambassador(
        session, org_id=principal.org_id, user_id=principal.user_id
    )
    removed = None
    if ambassador is not None:
        removed = await repository.remove_membership(
            session, ambassador_id=ambassador.id, sub_program_id=sub_program.id
        )
    # Only the DELETE that removed the row announces it: a double opt-out is one departure.
    if removed is None:
        raise NotMember("you are not a member of this sub-program", field="sub_program_id")
    _announce_membership(session, removed, principal=principal, sub=sub_program, change="left")


def _announce_membership(
    session: AsyncSession,
    membership: Membership,
    *,
    principal: Principal,
    sub: SubProgram,
    change: Literal["joined", "left"],
) -> None:
    # Stamped after the write: a join that waited on a concurrent departure is newer than it.
    access_events.membership_changed(
        session,
        membership,
        user_id=principal.user_id,
        program_id=sub.program_id,
        change=change,
        changed_at=datetime.now(UTC),
    )


async def share(
    session: AsyncSession, *, principal: Principal, data: ShareCreate, public_base_url: str
) -> Share:
    """Record a share with a fresh tracked link; the post itself is the person's own action."""
    await require_not_departed(session, principal=principal)
    ambassador = await repository.find_ambassador(
        session, org_id=principal.org_id, user_id=principal.user_id
    )
    item = None
    if ambassador is not None:
        item = await repository.find_feed_item(
            session, ambassador_id=ambassador.id, content_id=data.content_id
        )
    if ambassador is None or item is None:
        raise NotInFeed(f"content {data.content_id} is not in your feed", field="content_id")
    if item.url is None:
        raise NothingToLink("this content item has no link to share", field="content_id")
    profile = await repository.find_profile(
        session, ambassador_id=ambassador.id, network=data.network
    )
    if profile is None:
        raise NoProfileOnNetwork(f"you have no {data.network} profile declared", field="network")
    now = datetime.now(UTC)
    await share_gates.check(
        session,
        share_gates.ShareAttempt(ambassador=ambassador, item=item, network=data.network, at=now),
    )
    record = await repository.add_share(
        session,
        share=Share(
            org_id=ambassador.org_id,
            ambassador_id=ambassador.id,
            content_id=item.content_id,
            sub_program_id=item.sub_program_id,
            network=data.network,
            audience_size=profile.audience_size,
            tracked_code=intents.new_link_code(),
            target_url=item.url,
            created_at=now,
        ),
    )
    # Only the insert that created the share announces it: a double submit is one share.
    if record is None:
        raise AlreadyShared(f"you already shared this on {data.network}", field="network")
    _publish_share(session, record)
    return record


def _publish_share(session: AsyncSession, record: Share) -> None:
    _add_share_event(
        session,
        record,
        ShareCreatedV1(
            share_id=record.id,
            org_id=record.org_id,
            ambassador_id=record.ambassador_id,
            content_id=record.content_id,
            sub_program_id=record.sub_program_id,
            network=record.network,
            audience_size=record.audience_size,
            tracked_link_code=record.tracked_code,
            created_at=record.created_at,
        ),
    )


def record_click(session: AsyncSession, *, share_record: Share) -> None:
    """Count a click on a tracked link; nothing about the visitor is stored."""
    _add_share_event(
        session,
        share_record,
        LinkClickedV1(
            click_id=uuid.uuid4(),
            org_id=share_record.org_id,
            share_id=share_record.id,
            content_id=share_record.content_id,
            network=share_record.network,
            clicked_at=datetime.now(UTC),
        ),
    )


def _add_share_event(session: AsyncSession, record: Share, payload: EventPayload) -> None:
    # Every event about a share is keyed by the share: a click never overtakes its share.
    add_event(
        session,
        payload,
        source=SOURCE,
        subject=f"shares/{record.id}",
        key=str(record.id),
        orgid=str(record.org_id),
        subprogramid=str(record.sub_program_id),
        network=record.network,
    )
