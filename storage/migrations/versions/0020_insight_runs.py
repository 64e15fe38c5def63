"""insight runs: a group's latest associations, best hours and persona cards with the fingerprint of their
inputs, so the segments and personas page reads them while nothing changed

Revision ID: 0020
Revises: 0019
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "insight_runs",
        sa.Column("group_id", sa.String(), nullable=False),
        sa.Column("stamp", sa.String(), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.Column("text_at", sa.Float(), nullable=False),
        sa.Column("body", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("group_id"),
    )


def downgrade() -> None:
    op.drop_table("insight_runs")
