"""The per-chat outbox queue is bounded (issue 11, low finding): merge, then drop the oldest, counted.

Real SQLite file, the real Runtime and the generic adapter posting to a loopback receiver. A chat with
more than ``[outbox] max_queued_per_chat`` waiting messages gets consecutive texts merged into one
message (all text delivered, in order); when merging is not enough the oldest go, counted in
``quntag_outbox_dropped_total{adapter,reason}`` and logged as a WARNING; join decisions are never dropped.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.core.config import ConfigError
from bot.core.events import ChatRef, UserRef
from bot.core.outgoing import JoinDecision, Outgoing, Text, outgoing_to_dict
from bot.faces.demo.receiver import Receiver
from bot.faces.runtime import Runtime
from bot.faces.settings import parse
from tests.conftest import make_config

CHAT = ChatRef("generic", "g-1")


@pytest.fixture  # receiver: the generic outbound_url stand-in from tests/conftest.py
async def runtime(tmp_path: Path, receiver: tuple[Receiver, str]) -> AsyncIterator[Runtime]:
    rt = Runtime(make_config(tmp_path, receiver[1], outbox={"max_queued_per_chat": 10}))
    await rt.start(process=False, deliver=False, schedule=False)
    yield rt
    await rt.stop()


async def queue(rt: Runtime, *outs: Outgoing) -> None:
    for out in outs:
        await rt.repo.delivery.enqueue_outgoing(out.adapter, outgoing_to_dict(out))


def rows(tmp_path: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(tmp_path / "quntag.db") as conn:
        return conn.execute("SELECT id, payload, last_error FROM outbox ORDER BY id").fetchall()


def dropped(rt: Runtime) -> float:
    value = rt.metrics.registry.get_sample_value("quntag_outbox_dropped_total",
                                                 {"adapter": "generic", "reason": "chat_queue_full"})
    return value or 0.0


async def test_a_long_queue_is_merged_into_few_messages_and_nothing_is_lost(runtime: Runtime, tmp_path: Path,
                                                                            receiver: tuple[Receiver, str]) -> None:
    texts = [f"第{i}条回复" for i in range(30)]
    await queue(runtime, *(Outgoing(CHAT, (Text(t),)) for t in texts))
    await queue(runtime, Outgoing(ChatRef("generic", "g-2"), (Text("another chat"),)))
    await runtime.outbox.send_due()
    got = receiver[0].received
    to_chat = [m["text"] for m in got if m.get("group") == "g-1"]
    assert 1 <= len(to_chat) <= 10 and "\n".join(to_chat).split("\n") == texts
    assert [m["text"] for m in got if m.get("group") == "g-2"] == ["another chat"]
    assert rows(tmp_path) == [] and dropped(runtime) == 0


async def test_beyond_the_bound_the_oldest_are_dropped_counted_and_logged(runtime: Runtime, tmp_path: Path, caplog: Any,
                                                                         receiver: tuple[Receiver, str]) -> None:
    long = ["长" * 3000 + str(i) for i in range(15)]  # 4000 characters per message: no two merge
    decision = Outgoing(CHAT, (), join=JoinDecision(UserRef("generic", "u-1"), approve=True, request_id="r"))
    await queue(runtime, decision, *(Outgoing(CHAT, (Text(t),)) for t in long))
    with caplog.at_level(logging.WARNING):
        await runtime.outbox.send_due()
    assert dropped(runtime) == 6  # 16 waiting, 10 allowed: six texts go, the join decision stays
    assert any("dropped the 6 oldest queued messages" in r.getMessage() and r.levelno == logging.WARNING
               for r in caplog.records)
    left = [(json.loads(payload), error) for _, payload, error in rows(tmp_path)]
    assert left[0][0]["join"] and left[0][1]  # kept and tried first (the generic adapter cannot decide: parked)
    assert [p["parts"][0]["t"] for p, _ in left[1:]] == long[6:]  # the newest nine wait behind it, in order


async def test_under_the_bound_nothing_is_merged(runtime: Runtime, receiver: tuple[Receiver, str]) -> None:
    await queue(runtime, *(Outgoing(CHAT, (Text(f"m{i}"),)) for i in range(10)))
    await runtime.outbox.send_due()
    assert [m["text"] for m in receiver[0].received] == [f"m{i}" for i in range(10)]


def test_the_bound_is_validated_naming_the_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"^outbox\.max_queued_per_chat: "):
        parse({"outbox": {"max_queued_per_chat": 0}}, tmp_path, env={})
    assert parse({}, tmp_path, env={}).outbox.max_queued_per_chat == 100
