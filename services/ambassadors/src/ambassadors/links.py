"""The public side of tracked links: count the click, send the visitor on."""

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import RedirectResponse

from ambassadors import repository, service
from ambassadors.errors import LinkNotFound
from common.dependencies import DbSession

router = APIRouter(tags=["links"])


@router.get("/l/{code}", status_code=302, response_class=RedirectResponse)
async def follow_link(
    code: Annotated[str, Path(min_length=4, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")],
    session: DbSession,
) -> RedirectResponse:
    """Redirect to the shared content; the click is an observed (never estimated) metric."""
    record = await repository.share_by_code(session, code=code)
    if record is None:
        raise LinkNotFound("unknown link", field="code")
    service.record_click(session, share_record=record)
    # no-store: every visit must reach us to be counted.
    return RedirectResponse(
        record.target_url, status_code=302, headers={"Cache-Control": "no-store"}
    )
