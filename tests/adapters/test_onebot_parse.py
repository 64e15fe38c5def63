"""OneBot v11 inbound: fixtures (validated with nonebot-adapter-onebot), X-Signature, CQ codes."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from bot.adapters.onebot import OneBotAdapter, signature
from bot.adapters.onebot.cq import parse_cq
from bot.core.adapter import AdapterDeps, WebhookRejected
from bot.core.events import UserRef, event_to_dict
from tests.adapters._helpers import fixture, fixtures, parse_and_learn

OB = fixtures("onebot")


def adapter(secret: str = "test-secret") -> OneBotAdapter:
    return OneBotAdapter("onebot", {"secret": secret, "access_token": "t", "api_base": "http://x"},
                         AdapterDeps(None))


@pytest.mark.parametrize(("name", "rec"), OB, ids=[n for n, _ in OB])
def test_fixture_is_a_valid_event(name: str, rec: dict[str, Any]) -> None:
    if not rec["sdk_model"]:
        pytest.skip(rec["note"])
    from nonebot.adapters.onebot.v11 import Adapter

    event = Adapter.json_to_event(copy.deepcopy(rec["payload"]))  # it mutates its input
    assert event is not None
    assert event.post_type == rec["payload"]["post_type"]


@pytest.mark.parametrize(("name", "rec"), OB, ids=[n for n, _ in OB])
def test_fixture_normalizes_as_expected(name: str, rec: dict[str, Any]) -> None:
    parsed = parse_and_learn(adapter(), json.dumps(rec["payload"]).encode())
    assert parsed.key == rec["key"]
    assert parsed.ignored == rec["ignored"]
    assert [event_to_dict(e) for e in parsed.events] == rec["expected"]


def test_signature_vector_from_platforms_md() -> None:
    raw = b'{"post_type":"meta_event","meta_event_type":"heartbeat"}'
    expected = "sha1=3aac2a3390643d20dc50f880491dba59ed90651d"
    assert signature("test-secret", raw) == expected
    a = adapter()
    assert a.verify({"X-Signature": expected}, {}, raw) == raw
    with pytest.raises(WebhookRejected) as missing:
        a.verify({}, {}, raw)
    assert missing.value.status == 401
    with pytest.raises(WebhookRejected) as wrong:
        a.verify({"X-Signature": "sha1=" + "0" * 40}, {}, raw)
    assert wrong.value.status == 403
    with pytest.raises(WebhookRejected) as tampered:
        a.verify({"X-Signature": expected}, {}, raw + b" ")
    assert tampered.value.status == 403


def test_no_secret_configured_accepts_unsigned() -> None:
    raw = b'{"post_type":"meta_event"}'
    assert adapter(secret="").verify({}, {}, raw) == raw


def test_cq_unescaping() -> None:
    segs = parse_cq("a&#91;b&#93;&amp;c[CQ:image,file=x&#44;y.png,url=http://h/?a=1&amp;b=2]tail")
    assert segs == [("text", {"text": "a[b]&c"}), ("image", {"file": "x,y.png", "url": "http://h/?a=1&b=2"}),
                    ("text", {"text": "tail"})]
    assert parse_cq("&amp;#91;") == [("text", {"text": "&#91;"})]  # unescaped once, &amp; last


@pytest.mark.parametrize("raw", [b"{", b"[1]", b'{"self_id": 1}',
                                 b'{"post_type": "message", "self_id": 1, "message_type": "group", "time": 1,'
                                 b' "message_id": 1, "group_id": 2, "user_id": 3, "message": 5}'])
def test_malformed_is_400(raw: bytes) -> None:
    with pytest.raises(WebhookRejected) as exc:
        parse_and_learn(adapter(), raw)
    assert exc.value.status == 400


def test_private_message_enables_dm_only() -> None:
    a = adapter()
    assert not a.can_dm(UserRef("onebot", "20002"))
    parsed = parse_and_learn(a, json.dumps(fixture("onebot", "private_message")["payload"]).encode())
    assert parsed.events == ()
    assert a.can_dm(UserRef("onebot", "20002"))


def test_ack_is_204_without_body_and_capabilities() -> None:
    a = adapter()
    assert (a.ack.status, a.ack.body) == (204, b"")
    assert a.capabilities.retries_deliveries is False
    assert a.capabilities.visibility == "all" and a.visibility() == "all"
    assert a.secrets() == {"secret": "test-secret", "access_token": "t"}


# -- entry gate: group add requests -------------------------------------------------------------------


def _request(**over: Any) -> bytes:
    payload = {**fixture("gate", "onebot_group_add_request")["payload"], **over}
    return json.dumps(payload, ensure_ascii=False).encode()


def test_gate_fixture_is_a_valid_event() -> None:
    from nonebot.adapters.onebot.v11 import Adapter, GroupRequestEvent

    event = Adapter.json_to_event(copy.deepcopy(fixture("gate", "onebot_group_add_request")["payload"]))
    assert isinstance(event, GroupRequestEvent) and event.sub_type == "add"


def test_group_add_request_becomes_a_join_request() -> None:
    rec = fixture("gate", "onebot_group_add_request")
    parsed = parse_and_learn(adapter(), _request())
    assert parsed.key == "10001:request:1767225600123456" and parsed.ignored is None
    [ev] = parsed.events
    got = event_to_dict(ev)
    assert {k: got[k] for k in rec["expected"]} == rec["expected"]


def test_bot_invites_and_friend_requests_are_not_join_requests() -> None:
    # sub_type "invite" is the bot account itself being invited into a group (OneBot 11), not an applicant
    invite = parse_and_learn(adapter(), _request(sub_type="invite", comment=""))
    assert invite.events == () and invite.ignored == "bot_invite"
    friend = parse_and_learn(adapter(), _request(request_type="friend"))
    assert friend.events == () and friend.ignored == "request"


@pytest.mark.parametrize("bad", [{"flag": None}, {"flag": ""}, {"group_id": [1]}, {"time": "soon"}, {"comment": 5}])
def test_malformed_group_request_is_400(bad: dict[str, Any]) -> None:
    with pytest.raises(WebhookRejected) as exc:
        parse_and_learn(adapter(), _request(**bad))
    assert exc.value.status == 400
