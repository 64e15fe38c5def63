"""Feishu inbound: platforms.md §7 vectors, fixtures → normalized events, every rejection, lark-oapi cross-checks."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.adapters.feishu import FeishuAdapter, crypto
from bot.core.adapter import AdapterDeps, WebhookRejected
from bot.core.config import ConfigError
from tests.adapters._cn_helpers import (
    FEISHU_KEY,
    FEISHU_TOKEN,
    Clock,
    expected,
    feishu_request,
    fixture_bytes,
    normalized,
)
from tests.adapters._helpers import parse_and_learn

VECTOR_PLAIN = b'{"challenge":"ch-123","token":"vt-abc","type":"url_verification"}'
VECTOR_ENCRYPT = ("AAECAwQFBgcICQoLDA0OD8LaqYrx1z7HTGcS5WFOdRGxO1Rzh+I89Z2lUiY6xIQICQfyVMLe+rh+rJZLm048SPCob+YlHhpI"
                  "VNW0/BPatycgVIhaZoK92jHXSCpIGhRl")
VECTOR_SIGNATURE = "92428f6cc30e8593e9274aefaf158c077703022d4564776cd4bd486e446f29c1"
NOW = 1767225600.0
FIXTURES = ["message_text.json", "message_mentions.json", "message_post.json", "message_p2p.json",
            "member_added.json", "member_deleted.json"]


def adapter(clock: Clock | None = None, **opts: Any) -> Any:
    options = {"app_id": "cli_a1b2c3d4e5f6", "app_secret": "sec", "verification_token": FEISHU_TOKEN,
               "encrypt_key": FEISHU_KEY, "bot_open_id": "ou_bot", **opts}
    return FeishuAdapter("feishu", options, AdapterDeps(session=None, clock=clock or Clock(NOW)))


def rejected(a: Any, headers: dict[str, str], body: bytes) -> WebhookRejected:
    with pytest.raises(WebhookRejected) as info:
        a.verify(headers, {}, body)
    return info.value


def test_section7_vector_encrypt_and_signature() -> None:
    assert crypto.encrypt(FEISHU_KEY, VECTOR_PLAIN, bytes(range(16))) == VECTOR_ENCRYPT
    body = b'{"encrypt":"' + VECTOR_ENCRYPT.encode() + b'"}'
    assert crypto.signature("1767225600", "n0nce", FEISHU_KEY, body) == VECTOR_SIGNATURE
    assert crypto.decrypt(FEISHU_KEY, VECTOR_ENCRYPT) == VECTOR_PLAIN


def test_encrypted_challenge_is_echoed() -> None:
    a = adapter()
    body = b'{"encrypt":"' + VECTOR_ENCRYPT.encode() + b'"}'
    headers = {"X-Lark-Request-Timestamp": "1767225600", "X-Lark-Request-Nonce": "n0nce",
               "X-Lark-Signature": VECTOR_SIGNATURE}
    parsed = parse_and_learn(a, a.verify(headers, {}, body))
    assert parsed.reply is not None and json.loads(parsed.reply.body) == {"challenge": "ch-123"}
    # Feishu does not sign the url_verification request: the token inside is the check
    parsed = parse_and_learn(a, a.verify({}, {}, body))
    assert parsed.reply is not None and json.loads(parsed.reply.body) == {"challenge": "ch-123"}


def test_plain_challenge_is_echoed_and_token_checked() -> None:
    a = adapter(encrypt_key="", allow_unencrypted=True)
    parsed = parse_and_learn(a, a.verify({}, {}, VECTOR_PLAIN))
    assert parsed.reply is not None and parsed.reply.status == 200
    assert json.loads(parsed.reply.body) == {"challenge": "ch-123"}
    assert rejected(a, {}, VECTOR_PLAIN.replace(b"vt-abc", b"vt-bad")).status == 403
    assert rejected(a, {}, b'{"challenge":"x","type":"url_verification"}').status == 401


@pytest.mark.parametrize("name", FIXTURES)
def test_fixtures_normalize(name: str) -> None:
    payload = json.loads(fixture_bytes("feishu", name))
    a = adapter()
    headers, body = feishu_request(payload)
    assert normalized(parse_and_learn(a, a.verify(headers, {}, body))) == expected("feishu", name)
    # the same event unencrypted (console without Encrypt Key) gives the same result
    plain = adapter(encrypt_key="", allow_unencrypted=True)
    unencrypted = plain.verify({}, {}, fixture_bytes("feishu", name))
    assert normalized(parse_and_learn(plain, unencrypted)) == expected("feishu", name)


def test_without_known_bot_id_mentions_stay_text() -> None:
    a = adapter(bot_open_id="")
    parsed = parse_and_learn(a, fixture_bytes("feishu", "message_text.json"))
    ev = parsed.events[0]
    assert ev.text == "@DemoBot hello #python"  # type: ignore[union-attr]


def test_missing_signature_is_401() -> None:
    _, body = feishu_request(json.loads(fixture_bytes("feishu", "message_text.json")))
    assert rejected(adapter(), {}, body).status == 401


def test_wrong_signature_is_403() -> None:
    headers, body = feishu_request(json.loads(fixture_bytes("feishu", "message_text.json")))
    headers["X-Lark-Signature"] = "0" * 64
    assert rejected(adapter(), headers, body).status == 403


def test_tampered_ciphertext_is_403() -> None:
    headers, body = feishu_request(json.loads(fixture_bytes("feishu", "message_text.json")))
    outer = json.loads(body)
    outer["encrypt"] = outer["encrypt"][:-8] + "AAAAAAA="
    tampered = json.dumps(outer, separators=(",", ":")).encode()
    assert rejected(adapter(), headers, tampered).status == 403  # signature no longer matches
    # even re-signed (someone holding the key but not the AES material) it does not decrypt
    ts, nonce = headers["X-Lark-Request-Timestamp"], headers["X-Lark-Request-Nonce"]
    headers["X-Lark-Signature"] = crypto.signature(ts, nonce, FEISHU_KEY, tampered)
    assert rejected(adapter(), headers, tampered).status == 403


def test_wrong_token_is_403_even_when_signed() -> None:
    payload = json.loads(fixture_bytes("feishu", "message_text.json"))
    payload["header"]["token"] = "vt-other"
    headers, body = feishu_request(payload)
    assert rejected(adapter(), headers, body).status == 403


def test_stale_timestamp_is_403() -> None:
    headers, body = feishu_request(json.loads(fixture_bytes("feishu", "message_text.json")))
    assert rejected(adapter(Clock(NOW + 9 * 3600)), headers, body).status == 403
    assert adapter(Clock(NOW + 9 * 3600), max_skew_s=10 * 3600).verify(headers, {}, body)  # a wider window


def test_nonce_reused_with_another_body_is_403_but_a_retry_passes() -> None:
    a = adapter()
    payload = json.loads(fixture_bytes("feishu", "message_text.json"))
    headers, body = feishu_request(payload)
    a.verify(headers, {}, body)
    a.verify(headers, {}, body)  # Feishu retries the same request
    payload["event"]["message"]["message_id"] = "om_other"
    headers2, body2 = feishu_request(payload)
    assert rejected(a, headers2, body2).status == 403


def test_encrypted_body_without_key_is_400_and_junk_is_400() -> None:
    headers, body = feishu_request(json.loads(fixture_bytes("feishu", "message_text.json")))
    assert rejected(adapter(encrypt_key="", allow_unencrypted=True), headers, body).status == 400
    assert rejected(adapter(), {}, b"not json").status == 400


def test_config_errors_name_the_key() -> None:
    with pytest.raises(ConfigError, match=r"adapters\.feishu\.app_secret"):
        FeishuAdapter("feishu", {"app_id": "a", "verification_token": "v"}, AdapterDeps(session=None))
    with pytest.raises(ConfigError, match=r"adapters\.feishu\.group_msg_scope"):
        adapter(group_msg_scope="yes")
    with pytest.raises(ConfigError, match=r"adapters\.feishu\.nope"):
        adapter(nope=1)


def test_visibility_follows_the_group_msg_scope() -> None:
    a = adapter()
    assert a.visibility() == "mentions" and a.capabilities.visibility == "mentions"
    assert a.capabilities.per_chat_per_second == 5.0 and a.capabilities.membership_events
    b = adapter(group_msg_scope=True)
    assert b.visibility() == "all" and b.health()["visibility"] == "all"


# -- lark-oapi as an independent client ------------------------------------------------------------
def test_lark_oapi_accepts_our_encrypted_signed_request() -> None:
    lark = pytest.importorskip("lark_oapi")
    from lark_oapi.core.model import RawRequest

    seen: list[str] = []
    handler = (lark.EventDispatcherHandler.builder(FEISHU_KEY, FEISHU_TOKEN)
               .register_p2_im_message_receive_v1(lambda data: seen.append(data.event.message.message_id))
               .build())
    headers, body = feishu_request(json.loads(fixture_bytes("feishu", "message_text.json")))
    req = RawRequest()
    req.uri, req.body, req.headers = "/webhook/feishu", body, headers
    resp = handler.do(req)
    assert resp.status_code == 200, resp.content
    ours = parse_and_learn(adapter(), adapter().verify(headers, {}, body))
    assert seen == [ours.events[0].event_id]


def test_lark_oapi_models_read_our_fixtures() -> None:
    pytest.importorskip("lark_oapi")
    from lark_oapi.api.im.v1 import P2ImChatMemberUserAddedV1, P2ImMessageReceiveV1
    from lark_oapi.core.json import JSON
    from lark_oapi.core.utils.decryptor import AESCipher

    msg = JSON.unmarshal(fixture_bytes("feishu", "message_text.json").decode(), P2ImMessageReceiveV1)
    exp = expected("feishu", "message_text.json")["events"][0]
    assert [msg.event.message.chat_id, msg.event.sender.sender_id.open_id] == [exp["chat"][1], exp["user"][1]]
    added = JSON.unmarshal(fixture_bytes("feishu", "member_added.json").decode(), P2ImChatMemberUserAddedV1)
    assert added.event.users[0].user_id.open_id == expected("feishu", "member_added.json")["events"][0]["user"][1]
    assert AESCipher(FEISHU_KEY).decrypt_str(crypto.encrypt(FEISHU_KEY, b'{"a":1}')) == '{"a":1}'
