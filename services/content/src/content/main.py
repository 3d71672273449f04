"""Content service: the library ambassadors relay and adapt, its review and its publication."""

from fastapi import FastAPI

from common.app import ServiceSpec, create_app
from common.deadletters_router import dead_letter_router
from content.config import Settings
from content.items.router import router as items_router
from content.lifecycle.router import router as lifecycle_router


def build_app(settings: Settings) -> FastAPI:
    """The service's app for the given settings (tests pass their own)."""
    return create_app(
        ServiceSpec(
            settings=settings,
            title="Content service",
            description="Content items, captions, review, calendar, ideas, submissions, curation.",
            # Rooms with fixed paths under /v1/content come before the items' /{content_id}.
            routers=[items_router, lifecycle_router, dead_letter_router("content")],
        )
    )


app = build_app(Settings())
