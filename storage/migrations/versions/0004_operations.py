"""operations: group settings, check-ins, points, news, activities, surveys, questions, alerts, join requests

Revision ID: 0004
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0005"
branch_labels = None
depends_on = None

S = sa.String


def upgrade() -> None:
    op.create_table("group_settings",
                    sa.Column("group_id", S(), nullable=False), sa.Column("key", S(), nullable=False),
                    sa.Column("value", S(), nullable=False), sa.Column("config_value", S(), nullable=False),
                    sa.Column("at", sa.Float(), nullable=False),
                    sa.PrimaryKeyConstraint("group_id", "key"))
    op.create_table("checkins",
                    sa.Column("group_id", S(), nullable=False), sa.Column("member_id", S(), nullable=False),
                    sa.Column("day", S(), nullable=False), sa.Column("at", sa.Float(), nullable=False),
                    sa.Column("streak", sa.Integer(), nullable=False),
                    sa.PrimaryKeyConstraint("group_id", "member_id", "day"))
    op.create_index("ix_checkins_day", "checkins", ["group_id", "day"])
    op.create_table("points",
                    sa.Column("group_id", S(), nullable=False), sa.Column("member_id", S(), nullable=False),
                    sa.Column("reason", S(), nullable=False), sa.Column("points", sa.Integer(), nullable=False),
                    sa.Column("at", sa.Float(), nullable=False),
                    sa.PrimaryKeyConstraint("group_id", "member_id", "reason"))
    op.create_table("news_items",
                    sa.Column("id", sa.Integer(), nullable=False), sa.Column("group_id", S(), nullable=False),
                    sa.Column("text", S(), nullable=False), sa.Column("added_by", S(), nullable=False),
                    sa.Column("at", sa.Float(), nullable=False), sa.Column("sent_at", sa.Float(), nullable=True),
                    sa.PrimaryKeyConstraint("id"))
    op.create_index("ix_news_items_group_id", "news_items", ["group_id"])
    op.create_table("activities",
                    sa.Column("id", sa.Integer(), nullable=False), sa.Column("group_id", S(), nullable=False),
                    sa.Column("weekday", sa.Integer(), nullable=False), sa.Column("time", S(), nullable=False),
                    sa.Column("title", S(), nullable=False), sa.Column("added_by", S(), nullable=False),
                    sa.Column("at", sa.Float(), nullable=False),
                    sa.PrimaryKeyConstraint("id"))
    op.create_index("ix_activities_group_id", "activities", ["group_id"])
    op.create_table("survey_runs",
                    sa.Column("group_id", S(), nullable=False), sa.Column("survey_id", S(), nullable=False),
                    sa.Column("started_at", sa.Float(), nullable=False),
                    sa.PrimaryKeyConstraint("group_id", "survey_id"))
    op.create_table("survey_answers",
                    sa.Column("group_id", S(), nullable=False), sa.Column("survey_id", S(), nullable=False),
                    sa.Column("member_id", S(), nullable=False), sa.Column("question_id", S(), nullable=False),
                    sa.Column("value", S(), nullable=False), sa.Column("at", sa.Float(), nullable=False),
                    sa.PrimaryKeyConstraint("group_id", "survey_id", "member_id", "question_id"))
    op.create_table("survey_consents",
                    sa.Column("group_id", S(), nullable=False), sa.Column("survey_id", S(), nullable=False),
                    sa.Column("member_id", S(), nullable=False), sa.Column("consent", sa.Boolean(), nullable=False),
                    sa.Column("at", sa.Float(), nullable=False),
                    sa.PrimaryKeyConstraint("group_id", "survey_id", "member_id"))
    op.create_table("questions",
                    sa.Column("group_id", S(), nullable=False), sa.Column("message_id", S(), nullable=False),
                    sa.Column("member_id", S(), nullable=False), sa.Column("at", sa.Float(), nullable=False),
                    sa.Column("answered_at", sa.Float(), nullable=True), sa.Column("excerpt", S(), nullable=True),
                    sa.PrimaryKeyConstraint("group_id", "message_id"))
    op.create_index("ix_questions_open", "questions", ["group_id", "answered_at", "at"])
    op.create_table("alerts_sent",
                    sa.Column("group_id", S(), nullable=False), sa.Column("kind", S(), nullable=False),
                    sa.Column("key", S(), nullable=False), sa.Column("at", sa.Float(), nullable=False),
                    sa.PrimaryKeyConstraint("group_id", "kind", "key"))
    op.create_table("join_requests",
                    sa.Column("group_id", S(), nullable=False), sa.Column("member_id", S(), nullable=False),
                    sa.Column("request_id", S(), nullable=False), sa.Column("name", S(), nullable=False),
                    sa.Column("at", sa.Float(), nullable=False), sa.Column("status", S(), nullable=False),
                    sa.Column("decided_at", sa.Float(), nullable=True), sa.Column("via", S(), nullable=False),
                    sa.PrimaryKeyConstraint("group_id", "member_id"))


def downgrade() -> None:
    for name in ("join_requests", "alerts_sent", "questions", "survey_consents", "survey_answers", "survey_runs",
                 "activities", "news_items", "points", "checkins", "group_settings"):
        op.drop_table(name)
