"""Erasure: an erased ambassador's facts keep counting, under no identity.

Shares are keyed by share and erasures by person, so a share can arrive after its sharer's
erasure: the digest of every erased id is kept and checked as shares are recorded.
"""

import hashlib
import uuid
from collections.abc import Sequence

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from common import upsert
from common.events.contracts.people import AmbassadorErasedV1
from metrics.models import ErasedPerson, ShareFact

# Every erased person's facts carry this id: aggregates survive, identities do not.
ANONYMOUS = uuid.UUID(int=0)


def digest(ambassador_id: uuid.UUID) -> str:
    return hashlib.sha256(ambassador_id.bytes).hexdigest()


async def forget(session: AsyncSession, *, events: Sequence[AmbassadorErasedV1]) -> None:
    """Remember each erased person by digest and anonymise the facts already held."""
    for event in events:
        if event.ambassador_id is None:
            continue  # never an ambassador: no fact of theirs exists here
        await session.execute(
            upsert.insert(session, ErasedPerson)
            .values(
                org_id=event.org_id,
                ambassador_digest=digest(event.ambassador_id),
                erased_at=event.erased_at,
            )
            .on_conflict_do_nothing(index_elements=["org_id", "ambassador_digest"])
        )
        await session.execute(
            update(ShareFact)
            .where(
                col(ShareFact.org_id) == event.org_id,
                col(ShareFact.ambassador_id) == event.ambassador_id,
            )
            .values(ambassador_id=ANONYMOUS)
        )


async def erased_among(
    session: AsyncSession, *, pairs: set[tuple[uuid.UUID, uuid.UUID]]
) -> set[tuple[uuid.UUID, uuid.UUID]]:
    """Which (org, ambassador) pairs belong to erased people."""
    if not pairs:
        return set()
    by_digest = {(org, digest(ambassador)): (org, ambassador) for org, ambassador in pairs}
    query = select(ErasedPerson.org_id, ErasedPerson.ambassador_digest).where(
        col(ErasedPerson.ambassador_digest).in_([d for _, d in by_digest])
    )
    rows = (await session.execute(query)).all()
    return {by_digest[(row[0], row[1])] for row in rows if (row[0], row[1]) in by_digest}
