"""Alembic environment for the content service's own database."""

from sqlmodel import SQLModel

import common.idempotency_table  # noqa: F401 - registers the Idempotency-Key table
import common.inbox  # noqa: F401 - registers the inbox table
import common.outbox  # noqa: F401 - registers the outbox table
import content.access.models  # noqa: F401 - registers the access read model's tables
import content.models  # noqa: F401 - registers the service's tables
from common.migrations import run_env

run_env(SQLModel.metadata)
