"""The ambassadors service's worker process: `python -m ambassadors.worker --help`."""

import sys

from fastapi import FastAPI

from ambassadors.accounts import reminders as social_accounts
from ambassadors.config import Settings
from ambassadors.handlers import handlers
from ambassadors.imports import runner as csv_imports
from ambassadors.membership import eligibility
from ambassadors.people import retention
from ambassadors.policies import housekeeping as policy_counters
from common.events.contracts import ambassadors as ambassadors_events
from common.events.contracts import hr as hr_events
from common.worker import WorkerSpec, build_worker_app, main


def spec(settings: Settings) -> WorkerSpec:
    """What the ambassadors service does with events (tests pass their own settings)."""
    return WorkerSpec(
        settings=settings,
        # hr.events is produced by the customer's HR connector; we provision it as its consumer.
        produces=[ambassadors_events.TOPIC, hr_events.TOPIC],
        consumers={"ambassadors": handlers},
        loops={
            "csv_imports": csv_imports.run,
            "retention": retention.run,
            "eligibility": eligibility.run,
            "social_accounts": social_accounts.run,
            "policy_counters": policy_counters.run,
        },
    )


def build_app(settings: Settings) -> FastAPI:
    """The worker's probe app; its lifespan runs the relay and the consumers."""
    return build_worker_app(spec(settings))


if __name__ == "__main__":
    main(spec(Settings()), sys.argv[1:])
