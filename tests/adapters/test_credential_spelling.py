"""A credential is accepted only in the exact spelling the platform sends, for every adapter.

An observed delivery's credential padded with (Unicode) whitespace, re-cased, re-padded (Base64) or
re-written (timestamps with a sign, a leading zero or non-ASCII digits) must never carry a different
body in — and, being a different spelling, is refused outright. The DingTalk body is not signed, which
made this a takeover (issue 11, finding 1): any ``senderStaffId``, any ``sessionWebhook``.
"""

from __future__ import annotations

import itertools
import json
import time
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bot.adapters.telegram.adapter import SECRET_HEADER
from bot.core.adapter import WebhookRejected
from tests.adapters._fuzz_platforms import PLATFORMS, Platform

# (where, name, kind) of every credential a platform sends with a delivery
CREDENTIALS: dict[str, list[tuple[str, str, str]]] = {
    "generic": [("header", "X-Quntag-Signature", "hex"), ("header", "X-Quntag-Timestamp", "ts")],
    "telegram": [("header", SECRET_HEADER, "token")],
    "onebot": [("header", "X-Signature", "hex")],
    "feishu": [("header", "X-Lark-Signature", "hex"), ("header", "X-Lark-Request-Timestamp", "ts"),
               ("header", "X-Lark-Request-Nonce", "nonce")],
    "dingtalk": [("header", "sign", "b64"), ("header", "timestamp", "ts")],
    "wecom_app": [("query", "msg_signature", "hex"), ("query", "timestamp", "ts"), ("query", "nonce", "nonce")],
    "wecom_aibot": [("query", "msg_signature", "hex"), ("query", "timestamp", "ts"), ("query", "nonce", "nonce")],
}
SIGNED = [p for p in PLATFORMS if p.type in CREDENTIALS and p.name != "lark"]  # lark: no encrypt key, no signature
PADDING = [" ", "\t", "\r", "\n", "\xa0", "\u0085", "\u3000", "\u2003", "\u2002", "\u200b", "\ufeff", "\u180e",
           "\x00", "\x0b", "\x1c"]
DIGITS = {"fullwidth": str.maketrans("0123456789", "０１２３４５６７８９"),
          "arabic": str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")}
counter = itertools.count(1)


def _b64_variants(value: str) -> list[str]:
    """Spellings that decode (leniently) to the same bytes."""
    body = value.rstrip("=")
    out = [body, value + "=", body + "===", value.replace("+", "-").replace("/", "_"),
           value[:20] + "\n" + value[20:]]
    if len(value) >= 2 and value.endswith("=") and not value.endswith("=="):
        # 32 bytes → 44 chars: the last data character carries 2 unused bits; set them
        last = value[-2]
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
        idx = alphabet.index(last)
        out += [value[:-2] + alphabet[(idx & ~3) | b] + "=" for b in range(4) if (idx & ~3) | b != idx]
    return out


def mutations(value: str, kind: str) -> st.SearchStrategy[str]:
    pads = st.sampled_from(PADDING)
    padded = st.one_of(st.builds(lambda p: p + value, pads), st.builds(lambda p: value + p, pads),
                       st.builds(lambda p, q: p + value + q, pads, pads))
    cased = st.sampled_from([value.upper(), value.lower(), value.swapcase(), value.title()])
    forms: list[st.SearchStrategy[str]] = [padded, cased]
    if kind == "b64":
        forms.append(st.sampled_from(_b64_variants(value)))
    if kind == "hex":
        forms.append(st.sampled_from(["0x" + value, value.replace("=", "=0x", 1), value.replace("=", " = ", 1),
                                      value.replace("=", ":", 1)]))
    if kind == "ts":
        forms.append(st.sampled_from(["0" + value, "+" + value, value + ".0", value[:4] + "_" + value[4:],
                                      value.translate(DIGITS["fullwidth"]), value.translate(DIGITS["arabic"])]))
    return st.one_of(*forms)


def _other_body(plat: Platform) -> bytes:
    """A forged body: another fixture, or the first one with the sender changed."""
    plain = plat.pristine()
    forged = plain.replace(b"staff_alice", b"staff_mallory").replace(b"zhangsan", b"mallory")
    return forged if forged != plain else plain.replace(b"}", b', "forged": true}', 1) if plain.startswith(b"{") \
        else plain.replace(b"</xml>", b"<Forged>1</Forged></xml>")


def _rejected(adapter: Any, headers: dict[str, str], query: dict[str, str], body: bytes) -> int:
    with pytest.raises(WebhookRejected) as info:
        adapter.verify(headers, query, body)
    return info.value.status


@pytest.mark.parametrize("plat", SIGNED, ids=[p.name for p in SIGNED])
@settings(max_examples=120, deadline=None)
@given(data=st.data())
def test_a_respelled_credential_never_lets_a_body_in(plat: Platform, data: st.DataObject) -> None:
    adapter = plat.adapter()
    n = next(counter)
    headers, query, body = plat.sign(plat.pristine(), n)
    _, _, forged = plat.sign(_other_body(plat), n)  # same envelope shape, another body
    assert forged != body
    adapter.verify(headers, query, body)  # the observed, genuine delivery

    where, name, kind = data.draw(st.sampled_from(CREDENTIALS[plat.type]), label="credential")
    original = (headers if where == "header" else query)[name]
    changed = data.draw(mutations(original, kind), label="spelling")
    assume(changed != original)
    bad_headers = {**headers, name: changed} if where == "header" else headers
    bad_query = {**query, name: changed} if where == "query" else query

    for attempt in (forged, body):  # another body, and the same body under a second spelling
        assert _rejected(adapter, bad_headers, bad_query, attempt) in (401, 403)
    if plat.type != "telegram":  # Telegram's secret is not bound to a body: whoever has it may post
        assert _rejected(adapter, headers, query, forged) in (401, 403)


def test_dingtalk_sign_with_trailing_unicode_space_forges_nothing() -> None:
    """The audit's reproduction: one observed (timestamp, sign) pair, padded, with a takeover body."""
    plat = next(p for p in SIGNED if p.type == "dingtalk")
    adapter = plat.adapter()
    headers, _, body = plat.sign(plat.pristine(), 10_000)
    adapter.verify(headers, {}, body)
    forged = json.dumps({**json.loads(body), "senderStaffId": "boss",
                         "sessionWebhook": "https://evil.example/hook",
                         "sessionWebhookExpiredTime": int(time.time() * 1000) + 10**12}).encode()
    for pad in ("\xa0", "\u0085", "\u3000", "\u2003", " "):
        assert _rejected(adapter, {**headers, "sign": headers["sign"] + pad}, {}, forged) == 403
    assert _rejected(adapter, headers, {}, forged) == 403
