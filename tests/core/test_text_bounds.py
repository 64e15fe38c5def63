"""Member text of any length and shape is analysed in linear time, on a bounded head, without crashing.

Each adversarial input below is 64k characters. The inputs marked "was quadratic" took over 20 s in the old
trailing-punctuation regex (``[…]+$`` restarts at every position of a run that does not reach the end); the
bound asserted is a generous ceiling for a linear scan of a few KiB, not a performance measurement.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.commands import parse_command
from bot.core.config import TagRule
from bot.core.context import Context
from bot.core.events import ChatRef, Message, UserRef
from bot.core.render import Renderer
from bot.core.textnorm import ANALYSIS_CHARS, analysis_text, normalize, small_int
from bot.domain import questions
from bot.domain.segments import QueryError
from bot.domain.segments import parse as parse_query
from handlers import checkins, gate, signals, surveys
from handlers.tagging import Tagger
from tests.conftest import message

N = 65536
BOUND_S = 1.0


def _bare_checkin(text: str) -> bool:
    ev = Message("e", ChatRef("generic", "g-1"), UserRef("generic", "u-1"), 0.0, text)
    ctx = Context(config=None, repo=None, render=Renderer(), event=ev,  # type: ignore[arg-type]
                  command=parse_command(text))
    return checkins.is_bare_checkin(ctx)


def _answers(text: str) -> object:
    try:
        return surveys.parse_answers(text)
    except surveys.AnswerError:
        return None


def _query(text: str) -> object:
    try:
        return parse_query(text)
    except QueryError as exc:
        return exc.position


_TAGGER = Tagger([TagRule("a", "interest", ("a", "aa", "aaa", "紅酒"), 1.0)])

ANALYSES: dict[str, Callable[[str], object]] = {
    "question": questions.is_question, "link": signals.has_link,
    "survey answers": _answers, "command": parse_command, "bare check-in": _bare_checkin,
    "keyword tags": _TAGGER.match, "gate answer": lambda t: gate.passes("aab", t), "segment query": _query,
}
ADVERSARIAL = {
    "。 run not at the end (was quadratic)": "。" * N + "x",
    "spaced 。 run (was quadratic)": "。 " * (N // 2) + "x",
    "mixed closing marks (was quadratic)": "）】”…" * (N // 4) + "吗x",
    "link prefixes": "http:/" * (N // 6) + "www" * 10,
    "question particle runs": "吗" * N + "x",
    "answer digits": " 1" * (N // 2) + "1" * 5000 + "=x",
    "command with a huge head": "/" + "a" * N,
    "expanding characters": "﷽" * N,
    "keyword overlaps": "a" * N,
    "nested query": "(" * N,
}


@pytest.mark.parametrize("text", list(ADVERSARIAL.values()), ids=list(ADVERSARIAL))
@pytest.mark.parametrize("name", list(ANALYSES))
def test_adversarial_64k_inputs_are_analysed_within_a_small_bound(name: str, text: str) -> None:
    start = time.perf_counter()
    ANALYSES[name](text)
    assert time.perf_counter() - start < BOUND_S


def test_the_trailing_strip_itself_is_linear_on_uncapped_text() -> None:
    start = time.perf_counter()
    assert ("。" * (16 * N) + "x吗" + "。 " * N).rstrip(questions.TRAILING).endswith("吗")
    assert time.perf_counter() - start < BOUND_S


@given(st.text(alphabet="。.!！~～…,，:：;；)）]】\"'”’ \t\u3000\u00a0\u2003\u0085吗呢么嘛ab?", max_size=40))
def test_question_detection_is_unchanged_by_the_linear_rewrite(text: str) -> None:
    old_trailing = re.compile(r"[\s。.!！~～…,，:：;；)）\]】\"'”’]+$")
    s = analysis_text(text).strip()
    old = bool(s) and not s.startswith("/") and ("?" in s or any(w in s for w in questions.QUESTION_WORDS)
                                                 or old_trailing.sub("", s).endswith(questions.QUESTION_ENDINGS))
    assert questions.is_question(text) == old


@given(st.text(alphabet="htps:/w.ab \u3000", max_size=30))
def test_link_detection_is_unchanged_by_the_linear_rewrite(text: str) -> None:
    old = re.compile(r"(https?://|www\.)\S+", re.IGNORECASE)
    assert signals.has_link(text) == (old.search(analysis_text(text)) is not None)


@given(st.text(max_size=20), st.text(min_size=1, max_size=20))
def test_analysis_looks_only_at_the_head(head: str, tail: str) -> None:
    text = (head * (ANALYSIS_CHARS // max(1, len(head)) + 1))[:ANALYSIS_CHARS] if head else "x" * ANALYSIS_CHARS
    for fn in (questions.is_question, signals.has_link, normalize, parse_command):
        assert fn(text + tail) == fn(text)


@pytest.mark.parametrize(("text", "value"), [("12", 12), ("007", 7), ("", None), ("𐩀", None), ("²", None),
                                             ("1" * 5000, None), ("-1", None), ("١", None), ("1234567", None)])
def test_small_int_accepts_only_short_ascii_numbers(text: str, value: int | None) -> None:
    assert small_int(text) == value


async def test_odd_numbers_in_commands_get_a_usage_reply_not_a_crash(make_bot) -> None:
    bot = await make_bot(groups=[{"id": "generic:g-1", "admins": ["generic:u-9"]}], surveys=[{
        "id": "s", "title": "问卷", "questions": [
            {"id": "q", "text": "几分？", "kind": "scale", "min": 1, "max": 5},
            {"id": "o", "text": "选哪个？", "kind": "single", "options": ["甲", "乙"]}]}])
    now = time.time()
    for i, text in enumerate(["/news rm 𐩀", "/activity rm 𐩀", "/answer s 1" + "1" * 5000 + "=2",
                              "/answer s 1=" + "9" * 5000, "/answer s 2=𐩀"]):
        await bot.post(message(f"c{i}", "u-9", text, now))
    await bot.settle()
    replies = {r["reply_to"]: r["text"] for r in bot.receiver.received}
    assert "用法" in replies["c0"] and "用法" in replies["c1"]
    assert "格式不对" in replies["c2"]
    assert replies["c3"].startswith("第 1 题：请填 1-5 之间的整数\n")
    assert replies["c4"].startswith("第 2 题：请填选项序号 1-2\n")


async def test_a_name_shaped_like_a_mention_token_does_not_drop_a_report(make_bot) -> None:
    now = time.time()
    bot = await make_bot(clock=lambda: now, groups=[{"id": "generic:g-1", "admins": ["generic:u-9"]}])
    yesterday = now - 86400
    await bot.post(message("c1", "u-1", "/签到", yesterday, name="\x00" + "9" * 5000 + "\x00"))
    await bot.post(message("c2", "u-2", "/签到", yesterday, name="小王"))
    await bot.settle()
    bot.receiver.received.clear()
    await bot.post(message("r1", "u-9", "/早报 预览", now))
    await bot.settle()
    report = "".join(r["text"] for r in bot.receiver.received)  # split into pieces of the platform's size
    assert report.startswith("☀️ 早报") and "小王 1 天" in report and "9" * 5000 in report
