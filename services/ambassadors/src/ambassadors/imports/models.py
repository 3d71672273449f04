"""The import jobs, their uploaded files (kept only while the job runs) and per-row errors."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Index, LargeBinary, Text, UniqueConstraint, Uuid
from sqlmodel import Field, SQLModel

from common.db import utc_column

QUEUED, RUNNING, SUCCEEDED, FAILED = "queued", "running", "succeeded", "failed"


class CsvImport(SQLModel, table=True):
    """One uploaded file's import: queued -> running -> succeeded | failed, with its progress."""

    __tablename__ = "csv_imports"
    __table_args__ = (
        Index("ix_csv_imports_org_recent", "org_id", "created_at", "id"),
        # The worker's claim looks only at jobs not finished yet.
        Index("ix_csv_imports_unfinished", "status", "created_at"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    org_id: uuid.UUID
    status: str = Field(max_length=16)
    file_name: str | None = Field(default=None, max_length=255)
    file_bytes: int
    file_sha256: str = Field(max_length=64)
    rows_total: int
    # The checkpoint: rows (good or bad) whose outcome is committed; a resumed job starts here.
    rows_done: int = 0
    rows_failed: int = 0
    rows_changed: int = 0
    # None once the uploader's personal data is erased.
    created_by: uuid.UUID | None = None
    # Who runs it, and until when: a worker that dies leaves a lease that runs out.
    lease_token: uuid.UUID | None = None
    lease_until: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    attempts: int = 0
    error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = Field(sa_column=utc_column())
    started_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    finished_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    updated_at: datetime = Field(sa_column=utc_column())


class CsvImportFile(SQLModel, table=True):
    """The uploaded bytes, apart so that listing jobs never reads them; deleted at the end."""

    __tablename__ = "csv_import_files"

    import_id: uuid.UUID = Field(
        sa_column=Column(Uuid(), ForeignKey("csv_imports.id", ondelete="CASCADE"), primary_key=True)
    )
    org_id: uuid.UUID
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class CsvImportError(SQLModel, table=True):
    """A row of the file that was not imported, and why (each field at fault)."""

    __tablename__ = "csv_import_errors"
    __table_args__ = (UniqueConstraint("import_id", "row_number"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    org_id: uuid.UUID
    import_id: uuid.UUID = Field(
        sa_column=Column(Uuid(), ForeignKey("csv_imports.id", ondelete="CASCADE"), nullable=False)
    )
    row_number: int
    external_id: str | None = Field(default=None, max_length=200)
    errors: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(sa_column=utc_column())
