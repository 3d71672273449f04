"""Alembic environment for the content service's own database."""

from sqlmodel import SQLModel

import content.tables  # noqa: F401 - registers every table of the service
from common.migrations import run_env

run_env(SQLModel.metadata)
