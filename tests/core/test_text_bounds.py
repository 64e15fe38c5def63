"""Member text of any length and shape is analysed on a bounded head, the same as before the linear rewrites,
without crashing.

Deterministic checks only: the linear question and link detectors decide exactly like the regexes they
replaced, analysis never looks past ``ANALYSIS_CHARS``, odd numbers get usage replies. How long the
adversarial 64k inputs take is measured in ``bench/text_scans.py`` (``make bench``); that no pattern can
backtrack is checked in ``tests/core/test_linear_patterns.py``.
"""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.commands import parse_command
from bot.core.textnorm import ANALYSIS_CHARS, analysis_text, normalize, small_int
from bot.domain import questions
from handlers import signals
from tests.conftest import message
from tests.core.adversarial_text import ANALYSES, TEXTS, N, question_strip, uncapped_text


@pytest.mark.parametrize("text", list(TEXTS))
@pytest.mark.parametrize("name", list(ANALYSES))
def test_every_analysis_takes_every_adversarial_64k_text(name: str, text: str) -> None:
    ANALYSES[name](TEXTS[text](N))  # an answer, whatever it is: no exception escapes


def test_the_trailing_strip_keeps_the_question_particle_on_uncapped_text() -> None:
    assert question_strip(uncapped_text(N)).endswith("x吗")


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
    # only the replies: a scheduled morning report may post too when the test runs around 08:00 group time
    replies = {r["reply_to"]: r["text"] for r in bot.receiver.received if "reply_to" in r}
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
