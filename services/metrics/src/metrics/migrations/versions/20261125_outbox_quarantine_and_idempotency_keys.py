"""outbox quarantine and idempotency keys

Revision ID: 6f18a7787094
Revises: 495be24e72c0
Create Date: 2026-11-25 09:50:00
"""

from collections.abc import Sequence

from common.event_tables import add_backbone_v2, drop_backbone_v2

revision: str = "6f18a7787094"
down_revision: str | None = "495be24e72c0"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    add_backbone_v2()


def downgrade() -> None:
    drop_backbone_v2()
