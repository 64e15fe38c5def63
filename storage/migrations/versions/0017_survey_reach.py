"""survey reach: deliveries and reminders, native polls, reward redemptions

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "survey_deliveries",
        sa.Column("group_id", sa.String(), nullable=False),
        sa.Column("survey_id", sa.String(), nullable=False),
        sa.Column("member_id", sa.String(), nullable=False),
        sa.Column("sent_at", sa.Float(), nullable=False),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("reminded_at", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("group_id", "survey_id", "member_id"),
    )
    op.create_index("ix_survey_deliveries_sent_at", "survey_deliveries", ["sent_at"])
    op.create_table(
        "sent_polls",
        sa.Column("adapter", sa.String(), nullable=False),
        sa.Column("poll_id", sa.String(), nullable=False),
        sa.Column("ref", sa.String(), nullable=False),
        sa.Column("sent_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("adapter", "poll_id"),
    )
    op.create_table(
        "reward_redemptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.String(), nullable=False),
        sa.Column("member_id", sa.String(), nullable=False),
        sa.Column("reward", sa.String(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_reward_redemptions_group_id", "reward_redemptions", ["group_id"])


def downgrade() -> None:
    op.drop_index("ix_reward_redemptions_group_id", "reward_redemptions")
    op.drop_table("reward_redemptions")
    op.drop_table("sent_polls")
    op.drop_index("ix_survey_deliveries_sent_at", "survey_deliveries")
    op.drop_table("survey_deliveries")
