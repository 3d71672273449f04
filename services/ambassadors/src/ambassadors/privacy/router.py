"""Privacy routes: a person sees and exports everything held about them, and erases it."""

from datetime import UTC, datetime

from fastapi import APIRouter, Response, status
from fastapi.responses import JSONResponse

from ambassadors.dependencies import Person
from ambassadors.privacy import service
from ambassadors.privacy.schemas import ErasureRead, PersonalDataExport
from common.dependencies import DbSession
from common.idempotency import Idempotent

router = APIRouter(prefix="/v1/me", tags=["privacy"])


@router.get(
    "/data",
    response_model=PersonalDataExport,
    responses={200: {"headers": {"Content-Disposition": {"schema": {"type": "string"}}}}},
)
async def my_data(session: DbSession, principal: Person) -> JSONResponse:
    """Everything this service holds about me, as a JSON attachment (any person; each list
    section is capped at `row_cap` rows and named in `truncated` when cut)."""
    exported = PersonalDataExport.model_validate(await service.export(session, principal=principal))
    day = datetime.now(UTC).strftime("%Y-%m-%d")
    return JSONResponse(
        exported.model_dump(mode="json"),
        headers={"Content-Disposition": f'attachment; filename="my-data-{day}.json"'},
    )


@router.post("/erasure", status_code=status.HTTP_201_CREATED, response_model=ErasureRead)
async def erase_my_data(
    session: DbSession, principal: Person, once: Idempotent
) -> ErasureRead | Response:
    """Erase everything held about me: I leave every program, each room forgets me, my shares
    keep counting under no name, and content and metrics forget my ids (by event). Asked again
    with nothing new held since: 409 already_erased."""

    async def erase() -> ErasureRead:
        return ErasureRead.model_validate(
            await service.request_erasure(session, principal=principal)
        )

    return await once.run(erase)
