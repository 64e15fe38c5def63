"""Shared by the adapter fuzz tests: one spec per adapter type (options, real fixtures, how the
platform authenticates a body) and hypothesis strategies that mutate those fixtures into hostile ones."""

from __future__ import annotations

import base64
import copy
import json
import math
import struct
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from hypothesis import strategies as st

from bot.adapters import adapter_types
from bot.adapters.dingtalk import sign as dingtalk_sign
from bot.adapters.feishu import crypto as feishu_crypto
from bot.adapters.generic import signed_headers
from bot.adapters.onebot import signature as onebot_signature
from bot.adapters.telegram.adapter import SECRET_HEADER
from bot.adapters.wecom.crypto import BLOCK, WeComCrypto
from bot.adapters.wecom.crypto import signature as wecom_signature
from bot.core.adapter import Adapter, AdapterDeps, Parsed
from bot.core.events import GroupMoved, MemberJoined, Message, event_to_dict

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
DEAD = "http://127.0.0.1:9"  # nothing listens: outbound calls fail fast, never leave the machine
FEISHU_KEY, FEISHU_TOKEN = "test_encrypt_key", "vt-abc"
DINGTALK_SECRET = "test-app-secret"
WECOM_TOKEN, WECOM_AES, WECOM_CORP = "QDG6eK", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", "wx5823bf96d3bd56c7"
GENERIC_SECRET = "test-secret"  # tests/conftest.py SECRET: the make_bot generic adapter
Request = tuple[dict[str, str], dict[str, str], bytes]  # headers, query, body


def _json_fixtures(platform: str) -> list[Any]:
    """The recorded JSON bodies of a platform (``<name>.json``, beside its ``<name>.expected.json``)."""
    return [json.loads(p.read_text("utf-8")) for p in sorted((FIXTURES / platform).glob("*.json"))
            if not p.name.endswith(".expected.json")]


def _xml_fixtures() -> list[list[tuple[str, Any]]]:
    """WeCom XML fixtures as editable (tag, text or list of item texts) pairs."""
    out = []
    for p in sorted((FIXTURES / "wecom_app").glob("*.xml")):
        root = ET.fromstring(p.read_bytes())
        out.append([(el.tag, [i.text or "" for i in el] if len(el) else (el.text or "")) for el in root])
    return out


def _generic_fixtures() -> list[Any]:
    now = time.time()
    g, u = {"id": "g-1", "name": "测试群"}, {"id": "u-1", "name": "Alice"}
    return [{"id": "e1", "type": "message", "time": now, "group": g, "user": u, "text": "红酒 hello",
             "mentions": ["u-2"], "reply_to": "e0"},
            {"id": "e2", "type": "member_joined", "time": now, "group": g, "user": {"id": "u-2"}, "invited_by": "u-1"},
            {"id": "e3", "type": "member_left", "time": now, "group": g, "user": {"id": "u-3"}}]


def _aibot_fixtures() -> list[Any]:
    docs = _json_fixtures("wecom_aibot")
    for d in docs:
        if "response_url" in d:
            d["response_url"] = DEAD + "/cgi-bin/aibot/response?response_code=RC"
    return docs


# -- how each platform authenticates a body ------------------------------------------------------------
def _generic(plain: bytes, n: int) -> Request:
    return signed_headers(GENERIC_SECRET, plain, time.time()), {}, plain


def _telegram(plain: bytes, n: int) -> Request:
    return {SECRET_HEADER: "tg-secret"}, {}, plain


def _onebot(plain: bytes, n: int) -> Request:
    return {"X-Signature": onebot_signature("ob-secret", plain), "X-Self-ID": "10001"}, {}, plain


def _feishu(plain: bytes, n: int) -> Request:
    body = json.dumps({"encrypt": feishu_crypto.encrypt(FEISHU_KEY, plain)}).encode()
    ts, nonce = str(int(time.time())), f"nonce-{n}"
    return ({"X-Lark-Request-Timestamp": ts, "X-Lark-Request-Nonce": nonce,
             "X-Lark-Signature": feishu_crypto.signature(ts, nonce, FEISHU_KEY, body)}, {}, body)


def _feishu_plain(plain: bytes, n: int) -> Request:
    return {}, {}, plain


def _dingtalk(plain: bytes, n: int) -> Request:
    ts = str(int(time.time() * 1000) + n)  # a (timestamp, sign) pair is good for one body only
    return {"timestamp": ts, "sign": dingtalk_sign(DINGTALK_SECRET, ts)}, {}, plain


