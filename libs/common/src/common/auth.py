"""Who is calling: the principal every service authorises against, its roles and scopes."""

import uuid
from dataclasses import dataclass
from typing import Literal, get_args

from common.errors import Forbidden, Unauthorized

# Organisation-wide roles, carried by the caller's credential. Program managers and reviewers
# are also scoped to programs or sub-programs: those grants live with the programs
# (ambassadors service) and reach other services as events; the role alone grants nothing scoped.
Role = Literal[
    "org_admin",
    "program_manager",
    "reviewer",
    "analyst",
    "employee",
    "integration",
    # Runs the platform (dead letters, replays); acts across organisations.
    "operator",
]
ROLES: tuple[str, ...] = get_args(Role)

# What an API key may do; an integration principal has exactly its key's scopes.
Scope = Literal[
    "hr:write",
    "outcomes:write",
    "metrics:read",
    "events:read",
    "content:read",
    "programs:read",
]
SCOPES: tuple[str, ...] = get_args(Scope)

# "gateway": the gateway calling a service on its own behalf (API-key introspection).
CredentialKind = Literal["user", "api_key", "gateway"]


@dataclass(frozen=True)
class Principal:
    """The authenticated caller; org_id scopes every query it makes."""

    user_id: uuid.UUID
    org_id: uuid.UUID
    roles: frozenset[str]
    scopes: frozenset[str] = frozenset()
    kind: CredentialKind = "user"
    # The person's sign-in name (lower-cased), as the IdP states it: links them to their HR
    # record (SCIM userName). None for API keys and IdPs that state none.
    username: str | None = None

    @property
    def is_org_admin(self) -> bool:
        return "org_admin" in self.roles

    def has_any(self, *roles: Role) -> bool:
        """True when the caller holds at least one of the roles."""
        return not self.roles.isdisjoint(roles)

    def require(self, *roles: Role) -> None:
        """Raise 403 unless the caller holds one of the roles."""
        if not self.has_any(*roles):
            wanted = " or ".join(repr(role) for role in roles)
            raise Forbidden(f"this action needs the {wanted} role")

    def require_scope(self, scope: Scope) -> None:
        """For API keys: raise 403 unless the key carries the scope."""
        if scope not in self.scopes:
            raise Forbidden(f"this API key lacks the {scope!r} scope")

    def may(self, *roles: Role, scope: Scope | None = None) -> bool:
        """A person with one of the roles, or an API key with the scope."""
        if self.kind == "api_key":
            return scope is not None and scope in self.scopes
        return self.has_any(*roles)

    def require_any(self, *roles: Role, scope: Scope | None = None) -> None:
        """Raise 403 unless `may(...)`; the message names what is missing."""
        if self.may(*roles, scope=scope):
            return
        if self.kind == "api_key":
            if scope is None:
                raise Forbidden("API keys cannot use this route")
            self.require_scope(scope)
        self.require(*roles)


def bearer_token(authorization: str | None) -> str:
    """Extract the token from an Authorization header value."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("missing bearer token")
    return token.strip()
