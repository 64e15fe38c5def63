"""What both WeCom receivers share: the signed query, the GET echostr handshake, replay defence and
the send-only group webhook (``webhook/send?key=``) for groups with a ``wecom_webhook_key``.

``wecom_webhook_key`` is a per-group option both types declare: ``[groups.adapter] wecom_webhook_key``,
or directly under ``[[groups]]`` (the older spelling, kept).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from bot.adapters.shared import credentials
from bot.adapters.shared.replay_cache import ReplayCache
from bot.adapters.shared.support import MAX_WINDOW_S, call_json, truncate_utf8, wire
from bot.adapters.wecom.crypto import CryptoError, WeComCrypto, aes_key
from bot.adapters.wecom.markup import plain
from bot.core.adapter import (
    BAD_SIGNATURE,
    MISSING,
    STALE,
    AdapterDeps,
    Capabilities,
    Learned,
    SendError,
    WebhookRejected,
    WebReply,
)
from bot.core.config.options import Option, Options, number, text, url
from bot.core.events import ChatRef, UserRef
from bot.core.outgoing import Outgoing, Text

log = logging.getLogger("quntag.wecom")

WEBHOOK_RATE_LIMITED = 45009
TEXT_MAX_BYTES = 2048
WEBHOOK_KEY = "wecom_webhook_key"


def _aes_key(value: str) -> str:
    aes_key(value)  # ValueError names what is wrong with it
    return value


# The options both receivers declare (each adds its own).
COMMON_OPTIONS = (
    text("token", secret=True),
    text("encoding_aes_key", secret=True, check=_aes_key),  # 43 characters
    url("api_base", "https://qyapi.weixin.qq.com"),
    # No timestamp window is documented (UNVERIFIED): default 1 h, never unbounded (the replay cache
    # must cover it).
    number("max_skew_s", 3600.0, low=1.0, high=MAX_WINDOW_S),
)
GROUP_OPTIONS: tuple[Option, ...] = (text(WEBHOOK_KEY, ""),)  # the group's send-only webhook key


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

    def __init__(self, name: str, options: Options, deps: AdapterDeps, receive_id: str,
                 capabilities: Capabilities) -> None:
        self.name = name
        self.deps = deps
        self.options = options
        self.token = options.text("token")
        self.encoding_aes_key = options.text("encoding_aes_key")
        self.crypto = WeComCrypto(self.token, self.encoding_aes_key, receive_id)
        self.api_base = options.text("api_base")
        self.max_skew_s = options.number("max_skew_s")
        # WeCom: "nonce unique within 2 h"; a timestamp is good from ts - window to ts + window.
        self.replays = ReplayCache(max(2 * self.max_skew_s, 7200.0), deps.clock)
        self.capabilities = capabilities

    async def start(self) -> None:
        await self.replays.restore(self.deps.state, f"{self.type} {self.name}")

    async def close(self) -> None:
        return None

    def secrets(self) -> dict[str, str]:
        return self.options.secrets()

    def learn(self, facts: Sequence[Learned]) -> None:
        self.replays.saved(facts)

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
        """The group's ``wecom_webhook_key`` ("" when it has none)."""
        key = (self.deps.groups.get(chat.id) or {}).get(WEBHOOK_KEY)
        return key if isinstance(key, str) else ""

    async def decide_join(self, out: Outgoing) -> None:
        raise SendError(f"{self.type} has no join requests to decide", permanent=True)

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
