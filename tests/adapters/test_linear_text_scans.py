"""Reading member text is linear: no pattern can backtrack, and crafted 64k inputs finish at once.

Issue 11, finding 3: ``parse_cq`` took quadratic time on ``[CQ:a,`` repeated without a ``]``. Two kinds
of check: (1) by construction — every regex in ``bot/adapters`` is compiled at module level and has no
unbounded greedy or lazy repeat (only possessive ones, which cannot backtrack); (2) the worst inputs we
know for each scan (CQ codes, Telegram commands and mentions, WeCom leading mentions and markdown,
Feishu placeholders, OneBot @-lists) finish within a generous 1 s at 64k characters, where the old
quadratic shapes took many seconds. Plus a differential test: the linear ``parse_cq`` splits every
string exactly like the regex it replaced.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import bot.adapters
from bot.adapters.feishu.events import parse_payload
from bot.adapters.onebot.cq import parse_cq, unescape
from bot.adapters.onebot.parse import EventParser, OneBotState
from bot.adapters.telegram.state import TelegramState
from bot.adapters.telegram.text import command_address, mentions_in
from bot.adapters.wecom.aibot import WeComAIBotAdapter
from bot.adapters.wecom.markup import markdown
from bot.core.adapter import AdapterDeps

N = 64 * 1024
BOUND_S = 1.0
SRC = Path(bot.adapters.__file__).parent


def _modules() -> Iterator[Any]:
    for info in pkgutil.walk_packages([str(SRC)], "bot.adapters."):
        yield importlib.import_module(info.name)


def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    return [(f"{m.__name__}.{k}", v) for m in _modules() for k, v in vars(m).items() if isinstance(v, re.Pattern)]


def _backtracking_repeats(pattern: re.Pattern[str]) -> list[str]:
    """Unbounded greedy/lazy repeats in ``pattern`` (possessive ones and small fixed bounds are fine)."""
    from re import _constants as c  # type: ignore[attr-defined]
    from re import _parser  # type: ignore[attr-defined]

    found: list[str] = []

    def walk(sub: Any) -> None:
        for op, av in sub:
            if op in (c.MAX_REPEAT, c.MIN_REPEAT):
                low, high, inner = av
                if high == c.MAXREPEAT or high > 64:
                    found.append(f"{op} {low}..{high}")
                walk(inner)
            elif op is c.POSSESSIVE_REPEAT:
                walk(av[2])
            elif op is c.SUBPATTERN:
                walk(av[3])
            elif op is c.BRANCH:
                for alt in av[1]:
                    walk(alt)
            elif op in (c.ASSERT, c.ASSERT_NOT):
                walk(av[1])
            elif op is c.ATOMIC_GROUP:
                walk(av)

    walk(_parser.parse(pattern.pattern, pattern.flags))
    return found


def test_every_adapter_pattern_is_compiled_once_and_cannot_backtrack() -> None:
    patterns = _patterns()
    assert len(patterns) >= 6  # the scans below are all in this list
    assert {name: bad for name, p in patterns if (bad := _backtracking_repeats(p))} == {}
    inline = re.compile(r"\bre\.(?:sub|match|search|findall|finditer|split|fullmatch)\(")
    assert [str(p) for p in SRC.rglob("*.py") if inline.search(p.read_text("utf-8"))] == []


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def tg_state() -> TelegramState:
    return TelegramState(bot_username="demo_bot")


def aibot(bot_name: str = "") -> Any:
    return WeComAIBotAdapter("wb", {"token": "t", "encoding_aes_key": "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
                              "bot_name": bot_name}, AdapterDeps(session=None))


def feishu_text(text: str, mentions: int) -> dict[str, Any]:
    keys = [{"key": f"@_user_{i}", "id": {"open_id": f"ou_{i}"}, "name": f"n{i}"} for i in range(mentions)]
    return {"schema": "2.0", "header": {"event_type": "im.message.receive_v1", "event_id": "e"},
            "event": {"sender": {"sender_id": {"open_id": "ou_a"}, "sender_type": "user"},
                      "message": {"message_id": "om", "chat_id": "oc", "chat_type": "group", "message_type": "text",
                                  "create_time": "1767225600000", "mentions": keys,
                                  "content": json.dumps({"text": text})}}}


def onebot_ats(count: int) -> dict[str, Any]:
    return {"post_type": "message", "message_type": "group", "self_id": 1, "message_id": 1, "group_id": 2,
            "user_id": 3, "time": 1767225600, "message": [{"type": "at", "data": {"qq": str(i)}}
                                                         for i in range(count)]}


def telegram_mentions(count: int) -> tuple[str, list[dict[str, Any]]]:
    text = "@abcd " * (N // 6)
    return text, [{"type": "mention", "offset": 6 * (i % (N // 6)), "length": 5} for i in range(count)]


WORST: dict[str, Callable[[], object]] = {
    "cq: '[CQ:a,' repeated, no ']'": lambda: parse_cq("[CQ:a," * (N // 6)),
    "cq: '[CQ:' repeated, one ']' at the end": lambda: parse_cq("[CQ:" * (N // 4) + "]"),
    "cq: invalid names before one ']'": lambda: parse_cq("[CQ:!" * (N // 5) + "]"),
    "cq: one long name": lambda: parse_cq("[CQ:" + "a" * N),
    "cq: brackets": lambda: parse_cq("[" * N + "]" * N),
    "cq: escapes": lambda: parse_cq("&#91;&amp;" * (N // 10)),
    "telegram: command without @": lambda: command_address(tg_state(), "/" + "a" * N),
    "telegram: command, bot name not ended": lambda: command_address(tg_state(), "/a@" + "b" * N + "!"),
    "telegram: 20k mention entities": lambda: mentions_in(tg_state(), "tg", *telegram_mentions(20_000)),
    "wecom: leading spaces, no @": lambda: aibot()._strip_bot(" " * N + "x"),
    "wecom: one long @word": lambda: aibot()._strip_bot("@" + "a" * N),
    "wecom: bot name everywhere": lambda: aibot("Bot")._strip_bot("@Bot  \t" * (N // 7)),
    "wecom markdown: digits": lambda: markdown("1" * N),
    "wecom markdown: indentation": lambda: markdown(" " * N + "x"),
    "wecom markdown: line starts": lambda: markdown("\n-" * (N // 2)),
    "wecom markdown: markup": lambda: markdown("<*[" * (N // 3)),
    "feishu: placeholders × 2000 mentions": lambda: parse_payload("fs", feishu_text("@_user_1 " * (N // 9), 2000), ""),
    "feishu: long placeholder-like words": lambda: parse_payload("fs", feishu_text("@_" + "a" * N, 60), ""),
    "feishu: spaces": lambda: parse_payload("fs", feishu_text(" \t" * (N // 2) + "x", 1), ""),
    "onebot: 20k distinct @s": lambda: EventParser("qq", OneBotState()).parse(onebot_ats(20_000)),
}


@pytest.mark.parametrize("name", list(WORST))
def test_worst_known_input_finishes_quickly(name: str) -> None:
    assert timed(WORST[name]) < BOUND_S, name


# -- parse_cq is the regex it replaced, only linear -------------------------------------------------------
OLD_CQ = re.compile(r"\[CQ:([A-Za-z0-9_.\-]+)((?:,[^\]]*)?)\]")


def regex_parse_cq(message: str) -> list[tuple[str, dict[str, str]]]:
    out: list[tuple[str, dict[str, str]]] = []
    pos = 0
    for m in OLD_CQ.finditer(message):
        if m.start() > pos:
            out.append(("text", {"text": unescape(message[pos:m.start()])}))
        data = {}
        for item in m.group(2).split(",")[1:]:
            key, _, value = item.partition("=")
            data[key] = unescape(value, param=True)
        out.append((m.group(1), data))
        pos = m.end()
    if pos < len(message):
        out.append(("text", {"text": unescape(message[pos:])}))
    return out


cq_pieces = st.lists(st.one_of(st.sampled_from(["[CQ:", "[CQ:at", ",qq=1", "]", "[", ",", "=", "&#91;", "&#44;",
                                                "&amp;", "at", "a.b-c_1", "!", " ", "\n", "CQ:"]),
                               st.text(max_size=3)), max_size=20).map("".join)


@settings(max_examples=500, deadline=None)
@given(message=cq_pieces)
def test_parse_cq_splits_exactly_like_the_old_regex(message: str) -> None:
    assert parse_cq(message) == regex_parse_cq(message)
