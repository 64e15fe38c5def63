"""Telegram outbound against a fake Bot API on loopback: HTML, replies, splitting, 429, 5xx, migration."""

from __future__ import annotations

import html
import json
import re
from collections.abc import AsyncIterator

import aiohttp
import pytest

from bot.adapters.telegram import TelegramAdapter
from bot.adapters.telegram.render import render_chunks, utf16_len
from bot.core.adapter import AdapterDeps, SendError
from bot.core.events import ChatRef, UserRef
from bot.core.outgoing import JoinDecision, Mention, Outgoing, Text
from bot.faces.demo.receiver import start_site
from tests.adapters._helpers import TG_TOKEN, FakeTelegram, parse_and_learn

GROUP = ChatRef("telegram", "-1001234567890")


async def no_sleep(_s: float) -> None:
    return None


@pytest.fixture
async def fake() -> AsyncIterator[tuple[FakeTelegram, TelegramAdapter]]:
    server = FakeTelegram()
    runner, url = await start_site(server.app())
    async with aiohttp.ClientSession() as session:
        a = TelegramAdapter("telegram", {"token": TG_TOKEN, "secret_token": "s", "api_base": url},
                            AdapterDeps(session), sleep=no_sleep)
        await a.start()
        yield server, a
    await runner.cleanup()


async def test_start_reads_get_me(fake: tuple[FakeTelegram, TelegramAdapter]) -> None:
    _server, a = fake
    assert a.state.bot_username == "demo_bot" and a.state.bot_id == "222222222"
    assert a.state.can_read_all is False
    assert a.health()["privacy_mode"] is True and a.visibility() == "mentions"


async def test_html_escaping_mentions_and_reply(fake: tuple[FakeTelegram, TelegramAdapter]) -> None:
    server, a = fake
    await a.send(Outgoing(GROUP, (Mention(UserRef("telegram", "42"), "Tom <b>&"), Text(" 1 < 2 & 3 > 2")),
                          reply_to="99", key="k1"))
    [sent] = server.sent
    assert sent["parse_mode"] == "HTML"
    assert sent["chat_id"] == -1001234567890
    assert sent["text"] == '<a href="tg://user?id=42">Tom &lt;b&gt;&amp;</a> 1 &lt; 2 &amp; 3 &gt; 2'
    assert sent["reply_parameters"] == {"message_id": 99, "allow_sending_without_reply": True}


async def test_429_waits_retry_after_then_one_delivery(fake: tuple[FakeTelegram, TelegramAdapter]) -> None:
    server, a = fake
    server.fail.append((429, {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 7",
                              "parameters": {"retry_after": 7}}, None))
    out = Outgoing(GROUP, (Text("hi"),), key="k2")
    with pytest.raises(SendError) as exc:
        await a.send(out)
    assert exc.value.retry_after == 7 and not exc.value.permanent
    await a.send(out)
    assert len(server.sent) == 1 and len(server.attempts) == 2


async def test_5xx_is_transient_then_one_delivery(fake: tuple[FakeTelegram, TelegramAdapter]) -> None:
    server, a = fake
    server.fail.append((502, {"ok": False, "error_code": 502, "description": "Bad Gateway"}, None))
    out = Outgoing(GROUP, (Text("hi"),), key="k3")
    with pytest.raises(SendError) as exc:
        await a.send(out)
    assert not exc.value.permanent and exc.value.retry_after is None
    await a.send(out)
    assert len(server.sent) == 1


async def test_4xx_is_permanent(fake: tuple[FakeTelegram, TelegramAdapter]) -> None:
    server, a = fake
    server.fail.append((400, {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}, None))
    with pytest.raises(SendError) as exc:
        await a.send(Outgoing(GROUP, (Text("hi"),)))
    assert exc.value.permanent


