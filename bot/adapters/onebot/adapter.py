"""``type = "onebot"``: OneBot v11 HTTP POST events in (HMAC-SHA1 signed), HTTP API out."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import aiohttp

from bot.adapters.onebot.joins import decision_call
from bot.adapters.onebot.moderation import KINDS, action_call
from bot.adapters.onebot.parse import EventParser, OneBotState
from bot.adapters.shared import credentials
from bot.adapters.shared.support import ascii_int, loads
from bot.core.adapter import (
    MALFORMED,
    MISSING,
    AdapterDeps,
    Capabilities,
    Learned,
    Parsed,
    SendError,
    WebhookRejected,
    WebReply,
)
from bot.core.config.options import AdapterOptions, text
from bot.core.events import ChatRef, UserRef
from bot.core.outgoing import Mention, Outgoing, Text

log = logging.getLogger("quntag.onebot")
OPTIONS = AdapterOptions((
    text("secret", "", secret=True),  # empty: deliveries are accepted unsigned (serve refuses it)
    text("access_token", "", secret=True),
    text("api_base", "http://127.0.0.1:3000"),
))
PERMANENT_RETCODES = frozenset({100, 102, 104, 1400, 1401, 1403, 1404})


def signature(secret: str, body: bytes) -> str:
    """``sha1=<hex HMAC-SHA1(secret, raw body)>`` as sent in ``X-Signature``."""
    return "sha1=" + hmac.new(secret.encode(), body, hashlib.sha1).hexdigest()


def _id(value: str) -> int | str:
    """A QQ number as an int; other ids (bridges such as ``12345678@chatroom``) stay strings. Empty ids and
    numbers in non-ASCII digits ("²", "٣", which ``isdigit`` accepts) are refused, never guessed."""
    num = ascii_int(value)
    if num is not None:
        return num
    if not value.strip() or value.isdigit():  # ASCII digits returned above: these are other digits
        raise SendError(f"not a OneBot id: {value!r}", permanent=True)
    return value


def render(out: Outgoing) -> list[dict[str, Any]]:
    """Outgoing → a OneBot segment array (never a CQ string, so nothing needs escaping)."""
    segs: list[dict[str, Any]] = []
    if out.reply_to and isinstance(out.target, ChatRef):
        segs.append({"type": "reply", "data": {"id": out.reply_to}})
    for part in out.parts:
        if isinstance(part, Text):
            if part.text:
                segs.append({"type": "text", "data": {"text": part.text}})
        elif isinstance(part, Mention):
            segs.append({"type": "at", "data": {"qq": part.user.user_id}})
    return segs


class OneBotAdapter:
    type = "onebot"
    ack = WebReply(204, b"")

    def __init__(self, name: str, options: Mapping[str, Any], deps: AdapterDeps) -> None:
        self.name = name
        self.options = OPTIONS.read(f"adapters.{name}", options)
        self.secret = self.options.text("secret")
        self.access_token = self.options.text("access_token")
        self.api_base = self.options.text("api_base").rstrip("/")
        self.deps = deps
        self.state = OneBotState()
        self.capabilities = Capabilities(visibility="all", private_messages=True, membership_events=True,
                                         retries_deliveries=False, max_text_len=4000,
                                         per_chat_per_minute=20, per_chat_per_second=1.0, join_requests=True,
                                         moderation=KINDS)

    async def start(self) -> None:
        if not self.secret:  # serve refuses this unless --insecure-dev
            log.warning("onebot %s: no secret: deliveries are accepted unsigned; for development only", self.name)
        if self.deps.state is None:
            return
        try:
            stored = await self.deps.state.load()
        except Exception:
            log.exception("onebot %s: could not load stored state", self.name)
            return
        self.state.apply(Learned(k, v) for k, v in stored.items())

    async def close(self) -> None:
        return None

    def secrets(self) -> dict[str, str]:
        return self.options.secrets()

    def verify(self, headers: Mapping[str, str], query: Mapping[str, str], body: bytes) -> bytes:
        if not self.secret:
            return body
        got = headers.get("X-Signature")
        if not got:
            raise WebhookRejected(401, MISSING, "missing X-Signature")
        credentials.require_same(got, signature(self.secret, body), "X-Signature")  # exact: sha1=<lowercase hex>
        return body

    def parse(self, body: bytes) -> Parsed:
        parser = EventParser(self.name, self.state)
        parsed = parser.parse(loads(body))
        return replace(parsed, learned=tuple(parser.learned)) if parser.learned else parsed

    def learn(self, facts: Sequence[Learned]) -> None:
        self.state.apply(facts)

    def handshake(self, query: Mapping[str, str]) -> WebReply:
        raise WebhookRejected(405, MALFORMED, "GET not supported")

    def visibility(self, chat: ChatRef | None = None) -> str:
        return "all"

    def can_dm(self, user: UserRef) -> bool:
        return user.user_id in self.state.dm_users

    def health(self) -> dict[str, Any]:
        return {"type": self.type, "visibility": "all", "self_ids": sorted(self.state.self_ids)}

    async def send(self, out: Outgoing) -> None:
        message = render(out)
        if isinstance(out.target, UserRef):
            if not self.can_dm(out.target):
                raise SendError(f"user {out.target.id} never wrote to the bot privately", permanent=True)
            action, body = "send_private_msg", {"user_id": _id(out.target.user_id), "message": message}
        else:
            action, body = "send_group_msg", {"group_id": _id(out.target.chat_id), "message": message}
        await self.call(action, body)

    async def decide_join(self, out: Outgoing) -> None:
        """A JoinDecision → ``set_group_add_request`` (same Bearer token and retcode rules as sends)."""
        try:
            action, params = decision_call(out)
        except ValueError as exc:
            raise SendError(str(exc), permanent=True) from None
        await self.call(action, params)

    async def moderate(self, out: Outgoing) -> None:
        """A ModAction → ``delete_msg`` / ``set_group_ban`` / ``set_group_kick``."""
        group = ascii_int(out.target.chat_id) if isinstance(out.target, ChatRef) else None
        if out.action is None or group is None:
            raise SendError("not a moderation action in a QQ group", permanent=True)
        try:
            action, params = action_call(group, out.action)
        except ValueError as exc:
            raise SendError(str(exc), permanent=True) from None
        await self.call(action, params)

    async def call(self, action: str, params: Mapping[str, Any]) -> Any:
        """One OneBot HTTP API call; returns ``data`` or raises SendError classified for the outbox."""
        if self.deps.session is None:
            raise SendError("no HTTP session", permanent=True)
        headers = {"Authorization": f"Bearer {self.access_token}"} if self.access_token else {}
        try:
            async with self.deps.session.post(f"{self.api_base}/{action}", json=params, headers=headers) as resp:
                status = resp.status
                raw = await resp.read()
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            raise SendError(f"network: {exc}") from exc
        if status == 429 or status >= 500:
            ra = resp.headers.get("Retry-After", "")
            raise SendError(f"HTTP {status}", retry_after=float(ra) if ra.isdigit() else None)
        if status >= 400:
            raise SendError(f"HTTP {status}", permanent=True)
        try:
            data = json.loads(raw) if raw else {}
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise SendError(f"HTTP {status}: not JSON") from None
        if not isinstance(data, dict):
            raise SendError(f"HTTP {status}: unexpected answer")
        retcode = data.get("retcode", 0)
        if data.get("status") != "failed" and retcode in (0, 1):  # 1: accepted asynchronously
            return data.get("data")
        detail = f"retcode {retcode}: {data.get('wording') or data.get('message') or data.get('msg') or ''}"
        raise SendError(detail.strip(), permanent=retcode in PERMANENT_RETCODES)
