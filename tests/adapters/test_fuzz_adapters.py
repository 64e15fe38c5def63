"""Hostile input against every adapter's ``verify`` and ``parse`` directly (issue 7).

``verify`` may only return the authenticated body or raise WebhookRejected(400/401/403/413); ``parse``
of an authenticated body (real fixtures, mutated) may only return a Parsed whose events carry
non-empty string ids, str text and a sane time, or raise WebhookRejected(400). Anything else is a bug
in the adapter (the webhook route would hide it as a 400). The route itself: test_fuzz_webhook.py.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.adapters.feishu.crypto import signature as feishu_signature
from bot.adapters.wecom.crypto import signature as wecom_signature
from bot.core.adapter import WebhookRejected, WebReply
from tests.adapters._fuzz_platforms import (
    FEISHU_KEY,
    HEADER_NAMES,
    PLATFORMS,
    QUERY_NAMES,
    WECOM_CORP,
    WECOM_TOKEN,
    Platform,
    any_text,
    check_parsed,
    json_bodies,
    wecom_raw,
)

VERIFY_STATUSES = {400, 401, 403, 413}
ids = [p.name for p in PLATFORMS]
counter = itertools.count()

header_values = st.one_of(any_text, st.sampled_from(
    ["", "1", "-1", "nan", "inf", "1e999", "9" * 5000, "١٢٣", "²", "tg-secret", "sha1=" + "0" * 40, "v1=" + "0" * 64,
     "0" * 64, "x\udcff", "\ud800", "é", "1767225600", "1767225600000", " tg-secret "]))
headers_st = st.dictionaries(st.one_of(st.sampled_from(HEADER_NAMES), any_text), header_values, max_size=6)
query_st = st.dictionaries(st.one_of(st.sampled_from(QUERY_NAMES), any_text), header_values, max_size=5)
envelopes = st.one_of(
    st.binary(max_size=300),
    st.builds(lambda v: json.dumps({"encrypt": v}).encode(), st.one_of(any_text, st.integers(), st.none())),
    st.builds(lambda v: f"<xml><Encrypt><![CDATA[{v}]]></Encrypt></xml>".encode("utf-8", "surrogatepass"), any_text),
    json_bodies([{"token": "vt-abc", "type": "url_verification", "challenge": "c"},
                 {"schema": "2.0", "header": {"token": "vt-abc", "event_type": "x"}}, {"encrypt": "abc"}]),
)


def _verify(plat: Platform, adapter: Any, headers: dict[str, str], query: dict[str, str], body: bytes) -> bytes | None:
    try:
        out = adapter.verify(headers, query, body)
    except WebhookRejected as rej:
        assert rej.status in VERIFY_STATUSES, (plat.name, rej.status, rej.detail)
        return None
    assert isinstance(out, bytes)
    return out


def _parse(adapter: Any, plat: Platform, body: bytes) -> None:
    try:
        parsed = adapter.parse(body)
    except WebhookRejected as rej:
        assert rej.status == 400, (plat.name, rej.status, rej.detail)
    else:
        check_parsed(parsed, plat.name)


@pytest.mark.parametrize("plat", PLATFORMS, ids=ids)
@settings(max_examples=60, deadline=None)
@given(headers=headers_st, query=query_st, body=envelopes)
def test_verify_random_requests_only_reject(plat: Platform, headers: dict[str, str], query: dict[str, str],
                                           body: bytes) -> None:
    adapter = plat.adapter()
    _verify(plat, adapter, headers, query, body)
    try:
        reply = adapter.handshake(query)
    except WebhookRejected as rej:
        assert rej.status in {*VERIFY_STATUSES, 405}
    else:
        assert isinstance(reply, WebReply) and reply.status == 200


@pytest.mark.parametrize("plat", PLATFORMS, ids=ids)
@settings(max_examples=30, deadline=None)
@given(garbage=st.binary(max_size=200))
def test_verify_of_signed_garbage_then_parse(plat: Platform, garbage: bytes) -> None:
    """Correctly signed/encrypted random bytes: verify passes or rejects, parse rejects with 400."""
    adapter = plat.adapter()
    headers, query, body = plat.sign(garbage, next(counter))
    authed = _verify(plat, adapter, headers, query, body)
    if authed is not None:
        _parse(adapter, plat, authed)


@pytest.mark.parametrize("plat", [p for p in PLATFORMS if p.type.startswith("wecom")], ids=["wecom", "wecombot"])
@settings(max_examples=30, deadline=None)
@given(plain=st.binary(max_size=64), length=st.integers(0, 2**32 - 1),
       receive_id=st.sampled_from([b"", WECOM_CORP.encode(), b"other", b"\xff"]))
def test_wecom_lying_length_field_and_receiveid(plat: Platform, plain: bytes, length: int, receive_id: bytes) -> None:
    adapter = plat.adapter()
    enc = wecom_raw(plain, length, receive_id)
    query = plat.sign(b"", next(counter))[1]
    query["msg_signature"] = wecom_signature(WECOM_TOKEN, query["timestamp"], query["nonce"], enc)
    body = (json.dumps({"encrypt": enc}).encode() if plat.type == "wecom_aibot"
            else f"<xml><Encrypt><![CDATA[{enc}]]></Encrypt></xml>".encode())
    authed = _verify(plat, adapter, {}, query, body)
    if authed is not None:
        _parse(adapter, plat, authed)


@pytest.mark.parametrize("plat", PLATFORMS, ids=ids)
@settings(max_examples=120, deadline=None)
@given(data=st.data())
def test_parse_mutated_fixtures(plat: Platform, data: st.DataObject) -> None:
    """parse is pure on the authenticated body: a Parsed with sane events, or WebhookRejected(400)."""
    _parse(plat.adapter(), plat, data.draw(plat.bodies(), label="body"))


@pytest.mark.parametrize("plat", PLATFORMS, ids=ids)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_verify_then_parse_of_signed_mutations(plat: Platform, data: st.DataObject) -> None:
    adapter = plat.adapter()
    plain = data.draw(plat.bodies(), label="plain")
    headers, query, body = plat.sign(plain, next(counter))
    authed = _verify(plat, adapter, headers, query, body)
    if authed is not None:
        _parse(adapter, plat, authed)


@pytest.mark.parametrize("plat", [p for p in PLATFORMS if p.type in ("telegram", "onebot")], ids=["tg", "qq"])
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_rejected_update_leaves_learned_state_alone(plat: Platform, data: st.DataObject) -> None:
    """Telegram/OneBot learn state from updates (aliases, DM consent, bot status): never from a rejected one."""
    adapter: Any = plat.adapter()
    before = repr(adapter.state)
    try:
        adapter.parse(data.draw(plat.bodies(), label="body"))
    except WebhookRejected:
        assert repr(adapter.state) == before


# -- regressions: the inputs the fuzzing above found (each raised something other than WebhookRejected) ----
def _by_name(name: str) -> Platform:
    return next(p for p in PLATFORMS if p.name == name)


def _status(fn: Any, *args: Any) -> int:
    try:
        fn(*args)
    except WebhookRejected as rej:
        return rej.status
    return 200


@pytest.mark.parametrize(("name", "headers", "query"), [
    ("generic", {"X-Quntag-Timestamp": "0", "X-Quntag-Signature": "\x80"}, {}),  # TypeError: non-ASCII compare
    ("generic", {"X-Quntag-Timestamp": "\udcff", "X-Quntag-Signature": "v1=0"}, {}),  # UnicodeEncodeError
    ("tg", {"X-Telegram-Bot-Api-Secret-Token": "\udcff"}, {}),
    ("qq", {"X-Signature": "sha1=\udcff"}, {}),
    ("feishu", {"X-Lark-Signature": "é", "X-Lark-Request-Timestamp": "1", "X-Lark-Request-Nonce": "n"}, {}),
    ("feishu", {"X-Lark-Signature": "0", "X-Lark-Request-Timestamp": "\udcff", "X-Lark-Request-Nonce": "n"}, {}),
    ("ding", {"timestamp": "\udcff", "sign": "x"}, {}),
    ("ding", {"timestamp": "1", "sign": "\udcff"}, {}),
    ("wecom", {}, {"msg_signature": "é", "timestamp": "1", "nonce": "n"}),
    ("wecombot", {}, {"msg_signature": "0", "timestamp": "\udcff", "nonce": "n"}),
])
def test_hostile_header_and_query_values_are_rejected(name: str, headers: dict[str, str],
                                                      query: dict[str, str]) -> None:
    plat = _by_name(name)
    body = (b"<xml><Encrypt>abc</Encrypt></xml>" if plat.xml else b'{"encrypt": "abc", "token": "vt-abc"}')
    assert _status(plat.adapter().verify, headers, query, body) in (401, 403)


def test_unencrypted_feishu_token_with_a_lone_surrogate_is_403() -> None:
    assert _status(_by_name("lark").adapter().verify, {}, {}, b'{"token": "\\ud800"}') == 403


BIG = b"9" * 5000
HOSTILE_BODIES = {
    "int past the 4300-digit limit": lambda doc: json.dumps(doc).replace('"__X__"', BIG.decode()).encode(),
    "escaped lone surrogate": lambda doc: json.dumps(doc).replace('"__X__"', '"\\ud800"').encode(),
    "raw lone surrogate": lambda doc: json.dumps(doc).encode().replace(b'"__X__"', b'"\xed\xa0\x80"'),
}


@pytest.mark.parametrize("kind", list(HOSTILE_BODIES))
@pytest.mark.parametrize("plat", [p for p in PLATFORMS if not p.xml], ids=[p.name for p in PLATFORMS if not p.xml])
def test_huge_ints_and_lone_surrogates_anywhere(plat: Platform, kind: str) -> None:
    """A 5000-digit int raised ValueError from json.loads; a lone surrogate reached the inbox, where
    SQLite refused it (UnicodeEncodeError → 500). Now: 400, or the text with U+FFFD."""
    for doc in plat.docs:
        for parent, key in _slots_of(doc):
            mutated = json.loads(json.dumps(doc))
            _set(mutated, parent, key, "__X__")
            _parse(plat.adapter(), plat, HOSTILE_BODIES[kind](mutated))


def _slots_of(doc: Any, path: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], Any]]:
    out: list[tuple[tuple[Any, ...], Any]] = []
    items = doc.items() if isinstance(doc, dict) else enumerate(doc) if isinstance(doc, list) else []
    for k, v in items:
        out.append((path, k))
        out += _slots_of(v, (*path, k))
    return out


def _set(doc: Any, path: tuple[Any, ...], key: Any, value: Any) -> None:
    for p in path:
        doc = doc[p]
    doc[key] = value


@pytest.mark.parametrize(("name", "doc"), [
    ("tg", {"update_id": 1, "message": {"message_id": 1, "chat": {"id": -1, "type": "group"}, "date": 10**400,
                                         "from": {"id": 1}, "text": "x"}}),  # OverflowError in float()
    ("tg", {"update_id": 1, "chat_member": {"chat": {"id": -1, "type": "group"}, "date": 1, "from": {"id": 1},
                                             "old_chat_member": {"status": "left", "user": {"id": 1}},
                                             "new_chat_member": {"status": [], "user": {"id": 1}}}}),  # unhashable
    ("qq", {"post_type": "message", "message_type": "group", "self_id": 1, "message_id": 1, "group_id": 1,
            "user_id": 2, "time": float("inf"), "message": "x"}),  # OverflowError in int()
    ("qq", {"post_type": "notice", "notice_type": "group_increase", "self_id": 1, "group_id": 1, "user_id": 2,
            "time": float("nan")}),  # ValueError in int()
    ("ding", {"msgId": "m", "conversationId": "c", "conversationType": "2", "senderId": "s", "createAt": 10**400}),
    ("ding", {"msgId": "m", "conversationId": "c", "conversationType": "2", "senderId": "s", "createAt": 1,
              "atUsers": True}),  # TypeError: not iterable
    ("ding", {"msgId": "m", "conversationId": "c", "conversationType": "2", "senderId": "s", "createAt": 1,
              "sessionWebhook": "http://127.0.0.1:9/x", "sessionWebhookExpiredTime": 10**400}),  # OverflowError
    ("feishu", {"schema": "2.0", "header": {"event_type": "im.chat.member.user.added_v1", "event_id": "e",
                                            "create_time": "1"}, "event": {"chat_id": "c", "users": 5}}),
    ("feishu", {"schema": "2.0", "header": {"event_type": "im.message.receive_v1"},
                "event": {"sender": {"sender_id": {"open_id": "o"}}, "message": {
                    "message_id": "m", "chat_id": "c", "chat_type": "group", "create_time": "1",
                    "message_type": "post", "content": '{"content": 7}', "mentions": 3}}}),
    ("feishu", {"schema": "2.0", "header": {"event_type": "im.message.receive_v1"},
                "event": {"sender": {"sender_id": {"open_id": "o"}}, "message": {
                    "message_id": "m", "chat_id": "c", "chat_type": "group", "create_time": "1",
                    "message_type": "text", "content": "[" * 5000}}}),  # RecursionError
    ("wecombot", {"msgid": "m", "msgtype": "mixed", "chattype": "group", "chatid": "c", "from": {"userid": "u"},
                  "mixed": {"msg_item": True}}),  # TypeError: not iterable
])
def test_wrong_types_and_out_of_range_times_parse_or_400(name: str, doc: dict[str, Any]) -> None:
    plat = _by_name(name)
    _parse(plat.adapter(), plat, json.dumps(doc).encode())


@pytest.mark.parametrize("body", [
    b'<?xml version="1.0" encoding="x"?><xml/>',  # LookupError from expat
    b"<xml><MsgType>event</MsgType><Event>change_external_chat</Event><ChatId>c</ChatId>"
    b"<CreateTime>\xc2\xb2</CreateTime><ChangeType>update</ChangeType><UpdateDetail>add_member</UpdateDetail>"
    b"<MemChangeList><Item>u</Item></MemChangeList></xml>",  # "²".isdigit(), float("²") → ValueError
])
def test_wecom_app_hostile_xml_is_400(body: bytes) -> None:
    assert _status(_by_name("wecom").adapter().parse, body) == 400


def test_feishu_nan_timestamp_does_not_pass_the_window() -> None:
    plat = _by_name("feishu")
    headers, _, body = plat.sign(json.dumps(plat.docs[0]).encode(), 1)
    headers["X-Lark-Request-Timestamp"] = "nan"
    headers["X-Lark-Signature"] = feishu_signature("nan", headers["X-Lark-Request-Nonce"], FEISHU_KEY, body)
    assert _status(plat.adapter().verify, headers, {}, body) == 403


def test_telegram_rejected_migration_records_no_alias() -> None:
    adapter: Any = _by_name("tg").adapter()
    doc = {"update_id": 5, "message": {"message_id": 9, "chat": {"id": -1, "type": "group"}, "date": 1,
                                       "migrate_to_chat_id": -100, "from": {"id": []}}}
    assert _status(adapter.parse, json.dumps(doc).encode()) == 400
    assert adapter.state.aliases == {}
