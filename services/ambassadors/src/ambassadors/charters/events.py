"""Stagers of the charter events: a publication keyed by its program (a program's versions stay
in order), an acceptance by the person (their story stays in order)."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from ambassadors.charters.models import Charter, CharterAcceptance
from common.events.contracts.people import CharterAcceptedV1, CharterPublishedV1
from common.outbox import add_event

SOURCE = "/services/ambassadors"


def _ids(sub_program_id: uuid.UUID | None) -> str | None:
    return str(sub_program_id) if sub_program_id else None


def charter_published(session: AsyncSession, charter: Charter) -> None:
    assert charter.version is not None and charter.published_at is not None
    add_event(
        session,
        CharterPublishedV1(
            org_id=charter.org_id,
            program_id=charter.program_id,
            sub_program_id=charter.sub_program_id,
            charter_id=charter.id,
            version=charter.version,
            disclosure=charter.disclosure,
            required_hashtags=list(charter.required_hashtags),
            banned_terms=list(charter.banned_terms),
            published_at=charter.published_at,
        ),
        source=SOURCE,
        subject=f"charters/{charter.id}",
        key=str(charter.program_id),
        orgid=str(charter.org_id),
        programid=str(charter.program_id),
        subprogramid=_ids(charter.sub_program_id),
    )


def charter_accepted(
    session: AsyncSession, acceptance: CharterAcceptance, *, key: uuid.UUID
) -> None:
    """CharterAcceptedV1; `key` is the person's employee id (or ambassador id without one)."""
    add_event(
        session,
        CharterAcceptedV1(
            org_id=acceptance.org_id,
            program_id=acceptance.program_id,
            sub_program_id=acceptance.sub_program_id,
            charter_id=acceptance.charter_id,
            version=acceptance.version,
            ambassador_id=acceptance.ambassador_id,
            user_id=acceptance.user_id,
            accepted_at=acceptance.accepted_at,
        ),
        source=SOURCE,
        subject=f"ambassadors/{acceptance.ambassador_id}",
        key=str(key),
        orgid=str(acceptance.org_id),
        programid=str(acceptance.program_id),
        subprogramid=_ids(acceptance.sub_program_id),
    )
