"""purchases: orders, their items and refunds

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "purchase_orders",
        sa.Column("order_id", sa.String(), nullable=False),
        sa.Column("group_id", sa.String(), nullable=False),
        sa.Column("member_id", sa.String(), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.Column("amount", sa.Float(), nullable=False),
        sa.Column("currency", sa.String(), nullable=False),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("order_id"),
    )
    op.create_index("ix_purchase_orders_member", "purchase_orders", ["member_id", "group_id"])
    op.create_table(
        "purchase_items",
        sa.Column("order_id", sa.String(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.String(), nullable=False),
        sa.Column("member_id", sa.String(), nullable=False),
        sa.Column("sku", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("category", sa.String(), nullable=False),
        sa.Column("qty", sa.Float(), nullable=False),
        sa.Column("price", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("order_id", "line"),
    )
    op.create_table(
        "purchase_refunds",
        sa.Column("refund_id", sa.String(), nullable=False),
        sa.Column("order_id", sa.String(), nullable=False),
        sa.Column("group_id", sa.String(), nullable=False),
        sa.Column("member_id", sa.String(), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.Column("amount", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("refund_id"),
    )
    op.create_index("ix_purchase_refunds_order_id", "purchase_refunds", ["order_id"])


def downgrade() -> None:
    op.drop_index("ix_purchase_refunds_order_id", table_name="purchase_refunds")
    op.drop_table("purchase_refunds")
    op.drop_table("purchase_items")
    op.drop_index("ix_purchase_orders_member", table_name="purchase_orders")
    op.drop_table("purchase_orders")
