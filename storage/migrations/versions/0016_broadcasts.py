"""broadcasts: scheduled broadcasts, their deliveries, 退订, and bot posts with their measured response, reactions

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "broadcasts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.String(), nullable=False),
        sa.Column("created_by", sa.String(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("send_at", sa.Float(), nullable=False),
        sa.Column("spec", sa.String(), nullable=False),
        sa.Column("sent_at", sa.Float(), nullable=True),
        sa.Column("summary", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_broadcasts_due", "broadcasts", ["group_id", "sent_at", "send_at"])
    op.create_table(
        "broadcast_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("broadcast_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.String(), nullable=False),
        sa.Column("member_id", sa.String(), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.Column("how", sa.String(), nullable=False),
        sa.Column("batch", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_broadcast_deliveries_member", "broadcast_deliveries", ["member_id", "at"])
    op.create_table(
        "broadcast_optouts",
        sa.Column("group_id", sa.String(), nullable=False),
        sa.Column("member_id", sa.String(), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("group_id", "member_id"),
    )
    op.create_table(
        "bot_posts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.Column("slot", sa.String(), nullable=False),
        sa.Column("members", sa.Integer(), nullable=False),
        sa.Column("responders", sa.Integer(), nullable=False),
        sa.Column("response_rate", sa.Float(), nullable=True),
        sa.Column("baseline_rate", sa.Float(), nullable=True),
        sa.Column("final", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_bot_posts_group", "bot_posts", ["group_id", "at"])
    op.create_table(
        "member_reactions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.String(), nullable=False),
        sa.Column("member_id", sa.String(), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.Column("message_id", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_member_reactions_group", "member_reactions", ["group_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_member_reactions_group", table_name="member_reactions")
    op.drop_table("member_reactions")
    op.drop_index("ix_bot_posts_group", table_name="bot_posts")
    op.drop_table("bot_posts")
    op.drop_table("broadcast_optouts")
    op.drop_index("ix_broadcast_deliveries_member", table_name="broadcast_deliveries")
    op.drop_table("broadcast_deliveries")
    op.drop_index("ix_broadcasts_due", table_name="broadcasts")
    op.drop_table("broadcasts")
