"""The worst input we know for every platform scan of member text, as functions of the input size ``n``.

Each entry builds its input (outside any timing) and returns the call that scans it. Used twice:
``tests/adapters/test_linear_text_scans.py`` runs each at 64k characters (no crash) and
``bench/text_scans.py`` times each at 64k against 4k. ``parse_cq`` on ``[CQ:a,`` without ``]`` took
quadratic time in earlier code.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from bot.adapters.feishu.events import parse_payload
from bot.adapters.onebot.cq import parse_cq
from bot.adapters.onebot.parse import EventParser, OneBotState
from bot.adapters.telegram.state import TelegramState
from bot.adapters.telegram.text import command_address, mentions_in
from bot.adapters.wecom.aibot import WeComAIBotAdapter
from bot.adapters.wecom.markup import markdown
from bot.core.adapter import AdapterDeps

Call = Callable[[], object]


def _tg_state() -> TelegramState:
    return TelegramState(bot_username="demo_bot")


def _tg_command(text: str) -> object:
    return command_address(_tg_state(), text)


def _aibot(bot_name: str = "") -> Any:
    return WeComAIBotAdapter("wb", {"token": "t", "encoding_aes_key": "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
                              "bot_name": bot_name}, AdapterDeps(session=None))


def _feishu_text(text: str, mentions: int) -> dict[str, Any]:
    keys = [{"key": f"@_user_{i}", "id": {"open_id": f"ou_{i}"}, "name": f"n{i}"} for i in range(mentions)]
    return {"schema": "2.0", "header": {"event_type": "im.message.receive_v1", "event_id": "e"},
            "event": {"sender": {"sender_id": {"open_id": "ou_a"}, "sender_type": "user"},
                      "message": {"message_id": "om", "chat_id": "oc", "chat_type": "group", "message_type": "text",
                                  "create_time": "1767225600000", "mentions": keys,
                                  "content": json.dumps({"text": text})}}}


def _onebot_ats(count: int) -> dict[str, Any]:
    return {"post_type": "message", "message_type": "group", "self_id": 1, "message_id": 1, "group_id": 2,
            "user_id": 3, "time": 1767225600, "message": [{"type": "at", "data": {"qq": str(i)}}
                                                         for i in range(count)]}


def _telegram_mentions(n: int) -> Call:
    text = "@abcd " * (n // 6)
    entities = [{"type": "mention", "offset": 6 * (i % (n // 6)), "length": 5} for i in range(n * 20 // 64)]
    state = _tg_state()
    return lambda: mentions_in(state, "tg", text, entities)


def _call(fn: Callable[[Any], object], arg: Any) -> Call:
    return lambda: fn(arg)


def _wecom(bot_name: str, text: Callable[[int], str]) -> Callable[[int], Call]:
    bot = _aibot(bot_name)
    return lambda n: _call(bot._strip_bot, text(n))


def _feishu(text: Callable[[int], str], mentions: Callable[[int], int]) -> Callable[[int], Call]:
    return lambda n: _call(lambda p: parse_payload("fs", p, ""), _feishu_text(text(n), mentions(n)))


def _onebot(n: int) -> Call:
    payload = _onebot_ats(n * 20 // 64)
    return lambda: EventParser("qq", OneBotState()).parse(payload)


# Scans with one input each.
SCANS: dict[str, Callable[[int], Call]] = {
    "cq: '[CQ:a,' repeated, no ']' (was quadratic)": lambda n: _call(parse_cq, "[CQ:a," * (n // 6)),
    "cq: '[CQ:' repeated, one ']' at the end": lambda n: _call(parse_cq, "[CQ:" * (n // 4) + "]"),
    "cq: invalid names before one ']'": lambda n: _call(parse_cq, "[CQ:!" * (n // 5) + "]"),
    "cq: one long name": lambda n: _call(parse_cq, "[CQ:" + "a" * n),
    "cq: brackets": lambda n: _call(parse_cq, "[" * n + "]" * n),
    "cq: escapes": lambda n: _call(parse_cq, "&#91;&amp;" * (n // 10)),
    "telegram: command without @": lambda n: _call(_tg_command, "/" + "a" * n),
    "telegram: command, bot name not ended": lambda n: _call(_tg_command, "/a@" + "b" * n + "!"),
    "telegram: n × 20/64 mention entities": _telegram_mentions,
    "wecom: leading spaces, no @": _wecom("", lambda n: " " * n + "x"),
    "wecom: one long @word": _wecom("", lambda n: "@" + "a" * n),
    "wecom: bot name everywhere": _wecom("Bot", lambda n: "@Bot  \t" * (n // 7)),
    "wecom markdown: digits": lambda n: _call(markdown, "1" * n),
    "wecom markdown: indentation": lambda n: _call(markdown, " " * n + "x"),
    "wecom markdown: line starts": lambda n: _call(markdown, "\n-" * (n // 2)),
    "wecom markdown: markup": lambda n: _call(markdown, "<*[" * (n // 3)),
    "feishu: placeholders, n/32 mentions": _feishu(lambda n: "@_user_1 " * (n // 9), lambda n: n // 32),
    "feishu: long placeholder-like words": _feishu(lambda n: "@_" + "a" * n, lambda n: 60),
    "feishu: spaces": _feishu(lambda n: " \t" * (n // 2) + "x", lambda n: 1),
    "onebot: n × 20/64 distinct @s": _onebot,
}