async def test_migration_error_reports_the_new_id_and_aliases_it(fake: tuple[FakeTelegram, TelegramAdapter]) -> None:
    server, a = fake
    server.moved["-4000000001"] = -1004000000001
    old = ChatRef("telegram", "-4000000001")
    with pytest.raises(SendError) as exc:
        await a.send(Outgoing(old, (Text("hello"),), key="k4"))
    assert exc.value.moved_to == "-1004000000001"
    await a.send(Outgoing(ChatRef("telegram", "-1004000000001"), (Text("hello"),), key="k4"))
    await a.send(Outgoing(old, (Text("again"),), key="k5"))  # the old id is now an alias
    assert [(s["chat_id"], s["text"]) for s in server.sent] == [(-1004000000001, "hello"),
                                                               (-1004000000001, "again")]


async def test_long_text_split_at_4096_and_resumed_after_failure(
        fake: tuple[FakeTelegram, TelegramAdapter]) -> None:
    server, a = fake
    body = ("红酒 & <wine>\n" * 700)  # 8400 characters, many needing escapes
    out = Outgoing(GROUP, (Mention(UserRef("telegram", "7"), "Ann"), Text(" " + body)), reply_to="5", key="k6")
    chunks = render_chunks(out)
    assert len(chunks) == 3
    for c in chunks:
        visible = html.unescape(re.sub(r"<[^>]+>", "", c))
        assert utf16_len(visible) <= 4096
    assert html.unescape(re.sub(r"<[^>]+>", "", "".join(chunks))) == "Ann " + body
    server.fail.extend([(200, {"ok": True, "result": {}}, None)])  # chunk 1 accepted (not recorded)
    server.fail.append((500, {"ok": False, "error_code": 500, "description": "Internal"}, None))
    with pytest.raises(SendError):
        await a.send(out)
    await a.send(out)  # resumes with chunk 2: chunk 1 is not sent twice
    assert len(server.attempts) == 4 and len(server.sent) == 2
    assert "reply_parameters" in server.attempts[0]
    assert all("reply_parameters" not in s for s in server.sent)


async def test_private_messages_only_to_users_who_started_the_bot(
        fake: tuple[FakeTelegram, TelegramAdapter]) -> None:
    server, a = fake
    bob = UserRef("telegram", "333")
    with pytest.raises(SendError) as exc:
        await a.send(Outgoing(bob, (Text("hi"),)))
    assert exc.value.permanent and not server.attempts
    parse_and_learn(a, b'{"update_id": 1, "message": {"message_id": 1, "date": 1, "text": "/start",'
            b' "chat": {"id": 333, "type": "private"}, "from": {"id": 333, "is_bot": false, "first_name": "B"}}}')
    await a.send(Outgoing(bob, (Text("hi"),)))
    assert server.sent[0]["chat_id"] == 333


async def test_get_me_failure_does_not_stop_start() -> None:
    async with aiohttp.ClientSession() as session:
        a = TelegramAdapter("telegram", {"token": "1:x", "secret_token": "s", "api_base": "http://127.0.0.1:9"},
                            AdapterDeps(session))
        await a.start()
        assert a.visibility() == "mentions"


# -- join decisions and platform ids ------------------------------------------------------------------

APPLICANT = UserRef("telegram", "555555555")


def decision(approve: bool, chat: ChatRef = GROUP, user: UserRef = APPLICANT) -> Outgoing:
    return Outgoing(chat, (), key="d1", join=JoinDecision(user, approve, user.user_id,
                                                         "" if approve else "未通过入群验证"))


async def test_decide_join_calls_approve_and_decline(fake: tuple[FakeTelegram, TelegramAdapter]) -> None:
    server, a = fake
    await a.decide_join(decision(True))
    await a.decide_join(decision(False))
    assert server.decisions == [
        ("approveChatJoinRequest", {"chat_id": -1001234567890, "user_id": 555555555}),
        ("declineChatJoinRequest", {"chat_id": -1001234567890, "user_id": 555555555})]
    assert server.sent == []  # an action, not a message


