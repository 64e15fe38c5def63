"""What both WeCom receivers share: the signed query, the GET echostr handshake, replay defence and
the send-only group webhook (``webhook/send?key=``) for groups with a ``wecom_webhook_key``."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any

from bot.adapters import credentials
from bot.adapters.replay import ReplayCache
from bot.adapters.support import MAX_WINDOW_S, call_json, opt_num, opt_url, truncate_utf8, wire
from bot.adapters.wecom.crypto import CryptoError, WeComCrypto
from bot.adapters.wecom.markup import plain
from bot.core.adapter import (
    BAD_SIGNATURE,
    MISSING,
    STALE,
    AdapterDeps,
    Capabilities,
    ConfigError,
    SendError,
    WebhookRejected,
    WebReply,
    opt_str,
)
from bot.core.events import ChatRef, UserRef
from bot.core.outgoing import Outgoing, Text

log = logging.getLogger("quntag.wecom")

WEBHOOK_RATE_LIMITED = 45009
TEXT_MAX_BYTES = 2048


def render_webhook(out: Outgoing) -> dict[str, Any]:
    """Group-webhook text body: mentions as ``@name`` in the text and as ``mentioned_list`` userids;
    member text cannot spell a ``<@userid>`` mention of its own."""
    text = plain("".join(p.text if isinstance(p, Text) else f"@{p.name or p.user.user_id}" for p in out.parts))
    mentioned = [p.user.user_id for p in out.parts if not isinstance(p, Text)]
    body: dict[str, Any] = {"content": truncate_utf8(text, TEXT_MAX_BYTES)}
    if mentioned:
        body["mentioned_list"] = mentioned
    return {"msgtype": "text", "text": body}


class WeComReceiver:
    """Base of ``wecom_app`` and ``wecom_aibot``; subclasses set ``type``, ``ack`` and parse bodies."""

    type = "wecom"
    ack = WebReply(200, b"", None)

    def __init__(self, name: str, options: Mapping[str, Any], deps: AdapterDeps, receive_id: str,
                 capabilities: Capabilities) -> None:
        where = f"adapters.{name}"
        self.name = name
        self.deps = deps
        self.token = opt_str(options, "token", where)
        self.encoding_aes_key = opt_str(options, "encoding_aes_key", where)
        try:
            self.crypto = WeComCrypto(self.token, self.encoding_aes_key, receive_id)
        except ValueError as exc:
            raise ConfigError(f"{where}.encoding_aes_key: {exc}") from None
        self.api_base = opt_url(options, "api_base", where, "https://qyapi.weixin.qq.com")
        # No timestamp window is documented (UNVERIFIED): default 1 h, never unbounded (the replay cache
        # must cover it).
        self.max_skew_s = opt_num(options, "max_skew_s", where, 3600.0, low=1.0, high=MAX_WINDOW_S)
        self._pending: set[asyncio.Task[None]] = set()
        # WeCom: "nonce unique within 2 h"; a timestamp is good from ts - window to ts + window.
        self.replays = ReplayCache(max(2 * self.max_skew_s, 7200.0), deps.clock)
        self.replays.attach(f"{self.type} {name}", deps.state, self._pending)
        self.capabilities = capabilities

    async def start(self) -> None:
        await self.replays.restore()

    async def close(self) -> None:
        if self._pending:
            await asyncio.gather(*self._pending, return_exceptions=True)

    def secrets(self) -> dict[str, str]:
        return {"token": self.token, "encoding_aes_key": self.encoding_aes_key}

    def visibility(self, chat: ChatRef | None = None) -> str:
        return self.capabilities.visibility

    def can_dm(self, user: UserRef) -> bool:
        return False

    # -- inbound ---------------------------------------------------------------------------------
    def authenticate(self, query: Mapping[str, str], encrypted: str) -> bytes:
        """Check ``msg_signature``/``timestamp``/``nonce`` over ``encrypted`` and decrypt it."""
        sig, ts, nonce = (query.get(k, "") for k in ("msg_signature", "timestamp", "nonce"))
        if not sig or not ts or not nonce:
            raise WebhookRejected(401, MISSING, "missing msg_signature, timestamp or nonce")
        sent = credentials.timestamp(ts)
        credentials.nonce(nonce)
        try:
            self.crypto.check(sig, ts, nonce, encrypted)
        except CryptoError:
            raise WebhookRejected(403, BAD_SIGNATURE, "bad msg_signature") from None
        if not abs(self.deps.clock() - sent) <= self.max_skew_s:
            raise WebhookRejected(403, STALE, "stale timestamp")
        try:
            plain = self.crypto.decrypt(encrypted)
        except CryptoError as exc:
            raise WebhookRejected(403, BAD_SIGNATURE, f"cannot decrypt: {exc}") from None
        # timestamp and nonce are canonical (one spelling each), so the nonce key is exactly what was signed.
        if not self.replays.check(nonce, wire(ts), wire(encrypted), body=plain):
            raise WebhookRejected(403, STALE, "replayed nonce")
        return plain

    def handshake(self, query: Mapping[str, str]) -> WebReply:
        """GET ``?msg_signature&timestamp&nonce&echostr`` → the decrypted echostr, as plain text."""
        echostr = query.get("echostr", "")
        if not echostr:
            raise WebhookRejected(401, MISSING, "missing echostr")
        plain = self.authenticate(query, echostr)
        return WebReply(200, plain, "text/plain")

    # -- outbound --------------------------------------------------------------------------------
    def webhook_key(self, chat: ChatRef) -> str:
        settings = self.deps.groups.get(chat.id) or {}
        key = settings.get("wecom_webhook_key")
        return key if isinstance(key, str) else ""

    async def send_webhook(self, key: str, out: Outgoing) -> None:
        url = f"{self.api_base}/cgi-bin/webhook/send"
        status, _, data = await call_json(self.deps.session, "POST", url, body=render_webhook(out),
                                          params={"key": key})
        code = data.get("errcode")
        if status < 300 and code == 0:
            return
        if code == WEBHOOK_RATE_LIMITED:
            raise SendError("wecom group webhook: 20 messages/min exceeded", retry_after=60.0)
        raise SendError(f"wecom group webhook HTTP {status} errcode {code}: {data.get('errmsg', '')}",
                        permanent=True)
