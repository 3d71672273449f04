"""Content service: the catalogue of things ambassadors can relay, and their approval."""

from fastapi import FastAPI

from common.app import ServiceSpec, create_app
from common.deadletters_router import dead_letter_router
from content.config import Settings
from content.router import router


def build_app(settings: Settings) -> FastAPI:
    """The service's app for the given settings (tests pass their own)."""
    return create_app(
        ServiceSpec(
            settings=settings,
            title="Content service",
            description="Content items, approval and publication to sub-programs.",
            routers=[router, dead_letter_router("content")],
        )
    )


app = build_app(Settings())
