"""Moderation end to end through the webhook, against fake Telegram and OneBot APIs that record the
delete/restrict/ban/kick calls with their documented parameters: the ladder, observe vs enforce, platform
admins exempt, the newcomer check passed and timed out, and the admin commands."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from bot.adapters.onebot import signature
from bot.faces.appkeys import RUNTIME
from bot.faces.demo.receiver import start_site
from bot.faces.server import create_app
from tests.adapters._helpers import TG_TOKEN, FakeOneBot, FakeTelegram, make_config

NOW = 1_790_000_000.0
TG_GROUP, QQ_GROUP = -1001234567890, 987654
SETTLED = {"newcomer_days": 0, "newcomer_messages": 0}
ALL_PERMISSIONS = ("can_send_messages", "can_send_audios", "can_send_documents", "can_send_photos",
                   "can_send_videos", "can_send_video_notes", "can_send_voice_notes", "can_send_polls",
                   "can_send_other_messages", "can_add_web_page_previews", "can_invite_users")


class Clock:
    def __init__(self) -> None:
        self.t = NOW

    def __call__(self) -> float:
        return self.t


class Wire:
    """One app with one platform adapter, its fake API and a movable clock."""

    def __init__(self, client: TestClient[Any, Any], fake: Any, path: str, clock: Clock) -> None:
        self.client, self.fake, self.path, self.clock = client, fake, path, clock
        self.n = 0

    async def post(self, payload: dict[str, Any]) -> None:
        raw = json.dumps(payload, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": "tg-secret",
                   "X-Self-ID": "10001", "X-Signature": signature("ob-secret", raw)}
        resp = await self.client.post(self.path, data=raw, headers=headers)
        assert resp.status in (200, 204)
        rt = self.client.app[RUNTIME]
        await asyncio.wait_for(rt.inbox.drained(), 10)
        assert await rt.outbox.drained(10)

    async def minute(self) -> None:
        rt = self.client.app[RUNTIME]
        await rt.jobs.minutely()
        assert await rt.outbox.drained(10)


@pytest.fixture
async def make_wire(tmp_path: Path, aiohttp_client: Any) -> AsyncIterator[Any]:
    runners = []

    async def build(platform: str, listed: bool = True, **moderation: Any) -> Wire:
        fake: Any = FakeTelegram() if platform == "telegram" else FakeOneBot("ob-token")
        runner, url = await start_site(fake.app())
        runners.append(runner)
        if platform == "telegram":
            adapters = {"tg": {"type": "telegram", "token": TG_TOKEN, "secret_token": "tg-secret", "api_base": url,
                               "bot_username": "demo_bot"}}
            group, admin = f"tg:{TG_GROUP}", "tg:999"
        else:
            adapters = {"qq": {"type": "onebot", "secret": "ob-secret", "access_token": "ob-token", "api_base": url}}
            group, admin = f"qq:{QQ_GROUP}", "qq:999"
        if listed:
            cfg = make_config(tmp_path, adapters, groups=[{"id": group, "admins": [admin], "moderation": moderation}])
        else:  # the group runs with [defaults]
            cfg = make_config(tmp_path, adapters, defaults={"admins": [admin], "moderation": moderation})
        clock = Clock()
        client = await aiohttp_client(create_app(cfg, clock=clock, schedule=False))
        return Wire(client, fake, "/webhook/tg" if platform == "telegram" else "/webhook/qq", clock)

    yield build
    for r in runners:
        await r.cleanup()


def tg_message(w: Wire, text: str, user: int = 111, mention: int | None = None) -> dict[str, Any]:
    w.n += 1
    msg: dict[str, Any] = {"message_id": w.n, "date": int(w.clock.t), "text": text,
                           "chat": {"id": TG_GROUP, "type": "supergroup", "title": "Demo Group"},
                           "from": {"id": user, "is_bot": False, "first_name": f"U{user}"}}
    if mention is not None:
        msg["entities"] = [{"type": "text_mention", "offset": text.index("@"), "length": 2,
                            "user": {"id": mention, "is_bot": False, "first_name": f"U{mention}"}}]
    return {"update_id": 5000 + w.n, "message": msg}


def tg_join(w: Wire, user: int) -> dict[str, Any]:
    w.n += 1
    member = {"id": user, "is_bot": False, "first_name": f"U{user}"}
    return {"update_id": 5000 + w.n, "message": {
        "message_id": w.n, "date": int(w.clock.t), "from": member,
        "chat": {"id": TG_GROUP, "type": "supergroup", "title": "Demo Group"}, "new_chat_members": [member]}}


def qq_message(w: Wire, text: str, user: int = 20002, role: str = "member",
               at: int | None = None) -> dict[str, Any]:
    w.n += 1
    segs: list[dict[str, Any]] = [{"type": "at", "data": {"qq": str(at)}}] if at is not None else []
    segs.append({"type": "text", "data": {"text": text}})
    return {"time": int(w.clock.t), "self_id": 10001, "post_type": "message", "message_type": "group",
            "sub_type": "normal", "message_id": 300 + w.n, "group_id": QQ_GROUP, "user_id": user,
            "anonymous": None, "message": segs, "raw_message": text, "font": 0,
            "sender": {"user_id": user, "nickname": f"Q{user}", "card": "", "role": role}}


def qq_join(w: Wire, user: int) -> dict[str, Any]:
    return {"time": int(w.clock.t), "self_id": 10001, "post_type": "notice", "notice_type": "group_increase",
            "sub_type": "approve", "group_id": QQ_GROUP, "operator_id": 30003, "user_id": user}


def tg_texts(w: Wire) -> list[str]:
    return [s["text"] for s in w.fake.sent]


def qq_actions(w: Wire) -> list[tuple[str, dict[str, Any]]]:
    return [(a, b) for a, b in w.fake.sent if a not in ("send_group_msg", "send_private_msg")]


def qq_texts(w: Wire) -> list[str]:
    return ["".join(s["data"].get("text", "") for s in b["message"]) for a, b in w.fake.sent
            if a == "send_group_msg"]


async def test_telegram_ladder_deletes_warns_mutes_and_removes(make_wire):
    w = await make_wire("telegram", mode="enforce", **SETTLED)
    for i in range(4):
        w.clock.t = NOW + i * 60
        await w.post(tg_message(w, "加V了解一下"))
    a = w.fake.actions
    assert a[0] == ("deleteMessage", {"chat_id": TG_GROUP, "message_id": 1})
    assert "第 1 次提醒" in tg_texts(w)[0]
    assert a[1] == ("deleteMessage", {"chat_id": TG_GROUP, "message_id": 2})
    assert a[2] == ("restrictChatMember", {"chat_id": TG_GROUP, "user_id": 111,
                                           "use_independent_chat_permissions": True,
                                           "permissions": dict.fromkeys(ALL_PERMISSIONS, False),
                                           "until_date": int(NOW) + 60 + 600})
    assert a[4][0] == "restrictChatMember" and a[4][1]["until_date"] == int(NOW) + 120 + 86400
    assert a[6:] == [("banChatMember", {"chat_id": TG_GROUP, "user_id": 111}),
                     ("unbanChatMember", {"chat_id": TG_GROUP, "user_id": 111, "only_if_banned": True})]
    assert "禁言 10分钟" in tg_texts(w)[1] and "禁言 1天" in tg_texts(w)[2] and "移出本群" in tg_texts(w)[3]


async def test_telegram_observe_acts_on_nothing(make_wire):
    w = await make_wire("telegram", mode="observe", **SETTLED)
    await w.post(tg_message(w, "扫码领红包 http://spam.top"))
    assert w.fake.actions == [] and w.fake.sent == []  # the admin never started the bot: nobody to tell


async def test_telegram_newcomer_check_passed_lifts_the_restriction(make_wire):
    w = await make_wire("telegram", mode="enforce", captcha_seconds=120)
    await w.post(tg_join(w, 444))
    assert w.fake.actions == [("restrictChatMember", {
        "chat_id": TG_GROUP, "user_id": 444, "use_independent_chat_permissions": True,
        "permissions": {p: p == "can_send_messages" for p in ALL_PERMISSIONS}})]
    a, b = map(int, re.search(r"(\d) \+ (\d) = \?", tg_texts(w)[0]).groups())
    await w.post(tg_message(w, "你好呀", user=444))
    assert w.fake.actions[-1] == ("deleteMessage", {"chat_id": TG_GROUP, "message_id": 2})
    await w.post(tg_message(w, f"答案是 {a + b}", user=444))
    assert w.fake.actions[-1] == ("restrictChatMember", {
        "chat_id": TG_GROUP, "user_id": 444, "use_independent_chat_permissions": True,
        "permissions": dict.fromkeys(ALL_PERMISSIONS, True)})
    assert "验证通过" in tg_texts(w)[-1]
    w.clock.t = NOW + 600
    await w.minute()
    assert not any(m == "banChatMember" for m, _ in w.fake.actions)


async def test_telegram_newcomer_check_timeout_removes_once(make_wire):
    w = await make_wire("telegram", mode="enforce", captcha_seconds=120)
    await w.post(tg_join(w, 555))
    w.clock.t = NOW + 60
    await w.minute()
    assert [m for m, _ in w.fake.actions] == ["restrictChatMember"]
    w.clock.t = NOW + 180
    await w.minute()
    await w.minute()
    assert w.fake.actions[1:] == [("banChatMember", {"chat_id": TG_GROUP, "user_id": 555}),
                                  ("unbanChatMember", {"chat_id": TG_GROUP, "user_id": 555, "only_if_banned": True})]
    assert "未在 2分钟内完成入群验证" in tg_texts(w)[-1]


async def test_telegram_admin_mute_and_unmute(make_wire):
    w = await make_wire("telegram", mode="enforce")
    await w.post(tg_message(w, "大家好", user=111))
    await w.post(tg_message(w, "/mute @U 1h", user=999, mention=111))
    assert w.fake.actions == [("restrictChatMember", {
        "chat_id": TG_GROUP, "user_id": 111, "use_independent_chat_permissions": True,
        "permissions": dict.fromkeys(ALL_PERMISSIONS, False), "until_date": int(NOW) + 3600})]
    await w.post(tg_message(w, "/解禁 @U", user=999, mention=111))
    assert w.fake.actions[-1][1]["permissions"] == dict.fromkeys(ALL_PERMISSIONS, True)
    assert "禁言 1小时" in tg_texts(w)[0] and "禁言已解除" in tg_texts(w)[-2]
    assert "已对 U111" in tg_texts(w)[-1]  # the admin never started the bot: confirmed in the group


async def test_onebot_ladder_and_platform_admins_exempt(make_wire):
    w = await make_wire("onebot", mode="enforce", ladder=["warn", "mute:10m", "kick"], **SETTLED)
    await w.post(qq_message(w, "加V了解一下", user=20009, role="admin"))
    await w.post(qq_message(w, "加V了解一下", user=20009, role="owner"))
    assert w.fake.sent == []
    for _ in range(3):
        w.clock.t += 60
        await w.post(qq_message(w, "我的扣扣 12345678"))
    assert qq_actions(w) == [("delete_msg", {"message_id": 303}),
                             ("delete_msg", {"message_id": 304}),
                             ("set_group_ban", {"group_id": QQ_GROUP, "user_id": 20002, "duration": 600}),
                             ("delete_msg", {"message_id": 305}),
                             ("set_group_kick", {"group_id": QQ_GROUP, "user_id": 20002, "reject_add_request": False})]
    assert "第 1 次提醒" in qq_texts(w)[0] and "禁言 10分钟" in qq_texts(w)[1]


async def test_onebot_newcomer_check_holds_messages_and_removes_on_timeout(make_wire):
    w = await make_wire("onebot", mode="enforce", captcha_seconds=60)
    await w.post(qq_join(w, 40004))
    assert qq_actions(w) == []  # QQ cannot restrict to text only: nothing until they answer
    assert "60秒" not in qq_texts(w)[0] and "1分钟" in qq_texts(w)[0]
    await w.post(qq_message(w, "求带", user=40004))
    assert qq_actions(w) == [("delete_msg", {"message_id": 301})]
    w.clock.t = NOW + 61
    await w.minute()
    assert qq_actions(w)[-1] == ("set_group_kick", {"group_id": QQ_GROUP, "user_id": 40004,
                                                    "reject_add_request": False})


async def test_the_newcomer_check_times_out_in_a_group_not_listed_under_groups(make_wire):
    w = await make_wire("onebot", listed=False, mode="enforce", captcha_seconds=60)
    await w.post(qq_join(w, 40006))
    assert "1分钟" in qq_texts(w)[0]
    w.clock.t = NOW + 30
    await w.minute()
    assert qq_actions(w) == []
    w.clock.t = NOW + 61
    await w.minute()
    await w.minute()
    assert qq_actions(w) == [("set_group_kick", {"group_id": QQ_GROUP, "user_id": 40006, "reject_add_request": False})]


async def test_onebot_admin_unmute(make_wire):
    w = await make_wire("onebot", mode="enforce")
    await w.post(qq_message(w, "在吗"))
    await w.post(qq_message(w, " /unmute", user=999, at=20002))
    assert qq_actions(w) == [("set_group_ban", {"group_id": QQ_GROUP, "user_id": 20002, "duration": 0})]


async def test_an_admin_letting_a_newcomer_in_ends_their_check(make_wire):
    w = await make_wire("onebot", mode="enforce", captcha_seconds=60)
    await w.post(qq_join(w, 40005))
    await w.post(qq_message(w, " /解禁", user=999, at=40005))
    w.clock.t = NOW + 120
    await w.minute()
    assert qq_actions(w) == [("set_group_ban", {"group_id": QQ_GROUP, "user_id": 40005, "duration": 0})]
