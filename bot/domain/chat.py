"""What counts as chat: the one rule behind every number about members talking in a group.

Messages, active days, local hours, keyword evidence, the question/link/reply signals and the questions the
digest tracks count chat only — and so do everything built on them: activity tags, value tiers, lifecycle
stages and lurkers. Every observer that records any of these asks :func:`is_chat` first.

Not chat:

- a message that parses as a command — ours, one addressed to another bot (``/start@other_bot``) or one
  nobody knows (``/nonsense``): it is a request to a bot, not conversation, and counting it made an admin
  who only ever typed commands a 话痨 and ``/me`` raise its own message count;
- the bare check-in words (签到, 打卡), which are commands without a slash;
- the bot's own messages: they never become events at all. Platforms that echo them are told apart by the
  adapter, which drops them (OneBot ``message_sent`` and group messages from its ``self_id`` as
  ``own_message``, Feishu app senders); Telegram, DingTalk and WeCom never deliver a bot its own posts.

A message that is not chat still shows the member was there (their name, first and last sight), so a
member who only types commands has a profile with zero messages.
"""

from __future__ import annotations

from typing import Any

from bot.core.context import Context
from bot.core.events import Message
from bot.core.filters import BareWords

CHECKIN_WORDS = frozenset({"签到", "打卡", "簽到"})
BARE_CHECKIN = BareWords(CHECKIN_WORDS)
"""The whole message is 签到 or 打卡 (where the adapter shows us every message): a check-in, not chat."""


def is_chat(ctx: Context[Any]) -> bool:
    """``ctx.event`` is a group member talking: a message that is no command and no bare check-in."""
    ev = ctx.event
    if not isinstance(ev, Message) or ctx.command is not None or ev.addressed_elsewhere:
        return False
    return BARE_CHECKIN.check(ctx) is None
