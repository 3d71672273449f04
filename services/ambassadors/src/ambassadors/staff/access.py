"""Which programs and sub-programs a person manages or reviews, and what that lets them do.

The grant itself confers the scoped role (docs/permissions.md): the identity provider knows
people and their organisation-wide roles, not our programs. A program_manager or reviewer role
in a token without a grant confers nothing scoped; a grant on a program covers its sub-programs.
"""

import uuid
from dataclasses import dataclass
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from ambassadors.models import Program, SubProgram
from ambassadors.staff import repository
from common.auth import Principal

StaffRole = Literal["program_manager", "reviewer"]
ScopeType = Literal["program", "sub_program"]


@dataclass(frozen=True)
class Scope:
    """A program, or a sub-program together with the program that contains it."""

    type: ScopeType
    id: uuid.UUID
    program_id: uuid.UUID
    org_id: uuid.UUID

    @classmethod
    def of_program(cls, program: Program) -> "Scope":
        return cls(type="program", id=program.id, program_id=program.id, org_id=program.org_id)

    @classmethod
    def of_sub_program(cls, sub: SubProgram) -> "Scope":
        return cls(type="sub_program", id=sub.id, program_id=sub.program_id, org_id=sub.org_id)


@dataclass(frozen=True)
class StaffRoles:
    """The (role, scope id) pairs one person holds in their organisation."""

    held: frozenset[tuple[str, uuid.UUID]]

    def covers(self, role: StaffRole, scope: Scope) -> bool:
        """True when the role is held on the scope itself or on its program."""
        return (role, scope.id) in self.held or (role, scope.program_id) in self.held


NO_ROLES = StaffRoles(held=frozenset())


async def staff_roles(session: AsyncSession, *, principal: Principal) -> StaffRoles:
    """The caller's grants, in one query on (org_id, user_id); API keys hold none."""
    # A key's id is not a person: even a grant made out to that UUID must not empower the key.
    if principal.kind != "user":
        return NO_ROLES
    held = await repository.held_roles(session, org_id=principal.org_id, user_id=principal.user_id)
    return StaffRoles(held=frozenset(held))


async def manages(session: AsyncSession, *, principal: Principal, scope: Scope) -> bool:
    """True for a program manager whose grant covers the scope."""
    roles = await staff_roles(session, principal=principal)
    return roles.covers("program_manager", scope)
