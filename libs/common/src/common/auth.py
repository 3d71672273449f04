"""Bearer-token identity: who is calling, for which organisation, with which roles."""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

import jwt

from common.errors import Forbidden, Unauthorized

# "operator" runs the platform (dead letters, replays): its actions span every organisation.
Role = Literal["admin", "employee", "operator"]
ALGORITHM = "HS256"


@dataclass(frozen=True)
class Principal:
    """The authenticated caller; org_id scopes every query it makes."""

    user_id: uuid.UUID
    org_id: uuid.UUID
    roles: frozenset[str]

    def require(self, role: Role) -> None:
        """Raise 403 unless the caller has the role."""
        if role not in self.roles:
            raise Forbidden(f"this action needs the {role!r} role")


def mint(
    *,
    secret: str,
    issuer: str,
    user_id: uuid.UUID,
    org_id: uuid.UUID,
    roles: list[Role],
    ttl: timedelta = timedelta(hours=12),
) -> str:
    """Sign a token (development and tests; production tokens come from the identity provider)."""
    now = datetime.now(UTC)
    claims = {
        "sub": str(user_id),
        "org": str(org_id),
        "roles": roles,
        "iss": issuer,
        "iat": now,
        "exp": now + ttl,
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def verify(token: str, *, secret: str, issuer: str) -> Principal:
    """Check signature, expiry and issuer; 401 on anything wrong."""
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            issuer=issuer,
            options={"require": ["sub", "org", "exp", "iss"]},
        )
        return Principal(
            user_id=uuid.UUID(claims["sub"]),
            org_id=uuid.UUID(claims["org"]),
            roles=frozenset(str(r) for r in claims.get("roles", [])),
        )
    except (jwt.PyJWTError, ValueError, TypeError) as exc:
        raise Unauthorized("invalid or expired bearer token") from exc


def bearer_token(authorization: str | None) -> str:
    """Extract the token from an Authorization header value."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("missing bearer token")
    return token.strip()
