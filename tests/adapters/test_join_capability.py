"""Join requests are a declared capability: ``decide_join`` is part of every adapter, Telegram and OneBot
answer through their platform, the others say no for good — and the outbox needs no special case."""

from __future__ import annotations

import time
from typing import Any

import aiohttp
import pytest

from bot.adapters import adapter_types
from bot.core.adapter import AdapterDeps, SendError
from bot.core.events import ChatRef, UserRef
from bot.core.outgoing import JoinDecision, Outgoing, outgoing_to_dict
from tests.adapters._fuzz_platforms import PLATFORMS, Platform

JOINS = {"telegram", "onebot"}  # platforms that ask before someone joins


def decision(name: str) -> Outgoing:
    return Outgoing(ChatRef(name, "-1001234567890"), (),
                    join=JoinDecision(UserRef(name, "555555555"), True, "flag-1"))


def test_every_type_is_covered() -> None:
    assert {p.type for p in PLATFORMS} == set(adapter_types())


@pytest.mark.parametrize("platform", PLATFORMS, ids=[p.name for p in PLATFORMS])
async def test_the_capability_says_what_decide_join_does(platform: Platform) -> None:
    async with aiohttp.ClientSession() as session:
        a = adapter_types()[platform.type].build(platform.name, platform.options, AdapterDeps(session=session))
        assert a.capabilities.join_requests == (platform.type in JOINS)
        with pytest.raises(SendError) as err:
            await a.decide_join(decision(platform.name))  # the platform API is a dead port
    # with join requests it tried the platform (a network error is retried); without, it refuses for good
    assert err.value.permanent == (platform.type not in JOINS)


async def test_a_decision_for_a_platform_without_join_requests_is_parked(make_bot: Any) -> None:
    bot = await make_bot()
    rt = bot.runtime
    await rt.repo.delivery.enqueue_outgoing("generic", outgoing_to_dict(decision("generic")))
    rt.outbox.wake()
    await bot.settle()
    assert bot.receiver.received == []
    assert await rt.repo.delivery.next_outgoing_at() > time.time() + 3600  # parked, not retried
