"""Telegram inbound: recorded fixtures (validated with aiogram), secret header, state-driven rules."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from bot.adapters.telegram import TelegramAdapter
from bot.core.adapter import AdapterDeps, WebhookRejected
from bot.core.events import ChatRef, MemberJoined, Message, UserRef, event_to_dict
from tests.adapters._helpers import fixture, fixtures, parse_and_learn

TG = fixtures("telegram")


def adapter(**opts: Any) -> TelegramAdapter:
    options = {"token": "1:x", "secret_token": "s3cret", "bot_username": "demo_bot", **opts}
    a = TelegramAdapter("telegram", options, AdapterDeps(None))
    a.state.bot_id = "222222222"
    return a


def body(payload: Any) -> bytes:
    return json.dumps(payload).encode()


@pytest.mark.parametrize(("name", "rec"), TG, ids=[n for n, _ in TG])
def test_fixture_is_a_valid_update(name: str, rec: dict[str, Any]) -> None:
    from aiogram.types import Update

    update = Update.model_validate(copy.deepcopy(rec["payload"]))
    assert update.update_id == rec["payload"]["update_id"]


@pytest.mark.parametrize(("name", "rec"), TG, ids=[n for n, _ in TG])
def test_fixture_normalizes_as_expected(name: str, rec: dict[str, Any]) -> None:
    parsed = parse_and_learn(adapter(), body(rec["payload"]))
    assert parsed.key == rec["key"] == str(rec["payload"]["update_id"])
    assert parsed.ignored == rec["ignored"]
    assert [event_to_dict(e) for e in parsed.events] == rec["expected"]


def test_fixture_set_covers_the_issue() -> None:
    names = {n for n, _ in TG}
    assert {"group_text", "command_to_us", "command_other_bot", "text_mention", "caption",
            "sender_chat_anonymous_admin", "chat_member_join_invite_link", "chat_member_kick", "service_left",
            "service_join_added_by", "edited", "migrate_to"} <= names


def test_secret_header() -> None:
    a = adapter()
    raw = body(fixture("telegram", "group_text")["payload"])
    with pytest.raises(WebhookRejected) as missing:
        a.verify({}, {}, raw)
    assert missing.value.status == 401
    with pytest.raises(WebhookRejected) as wrong:
        a.verify({"X-Telegram-Bot-Api-Secret-Token": "nope"}, {}, raw)
    assert wrong.value.status == 403
    assert a.verify({"X-Telegram-Bot-Api-Secret-Token": "s3cret"}, {}, raw) == raw


@pytest.mark.parametrize("raw", [b"{", b"[]", b'{"message": {}}', b'{"update_id": "x"}',
                                 b'{"update_id": 1, "message": {"message_id": 1, "chat": 5}}'])
def test_malformed_is_400(raw: bytes) -> None:
    with pytest.raises(WebhookRejected) as exc:
        parse_and_learn(adapter(), raw)
    assert exc.value.status == 400


def test_service_join_is_ignored_once_chat_member_updates_arrive() -> None:
    a = adapter()
    service = fixture("telegram", "service_join_added_by")["payload"]
    assert len(parse_and_learn(a, body(service)).events) == 1  # no chat_member seen yet for this group
    parse_and_learn(a, body(fixture("telegram", "chat_member_kick")["payload"]))
    again = copy.deepcopy(service)
    again["update_id"] += 1000
    parsed = parse_and_learn(a, body(again))
    assert parsed.events == () and parsed.ignored == "membership_from_chat_member"


def test_mention_by_username_resolves_known_users() -> None:
    a = adapter()
    parse_and_learn(a, body({"update_id": 1, "message": {"message_id": 1, "date": 1, "text": "hi",
                  "chat": {"id": -5, "type": "group", "title": "G"},
                  "from": {"id": 7, "is_bot": False, "first_name": "Eve", "username": "Eve_X"}}}))
    parsed = parse_and_learn(a, body({"update_id": 2, "message": {
        "message_id": 2, "date": 2, "text": "@eve_x @stranger", "chat": {"id": -5, "type": "group"},
        "entities": [{"type": "mention", "offset": 0, "length": 6}, {"type": "mention", "offset": 7, "length": 9}],
        "from": {"id": 8, "is_bot": False, "first_name": "Mallory"}}}))
    assert parsed.events[0].mentions == (UserRef("telegram", "7"),)  # type: ignore[union-attr]


def test_bot_username_from_get_me_when_not_configured() -> None:
    a = adapter(bot_username="")
    a.learn([a.state.me_fact({"id": 222222222, "username": "demo_bot", "can_read_all_group_messages": False})])
    ev = parse_and_learn(a, body(fixture("telegram", "command_to_us")["payload"])).events[0]
    assert ev.text == "/me please"  # type: ignore[union-attr]


def test_private_messages_grant_dm_and_block_revokes() -> None:
    a = adapter()
    alice = UserRef("telegram", "111111111")
    assert not a.can_dm(alice)
    parse_and_learn(a, body(fixture("telegram", "private_start")["payload"]))
    assert a.can_dm(alice)
    parse_and_learn(a, body({"update_id": 5, "my_chat_member": {
        "chat": {"id": 111111111, "type": "private", "first_name": "Alice"},
        "from": {"id": 111111111, "is_bot": False, "first_name": "Alice"}, "date": 5,
        "old_chat_member": {"status": "member", "user": {"id": 222222222, "is_bot": True, "first_name": "D"}},
        "new_chat_member": {"status": "kicked", "until_date": 0,
                            "user": {"id": 222222222, "is_bot": True, "first_name": "D"}}}}))
    assert not a.can_dm(alice)


def test_visibility_from_get_me_and_admin_status() -> None:
    a = adapter()
    group = ChatRef("telegram", "-1001234567890")
    other = ChatRef("telegram", "-1009999")
    a.state.can_read_all = False
    a.state.bot_status[other.chat_id] = "member"
    assert a.visibility(group) == "mentions"
    parse_and_learn(a, body(fixture("telegram", "my_chat_member_admin")["payload"]))
    assert a.visibility(group) == "all"
    assert a.visibility(other) == "mentions"
    assert a.visibility() == "mixed"
    assert a.health()["groups"] == {"telegram:-1001234567890": "all", "telegram:-1009999": "mentions"}
    assert a.capabilities.visibility == "mixed"
    a.state.can_read_all = True
    assert a.visibility() == "all" and a.visibility(other) == "all"


def test_admin_status_from_chat_member_sets_is_group_admin() -> None:
    a = adapter()
    parse_and_learn(a, body(fixture("telegram", "chat_member_promote")["payload"]))
    msg = {"update_id": 77, "message": {"message_id": 77, "date": 1, "text": "/tag",
                                         "chat": {"id": -1001234567890, "type": "supergroup"},
                                         "from": {"id": 333333333, "is_bot": False, "first_name": "Bob"}}}
    assert parse_and_learn(a, body(msg)).events[0].is_group_admin is True  # type: ignore[union-attr]


def test_migration_makes_the_old_id_an_alias() -> None:
    a = adapter()
    parse_and_learn(a, body(fixture("telegram", "migrate_to")["payload"]))
    late = {"update_id": 78, "message": {"message_id": 71, "date": 1, "text": "still here",
                                          "chat": {"id": -4000000001, "type": "group"},
                                          "from": {"id": 1, "is_bot": False, "first_name": "A"}}}
    assert parse_and_learn(a, body(late)).events[0].chat == ChatRef("telegram", "-1004000000001")


def test_secrets_for_serve() -> None:
    assert adapter().secrets() == {"token": "1:x", "secret_token": "s3cret"}


# -- entry gate: chat_join_request and the applicant's private answer -------------------------------


def _join_request(date: int = 1767225600, **over: Any) -> dict[str, Any]:
    payload = copy.deepcopy(fixture("gate", "telegram_chat_join_request")["payload"])
    payload["chat_join_request"]["date"] = date
    payload["chat_join_request"].update(over)
    return payload


def _private(uid: int, text: str, date: int, mid: int = 5) -> dict[str, Any]:
    return {"update_id": 900000500 + mid, "message": {
        "message_id": mid, "date": date, "text": text,
        "chat": {"id": uid, "type": "private", "first_name": "Bob"},
        "from": {"id": uid, "is_bot": False, "first_name": "Bob", "last_name": "Li"}}}


def test_gate_fixture_is_a_valid_update() -> None:
    from aiogram.types import Update

    Update.model_validate(_join_request())


def test_chat_join_request_becomes_a_join_request() -> None:
    rec = fixture("gate", "telegram_chat_join_request")
    parsed = parse_and_learn(adapter(), body(rec["payload"]))
    assert parsed.key == "900000120" and parsed.ignored is None  # deduped on update_id like every update
    [ev] = parsed.events
    got = event_to_dict(ev)
    assert {k: got[k] for k in rec["expected"]} == rec["expected"]
    assert ev.event_id == "u900000120" and ev.chat_name == "红酒爱好者"


def test_join_request_to_a_channel_is_ignored_and_malformed_is_400() -> None:
    chan = _join_request(chat={"id": -1009, "type": "channel", "title": "News"})
    assert parse_and_learn(adapter(), body(chan)).ignored == "channel"
    for bad in ({"date": "yesterday"}, {"from": None}, {"bio": 5}, {"user_chat_id": True},
                {"invite_link": {"invite_link": "x", "name": 7}}):
        a = adapter()
        with pytest.raises(WebhookRejected) as exc:
            parse_and_learn(a, body(_join_request(**bad)))
        assert exc.value.status == 400 and a.state.applicants == {}  # a rejected update learns nothing


def test_applicant_private_answer_reaches_the_gate_and_others_stay_ignored() -> None:
    a = adapter()
    t = 1767225600
    stranger = parse_and_learn(a, body(_private(333, "品酒", t + 10, mid=1)))
    assert stranger.ignored == "private" and stranger.events == ()
    parse_and_learn(a, body(_join_request(t)))
    parsed = parse_and_learn(a, body(_private(222222222, "我来品酒的", t + 60, mid=2)))
    [msg] = parsed.events
    # the shape handlers/gate.py recognises: a Message whose chat id is the user id
    assert isinstance(msg, Message)
    assert msg.chat == ChatRef("telegram", "222222222") and msg.user == UserRef("telegram", "222222222")
    assert msg.text == "我来品酒的" and msg.user_name == "Bob Li" and parsed.key == "900000502"
    # a day later the request is forgotten: private chat is private again
    assert parse_and_learn(a, body(_private(222222222, "hello", t + 86400 + 1, mid=3))).ignored == "private"


def test_applicants_can_be_messaged_for_five_minutes_then_after_writing() -> None:
    now = [1767225600.0]
    a = TelegramAdapter("telegram", {"token": "1:x", "secret_token": "s"}, AdapterDeps(None, clock=lambda: now[0]))
    bob = UserRef("telegram", "222222222")
    assert not a.can_dm(bob)
    parse_and_learn(a, body(_join_request(int(now[0]))))
    assert a.can_dm(bob)
    now[0] += 301
    assert not a.can_dm(bob)  # Bot API: user_chat_id is usable for 5 minutes
    parse_and_learn(a, body(_private(222222222, "hi", int(now[0]))))
    assert a.can_dm(bob)  # the applicant wrote to us: an ordinary private chat now


def test_member_joined_through_a_named_invite_link() -> None:
    [ev] = parse_and_learn(adapter(), body(fixture("telegram", "chat_member_join_named_link")["payload"])).events
    assert isinstance(ev, MemberJoined) and ev.invite_link == "小红书渠道"
    [plain] = parse_and_learn(adapter(), body(fixture("telegram", "chat_member_join_invite_link")["payload"])).events
    assert isinstance(plain, MemberJoined) and plain.invite_link == ""  # unnamed link: nothing to tag


def test_applicants_survive_a_restart() -> None:
    a = adapter()
    parse_and_learn(a, body(_join_request()))
    stored = {"ap:222222222": json.dumps(["222222222", 1767225600.0])}
    b = adapter()
    b.state.load(stored)
    assert b.state.applicants == a.state.applicants