async def test_decide_join_errors_are_classified_like_send(fake: tuple[FakeTelegram, TelegramAdapter]) -> None:
    server, a = fake
    server.decide_fail += [
        (429, {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 3",
               "parameters": {"retry_after": 3}}),
        (500, {"ok": False, "error_code": 500, "description": "Internal Server Error"}),
        (400, {"ok": False, "error_code": 400, "description": "Bad Request: not enough rights"})]
    errors = []
    for _ in range(3):
        with pytest.raises(SendError) as exc:
            await a.decide_join(decision(True))
        errors.append(exc.value)
    assert errors[0].retry_after == 3 and not errors[0].permanent
    assert errors[1].retry_after is None and not errors[1].permanent
    assert errors[2].permanent
    await a.decide_join(decision(True))
    assert len(server.decisions) == 1 and server.decide_attempts == 4


async def test_decide_join_on_a_settled_request_is_done(fake: tuple[FakeTelegram, TelegramAdapter]) -> None:
    server, a = fake
    server.decide_fail.append((400, {"ok": False, "error_code": 400,
                                     "description": "Bad Request: HIDE_REQUESTER_MISSING"}))
    await a.decide_join(decision(False))  # an admin was faster: nothing left to do, no retry for a day
    assert server.decisions == []


async def test_decide_join_follows_migration(fake: tuple[FakeTelegram, TelegramAdapter]) -> None:
    server, a = fake
    server.moved["-4000000001"] = -1004000000001
    with pytest.raises(SendError) as exc:
        await a.decide_join(decision(True, chat=ChatRef("telegram", "-4000000001")))
    assert exc.value.moved_to == "-1004000000001"
    await a.decide_join(decision(True, chat=ChatRef("telegram", "-4000000001")))
    assert server.decisions[0][1]["chat_id"] == -1004000000001


async def test_decision_closes_the_applicant_window(fake: tuple[FakeTelegram, TelegramAdapter]) -> None:
    server, a = fake
    now = int(a.deps.clock())
    parse_and_learn(a, json.dumps({"update_id": 3, "chat_join_request": {
        "chat": {"id": -1001234567890, "type": "supergroup", "title": "G"},
        "from": {"id": 555555555, "is_bot": False, "first_name": "Eve"}, "user_chat_id": 555555555,
        "date": now}}).encode())
    await a.send(Outgoing(APPLICANT, (Text("入群暗号？"),)))
    assert server.sent[-1]["chat_id"] == 555555555
    await a.decide_join(decision(False))
    with pytest.raises(SendError) as exc:
        await a.send(Outgoing(APPLICANT, (Text("again"),)))
    assert exc.value.permanent


@pytest.mark.parametrize("bad", ["²", "-²", "٣", "--5", "", "12a", "-"])
async def test_bad_ids_are_permanent_never_guessed(fake: tuple[FakeTelegram, TelegramAdapter], bad: str) -> None:
    server, a = fake
    a.state.dm_users.add(bad)
    for out in (Outgoing(ChatRef("telegram", bad), (Text("hi"),)), Outgoing(UserRef("telegram", bad), (Text("hi"),)),
                decision(True, user=UserRef("telegram", bad)), decision(True, chat=ChatRef("telegram", bad))):
        with pytest.raises(SendError) as exc:
            await (a.decide_join(out) if out.join else a.send(out))
        assert exc.value.permanent
    assert not server.attempts and not server.decide_attempts


async def test_ascii_ids_and_usernames_pass(fake: tuple[FakeTelegram, TelegramAdapter]) -> None:
    server, a = fake
    await a.send(Outgoing(ChatRef("telegram", "@demo_channel"), (Text("hi"),), reply_to="٣"))
    assert server.sent[0]["chat_id"] == "@demo_channel" and "reply_parameters" not in server.sent[0]
