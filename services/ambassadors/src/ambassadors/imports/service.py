"""Import rules on the web side: a file is checked whole before anything is queued."""

import asyncio
import hashlib
import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from ambassadors.imports import csv_file
from ambassadors.imports import repository as imports
from ambassadors.imports.models import QUEUED, CsvImport
from common.auth import Principal

# An HR export of a large company (200,000 people at ~100 bytes a row) fits; the gateway
# allows this route the same body size (gateway.routes.LARGE_BODIES).
MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000


async def create(
    session: AsyncSession, *, principal: Principal, content: bytes, file_name: str | None
) -> CsvImport:
    """Queue an import of the file for the worker: 422 for a file that cannot be imported
    (encoding, header, structure), 413 past MAX_ROWS rows; nothing is stored then."""
    # A thread: reading 20 MB of CSV would otherwise hold the event loop for every request.
    rows_total = await asyncio.to_thread(csv_file.check, content, max_rows=MAX_ROWS)
    now = datetime.now(UTC)
    job = CsvImport(
        id=uuid.uuid4(),
        org_id=principal.org_id,
        status=QUEUED,
        file_name=file_name[:255] if file_name else None,
        file_bytes=len(content),
        file_sha256=hashlib.sha256(content).hexdigest(),
        rows_total=rows_total,
        created_by=principal.user_id,
        created_at=now,
        updated_at=now,
    )
    await imports.add_job(session, job=job, content=content)
    return job
