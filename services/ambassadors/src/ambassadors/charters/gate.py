"""The share gate of charters: an item of sub-program S is shared only by someone who accepted
the version in force of S's program's charter and of S's own charter, where they exist."""

from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from ambassadors.charters import repository as charters
from ambassadors.charters.errors import CharterNotAccepted

if TYPE_CHECKING:  # share_gates imports this module to list its gate
    from ambassadors.share_gates import ShareAttempt


async def charter_accepted(session: AsyncSession, attempt: "ShareAttempt") -> None:
    """403 charter_not_accepted naming each version to accept (program first)."""
    pending = await charters.unaccepted(
        session,
        org_id=attempt.ambassador.org_id,
        ambassador_id=attempt.ambassador.id,
        sub_program_id=attempt.item.sub_program_id,
    )
    if not pending:
        return
    first = pending[0]
    raise CharterNotAccepted(
        f"accept version {first.version} of this {first.scope_type}'s charter before sharing",
        charters=[
            {
                "charter_id": str(charter.id),
                "program_id": str(charter.program_id),
                "sub_program_id": str(charter.sub_program_id) if charter.sub_program_id else None,
                "version": charter.version,
            }
            for charter in pending
        ],
    )
