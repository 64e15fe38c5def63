"""WeCom self-built app receiver: §7 vector, echostr handshake, customer-group joins/leaves, wechatpy cross-checks,
group-webhook sends and an end-to-end run."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.adapters.wecom.app import WeComAppAdapter
from bot.adapters.wecom.crypto import WeComCrypto, parse_xml, signature
from bot.core.adapter import AdapterDeps, SendError, WebhookRejected
from bot.core.config import ConfigError
from bot.core.events import ChatRef, UserRef
from bot.core.outgoing import Mention, Outgoing, Text
from bot.faces.server import create_app
from tests.adapters._cn_helpers import (
    WECOM_AES,
    WECOM_CORP,
    WECOM_TOKEN,
    Clock,
    FakeAPI,
    e2e_config,
    expected,
    fixture_bytes,
    groups,
    member,
    normalized,
    settle,
    wecom_app_request,
)
from tests.adapters._helpers import parse_and_learn

NOW = 1767225600.0
VECTOR_ENCRYPT = (
    "sKqRbbiSUnDhFHOvPjtUMZIkKs0ckEFXHfgv6rFJMC1TdJ6BNbCGouFxFDJgTkw4c0U7PygqlUNiy28eyB55j0YpAHjE9s1tVM5fmlwhKv/Ey4Mb"
    "qLiPYyrfNw7+sE7gyztuA4rtfQbKMPuFBsC+Zr8iXttb5N5gYjYdMCbNv+Yyts1EQRUr447GTJVMtX+joUtVgoBSLjSFRkFiDXG45aY+E5pn2b4w"
    "UoWSDyCJAYAzeQEKctr/n12FkrpLmZY3hJ4Nz0By1kDMCHpc7RvMX6+Ydqm/hyCGdbxSr4PJ64QzxkBy6ASMMp9Dl1N9ja2PGKku39AGwIKiAQqM"
    "t0pOspBFb6wW0bvOhbCaC/pXKF2s4nnx/PyzgNTeCx1wgMxfJE0ZM7MsD6EZ7DsBH4DPwNnNWHtZQ/jUV5CMD/wS9fg=")
VECTOR_QUERY = {"msg_signature": "11110c273b06f1243cbeef38787dec627135cb3b", "timestamp": "1767225600",
                "nonce": "1372623149"}
FIXTURES = ["text_message.xml", "external_chat_add_member.xml", "external_chat_del_member.xml"]
WEBHOOK = "/cgi-bin/webhook/send"


def adapter(clock: Clock | None = None, session: aiohttp.ClientSession | None = None,
            groups_: dict[str, dict[str, Any]] | None = None, **opts: Any) -> Any:
    options = {"token": WECOM_TOKEN, "encoding_aes_key": WECOM_AES, "corp_id": WECOM_CORP, **opts}
    return WeComAppAdapter("wecom_app", options, AdapterDeps(session=session, clock=clock or Clock(NOW),
                                                       groups=groups_ or {}))


def envelope(encrypted: str) -> bytes:
    return (f"<xml><ToUserName><![CDATA[{WECOM_CORP}]]></ToUserName><AgentID><![CDATA[1000002]]></AgentID>"
            f"<Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>").encode()


def status_of(fn: Any, *args: Any) -> int:
    with pytest.raises(WebhookRejected) as info:
        fn(*args)
    return info.value.status


def test_section7_vector() -> None:
    plain = fixture_bytes("wecom_app", "text_message.xml")
    assert WeComCrypto(WECOM_TOKEN, WECOM_AES, WECOM_CORP).encrypt(plain, b"0123456789abcdef") == VECTOR_ENCRYPT
    assert signature(WECOM_TOKEN, "1767225600", "1372623149", VECTOR_ENCRYPT) == VECTOR_QUERY["msg_signature"]
    a = adapter()
    assert a.verify({}, VECTOR_QUERY, envelope(VECTOR_ENCRYPT)) == plain
    assert normalized(parse_and_learn(a, plain)) == expected("wecom_app", "text_message.xml")


@pytest.mark.parametrize("name", FIXTURES)
def test_fixtures_normalize(name: str) -> None:
    query, body = wecom_app_request(fixture_bytes("wecom_app", name))
    a = adapter()
    assert normalized(parse_and_learn(a, a.verify({}, query, body))) == expected("wecom_app", name)


def test_same_change_reported_twice_has_the_same_key_and_member_order_does_not_matter() -> None:
    a = adapter()
    xml = fixture_bytes("wecom_app", "external_chat_add_member.xml")
    a_then_b = b"wmXYZexternal01]]></Item><Item><![CDATA[zhangsan"
    swapped = xml.replace(a_then_b, b"zhangsan]]></Item><Item><![CDATA[wmXYZexternal01")
    assert swapped != xml and parse_and_learn(a, swapped).key == parse_and_learn(a, xml).key
    later = xml.replace(b"<CreateTime>1767225700", b"<CreateTime>1767225701")
    assert parse_and_learn(a, later).key != parse_and_learn(a, xml).key
    other = xml.replace(b"<ChangeType><![CDATA[update]]>", b"<ChangeType><![CDATA[dismiss]]>")
    assert parse_and_learn(a, other).ignored == "chat_change"


def test_echostr_handshake() -> None:
    c = WeComCrypto(WECOM_TOKEN, WECOM_AES, WECOM_CORP)
    echostr = c.encrypt(b"6402193582785375201")
    query = {"msg_signature": signature(WECOM_TOKEN, "1767225600", "77", echostr), "timestamp": "1767225600",
             "nonce": "77", "echostr": echostr}
    reply = adapter().handshake(query)
    assert reply.status == 200 and reply.body == b"6402193582785375201"
    assert status_of(adapter().handshake, {**query, "msg_signature": "0" * 40}) == 403
    assert status_of(adapter().handshake, {"echostr": echostr}) == 401


def test_rejections() -> None:
    query, body = wecom_app_request(fixture_bytes("wecom_app", "external_chat_add_member.xml"))
    assert status_of(adapter().verify, {}, {}, body) == 401
    assert status_of(adapter().verify, {}, {**query, "msg_signature": "0" * 40}, body) == 403
    assert status_of(adapter(Clock(NOW + 3601)).verify, {}, query, body) == 403  # stale
    adapter(Clock(NOW + 3601), max_skew_s=7200).verify({}, query, body)
    # tampered ciphertext, re-signed: decrypts to garbage → 403
    enc = parse_xml(body).findtext("Encrypt") or ""
    tampered = enc[:40] + ("A" if enc[40] != "A" else "B") + enc[41:]
    q2 = {**query, "msg_signature": signature(WECOM_TOKEN, query["timestamp"], query["nonce"], tampered)}
    assert status_of(adapter().verify, {}, q2, envelope(tampered)) == 403
    # ciphertext for another corp → wrong receiveid → 403
    q3, b3 = wecom_app_request(b"<xml/>", corp_id="wxOTHERCORP")
    assert status_of(adapter().verify, {}, q3, b3) == 403
    assert status_of(adapter().verify, {}, query, b"<xml><nothing/></xml>") == 400
    assert status_of(adapter().verify, {}, query, b'<!DOCTYPE x [<!ENTITY e "e">]><xml>&e;</xml>') == 400


def test_nonce_reuse_with_another_body_is_403() -> None:
    a = adapter()
    q1, b1 = wecom_app_request(fixture_bytes("wecom_app", "external_chat_add_member.xml"), nonce="555")
    a.verify({}, q1, b1)
    a.verify({}, q1, b1)  # WeCom retries the same request
    q2, b2 = wecom_app_request(fixture_bytes("wecom_app", "external_chat_del_member.xml"), nonce="555")
    assert status_of(a.verify, {}, q2, b2) == 403


def test_capabilities_and_config() -> None:
    a = adapter()
    assert a.ack.body == b"success" and a.capabilities.membership_events
    assert a.capabilities.per_chat_per_minute == 20
    assert "joins and leaves" in a.health()["sees"]
    with pytest.raises(ConfigError, match=r"adapters\.wecom_app\.encoding_aes_key"):
        adapter(encoding_aes_key="short")
    with pytest.raises(ConfigError, match=r"adapters\.wecom_app\.corp_id"):
        WeComAppAdapter("wecom_app", {"token": "t", "encoding_aes_key": WECOM_AES}, AdapterDeps(session=None))


# -- wechatpy as an independent implementation ---------------------------------------------------------
def test_wechatpy_decrypts_ours_and_we_accept_wechatpys() -> None:
    pytest.importorskip("wechatpy")
    from wechatpy.enterprise import parse_message
    from wechatpy.enterprise.crypto import WeChatCrypto

    theirs = WeChatCrypto(WECOM_TOKEN, WECOM_AES, WECOM_CORP)
    plain = theirs.decrypt_message(envelope(VECTOR_ENCRYPT).decode(), VECTOR_QUERY["msg_signature"],
                                   VECTOR_QUERY["timestamp"], VECTOR_QUERY["nonce"])
    assert parse_message(plain).type == "text"
    for name in FIXTURES:
        xml = fixture_bytes("wecom_app", name).decode()
        encrypted = theirs.encrypt_message(xml, "9876", "1767225600")
        sig = parse_xml(encrypted.encode()).findtext("MsgSignature") or ""
        query = {"msg_signature": sig, "timestamp": "1767225600", "nonce": "9876"}
        a = adapter()
        assert normalized(parse_and_learn(a, a.verify({}, query, encrypted.encode()))) == expected("wecom_app", name)
    echostr = WeComCrypto(WECOM_TOKEN, WECOM_AES, WECOM_CORP).encrypt(b"echo-1")
    assert theirs.check_signature(signature(WECOM_TOKEN, "1", "2", echostr), "1", "2", echostr) == "echo-1"


# -- sending through the group webhook -------------------------------------------------------------------
@pytest.fixture
async def api() -> AsyncIterator[FakeAPI]:
    fake = FakeAPI(defaults={WEBHOOK: (200, {"errcode": 0, "errmsg": "ok"})})
    await fake.start()
    yield fake
    await fake.stop()


async def test_group_posts_use_the_webhook_key(api: FakeAPI) -> None:
    chat = ChatRef("wecom_app", "wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA")
    async with aiohttp.ClientSession() as session:
        a = adapter(Clock(NOW), session, {chat.id: {"wecom_webhook_key": "KEY-1"}}, api_base=api.base)
        await a.send(Outgoing(chat, (Text("欢迎 "), Mention(UserRef("wecom_app", "zhangsan"), "张三"))))
        [call] = api.to(WEBHOOK)
        assert call.query == {"key": "KEY-1"}
        assert call.body == {"msgtype": "text", "text": {"content": "欢迎 @张三", "mentioned_list": ["zhangsan"]}}
        api.queue(WEBHOOK, 200, {"errcode": 45009, "errmsg": "api freq out of limit"})
        with pytest.raises(SendError) as info:
            await a.send(Outgoing(chat, (Text("x"),)))
        assert not info.value.permanent and info.value.retry_after == 60.0
        api.queue(WEBHOOK, 200, {"errcode": 93000, "errmsg": "invalid webhook url"})
        with pytest.raises(SendError) as info:
            await a.send(Outgoing(chat, (Text("x"),)))
        assert info.value.permanent
        with pytest.raises(SendError) as info:
            await a.send(Outgoing(ChatRef("wecom_app", "other"), (Text("x"),)))
        assert info.value.permanent and "wecom_webhook_key" in str(info.value)


async def test_wecom_app_end_to_end(aiohttp_client: Any, tmp_path: Path, api: FakeAPI) -> None:
    chat = "wecom:wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA"
    config = e2e_config(tmp_path, {"wecom": {"type": "wecom_app", "token": WECOM_TOKEN, "encoding_aes_key": WECOM_AES,
                                             "corp_id": WECOM_CORP, "api_base": api.base}},
                        [{"id": chat, "wecom_webhook_key": "KEY-1"}])
    client = await aiohttp_client(create_app(config, schedule=False))
    now = str(int(time.time()))
    xml = fixture_bytes("wecom_app", "external_chat_add_member.xml").replace(b"1767225700", now.encode())

    c = WeComCrypto(WECOM_TOKEN, WECOM_AES, WECOM_CORP)
    echostr = c.encrypt(b"hello-echo")
    q = {"msg_signature": signature(WECOM_TOKEN, now, "1", echostr), "timestamp": now, "nonce": "1", "echostr": echostr}
    resp = await client.get("/webhook/wecom", params=q)
    assert resp.status == 200 and await resp.read() == b"hello-echo"

    query, body = wecom_app_request(xml, ts=now, nonce="2")
    assert (await client.post("/webhook/wecom", data=body)).status == 401
    bad = {**query, "msg_signature": "0" * 40}
    assert (await client.post("/webhook/wecom", params=bad, data=body)).status == 403
    await settle(client)
    assert await groups(client) == []

    for _ in range(2):  # WeCom retries; FromUserName is "sys" for every change
        resp = await client.post("/webhook/wecom", params=query, data=body)
        assert resp.status == 200 and await resp.read() == b"success"
    await settle(client)
    [g] = await groups(client)
    assert g["id"] == chat and g["members"] == 2
    status, profile = await member(client, chat, "wecom:zhangsan")
    assert status == 200 and profile["lifecycle"] == "new" and profile["stats"]["messages"] == 0
    assert json.loads(json.dumps(profile))["member"] == "wecom:zhangsan"


@pytest.mark.parametrize("group", [{"wecom_webhook_key": "KEY-1"}, {"adapter": {"wecom_webhook_key": "KEY-1"}}],
                         ids=["documented", "groups.adapter"])
async def test_the_welcome_goes_out_through_the_groups_webhook_key(aiohttp_client: Any, tmp_path: Path,
                                                                  api: FakeAPI, group: dict[str, Any]) -> None:
    chat = "wecom:wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA"
    config = e2e_config(tmp_path, {"wecom": {"type": "wecom_app", "token": WECOM_TOKEN, "encoding_aes_key": WECOM_AES,
                                             "corp_id": WECOM_CORP, "api_base": api.base}}, [{"id": chat, **group}])
    client = await aiohttp_client(create_app(config, schedule=False))
    now = str(int(time.time()))
    xml = fixture_bytes("wecom_app", "external_chat_add_member.xml").replace(b"1767225700", now.encode())
    query, body = wecom_app_request(xml, ts=now, nonce="7")
    assert (await client.post("/webhook/wecom", params=query, data=body)).status == 200
    await settle(client)
    calls = api.to(WEBHOOK)
    assert calls and {c.query["key"] for c in calls} == {"KEY-1"}
