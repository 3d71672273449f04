"""The metrics service's worker process: `python -m metrics.worker --help`."""

import sys

from fastapi import FastAPI

from common.worker import WorkerSpec, build_worker_app, main
from metrics.config import Settings
from metrics.handlers import handlers


def spec(settings: Settings) -> WorkerSpec:
    """What the metrics service does with events (tests pass their own settings)."""
    return WorkerSpec(settings=settings, produces=[], consumers={"metrics": handlers})


def build_app(settings: Settings) -> FastAPI:
    """The worker's probe app; its lifespan runs the relay and the consumers."""
    return build_worker_app(spec(settings))


if __name__ == "__main__":
    main(spec(Settings()), sys.argv[1:])
