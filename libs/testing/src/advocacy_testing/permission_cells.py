"""The permission table's primitives: its columns (callers), its rows and how cells are written.

Apart from permissions.py so that the rooms' own tables (advocacy_testing.rooms) build on them
without an import cycle.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

# 422: the caller may act, but what the body names is unknown to them (another org's target).
Outcome = Literal["allowed", "401", "403", "404", "422"]


@dataclass(frozen=True)
class Caller:
    """One column of the table: a kind of credential, with its roles, scopes and grants."""

    name: str
    title: str
    description: str


CALLERS: tuple[Caller, ...] = (
    Caller("org_admin", "admin", "org admin of A (roles: org_admin)"),
    Caller("program_manager", "PM", "program manager of A with a grant on P (covers S)"),
    Caller("reviewer", "rev", "reviewer of A with a grant on S"),
    Caller("analyst", "analyst", "analyst of A"),
    Caller("member", "member", "employee of A, member of S"),
    Caller("employee", "employee", "employee of A, member of nothing"),
    Caller("ungranted_manager", "PM no grant", "program_manager role in A, no grant"),
    Caller("key_programs", "key prog", "A's API key with programs:read"),
    Caller("key_content", "key content", "A's API key with content:read"),
    Caller("key_metrics", "key metrics", "A's API key with metrics:read"),
    Caller("key_other", "key other", "A's API key with hr:write, outcomes:write, events:read"),
    Caller("operator", "operator", "platform operator (its own organisation)"),
    Caller("other_org_admin", "B admin", "org admin of another organisation B"),
    Caller("anonymous", "anon", "no credential"),
)
CALLER_NAMES: tuple[str, ...] = tuple(caller.name for caller in CALLERS)

PERSONS_OF_A = (
    "org_admin",
    "program_manager",
    "reviewer",
    "analyst",
    "member",
    "employee",
    "ungranted_manager",
)
KEYS = ("key_programs", "key_content", "key_metrics", "key_other")


@dataclass(frozen=True)
class Row:
    """One route (with a variant when the object's state or the body changes the answer)."""

    method: str
    path: str
    service: str
    rule: str
    outcomes: Mapping[str, Outcome]
    variant: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.method, self.path, self.variant)


def cells(*allowed: str, otherwise: Outcome = "403", **exceptions: Outcome) -> dict[str, Outcome]:
    """Outcomes for every caller: `allowed` ones allowed, named exceptions, the rest `otherwise`;
    the anonymous caller always meets the gateway's 401."""
    outcomes: dict[str, Outcome] = dict.fromkeys(CALLER_NAMES, otherwise)
    outcomes.update(dict.fromkeys(allowed, "allowed"))
    outcomes.update(exceptions)
    outcomes["anonymous"] = "401"
    return outcomes


# Objects of A are invisible to callers of other organisations, whatever their roles.
