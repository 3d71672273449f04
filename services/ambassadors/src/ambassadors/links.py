"""The public side of tracked links: count the click, send the visitor on."""

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import RedirectResponse

from ambassadors import bots, repository, service
from ambassadors.errors import LinkNotFound
from common.dependencies import DbSession

router = APIRouter(tags=["links"])


@router.get("/l/{code}", status_code=302, response_class=RedirectResponse)
async def follow_link(
    code: Annotated[str, Path(min_length=4, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")],
    session: DbSession,
    request: Request,
) -> RedirectResponse:
    """Redirect to the shared content; a person's click is an observed (never estimated) metric.

    Link-preview crawlers and scripts get the same redirect but are not counted
    (docs/tracked-links.md).
    """
    record = await repository.share_by_code(session, code=code)
    if record is None:
        raise LinkNotFound("unknown link", field="code")
    if _is_a_visit(request):
        service.record_click(session, share_record=record)
    # no-store: every visit must reach us to be counted.
    return RedirectResponse(
        record.target_url, status_code=302, headers={"Cache-Control": "no-store"}
    )


# Previews often probe with HEAD first: the same answer, never a click.
router.add_api_route(
    "/l/{code}",
    follow_link,
    methods=["HEAD"],
    status_code=302,
    response_class=RedirectResponse,
    include_in_schema=False,
)


def _is_a_visit(request: Request) -> bool:
    return request.method == "GET" and not bots.is_automated(request.headers.get("user-agent"))
