"""moderation: the moderation log and pending newcomer checks

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "moderation_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.String(), nullable=False),
        sa.Column("member_id", sa.String(), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.Column("rule", sa.String(), nullable=False),
        sa.Column("what", sa.String(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("seconds", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("strike", sa.Boolean(), nullable=False),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("message_id", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_moderation_log_member", "moderation_log", ["group_id", "member_id", "at"])
    op.create_index("ix_moderation_log_group", "moderation_log", ["group_id", "at"])
    op.create_table(
        "moderation_captchas",
        sa.Column("group_id", sa.String(), nullable=False),
        sa.Column("member_id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("answer", sa.String(), nullable=False),
        sa.Column("asked_at", sa.Float(), nullable=False),
        sa.Column("deadline", sa.Float(), nullable=False),
        sa.Column("restricted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("group_id", "member_id"),
    )
    op.create_index("ix_moderation_captchas_deadline", "moderation_captchas", ["deadline"])


def downgrade() -> None:
    op.drop_index("ix_moderation_captchas_deadline", table_name="moderation_captchas")
    op.drop_table("moderation_captchas")
    op.drop_index("ix_moderation_log_group", table_name="moderation_log")
    op.drop_index("ix_moderation_log_member", table_name="moderation_log")
    op.drop_table("moderation_log")
