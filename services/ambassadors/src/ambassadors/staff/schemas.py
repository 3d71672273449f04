"""Staff grant API models."""

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from ambassadors.staff.access import ScopeType, StaffRole


class StaffGrantCreate(BaseModel):
    """Make a person program manager or reviewer of this program or sub-program."""

    model_config = ConfigDict(extra="forbid")

    user_id: uuid.UUID
    role: StaffRole


class StaffGrantRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    user_id: uuid.UUID
    role: StaffRole
    scope_type: ScopeType
    scope_id: uuid.UUID
    granted_by: uuid.UUID
    granted_at: datetime
