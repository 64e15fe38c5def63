"""The signed generic JSON adapter (contract §4): how any bridge or script feeds quntag."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from bot.adapters.generic_commerce import KINDS as COMMERCE_KINDS
from bot.adapters.generic_commerce import parse_commerce
from bot.adapters.shared import credentials
from bot.adapters.shared.support import loads, wire
from bot.core.adapter import (
    MALFORMED,
    MISSING,
    STALE,
    AdapterDeps,
    AdapterType,
    Capabilities,
    Learned,
    Parsed,
    SendError,
    WebhookRejected,
    WebReply,
)
from bot.core.config.options import AdapterOptions, text
from bot.core.events import ChatRef, Event, MemberJoined, MemberLeft, Message, UserRef
from bot.core.outgoing import Mention, Outgoing, Text

log = logging.getLogger("quntag.generic")
MAX_SKEW_S = 300
KINDS = ("message", "member_joined", "member_left")


def _outbound_url(value: str) -> str:
    """Empty (nothing can be sent: ``serve`` refuses it unless ``--insecure-dev``) or an http(s) URL with a
    host. The value is never quoted back: a bridge's URL may carry its token."""
    if value.strip():
        try:
            parts = urlsplit(value.strip())
            ok = parts.scheme in ("http", "https") and bool(parts.hostname)
        except ValueError:
            ok = False
        if not ok:
            raise ValueError("must be an http:// or https:// URL with a host")
    return value.strip()


OPTIONS = AdapterOptions((
    text("secret", secret=True),
    text("outbound_url", "", needed_to_send=True, check=_outbound_url),
))


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """``v1=<hex HMAC-SHA256(secret, "<timestamp>." + body)>`` — the contract §4 signature."""
    mac = hmac.new(secret.encode(), wire(timestamp) + b"." + body, hashlib.sha256)
    return "v1=" + mac.hexdigest()


def signed_headers(secret: str, body: bytes, now: float) -> dict[str, str]:
    """Headers for a signed generic request (used for outbound posts, the demo and tests)."""
    ts = str(int(now))
    return {"X-Quntag-Timestamp": ts, "X-Quntag-Signature": sign(secret, ts, body),
            "Content-Type": "application/json"}


def _bad(detail: str) -> WebhookRejected:
    return WebhookRejected(400, MALFORMED, detail)


def _str_field(obj: Mapping[str, Any], key: str, where: str, required: bool = True) -> str:
    val = obj.get(key)
    if val is None:
        if required:
            raise _bad(f"missing field: {where}{key}")
        return ""
    if isinstance(val, bool) or not isinstance(val, str | int):
        raise _bad(f"field {where}{key} must be a string")
    s = str(val)
    if required and not s:
        raise _bad(f"field {where}{key} must not be empty")
    return s


