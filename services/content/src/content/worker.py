"""The content service's worker process: `python -m content.worker --help`."""

import sys

from fastapi import FastAPI

from common.events.contracts import content as content_events
from common.worker import WorkerSpec, build_worker_app, main
from content.access.handlers import handlers as access_handlers
from content.config import Settings
from content.curation import poller
from content.lifecycle import scheduler


def spec(settings: Settings) -> WorkerSpec:
    """What the content service does with events (tests pass their own settings)."""
    # One consumer, named after the service like the others: its DLT is `content.dlt`.
    return WorkerSpec(
        settings=settings,
        produces=[content_events.TOPIC],
        consumers={"content": access_handlers},
        loops={"scheduler": scheduler.run, "curation": poller.run},
    )


def build_app(settings: Settings) -> FastAPI:
    """The worker's probe app; its lifespan runs the relay and the consumers."""
    return build_worker_app(spec(settings))


if __name__ == "__main__":
    main(spec(Settings()), sys.argv[1:])
