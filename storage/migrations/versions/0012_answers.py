"""answers: FAQ entries, FAQ hits, routing opt-outs

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "faqs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.String(), nullable=False),
        sa.Column("question", sa.String(), nullable=False),
        sa.Column("answer", sa.String(), nullable=False),
        sa.Column("created_by", sa.String(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_faqs_group_id", "faqs", ["group_id"])
    op.create_table(
        "faq_hits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.String(), nullable=False),
        sa.Column("faq_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.String(), nullable=False),
        sa.Column("message_id", sa.String(), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_faq_hits_faq", "faq_hits", ["group_id", "faq_id", "at"])
    op.create_table(
        "qa_routing_optouts",
        sa.Column("group_id", sa.String(), nullable=False),
        sa.Column("member_id", sa.String(), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("group_id", "member_id"),
    )


def downgrade() -> None:
    op.drop_table("qa_routing_optouts")
    op.drop_index("ix_faq_hits_faq", table_name="faq_hits")
    op.drop_table("faq_hits")
    op.drop_index("ix_faqs_group_id", table_name="faqs")
    op.drop_table("faqs")
