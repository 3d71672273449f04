"""Who may do what with memberships and invitations of a program or sub-program.

Org admins (a person, never an API key) and program managers whose grant covers the scope invite
people, set the rules and onboarding, and see suggestions; reviewers covering it also see who
the members are. People act only for themselves (their own opt-in, their own invitations).
"""

from sqlalchemy.ext.asyncio import AsyncSession

from ambassadors.staff import access
from ambassadors.staff.access import Scope
from common.auth import Principal
from common.errors import Forbidden


def _admin(principal: Principal) -> bool:
    return principal.is_org_admin and principal.kind == "user"


async def require_manager(session: AsyncSession, *, principal: Principal, scope: Scope) -> None:
    """403 unless an org admin or a program manager covering the scope."""
    if _admin(principal) or await access.manages(session, principal=principal, scope=scope):
        return
    raise Forbidden(f"only org admins and this {scope.type}'s program managers may do this")


async def require_member_viewer(
    session: AsyncSession, *, principal: Principal, scope: Scope
) -> None:
    """403 unless an org admin, or a program manager or reviewer covering the scope."""
    if _admin(principal):
        return
    roles = await access.staff_roles(session, principal=principal)
    if roles.covers("program_manager", scope) or roles.covers("reviewer", scope):
        return
    raise Forbidden(f"only org admins and this {scope.type}'s managers and reviewers see members")


def require_org_admin(principal: Principal) -> None:
    """403 unless an org admin (a person)."""
    if not _admin(principal):
        raise Forbidden("only org admins see every invitation of the organisation")
