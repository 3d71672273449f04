"""Metrics HTTP routes (admin console)."""

import uuid

from fastapi import APIRouter

from common.dependencies import CurrentPrincipal, DbSession
from metrics import repository, service
from metrics.schemas import ContentMetrics, OrgMetrics

router = APIRouter(prefix="/v1/metrics", tags=["metrics"])


@router.get("/summary", response_model=OrgMetrics)
async def org_summary(session: DbSession, principal: CurrentPrincipal) -> OrgMetrics:
    """Organisation-wide shares, clicks and potential reach (org admin, analyst, metrics:read)."""
    principal.require_any("org_admin", "analyst", scope="metrics:read")
    totals = await repository.totals(session, org_id=principal.org_id)
    return OrgMetrics(**service.figures(totals))


@router.get("/content/{content_id}", response_model=ContentMetrics)
async def content_metrics(
    content_id: uuid.UUID, session: DbSession, principal: CurrentPrincipal
) -> ContentMetrics:
    """Shares, clicks and potential reach of one content item (org admin, analyst, metrics:read)."""
    principal.require_any("org_admin", "analyst", scope="metrics:read")
    totals = await repository.totals(session, org_id=principal.org_id, content_id=content_id)
    return ContentMetrics(content_id=content_id, **service.figures(totals))
