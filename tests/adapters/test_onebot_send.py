"""OneBot v11 outbound against a fake HTTP API on loopback: segments, Bearer token, retcodes, 5xx."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from bot.adapters.onebot import OneBotAdapter
from bot.core.adapter import AdapterDeps, SendError
from bot.core.events import ChatRef, UserRef
from bot.core.outgoing import JoinDecision, Mention, Outgoing, Text
from bot.faces.demo.receiver import start_site
from tests.adapters._helpers import FakeOneBot, parse_and_learn

GROUP = ChatRef("onebot", "987654")


@pytest.fixture
async def fake() -> AsyncIterator[tuple[FakeOneBot, OneBotAdapter, str]]:
    server = FakeOneBot("ob-token")
    runner, url = await start_site(server.app())
    async with aiohttp.ClientSession() as session:
        a = OneBotAdapter("onebot", {"secret": "s", "access_token": "ob-token", "api_base": url},
                          AdapterDeps(session))
        await a.start()
        yield server, a, url
    await runner.cleanup()


async def test_group_message_as_segment_array(fake: tuple[FakeOneBot, OneBotAdapter, str]) -> None:
    server, a, _ = fake
    await a.send(Outgoing(GROUP, (Mention(UserRef("onebot", "20002"), "Alice"), Text(" [CQ:at,qq=all] &")),
                          reply_to="123456"))
    assert server.sent == [("send_group_msg", {"group_id": 987654, "message": [
        {"type": "reply", "data": {"id": "123456"}},
        {"type": "at", "data": {"qq": "20002"}},
        {"type": "text", "data": {"text": " [CQ:at,qq=all] &"}}]})]


async def test_string_ids_stay_strings(fake: tuple[FakeOneBot, OneBotAdapter, str]) -> None:
    server, a, _ = fake
    await a.send(Outgoing(ChatRef("onebot", "12345678@chatroom"), (Text("hi"),)))
    assert server.sent[0][1]["group_id"] == "12345678@chatroom"


async def test_5xx_then_one_delivery(fake: tuple[FakeOneBot, OneBotAdapter, str]) -> None:
    server, a, _ = fake
    server.fail.append((503, {"status": "failed"}))
    out = Outgoing(GROUP, (Text("hi"),))
    with pytest.raises(SendError) as exc:
        await a.send(out)
    assert not exc.value.permanent
    await a.send(out)
    assert len(server.sent) == 1 and server.attempts == 2


@pytest.mark.parametrize(("retcode", "permanent"), [(100, True), (1404, True), (103, False), (200, False)])
async def test_retcode_failures(fake: tuple[FakeOneBot, OneBotAdapter, str], retcode: int, permanent: bool) -> None:
    server, a, _ = fake
    server.fail.append((200, {"status": "failed", "retcode": retcode, "data": None, "wording": "nope"}))
    with pytest.raises(SendError) as exc:
        await a.send(Outgoing(GROUP, (Text("hi"),)))
    assert exc.value.permanent is permanent
    assert "nope" in str(exc.value)


async def test_async_status_counts_as_accepted(fake: tuple[FakeOneBot, OneBotAdapter, str]) -> None:
    server, a, _ = fake
    server.fail.append((200, {"status": "async", "retcode": 1, "data": None}))
    await a.send(Outgoing(GROUP, (Text("hi"),)))


async def test_wrong_access_token_is_permanent(fake: tuple[FakeOneBot, OneBotAdapter, str]) -> None:
    _server, _a, url = fake
    async with aiohttp.ClientSession() as session:
        bad = OneBotAdapter("onebot", {"access_token": "wrong", "api_base": url}, AdapterDeps(session))
        with pytest.raises(SendError) as exc:
            await bad.send(Outgoing(GROUP, (Text("hi"),)))
    assert exc.value.permanent and "403" in str(exc.value)


async def test_private_only_after_user_wrote_privately(fake: tuple[FakeOneBot, OneBotAdapter, str]) -> None:
    server, a, _ = fake
    alice = UserRef("onebot", "20002")
    with pytest.raises(SendError):
        await a.send(Outgoing(alice, (Text("hi"),)))
    parse_and_learn(a, b'{"time": 1, "self_id": 10001, "post_type": "message", "message_type": "private",'
                    b' "sub_type": "friend", "message_id": 5, "user_id": 20002, "message": "hi", "raw_message": "hi",'
                    b' "font": 0, "sender": {}}')
    await a.send(Outgoing(alice, (Text("hi"),), reply_to="5"))
    assert server.sent == [("send_private_msg", {"user_id": 20002,
                                                 "message": [{"type": "text", "data": {"text": "hi"}}]})]


async def test_network_error_is_transient() -> None:
    async with aiohttp.ClientSession() as session:
        a = OneBotAdapter("onebot", {"api_base": "http://127.0.0.1:9"}, AdapterDeps(session))
        with pytest.raises(SendError) as exc:
            await a.send(Outgoing(GROUP, (Text("hi"),)))
    assert not exc.value.permanent


# -- join decisions and platform ids ------------------------------------------------------------------


def decision(approve: bool, flag: str = "1767225600123456") -> Outgoing:
    return Outgoing(GROUP, (), join=JoinDecision(UserRef("onebot", "987654321"), approve, flag,
                                                 "" if approve else "未通过入群验证"))


async def test_decide_join_with_set_group_add_request(fake: tuple[FakeOneBot, OneBotAdapter, str]) -> None:
    server, a, _ = fake
    await a.decide_join(decision(True))
    await a.decide_join(decision(False))
    assert server.sent == [
        ("set_group_add_request", {"flag": "1767225600123456", "sub_type": "add", "approve": True}),
        ("set_group_add_request", {"flag": "1767225600123456", "sub_type": "add", "approve": False,
                                   "reason": "未通过入群验证"})]


async def test_decide_join_retcodes_and_token(fake: tuple[FakeOneBot, OneBotAdapter, str]) -> None:
    server, a, url = fake
    server.fail += [(200, {"status": "failed", "retcode": 100, "data": None, "wording": "flag expired"}),
                    (502, {"status": "failed"})]
    with pytest.raises(SendError) as bad_flag:
        await a.decide_join(decision(True))
    assert bad_flag.value.permanent and "flag expired" in str(bad_flag.value)
    with pytest.raises(SendError) as down:
        await a.decide_join(decision(True))
    assert not down.value.permanent
    with pytest.raises(SendError) as no_flag:
        await a.decide_join(decision(True, flag=""))
    assert no_flag.value.permanent
    async with aiohttp.ClientSession() as session:
        wrong = OneBotAdapter("onebot", {"access_token": "wrong", "api_base": url}, AdapterDeps(session))
        with pytest.raises(SendError) as denied:
            await wrong.decide_join(decision(True))
    assert denied.value.permanent and server.sent == []


@pytest.mark.parametrize("bad", ["²", "٣", "", " "])
async def test_bad_ids_are_permanent_never_guessed(fake: tuple[FakeOneBot, OneBotAdapter, str], bad: str) -> None:
    server, a, _ = fake
    a.state.dm_users.add(bad)
    for out in (Outgoing(ChatRef("onebot", bad), (Text("hi"),)), Outgoing(UserRef("onebot", bad), (Text("hi"),))):
        with pytest.raises(SendError) as exc:
            await a.send(out)
        assert exc.value.permanent
    assert server.attempts == 0
