"""Renewals a console view asks for: started when the view ends, one per kind and key at a time, run as a
waiting reader, and a failure logged without stopping the next try."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.domain import refresh


async def test_a_view_renews_after_it_ends_once_per_key_and_as_a_waiting_reader() -> None:
    ran: list[tuple[str, bool]] = []

    async def work(name: str) -> None:
        ran.append((name, refresh.show_last()))

    with refresh.showing_last():
        assert refresh.show_last()
        refresh.later("recompute", "g-1", lambda: work("first"))
        refresh.later("recompute", "g-1", lambda: work("again"))  # the same renewal: asked once
        refresh.later("insights", "g-1", lambda: work("insights"))
        await asyncio.sleep(0.2)
        assert ran == []  # nothing starts while the view is still answering
    assert not refresh.show_last()
    await refresh.settled()
    assert sorted(ran) == [("first", False), ("insights", False)]  # they wait for current numbers themselves


async def test_a_failed_renewal_is_logged_and_the_next_view_tries_again(caplog: pytest.LogCaptureFixture) -> None:
    calls = 0

    async def broken() -> None:
        nonlocal calls
        calls += 1
        raise RuntimeError("database away")

    with caplog.at_level(logging.ERROR, logger="quntag.refresh"), refresh.showing_last():
        refresh.later("recompute", "g-2", broken)
    await refresh.settled()
    with refresh.showing_last():
        refresh.later("recompute", "g-2", broken)
    await refresh.settled()
    assert calls == 2 and "renewing recompute of g-2 failed" in caplog.text
