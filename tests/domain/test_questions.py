"""One question detector: the 提问者 tag (a message's question signal) and the unanswered-question alerts
(the tracked questions) count exactly the same messages."""

from __future__ import annotations

import pytest

from bot.domain.questions import is_question
from tests.conftest import message

T = 1_790_000_000.0
AGREED = [
    ("请问发票怎么开？", True), ("停车在哪里", True), ("为什么又涨价了", True), ("咋办", True), ("你好吗", True),
    ("有人一起吗。。。", True), ("明天几点集合?", True), ("Is it open?", True), ("好的呢～", True),
    ("好吗 我看看", False), ("B2 层", False), ("我要投诉", False), ("明天见。", False), ("/why u-1 红酒", False),
    ("", False), ("   ", False),
]


@pytest.mark.parametrize(("text", "question"), AGREED)
def test_what_counts_as_a_question(text: str, question: bool) -> None:
    assert is_question(text) is question


async def test_asker_tag_and_unanswered_alerts_count_the_same_messages(make_bot) -> None:
    bot = await make_bot(clock=lambda: T)
    for i, (text, _q) in enumerate(AGREED):
        if text.strip():
            await bot.post(message(f"m{i}", "u-1", text, T - 600 + i))
    await bot.settle()

    def flagged(conn):
        signals = {r[0] for r in conn.exec_driver_sql("SELECT message_id FROM message_signals WHERE question")}
        tracked = {r[0] for r in conn.exec_driver_sql("SELECT message_id FROM questions")}
        return signals, tracked

    signals, tracked = await bot.runtime.db.read(flagged)
    want = {f"m{i}" for i, (text, q) in enumerate(AGREED) if q and not text.startswith("/")}
    assert signals == tracked == want
