"""The ambassadors service's worker process: `python -m ambassadors.worker --help`."""

import sys

from fastapi import FastAPI

from ambassadors.config import Settings
from ambassadors.handlers import handlers
from common.events.contracts import ambassadors as ambassadors_events
from common.worker import WorkerSpec, build_worker_app, main


def spec(settings: Settings) -> WorkerSpec:
    """What the ambassadors service does with events (tests pass their own settings)."""
    return WorkerSpec(
        settings=settings, produces=[ambassadors_events.TOPIC], consumers={"ambassadors": handlers}
    )


def build_app(settings: Settings) -> FastAPI:
    """The worker's probe app; its lifespan runs the relay and the consumers."""
    return build_worker_app(spec(settings))


if __name__ == "__main__":
    main(spec(Settings()), sys.argv[1:])
