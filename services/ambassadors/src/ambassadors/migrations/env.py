"""Alembic environment for the ambassadors service's own database."""

from sqlmodel import SQLModel

import ambassadors.accounts.models  # noqa: F401 - registers social account history and secrets
import ambassadors.api_keys.models  # noqa: F401 - registers the api_keys table
import ambassadors.charters.models  # noqa: F401 - registers charters and acceptances
import ambassadors.imports.models  # noqa: F401 - registers the CSV import jobs
import ambassadors.membership.models  # noqa: F401 - registers memberships and invitations
import ambassadors.models  # noqa: F401 - registers the service's tables
import ambassadors.people.models  # noqa: F401 - registers employees and retention policies
import ambassadors.policies.models  # noqa: F401 - registers policies and their counters
import ambassadors.privacy.models  # noqa: F401 - registers the erasure receipts
import ambassadors.scim.models  # noqa: F401 - registers the scim_users table
import ambassadors.staff.models  # noqa: F401 - registers the staff_grants table
import ambassadors.team.models  # noqa: F401 - registers spotlights and moments
import ambassadors.training.models  # noqa: F401 - registers training and the kit
import common.idempotency_table  # noqa: F401 - registers the Idempotency-Key table
import common.inbox  # noqa: F401 - registers the inbox table
import common.outbox  # noqa: F401 - registers the outbox table
from common.migrations import run_env

run_env(SQLModel.metadata)
