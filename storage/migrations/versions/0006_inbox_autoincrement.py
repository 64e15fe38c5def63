"""inbox: AUTOINCREMENT sequence numbers (never reused)

Revision ID: 0006
Revises: 0004
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0004"
branch_labels = None
depends_on = None


def _sqlite() -> bool:
    # PostgreSQL's SERIAL sequence never hands out a number twice already: nothing to change there.
    return bool(op.get_bind().dialect.name == "sqlite")


def upgrade() -> None:
    if not _sqlite():
        return
    with op.batch_alter_table("inbox", recreate="always", table_kwargs={"sqlite_autoincrement": True}):
        pass


def downgrade() -> None:
    if not _sqlite():
        return
    with op.batch_alter_table("inbox", recreate="always"):
        pass
