"""Import routes: upload a CSV (queued for the worker), follow its progress, read its errors."""

import base64
import json
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from ambassadors.imports import repository as imports
from ambassadors.imports import service
from ambassadors.imports.dependencies import CSV, FILE_FIELD, MULTIPART, Upload, ValidImport
from ambassadors.imports.models import CsvImport
from ambassadors.imports.schemas import CsvImportErrorRead, CsvImportRead, ImportStatus
from ambassadors.people.access import HrWriter
from common.dependencies import DbSession, Pagination
from common.errors import InvalidInput
from common.idempotency import Idempotent, request_hash
from common.pagination import MAX_LIMIT, Page, build_page

PATH = "/v1/hr/imports"
# The upload's own body bound (the service's default is 1 MiB): create_app's body_limits.
BODY_LIMITS = {PATH: service.MAX_BYTES}
router = APIRouter(tags=["employee imports"])
UPLOAD_BODY = {
    "required": True,
    "content": {
        CSV: {"schema": {"type": "string"}},
        MULTIPART: {
            "schema": {
                "type": "object",
                "required": [FILE_FIELD],
                "properties": {FILE_FIELD: {"type": "string", "format": "binary"}},
            }
        },
    },
}
MAX_ROW = 2**31 - 1  # the column's range
LOCATION = {"Location": {"required": True, "schema": {"type": "string"}}}


def read(job: CsvImport) -> CsvImportRead:
    return CsvImportRead.model_validate(job)


@router.post(
    PATH,
    status_code=status.HTTP_202_ACCEPTED,
    response_model=CsvImportRead,
    responses={
        202: {"description": "Queued; follow it at Location", "headers": LOCATION},
        413: {"description": "Over 20 MiB, or over 200,000 rows"},
        415: {"description": f"Neither {CSV} nor {MULTIPART}"},
    },
    openapi_extra={"requestBody": UPLOAD_BODY},
)
async def create_import(
    response: Response, session: DbSession, principal: HrWriter, once: Idempotent, upload: Upload
) -> CsvImportRead | Response:
    """Import employees from a CSV (org admins, hr:write keys): the body as text/csv, or the
    `file` field of a multipart form. The header is checked at once (422 naming the column);
    the rows are imported by the worker: follow the job at Location."""
    content, file_name = upload
    # The file's bytes, not the multipart framing: a retry draws a new boundary.
    once.request_hash = request_hash(method="POST", path=PATH, body=content)

    async def create() -> CsvImportRead:
        job = await service.create(
            session, principal=principal, content=content, file_name=file_name
        )
        return read(job)

    answer = await once.run(create)
    if isinstance(answer, Response):  # a replay: the stored body names the job
        answer.headers["Location"] = f"{PATH}/{json.loads(bytes(answer.body))['id']}"
        return answer
    response.headers["Location"] = f"{PATH}/{answer.id}"
    return answer


@router.get(PATH, response_model=Page[CsvImportRead])
async def list_imports(
    session: DbSession,
    principal: HrWriter,
    page: Pagination,
    status: ImportStatus | None = None,
) -> Page[CsvImportRead]:
    """The organisation's imports, newest first (org admins, hr:write keys)."""
    rows = await imports.list_jobs(session, org_id=principal.org_id, page=page, status=status)
    return build_page(rows, page=page, read=read)


@router.get(f"{PATH}/{{import_id}}", response_model=CsvImportRead)
async def get_import(job: ValidImport, _: HrWriter) -> CsvImportRead:
    """One import and its progress: rows_done of rows_total (org admins, hr:write keys)."""
    return read(job)


@router.get(f"{PATH}/{{import_id}}/errors", response_model=Page[CsvImportErrorRead])
async def list_import_errors(
    job: ValidImport,
    session: DbSession,
    principal: HrWriter,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 20,
    cursor: Annotated[str | None, Query(max_length=40)] = None,
) -> Page[CsvImportErrorRead]:
    """The rows not imported, in file order, each with the fields at fault (org admins,
    hr:write keys); rows already done are here while the job still runs."""
    rows = await imports.list_errors(
        session,
        org_id=principal.org_id,
        import_id=job.id,
        after_row=_after_row(cursor),
        limit=limit,
    )
    shown = rows[:limit]
    items = [
        CsvImportErrorRead.model_validate(
            {"row": r.row_number, "external_id": r.external_id, "errors": r.errors}
        )
        for r in shown
    ]
    more = len(rows) > limit
    return Page[CsvImportErrorRead](
        items=items, next_cursor=_row_cursor(shown[-1].row_number) if more else None
    )


def _row_cursor(row: int) -> str:
    return base64.urlsafe_b64encode(f"row:{row}".encode()).decode().rstrip("=")


def _after_row(cursor: str | None) -> int:
    """The row a cursor points after (0: from the start); 422 naming the field if tampered."""
    if cursor is None:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, _, number = text.partition(":")
        row = int(number)
        if prefix != "row" or not 0 <= row <= MAX_ROW:
            raise ValueError(text)
        return row
    except ValueError as exc:  # binascii.Error and UnicodeDecodeError are ValueErrors
        raise InvalidInput("cursor is not valid", field="cursor") from exc
