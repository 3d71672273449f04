"""The path's import job, and the uploaded file however it was sent."""

import uuid
from typing import Annotated

from fastapi import Depends, Request
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException

from ambassadors.imports import repository as imports
from ambassadors.imports.errors import BadCsv, ImportNotFound, UnsupportedMediaType
from ambassadors.imports.models import CsvImport
from common.dependencies import CurrentPrincipal, DbSession

CSV = "text/csv"
MULTIPART = "multipart/form-data"
FILE_FIELD = "file"


async def valid_import_id(
    import_id: uuid.UUID, session: DbSession, principal: CurrentPrincipal
) -> CsvImport:
    """The path's import job, if of the caller's organisation (404 before any role check)."""
    job = await imports.get_job(session, org_id=principal.org_id, import_id=import_id)
    if job is None:
        raise ImportNotFound(f"import {import_id} not found", field="import_id")
    return job


async def uploaded_file(request: Request) -> tuple[bytes, str | None]:
    """The CSV's bytes and file name: the whole body (text/csv), or the `file` field of a
    multipart form; 415 for any other media type."""
    media = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    body = await request.body()  # read once and kept: the form below is parsed from it
    if media == CSV:
        return body, None
    if media != MULTIPART:
        raise UnsupportedMediaType(
            f"send the file as {CSV} or as the {FILE_FIELD!r} field of {MULTIPART}",
            field="content-type",
        )
    try:
        async with request.form(max_files=1, max_fields=1) as form:
            upload = form.get(FILE_FIELD)
            if not isinstance(upload, UploadFile):
                raise BadCsv(f"the form has no {FILE_FIELD!r} file field", field=FILE_FIELD)
            return await upload.read(), upload.filename
    except (MultiPartException, HTTPException) as exc:  # Starlette wraps it in a 400
        detail = getattr(exc, "detail", None) or getattr(exc, "message", str(exc))
        raise BadCsv(f"the multipart body cannot be read: {detail}", field=FILE_FIELD) from exc


ValidImport = Annotated[CsvImport, Depends(valid_import_id)]
Upload = Annotated[tuple[bytes, str | None], Depends(uploaded_file)]
