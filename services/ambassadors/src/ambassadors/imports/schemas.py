"""API models of import jobs and their error report."""

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ImportStatus = Literal["queued", "running", "succeeded", "failed"]


class CsvImportRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    status: ImportStatus
    file_name: str | None
    file_bytes: int
    file_sha256: str = Field(description="SHA-256 of the uploaded bytes: the same file, the same.")
    rows_total: int = Field(description="Data rows in the file (blank lines are not rows).")
    rows_done: int = Field(description="Rows whose outcome is committed, good or bad.")
    rows_failed: int = Field(description="Rows not imported; see the errors report.")
    rows_changed: int = Field(description="Employees created or changed (an identical row: 0).")
    error: str | None = Field(description="Why a failed job failed.")
    created_by: uuid.UUID | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class FieldError(BaseModel):
    field: str
    message: str


class CsvImportErrorRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    row: int = Field(description="The line of the file the row ends on (the header is line 1).")
    external_id: str | None
    errors: list[FieldError]