def _obj(payload: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    val = payload.get(key)
    if not isinstance(val, dict):
        raise _bad(f"missing field: {key}")
    return val


def parse_event(adapter: str, payload: Any) -> Event:
    """Validate one generic event dict and normalize it; raises WebhookRejected(400)."""
    if not isinstance(payload, dict):
        raise _bad("body must be a JSON object")
    eid = _str_field(payload, "id", "")
    kind = _str_field(payload, "type", "")
    if kind not in KINDS and kind not in COMMERCE_KINDS:
        raise _bad(f"field type must be one of {', '.join(KINDS + COMMERCE_KINDS)}")
    t = payload.get("time")
    if isinstance(t, bool) or not isinstance(t, int | float) or not (0 <= t < 1e11):
        raise _bad("field time must be unix seconds")
    if kind in COMMERCE_KINDS:
        return parse_commerce(adapter, payload, eid, kind, float(t))
    private = payload.get("private", False)
    if not isinstance(private, bool):
        raise _bad("field private must be true or false")
    if private:
        return _private_message(adapter, payload, eid, kind, float(t))
    group, user = _obj(payload, "group"), _obj(payload, "user")
    chat = ChatRef(adapter, _str_field(group, "id", "group."))
    who = UserRef(adapter, _str_field(user, "id", "user."))
    chat_name = _str_field(group, "name", "group.", required=False)
    user_name = _str_field(user, "name", "user.", required=False)
    if kind == "message":
        text = payload.get("text")
        if not isinstance(text, str):
            raise _bad("missing field: text")
        mentions = payload.get("mentions") or []
        if not isinstance(mentions, list) or not all(isinstance(m, str | int) for m in mentions):
            raise _bad("field mentions must be a list of user ids")
        reply_to = payload.get("reply_to")
        return Message(event_id=eid, chat=chat, user=who, time=float(t), text=text, user_name=user_name,
                       chat_name=chat_name, reply_to=str(reply_to) if reply_to else None,
                       mentions=tuple(UserRef(adapter, str(m)) for m in mentions),
                       is_group_admin=None)
    if kind == "member_joined":
        inv = payload.get("invited_by")
        return MemberJoined(event_id=eid, chat=chat, user=who, time=float(t), user_name=user_name,
                            chat_name=chat_name, invited_by=UserRef(adapter, str(inv)) if inv else None)
    return MemberLeft(event_id=eid, chat=chat, user=who, time=float(t), chat_name=chat_name)


def _private_message(adapter: str, payload: Mapping[str, Any], eid: str, kind: str, t: float) -> Message:
    """A message sent to the bot privately (contract §9): no group; the chat is the person, so it is never
    profiled as group chat and any answer to it goes back privately."""
    if kind != "message":
        raise _bad("only a message can be private")
    if payload.get("group") is not None:
        raise _bad("a private message has no group")
    user = _obj(payload, "user")
    uid = _str_field(user, "id", "user.")
    text = payload.get("text")
    if not isinstance(text, str):
        raise _bad("missing field: text")
    return Message(event_id=eid, chat=ChatRef(adapter, uid), user=UserRef(adapter, uid), time=t, text=text,
                   user_name=_str_field(user, "name", "user.", required=False))


class GenericAdapter:
    """``type = "generic"``: HMAC-SHA256 signed JSON in, signed JSON posted to ``outbound_url`` out."""

    type = "generic"
    ack = WebReply(200, b'{"ok": true}', "application/json")

    def __init__(self, name: str, options: Mapping[str, Any], deps: AdapterDeps) -> None:
        self.name = name
        self.options = OPTIONS.read(f"adapters.{name}", options)
        self.secret = self.options.text("secret")
        self.outbound_url = self.options.text("outbound_url")
        self.deps = deps
        self.capabilities = Capabilities(visibility="all", private_messages=True, membership_events=True,
                                         retries_deliveries=True, max_text_len=4000,
                                         per_chat_per_minute=600, per_chat_per_second=50.0)

    async def start(self) -> None:
        if not self.secret:  # serve refuses this unless --insecure-dev
            log.warning("generic %s: empty secret: anyone can sign events; for development only", self.name)

    async def close(self) -> None:
        return None

    def secrets(self) -> dict[str, str]:
        return self.options.secrets()

    def verify(self, headers: Mapping[str, str], query: Mapping[str, str], body: bytes) -> bytes:
        ts, sig = headers.get("X-Quntag-Timestamp"), headers.get("X-Quntag-Signature")
        if not ts or not sig:
            raise WebhookRejected(401, MISSING, "missing signature")
        sent = credentials.timestamp(ts, status=401)
        credentials.require_same(sig, sign(self.secret, ts, body), "signature", status=401)
        if abs(self.deps.clock() - sent) > MAX_SKEW_S:
            raise WebhookRejected(401, STALE, "stale timestamp")
        return body

    def parse(self, body: bytes) -> Parsed:
        ev = parse_event(self.name, loads(body))
        return Parsed(key=ev.event_id, events=(ev,))

    def learn(self, facts: Sequence[Learned]) -> None:
        return None  # a generic event teaches nothing

    def handshake(self, query: Mapping[str, str]) -> WebReply:
        raise WebhookRejected(405, MALFORMED, "GET not supported")

    def visibility(self, chat: ChatRef | None = None) -> str:
        return "all"

    def can_dm(self, user: UserRef) -> bool:
        return True

    def health(self) -> dict[str, Any]:
        return {"visibility": "all", "type": self.type}

    async def send(self, out: Outgoing) -> None:
        if not self.outbound_url:
            raise SendError(f"adapters.{self.name}.outbound_url is not set", permanent=True)
        if self.deps.session is None:
            raise SendError("no HTTP session", permanent=True)
        body = json.dumps(render(out), ensure_ascii=False).encode()
        try:
            async with self.deps.session.post(
                self.outbound_url, data=body, headers=signed_headers(self.secret, body, self.deps.clock())
            ) as resp:
                if resp.status >= 500 or resp.status == 429:
                    ra = resp.headers.get("Retry-After")
                    raise SendError(f"HTTP {resp.status}", retry_after=float(ra) if ra else None)
                if resp.status >= 400:
                    raise SendError(f"HTTP {resp.status}", permanent=True)
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            raise SendError(f"network: {exc}") from exc

    async def decide_join(self, out: Outgoing) -> None:
        raise SendError("generic events carry no join requests", permanent=True)


def render(out: Outgoing) -> dict[str, Any]:
    """Outgoing → the contract §4 outbound JSON."""
    text = "".join(p.text if isinstance(p, Text) else f"@{p.name or p.user.user_id}" for p in out.parts)
    mentions = [p.user.user_id for p in out.parts if isinstance(p, Mention)]
    if isinstance(out.target, UserRef):
        return {"user": out.target.user_id, "text": text}
    body: dict[str, Any] = {"group": out.target.chat_id, "text": text, "mentions": mentions}
    if out.reply_to:
        body["reply_to"] = out.reply_to
    return body


TYPE = AdapterType("generic", OPTIONS, GenericAdapter)
