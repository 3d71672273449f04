"""Content service: the library ambassadors relay and adapt, its review and its publication."""

from fastapi import FastAPI

from common.app import ServiceSpec, create_app
from common.deadletters_router import dead_letter_router
from content.calendar.router import router as calendar_router
from content.captions.router import router as captions_router
from content.config import Settings
from content.curation.router import router as curation_router
from content.ideas.router import router as ideas_router
from content.items.router import router as items_router
from content.lifecycle.router import router as lifecycle_router


def build_app(settings: Settings) -> FastAPI:
    """The service's app for the given settings (tests pass their own)."""
    return create_app(
        ServiceSpec(
            settings=settings,
            title="Content service",
            description=(
                "Content items and their caption variants, review and publication; the editorial "
                "calendar; ideas, submissions and production help; curation feeds."
            ),
            routers=[
                items_router,
                lifecycle_router,
                captions_router,
                calendar_router,
                ideas_router,
                curation_router,
                dead_letter_router("content"),
            ],
        )
    )


app = build_app(Settings())
