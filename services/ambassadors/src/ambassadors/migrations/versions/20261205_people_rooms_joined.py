"""people rooms joined: the branches of SCIM, CSV imports, policies, membership, charters and
training, social accounts, and team and privacy

Revision ID: 9c4e2b7d1a60
Revises: fa48b747185e, d16fdf8e5b19, 4cbec8e82c41, 2ebf407567a2, 5b3355063510, 0450ebddddfb,
    26f3b932e479
Create Date: 2026-12-05 05:00:00

Each room's tables were added on its own branch from the employees revision (they were built
side by side); this joins them so the history has one head again (`revision` autogenerates on
one head).
"""

from collections.abc import Sequence

revision: str = "9c4e2b7d1a60"
down_revision: str | Sequence[str] | None = (
    "fa48b747185e",
    "d16fdf8e5b19",
    "4cbec8e82c41",
    "2ebf407567a2",
    "5b3355063510",
    "0450ebddddfb",
    "26f3b932e479",
)
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