def _wecom_query(encrypted: str, n: int) -> dict[str, str]:
    ts, nonce = str(int(time.time())), f"nonce-{n}"
    return {"msg_signature": wecom_signature(WECOM_TOKEN, ts, nonce, encrypted), "timestamp": ts, "nonce": nonce}


def _wecom_app(plain: bytes, n: int) -> Request:
    enc = WeComCrypto(WECOM_TOKEN, WECOM_AES, WECOM_CORP).encrypt(plain)
    body = f"<xml><ToUserName><![CDATA[{WECOM_CORP}]]></ToUserName><Encrypt><![CDATA[{enc}]]></Encrypt></xml>"
    return {}, _wecom_query(enc, n), body.encode()


def _wecom_aibot(plain: bytes, n: int) -> Request:
    enc = WeComCrypto(WECOM_TOKEN, WECOM_AES, "").encrypt(plain)
    return {}, _wecom_query(enc, n), json.dumps({"encrypt": enc}).encode()


@dataclass
class Platform:
    name: str  # adapter instance name (and the id of the test)
    type: str
    options: dict[str, Any]
    docs: list[Any]
    sign: Callable[[bytes, int], Request]
    xml: bool = False

    def adapter(self, clock: Callable[[], float] = time.time) -> Adapter:
        return adapter_types()[self.type].build(self.name, self.options, AdapterDeps(session=None, clock=clock))

    def config(self) -> dict[str, Any]:
        return {self.name: {"type": self.type, **self.options}}

    def pristine(self) -> bytes:
        """An untouched fixture body (plain, before signing)."""
        if self.xml:
            return (FIXTURES / "wecom_app" / "external_chat_add_member.xml").read_bytes()
        return json.dumps(self.docs[0], ensure_ascii=False).encode()

    def bodies(self) -> st.SearchStrategy[bytes]:
        """Authenticated (plain) bodies: real fixtures, mutated."""
        return xml_bodies(self.docs) if self.xml else json_bodies(self.docs)


PLATFORMS = [
    Platform("generic", "generic", {"secret": GENERIC_SECRET}, _generic_fixtures(), _generic),
    Platform("tg", "telegram", {"token": "123456:TEST-token", "secret_token": "tg-secret", "api_base": DEAD,
                                "bot_username": "demo_bot"}, _json_fixtures("telegram"), _telegram),
    Platform("qq", "onebot", {"secret": "ob-secret", "access_token": "ob-token", "api_base": DEAD},
             _json_fixtures("onebot"), _onebot),
    Platform("feishu", "feishu", {"app_id": "cli_x", "app_secret": "sec", "verification_token": FEISHU_TOKEN,
                                  "encrypt_key": FEISHU_KEY, "api_base": DEAD, "bot_open_id": "ou_bot"},
             [*_json_fixtures("feishu"), {"challenge": "c", "token": FEISHU_TOKEN, "type": "url_verification"}],
             _feishu),
    Platform("lark", "feishu", {"app_id": "cli_x", "app_secret": "sec", "verification_token": FEISHU_TOKEN,
                                "api_base": DEAD, "allow_unencrypted": True},
             _json_fixtures("feishu"), _feishu_plain),
    Platform("ding", "dingtalk", {"app_key": "dingkey", "app_secret": DINGTALK_SECRET, "robot_code": "r",
                                  "api_base": DEAD, "session_webhook_prefix": DEAD + "/"},
             _json_fixtures("dingtalk"), _dingtalk),
    Platform("wecom", "wecom_app", {"token": WECOM_TOKEN, "encoding_aes_key": WECOM_AES, "corp_id": WECOM_CORP,
                                    "api_base": DEAD}, _xml_fixtures(), _wecom_app, xml=True),
    Platform("wecombot", "wecom_aibot", {"token": WECOM_TOKEN, "encoding_aes_key": WECOM_AES, "api_base": DEAD,
                                         "response_url_prefix": DEAD + "/"},
             _aibot_fixtures(), _wecom_aibot),
]
HEADER_NAMES = ["X-Quntag-Timestamp", "X-Quntag-Signature", SECRET_HEADER, "X-Signature", "X-Lark-Signature",
                "X-Lark-Request-Timestamp", "X-Lark-Request-Nonce", "timestamp", "sign", "Content-Type"]
QUERY_NAMES = ["msg_signature", "timestamp", "nonce", "echostr"]

