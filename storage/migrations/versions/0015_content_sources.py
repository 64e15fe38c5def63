"""content sources: news items remember their date, source and key; the feed cache

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("news_items") as batch:
        batch.add_column(sa.Column("day", sa.String(), nullable=True))
        batch.add_column(sa.Column("source", sa.String(), nullable=False, server_default=""))
        batch.add_column(sa.Column("item_key", sa.String(), nullable=True))
    op.create_index("ux_news_items_key", "news_items", ["group_id", "item_key"], unique=True)
    op.create_table(
        "feed_state",
        sa.Column("url", sa.String(), nullable=False),
        sa.Column("etag", sa.String(), nullable=False),
        sa.Column("last_modified", sa.String(), nullable=False),
        sa.Column("checked_at", sa.Float(), nullable=False),
        sa.Column("ok_at", sa.Float(), nullable=True),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("url"),
    )
    op.create_table(
        "feed_entries",
        sa.Column("url", sa.String(), nullable=False),
        sa.Column("entry_key", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("link", sa.String(), nullable=False),
        sa.Column("summary", sa.String(), nullable=False),
        sa.Column("published", sa.Float(), nullable=True),
        sa.Column("seen_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("url", "entry_key"),
    )


def downgrade() -> None:
    op.drop_table("feed_entries")
    op.drop_table("feed_state")
    op.drop_index("ux_news_items_key", table_name="news_items")
    with op.batch_alter_table("news_items") as batch:
        batch.drop_column("item_key")
        batch.drop_column("source")
        batch.drop_column("day")
