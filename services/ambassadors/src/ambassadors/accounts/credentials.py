"""Revoking a person's social-network credentials (a departure, an erasure)."""

from sqlalchemy.ext.asyncio import AsyncSession

from ambassadors.models import Ambassador


async def revoke_all(session: AsyncSession, *, ambassador: Ambassador) -> None:
    """Forget every API connection token of the ambassador (the accounts room owns them)."""
    # The accounts room adds its connection tokens here; profiles hold no secret today.
    del session, ambassador