# -- hostile values ---------------------------------------------------------------------------------------
HUGE = "长" * 100_000
BIGINT = "__FUZZ_BIGINT__"  # replaced by a 5000-digit number after serializing (json.dumps refuses those)
DEEP = "__FUZZ_DEEP__"  # replaced by 3000 nested arrays (past the JSON parser's recursion limit)
NESTED = "__FUZZ_NESTED__"  # 400 nested objects: still parses
INJECTIONS = ["[CQ:at,qq=all]", "&#91;CQ:at,qq=all&#93;", "[CQ:reply,id=]", "[CQ:at,qq=]", "[CQ:at]", "<b>&amp;",
              "&#91;", "&#44;&amp;&#93;", '<at user_id="all">所有人</at>', "@_user_1", "@all", "\x00", "a\x00b",
              "\ud800", "x\udcff", "\ufeff", "\u202e", "'; DROP TABLE members;--", "=HYPERLINK(\"x\")", "/me",
              "/forget", "/optout@demo_bot", "/cmd@other_bot x", "@demo_bot", "]]>", "<![CDATA[", "\r\n", "²", "١٢٣",
              "NaN", "1e999", "-1", "0", "", " ", "9" * 30, HUGE, BIGINT, DEEP, NESTED]
any_text = st.text(st.characters(exclude_categories=()), max_size=24)  # surrogates included
numbers = st.one_of(st.integers(), st.sampled_from([0, -1, 2**31, 2**63, -(2**63), 2**64 + 1, 10**30, 10**400]),
                    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([1.5, -0.0, 1e308, 1e15, 1e-300]))
scalars = st.one_of(st.none(), st.booleans(), numbers, any_text, st.sampled_from(INJECTIONS))
nasty = st.one_of(scalars, st.lists(scalars, max_size=3), st.dictionaries(any_text, scalars, max_size=3))


def _slots(doc: Any, out: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    if isinstance(doc, dict):
        for k, v in doc.items():
            out.append((doc, k))
            _slots(v, out)
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out.append((doc, i))
            _slots(v, out)
    return out


def _retype(v: Any) -> list[Any]:
    """The same value in other JSON types: str↔int↔float↔list↔object↔null, negative, huge."""
    out: list[Any] = [None, [v], {"v": v}, str(v), True]
    if isinstance(v, int) and not isinstance(v, bool):
        out += [-v, v * 10**20, -v - 1, *([v + 0.5] if abs(v) < 2**60 else [])]
    elif isinstance(v, float) and math.isfinite(v):
        out += [-v, v + 0.5, int(v) * 10**20]
    if isinstance(v, str):
        out += [int(v) if v.isascii() and v.lstrip("-").isdigit() and len(v) < 100 else len(v),
                v.encode("utf-8", "surrogatepass").hex()]
    return out


@st.composite
def mutated_doc(draw: st.DrawFn, docs: list[Any]) -> Any:
    box = {"root": copy.deepcopy(draw(st.sampled_from(docs)))}
    for _ in range(draw(st.integers(1, 4))):
        parent, key = draw(st.sampled_from(_slots(box, [])))
        op = draw(st.sampled_from(["drop", "replace", "retype", "extra", "inject", "inject"]))
        if op == "drop" and parent is not box:
            del parent[key]
        elif op == "replace":
            parent[key] = draw(nasty)
        elif op == "retype":
            parent[key] = draw(st.sampled_from(_retype(parent[key])))
        elif op == "extra":
            target = parent[key] if isinstance(parent[key], dict) else parent
            if isinstance(target, dict):
                target[draw(any_text)] = draw(nasty)
            else:
                target.append(draw(nasty))
        elif op == "inject":
            inj = draw(st.sampled_from(INJECTIONS))
            val = parent[key]
            parent[key] = (val + inj if draw(st.booleans()) else inj + val) if isinstance(val, str) else inj
    return box["root"]


def serialize(doc: Any, ascii_only: bool) -> bytes:
    text = json.dumps(doc, ensure_ascii=ascii_only)
    text = text.replace(f'"{BIGINT}"', "9" * 5000).replace(f'"{DEEP}"', "[" * 3000 + "]" * 3000)
    text = text.replace(f'"{NESTED}"', '{"a":' * 400 + "1" + "}" * 400)
    return text.encode("utf-8", "surrogatepass")  # raw lone surrogates: invalid UTF-8 on the wire


@st.composite
def corrupt(draw: st.DrawFn, body: bytes) -> bytes:
    """Byte-level damage: invalid UTF-8, a NUL, a truncation, a BOM, another encoding."""
    op = draw(st.sampled_from(["none", "none", "none", "byte", "truncate", "bom", "utf16"]))
    if op == "byte":
        at = draw(st.integers(0, len(body)))
        return body[:at] + draw(st.sampled_from([b"\xff", b"\xc3", b"\x00", b"\xed\xa0\x80", b"\\"])) + body[at:]
    if op == "truncate":
        return body[:draw(st.integers(0, max(0, len(body) - 1)))]
    if op == "bom":
        return b"\xef\xbb\xbf" + body
    if op == "utf16":
        return body.decode("utf-8", "replace").encode("utf-16")
    return body


@st.composite
def json_bodies(draw: st.DrawFn, docs: list[Any]) -> bytes:
    return draw(corrupt(serialize(draw(mutated_doc(docs)), draw(st.booleans()))))


xml_text = st.one_of(any_text, st.sampled_from([*INJECTIONS, "change_external_chat", "add_member", "del_member",
                                                "update", "event", "1767225700", "<x>", "&xxe;", "&#xD800;"]))


@st.composite
def xml_bodies(draw: st.DrawFn, docs: list[list[tuple[str, Any]]]) -> bytes:
    fields = list(draw(st.sampled_from(docs)))
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(fields) - 1)) if fields else 0
        op = draw(st.sampled_from(["drop", "replace", "items", "extra", "duplicate", "deep"]))
        if op == "drop" and fields:
            fields.pop(i)
        elif op == "replace" and fields:
            fields[i] = (fields[i][0], draw(xml_text))
        elif op == "items" and fields:
            fields[i] = (fields[i][0], draw(st.lists(xml_text, max_size=4)))
        elif op == "extra":
            fields.insert(i, (draw(st.sampled_from(["Foo", "MsgId", "ChatId", "Item"])), draw(xml_text)))
        elif op == "duplicate" and fields:
            fields.insert(i, fields[i])
        elif op == "deep":
            fields.insert(i, ("Deep", DEEP))
    cdata = draw(st.booleans())

    def wrap(s: str) -> str:
        if s == DEEP:
            return "<a>" * 5000 + "</a>" * 5000
        if cdata:
            return f"<![CDATA[{s}]]>"
        return s.replace("&", "&amp;").replace("<", "&lt;") if draw(st.booleans()) else s

    parts = []
    for tag, val in fields:
        inner = "".join(f"<Item>{wrap(v)}</Item>" for v in val) if isinstance(val, list) else wrap(val)
        parts.append(f"<{tag}>{inner}</{tag}>")
    prefix = draw(st.sampled_from(["", "", '<?xml version="1.0" encoding="UTF-8"?>',
                                   '<?xml version="1.0" encoding="x"?>', '<!DOCTYPE xml [<!ENTITY e "boom">]>']))
    body = (prefix + "<xml>" + "".join(parts) + "</xml>").encode("utf-8", "surrogatepass")
    return draw(corrupt(body))


