"""API models of the privacy room: a person's export and their erasure receipt."""

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class PersonalDataExport(BaseModel):
    """Everything the ambassadors service holds about the caller (a JSON attachment)."""

    format: str = Field(description="`advocacy.personal-data.v1`.")
    generated_at: datetime
    org_id: uuid.UUID
    user_id: uuid.UUID
    row_cap: int = Field(description="A list section holds at most this many rows.")
    truncated: list[str] = Field(description="Sections cut at row_cap (more rows are held).")
    erasure: dict[str, Any] | None = Field(
        description="The receipt of your last erasure (ids and dates only), if any."
    )
    sections: dict[str, Any] = Field(
        description="One section per room: `employee` (HR's record), `ambassador` (with the "
        "social profiles you declared), `memberships`, `feed`, `shares`, `staff_grants`, "
        "`spotlights`, and each other room's (null or [] when nothing is held)."
    )


class ErasureRead(BaseModel):
    """What an erasure did: your data here is gone; other services follow by event."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    reason: str
    erasures: int = Field(description="How many times your data was erased (1 the first time).")
    first_erased_at: datetime
    erased_at: datetime
