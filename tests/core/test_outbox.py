"""The outbox worker (``bot.core.outbox``): per-chat rate limits, backoff, parking, redacted errors.

Guarantees checked on a real SQLite file with a hand-moved clock and a stand-in platform: a chat gets at
most its adapter's ``per_chat_per_minute`` messages a minute while other chats are served; a failed send is
retried when the platform's retry-after says, else after an exponential backoff; a permanent error parks the
message for a day (kept, not lost) and holds back the rest of that chat to keep its order; credentials
never reach a stored error or a log line.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.core.adapter import Capabilities, SendError
from bot.core.events import ChatRef
from bot.core.metrics import Metrics
from bot.core.outbox import PARKED_S, Outbox
from bot.core.outgoing import Outgoing, Text, outgoing_to_dict
from storage.repo import Repo
from tests.storage.backends import T0, Clock, open_database

SECRET = "s3cr3t-app-key"


class Platform:
    """A stand-in adapter: records what it is asked to send, or raises the next of ``failures``."""

    name = "generic"
    type = "generic"

    def __init__(self, per_minute: int = 20, failures: list[Exception] | None = None) -> None:
        self.capabilities = Capabilities(per_chat_per_minute=per_minute, per_chat_per_second=0)
        self.failures = failures or []
        self.sent: list[tuple[str, str]] = []

    def secrets(self) -> dict[str, str]:
        return {"app_secret": SECRET}

    async def send(self, out: Outgoing) -> None:
        if self.failures:
            raise self.failures.pop(0)
        text = "".join(p.text for p in out.parts if isinstance(p, Text))
        self.sent.append((out.target.id.removeprefix("generic:"), text))


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def repo(tmp_path: Path, clock: Clock) -> AsyncIterator[Repo]:
    async with open_database(f"sqlite:///{tmp_path}/quntag.db") as db:
        yield Repo(db, clock=clock)


def outbox(repo: Repo, platform: Platform, clock: Clock) -> Outbox:
    return Outbox(repo, {"generic": platform}, Metrics(), clock)


async def queue(repo: Repo, chat: str, *texts: str) -> None:
    for text in texts:
        out = Outgoing(ChatRef("generic", chat), (Text(text),))
        await repo.delivery.enqueue_outgoing(out.adapter, outgoing_to_dict(out))


def stored_errors(tmp_path: Path) -> list[str]:
    with sqlite3.connect(tmp_path / "quntag.db") as conn:
        return [e for (e,) in conn.execute("SELECT last_error FROM outbox ORDER BY id")]


async def test_a_chat_gets_at_most_its_rate_while_other_chats_are_served(repo: Repo, clock: Clock) -> None:
    platform = Platform(per_minute=2)
    worker = outbox(repo, platform, clock)
    await queue(repo, "g-1", "一", "二", "三")
    await queue(repo, "g-2", "你好")
    await worker.send_due()
    assert sorted(platform.sent) == [("g-1", "一"), ("g-1", "二"), ("g-2", "你好")]
    clock.now += 30
    await worker.send_due()
    assert len(platform.sent) == 3  # the minute is not over for g-1 (a wait over 5 s is left for a later round)
    clock.now += 30
    await worker.send_due()
    assert platform.sent[-1] == ("g-1", "三") and await repo.delivery.next_outgoing_at() is None


async def test_a_failed_send_waits_as_long_as_the_platform_says(repo: Repo, clock: Clock) -> None:
    platform = Platform(failures=[SendError("429 too many requests", retry_after=30)])
    worker = outbox(repo, platform, clock)
    await queue(repo, "g-1", "早上好")
    await worker.send_due()
    assert platform.sent == [] and await repo.delivery.next_outgoing_at() == T0 + 30
    clock.now = T0 + 29
    await worker.send_due()
    assert platform.sent == []
    clock.now = T0 + 30
    await worker.send_due()
    assert platform.sent == [("g-1", "早上好")] and await repo.delivery.next_outgoing_at() is None


async def test_without_retry_after_the_wait_doubles_with_each_attempt(repo: Repo, clock: Clock) -> None:
    platform = Platform(failures=[SendError("503"), SendError("503"), SendError("503")])
    worker = outbox(repo, platform, clock)
    await queue(repo, "g-1", "早上好")
    waits = []
    for _ in range(3):
        await worker.send_due()
        nxt = await repo.delivery.next_outgoing_at()
        assert nxt is not None
        waits.append(nxt - clock.now)
        clock.now = nxt
    assert waits == [1.0, 2.0, 4.0]
    [item] = await repo.delivery.due_outgoing(10)
    assert item.attempts == 3


async def test_a_permanent_error_parks_the_message_and_holds_back_its_chat(repo: Repo, clock: Clock,
                                                                         tmp_path: Path) -> None:
    platform = Platform(failures=[SendError("chat not found", permanent=True)])
    worker = outbox(repo, platform, clock)
    await queue(repo, "g-1", "第一条", "第二条")
    await queue(repo, "g-2", "别的群")
    await worker.send_due()
    assert platform.sent == [("g-2", "别的群")]  # g-1's second message waits behind its first
    assert stored_errors(tmp_path) == ["chat not found", ""]
    assert await repo.delivery.outbox_stats() == {"generic": (2, T0)}  # kept, not lost
    clock.now = T0 + PARKED_S
    await worker.send_due()
    assert platform.sent[1:] == [("g-1", "第一条"), ("g-1", "第二条")]


async def test_credentials_never_reach_a_stored_error_or_the_log(repo: Repo, clock: Clock, tmp_path: Path,
                                                               caplog: Any) -> None:
    platform = Platform(failures=[SendError(f"401 for key {SECRET}"), RuntimeError(f"bug near {SECRET}")])
    worker = outbox(repo, platform, clock)
    await queue(repo, "g-1", "早上好")
    with caplog.at_level(logging.DEBUG):
        await worker.send_due()
        assert stored_errors(tmp_path) == ["401 for key <redacted>"]
        clock.now += 60
        await worker.send_due()
    [error] = stored_errors(tmp_path)
    assert "bug near <redacted>" in error and SECRET not in error
    assert caplog.records and all(SECRET not in r.getMessage() for r in caplog.records)
