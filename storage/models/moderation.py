"""Moderation tables: every decision and action (the moderation log), and newcomer checks waiting for an answer."""

from __future__ import annotations

from sqlalchemy import Index
from sqlmodel import Field, SQLModel


class ModerationEntry(SQLModel, table=True):
    """One moderation decision or admin action about a member.

    ``rule`` is what was seen (contact, ad, link, sensitive, flood, repeat, wave, captcha, manual); ``what``
    names it (a configured phrase, ``phone``/``qq``/``wechat``, a link's host, an admin's reason) — never the
    member's text. ``action`` is what was (``enforce``/``admin``) or would have been (``observe``) done:
    warn, mute, unmute, kick, delete, notify. ``strike`` marks a rung of the escalation ladder; ``done`` is
    False where the platform could not act and the admins were told instead.
    """

    __tablename__ = "moderation_log"
    __table_args__ = (Index("ix_moderation_log_member", "group_id", "member_id", "at"),
                      Index("ix_moderation_log_group", "group_id", "at"))
    id: int | None = Field(default=None, primary_key=True)
    group_id: str
    member_id: str
    at: float
    rule: str
    what: str = ""
    action: str
    seconds: int = 0
    mode: str
    actor: str = ""
    strike: bool = False
    done: bool = True
    message_id: str = ""


class CaptchaPending(SQLModel, table=True):
    """A newcomer who must answer ``answer`` before ``deadline`` (unix seconds) or be removed."""

    __tablename__ = "moderation_captchas"
    group_id: str = Field(primary_key=True)
    member_id: str = Field(primary_key=True)
    name: str = ""
    answer: str
    asked_at: float
    deadline: float = Field(index=True)
    restricted: bool = False
