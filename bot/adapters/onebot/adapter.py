"""``type = "onebot"``: OneBot v11 HTTP POST events in (HMAC-SHA1 signed), HTTP API out."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
from collections.abc import Mapping
from typing import Any

import aiohttp

from bot.adapters import credentials
from bot.adapters.joins import onebot_decision_call
from bot.adapters.onebot.parse import EventParser, OneBotState
from bot.adapters.persist import persist_later
from bot.adapters.support import ascii_int, loads
from bot.core.adapter import (
    MALFORMED,
    MISSING,
    AdapterDeps,
    Capabilities,
    Parsed,
    SendError,
    WebhookRejected,
    WebReply,
    check_keys,
    opt_str,
)
from bot.core.events import ChatRef, UserRef
from bot.core.outgoing import Mention, Outgoing, Text

log = logging.getLogger("quntag.onebot")
OPTIONS = {"secret", "access_token", "api_base"}
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
        where = f"adapters.{name}"
        check_keys(options, OPTIONS, where)
        self.name = name
        self.secret = opt_str(options, "secret", where, "")
        self.access_token = opt_str(options, "access_token", where, "")
        self.api_base = opt_str(options, "api_base", where, "http://127.0.0.1:3000").rstrip("/")
        self.deps = deps
        self.state = OneBotState()
        self._pending: set[asyncio.Task[None]] = set()
        self.capabilities = Capabilities(visibility="all", private_messages=True, membership_events=True,
                                         retries_deliveries=False, max_text_len=4000,
                                         per_chat_per_minute=20, per_chat_per_second=1.0)

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
        self.state.dm_users |= {k[3:] for k in stored if k.startswith("dm:")}

    async def close(self) -> None:
        if self._pending:
            await asyncio.gather(*self._pending, return_exceptions=True)

    def secrets(self) -> dict[str, str]:
        return {"secret": self.secret, "access_token": self.access_token}

    def verify(self, headers: Mapping[str, str], query: Mapping[str, str], body: bytes) -> bytes:
        if not self.secret:
            return body
        got = headers.get("X-Signature")
        if not got:
            raise WebhookRejected(401, MISSING, "missing X-Signature")
        credentials.require_same(got, signature(self.secret, body), "X-Signature")  # exact: sha1=<lowercase hex>
        return body

    def parse(self, body: bytes) -> Parsed:
        payload = loads(body)
        parser = EventParser(self.name, self.state)
        parsed = parser.parse(payload)
        self._persist(parser.writes)
        return parsed

    def _persist(self, writes: list[tuple[str, str | None]]) -> None:
        persist_later(f"onebot {self.name}", self.deps.state, writes, self._pending)

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
        if out.join is None or not out.join.request_id:
            raise SendError("join decision without a request flag", permanent=True)
        action, params = onebot_decision_call(out)
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
