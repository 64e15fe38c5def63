"""The cycle collector pause: off while any paused block is open (overlapping blocks of concurrent reads
included), back to what it was when the last one ends — also when a block raises."""

from __future__ import annotations

import asyncio
import gc

import pytest

from bot.core import collector


async def test_overlapping_blocks_resume_collection_only_after_the_last() -> None:
    assert gc.isenabled()
    first_open, second_done = asyncio.Event(), asyncio.Event()

    async def first() -> None:
        with collector.paused():
            first_open.set()
            await second_done.wait()
            assert not gc.isenabled()  # the second block ended, this one still runs

    async def second() -> None:
        await first_open.wait()
        with collector.paused():
            assert not gc.isenabled()
        second_done.set()

    await asyncio.gather(first(), second())
    assert gc.isenabled()


def test_a_failing_block_resumes_collection_and_a_disabled_collector_stays_off() -> None:
    with pytest.raises(ValueError), collector.paused():
        raise ValueError
    assert gc.isenabled()
    gc.disable()
    try:
        with collector.paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
