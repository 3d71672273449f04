"""Metrics service: shares, clicks and reach, each labelled observed or estimated."""

from fastapi import FastAPI

from common.app import ServiceSpec, create_app
from common.deadletters_router import dead_letter_router
from metrics.config import Settings
from metrics.router import router


def build_app(settings: Settings) -> FastAPI:
    """The service's app for the given settings (tests pass their own)."""
    return create_app(
        ServiceSpec(
            settings=settings,
            title="Metrics service",
            description="Observed and estimated measures of the programs' effect.",
            routers=[router, dead_letter_router("metrics")],
        )
    )


app = build_app(Settings())
