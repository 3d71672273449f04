"""Whom content is for: programs and sub-programs, checked against the access read model.

Targets are sub-programs. A program named as a target stands for its sub-programs known when the
item is created or edited (the read model projected from the ambassadors service's events; no
cross-service read). A target the read model does not know, or another organisation's, is a 422
naming the field and the id: the caller named something that is not theirs to aim at.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from common.errors import InvalidInput
from content.access.models import AccessSubProgram


@dataclass(frozen=True)
class Target:
    """One sub-program an item (idea, campaign) is for, with the program it belongs to."""

    sub_program_id: uuid.UUID
    program_id: uuid.UUID


class UnknownTarget(InvalidInput):
    code = "unknown_target"


async def resolve(
    session: AsyncSession,
    *,
    org_id: uuid.UUID,
    sub_program_ids: Sequence[uuid.UUID] = (),
    program_ids: Sequence[uuid.UUID] = (),
    field_prefix: str = "",
) -> list[Target]:
    """The sub-programs named (directly or through their program), each checked; sorted by id.

    Every unknown or foreign id is listed in one 422 (`errors[]`), so a caller fixes them at once.
    """
    known = await _sub_programs_of(session, org_id=org_id, sub_program_ids=sub_program_ids)
    by_program = await _sub_programs_in(session, org_id=org_id, program_ids=program_ids)
    problems = [
        (f"{field_prefix}sub_program_ids", f"unknown sub-program {sub_program_id}")
        for sub_program_id in dict.fromkeys(sub_program_ids)
        if sub_program_id not in known
    ]
    problems += [
        (f"{field_prefix}program_ids", f"unknown program {program_id} (or it has no sub-program)")
        for program_id in dict.fromkeys(program_ids)
        if program_id not in {target.program_id for target in by_program}
    ]
    if problems:
        field, message = problems[0]
        raise UnknownTarget(message, field=field, errors=_errors(problems))
    targets = {target.sub_program_id: target for target in (*known.values(), *by_program)}
    return sorted(targets.values(), key=lambda target: str(target.sub_program_id))


async def _sub_programs_of(
    session: AsyncSession, *, org_id: uuid.UUID, sub_program_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Target]:
    if not sub_program_ids:
        return {}
    query = select(AccessSubProgram).where(
        col(AccessSubProgram.org_id) == org_id,
        col(AccessSubProgram.sub_program_id).in_(set(sub_program_ids)),
    )
    rows = (await session.execute(query)).scalars()
    return {row.sub_program_id: Target(row.sub_program_id, row.program_id) for row in rows}


async def _sub_programs_in(
    session: AsyncSession, *, org_id: uuid.UUID, program_ids: Sequence[uuid.UUID]
) -> list[Target]:
    if not program_ids:
        return []
    query = select(AccessSubProgram).where(
        col(AccessSubProgram.org_id) == org_id,
        col(AccessSubProgram.program_id).in_(set(program_ids)),
    )
    rows = (await session.execute(query)).scalars()
    return [Target(row.sub_program_id, row.program_id) for row in rows]


def _errors(problems: list[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"field": field, "message": message} for field, message in problems]
