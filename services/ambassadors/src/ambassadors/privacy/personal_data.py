"""What each room of this service holds about a person, in one place: every room that stores
personal data registers how to export it, erase it, and what a departure revokes.

The privacy export (a person's own JSON copy), erasure (requested or by retention) and
departures walk this registry, so a new room cannot be forgotten by any of them: a room adds
a `PersonalData` to ROOMS in `ambassadors.privacy.rooms`.
"""

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

# The export is one bounded answer: a room's list section holds at most this many rows (an
# exporter reads one more, LIMIT EXPORT_ROW_CAP + 1, so the export can say it was cut short).
EXPORT_ROW_CAP = 10_000


@dataclass(frozen=True)
class PersonRef:
    """Who a privacy operation is about; any id may be unknown (None) for someone never seen."""

    org_id: uuid.UUID
    user_id: uuid.UUID | None
    ambassador_id: uuid.UUID | None
    employee_id: uuid.UUID | None


# Returns the JSON-ready section of the export (a dict or a list of dicts; None: nothing held).
Exporter = Callable[[AsyncSession, PersonRef], Awaitable[Any]]
# Removes or anonymises the room's personal rows in the caller's transaction.
Eraser = Callable[[AsyncSession, PersonRef], Awaitable[None]]


@dataclass(frozen=True)
class PersonalData:
    """One room's personal data: its export section, its erasure, its departure revocation."""

    section: str
    export: Exporter
    erase: Eraser
    # Credentials and consents that must end the moment HR says the person left (None: none).
    on_departure: Eraser | None = None