# -- invariants ---------------------------------------------------------------------------------------------
def _ok_id(s: Any) -> bool:
    return isinstance(s, str) and bool(s) and _utf8(s)


def _utf8(s: str) -> bool:
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_parsed(parsed: Any, adapter: str) -> None:
    """What every Parsed must satisfy for the inbox and the handlers downstream."""
    assert isinstance(parsed, Parsed), parsed
    assert parsed.key is None or _ok_id(parsed.key), parsed.key
    for ev in parsed.events:
        assert ev.chat.adapter == adapter and ev.user.adapter == adapter
        assert _ok_id(ev.event_id) and _ok_id(ev.chat.chat_id) and _ok_id(ev.user.user_id), ev
        assert isinstance(ev.time, float) and math.isfinite(ev.time) and 0 <= ev.time < 1e11, ev.time
        assert isinstance(ev.chat_name, str) and _utf8(ev.chat_name)
        if isinstance(ev, Message):
            assert isinstance(ev.text, str) and _utf8(ev.text) and isinstance(ev.user_name, str)
            assert ev.reply_to is None or _ok_id(ev.reply_to), ev.reply_to
            assert all(_ok_id(m.user_id) for m in ev.mentions), ev.mentions
        elif isinstance(ev, MemberJoined):
            assert ev.invited_by is None or _ok_id(ev.invited_by.user_id)
        elif isinstance(ev, GroupMoved):
            assert _ok_id(ev.old_chat_id)
    # what the inbox stores must serialize (the DB refuses lone surrogates)
    json.dumps([event_to_dict(e) for e in parsed.events], ensure_ascii=False).encode("utf-8")


def wecom_raw(plain: bytes, length: int, receive_id: bytes) -> str:
    """A WeCom ciphertext with a chosen (possibly lying) length field and receiveid."""
    key = WeComCrypto(WECOM_TOKEN, WECOM_AES, "").key
    data = b"\x00" * 16 + struct.pack(">I", length) + plain + receive_id
    pad = BLOCK - len(data) % BLOCK
    data += bytes([pad]) * pad
    enc = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(enc.update(data) + enc.finalize()).decode()
