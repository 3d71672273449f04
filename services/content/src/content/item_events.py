"""Staging content events in the outbox with their targeting as headers.

Headers hold one value each, so an event about something aimed at several sub-programs is told
once per target (`per_target`) — a per-sub-program worker then filters on `ce_subprogramid`
without decoding, and never sees its neighbours' records. Events that concern the item as a
whole (created, submitted, approved) are told once (`once`), with the sub-program header only
when there is exactly one target. `network`, `department` and `topic` headers are set when the
item names exactly one; absent means "every one" (the payload holds the lists).
"""

import uuid
from collections.abc import Callable, Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from common.events.contracts.content import ItemTargeting
from common.outbox import add_event
from content.targeting import Target

SOURCE = "/services/content"


def per_target(
    session: AsyncSession,
    *,
    targets: Sequence[Target],
    make: Callable[[Target], ItemTargeting],
    subject: str,
    key: uuid.UUID,
) -> None:
    """Stage one event per target sub-program, each with that sub-program's headers."""
    for target in targets:
        _stage(session, make(target), subject=subject, key=key, target=target)


def once(
    session: AsyncSession,
    *,
    targets: Sequence[Target],
    payload: ItemTargeting,
    subject: str,
    key: uuid.UUID,
) -> None:
    """Stage one event for the whole item (its sub-program header only if it has one target)."""
    _stage(
        session,
        payload,
        subject=subject,
        key=key,
        target=targets[0] if len(targets) == 1 else None,
    )


def targeting_fields(
    *,
    org_id: uuid.UUID,
    targets: Sequence[Target],
    target: Target | None = None,
    networks: Sequence[str] = (),
    departments: Sequence[str] = (),
    topics: Sequence[str] = (),
    language: str = "en",
) -> dict[str, object]:
    """The ItemTargeting fields of a payload (`target`: the record's own sub-program)."""
    return {
        "org_id": org_id,
        "program_id": target.program_id if target else None,
        "sub_program_id": target.sub_program_id if target else None,
        "sub_program_ids": [t.sub_program_id for t in targets],
        "networks": list(networks),
        "departments": list(departments),
        "topics": list(topics),
        "language": language,
    }


def _stage(
    session: AsyncSession,
    payload: ItemTargeting,
    *,
    subject: str,
    key: uuid.UUID,
    target: Target | None,
) -> None:
    add_event(
        session,
        payload,
        source=SOURCE,
        subject=subject,
        key=str(key),
        orgid=str(payload.org_id),
        programid=str(target.program_id) if target else None,
        subprogramid=str(target.sub_program_id) if target else None,
        network=_single(payload.networks),
        department=_single(payload.departments),
        topic=_single(payload.topics),
    )


def _single(values: Sequence[str]) -> str | None:
    return values[0] if len(values) == 1 else None
