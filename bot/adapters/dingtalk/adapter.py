"""``type = "dingtalk"``: an enterprise-internal app robot's HTTP callback (only @robot messages).

Inbound: headers ``timestamp`` (ms) and ``sign`` = Base64(HMAC-SHA256(appSecret, timestamp + "\\n" +
appSecret)), ±1 h. The body itself is not signed, so each (timestamp, sign) pair — exactly as
verified, canonical spelling only — is accepted with one body only, across restarts. Outbound: the
message's ``sessionWebhook`` (only from a verified delivery, only on DingTalk's host, at most 2 h)
while valid, else the robot group-message API with a cached access token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from bot.adapters.shared import credentials
from bot.adapters.shared.replay_cache import ReplayCache
from bot.adapters.shared.reply_urls import ReplyUrls, url_prefix
from bot.adapters.shared.support import (
    MAX_TIME,
    MAX_WINDOW_S,
    TokenCache,
    as_dict,
    as_list,
    as_str,
    bad,
    call_json,
    header,
    load_json_object,
    retry_after,
    unix_time,
    wire,
)
from bot.core.adapter import (
    MISSING,
    STALE,
    AdapterDeps,
    Capabilities,
    Learned,
    Parsed,
    SendError,
    WebhookRejected,
    WebReply,
)
from bot.core.config.options import AdapterOptions, flag, number, text, url
from bot.core.events import ChatRef, Message, UserRef
from bot.core.outgoing import Mention, Outgoing, Text

log = logging.getLogger("quntag.dingtalk")

OPTIONS = AdapterOptions((
    text("app_key"),
    text("app_secret", secret=True),
    text("robot_code", ""),  # empty: the app_key
    url("api_base", "https://api.dingtalk.com"),
    number("max_skew_s", 3600.0, low=1.0, high=MAX_WINDOW_S),
    # platforms.md §4d: sessionWebhook is https://oapi.dingtalk.com/robot/sendBySession?session=…
    text("session_webhook_prefix", "https://oapi.dingtalk.com/", check=url_prefix),
    flag("replay_guard", True),
))
SESSION = "session:"  # learned in memory only: session:<conversationId> → [sessionWebhook, expires at]


def sign(app_secret: str, timestamp: str) -> str:
    mac = hmac.new(app_secret.encode(), wire(f"{timestamp}\n{app_secret}"), hashlib.sha256)
    return base64.b64encode(mac.digest()).decode()


def message_text(payload: Mapping[str, Any]) -> str:
    kind = payload.get("msgtype")
    if kind == "text":
        return as_str(as_dict(payload.get("text")).get("content")).strip()
    if kind == "richText":
        items = as_list(as_dict(payload.get("content")).get("richText"))
        return "".join(as_str(as_dict(i).get("text")) for i in items).strip()
    return ""  # pictures, audio, files: activity without text


class DingTalkAdapter:
    type = "dingtalk"
    ack = WebReply(200, b"", None)

    def __init__(self, name: str, options: Mapping[str, Any], deps: AdapterDeps) -> None:
        self.name = name
        self.deps = deps
        self.options = OPTIONS.read(f"adapters.{name}", options)
        self.app_key = self.options.text("app_key")
        self.app_secret = self.options.text("app_secret")
        self.robot_code = self.options.text("robot_code") or self.app_key
        self.api_base = self.options.text("api_base")
        self.max_skew_s = self.options.number("max_skew_s")
        self.reply_urls = ReplyUrls(self.options.text("session_webhook_prefix"), deps.clock)
        self.replay_guard = self.options.flag("replay_guard")
        self.replays = ReplayCache(2 * self.max_skew_s, deps.clock)
        self.tokens = TokenCache(deps.clock, margin=600.0)
        self.sessions: dict[str, tuple[str, float]] = {}  # conversationId → (sessionWebhook, expires at)
        self.capabilities = Capabilities(visibility="mentions", private_messages=False, membership_events=False,
                                         retries_deliveries=False, max_text_len=5000, per_chat_per_minute=20,
                                         per_chat_per_second=1.0)

    async def start(self) -> None:
        await self.replays.restore(self.deps.state, f"dingtalk {self.name}")
        if not self.replay_guard:
            log.warning("dingtalk %s: replay_guard = false: an observed (timestamp, sign) pair may carry any body "
                        "for %.0f s; for development only", self.name, self.max_skew_s)

    async def close(self) -> None:
        return None

    def secrets(self) -> dict[str, str]:
        return self.options.secrets()

    def visibility(self, chat: ChatRef | None = None) -> str:
        return "mentions"

    def can_dm(self, user: UserRef) -> bool:
        return False

    def health(self) -> dict[str, Any]:
        return {"visibility": "mentions", "type": self.type,
                "sees": "only group messages that @ the robot; no joins or leaves"}

    # -- inbound ---------------------------------------------------------------------------------
    def verify(self, headers: Mapping[str, str], query: Mapping[str, str], body: bytes) -> bytes:
        ts, got = header(headers, "timestamp"), header(headers, "sign")
        if not ts or not got:
            raise WebhookRejected(401, MISSING, "missing timestamp or sign")
        sent_ms = credentials.timestamp(ts)
        credentials.require_same(got, sign(self.app_secret, ts), "sign")
        if not abs(self.deps.clock() - sent_ms / 1000.0) <= self.max_skew_s:
            raise WebhookRejected(403, STALE, "stale timestamp")
        # ts and sign are now byte-exact and canonical: the key is exactly what was verified.
        if self.replay_guard and not self.replays.check(f"{ts}:{got}", body, body=body):
            raise WebhookRejected(403, STALE, "timestamp/sign reused with another body")
        self.reply_urls.verified(body)
        return body

    def parse(self, body: bytes) -> Parsed:
        parsed = self._parse(body)
        # only now: a rejected delivery leaves no trace
        return replace(parsed, learned=(*parsed.learned, *self.replays.learned(body)))

    def learn(self, facts: Sequence[Learned]) -> None:
        for fact in facts:
            if fact.key.startswith(SESSION) and fact.value is not None:
                url, until = json.loads(fact.value)
                conv = fact.key[len(SESSION):]
                prev = self.sessions.get(conv)
                if prev is None or until >= prev[1]:
                    self.sessions[conv] = (url, until)
        self.replays.saved(facts)

    def _parse(self, body: bytes) -> Parsed:
        p = load_json_object(body)
        msg_id, conv = as_str(p.get("msgId")), as_str(p.get("conversationId"))
        if not msg_id or not conv:
            raise bad("missing msgId or conversationId")
        if as_str(p.get("conversationType")) != "2":
            return Parsed(key=msg_id, ignored="private_chat")
        user_id = as_str(p.get("senderStaffId")) or as_str(p.get("senderId"))
        if not user_id:
            raise bad("missing senderStaffId and senderId")
        when = unix_time(p.get("createAt"), "createAt", scale=1000.0, strings=True)
        bot_id = as_str(p.get("chatbotUserId"))
        mentions = []
        for u in as_list(p.get("atUsers")):
            u = as_dict(u)
            if bot_id and as_str(u.get("dingtalkId")) == bot_id:
                continue
            uid = as_str(u.get("staffId")) or as_str(u.get("dingtalkId"))
            if uid:
                mentions.append(UserRef(self.name, uid))
        session = self._session(body, conv, p)
        ev = Message(event_id=msg_id, chat=ChatRef(self.name, conv), user=UserRef(self.name, user_id), time=when,
                     text=message_text(p), user_name=as_str(p.get("senderNick")),
                     chat_name=as_str(p.get("conversationTitle")), mentions=tuple(mentions),
                     mentions_bot=p.get("isInAtList") is not False)
        return Parsed(key=msg_id, events=(ev,), learned=session)

    def _session(self, body: bytes, conv: str, p: Mapping[str, Any]) -> tuple[Learned, ...]:
        """The group's sessionWebhook as a fact to learn, if this body may supply one."""
        url, expires = as_str(p.get("sessionWebhook")), p.get("sessionWebhookExpiredTime")
        if isinstance(expires, bool) or not isinstance(expires, int | float) or not 0 <= expires < MAX_TIME * 1000:
            return ()  # huge ints overflow a float, NaN and inf mean nothing
        until = self.reply_urls.expiry(body, url, expires / 1000.0)
        if until is None:
            return ()  # unverified body, or a URL elsewhere: we would post our replies wherever a body says
        return (Learned(SESSION + conv, json.dumps([url, until]), durable=False),)

    def handshake(self, query: Mapping[str, str]) -> WebReply:
        raise WebhookRejected(405, "malformed", "GET not supported")

    # -- outbound --------------------------------------------------------------------------------
    async def _fetch_token(self) -> tuple[str, float]:
        _, _, data = await call_json(self.deps.session, "POST", f"{self.api_base}/v1.0/oauth2/accessToken",
                                     body={"appKey": self.app_key, "appSecret": self.app_secret})
        token, expire = as_str(data.get("accessToken")), data.get("expireIn")
        if not token:
            raise SendError(f"dingtalk accessToken: {data.get('code', '')} {data.get('message', '')}")
        return token, float(expire) if isinstance(expire, int | float) and expire > 0 else 7200.0

    async def _send_session(self, url: str, out: Outgoing) -> bool:
        text = "".join(p.text if isinstance(p, Text) else f"@{p.user.user_id}" for p in out.parts)
        at_ids = [p.user.user_id for p in out.parts if isinstance(p, Mention)]
        body = {"msgtype": "text", "text": {"content": text}, "at": {"atUserIds": at_ids, "isAtAll": False}}
        status, _, data = await call_json(self.deps.session, "POST", url, body=body)
        if status < 300 and data.get("errcode", 0) == 0:
            return True
        log.info("dingtalk %s: sessionWebhook refused (HTTP %s errcode %s); using the group API",
                 self.name, status, data.get("errcode"))
        return False

    async def send(self, out: Outgoing) -> None:
        if not isinstance(out.target, ChatRef):
            raise SendError("dingtalk private messages are not supported", permanent=True)
        conv = out.target.chat_id
        session = self.sessions.get(conv)
        if session is not None and session[1] > self.deps.clock() + 30:
            if await self._send_session(session[0], out):
                return
            self.sessions.pop(conv, None)
        text = "".join(p.text if isinstance(p, Text) else f"@{p.name or p.user.user_id}" for p in out.parts)
        body = {"robotCode": self.robot_code, "openConversationId": conv, "msgKey": "sampleText",
                "msgParam": json.dumps({"content": text}, ensure_ascii=False)}
        for attempt in range(2):
            token = await self.tokens.get(self._fetch_token)
            status, rh, data = await call_json(self.deps.session, "POST",
                                               f"{self.api_base}/v1.0/robot/groupMessages/send", body=body,
                                               headers={"x-acs-dingtalk-access-token": token})
            if status < 300:
                return
            if status == 401 and attempt == 0:
                self.tokens.invalidate()
                continue
            code = as_str(data.get("code"))
            if "limit" in code.lower() or "throttl" in code.lower():
                raise SendError(f"dingtalk rate limit: {code}", retry_after=retry_after(rh, 60.0))
            raise SendError(f"dingtalk HTTP {status} {code}: {data.get('message', '')}", permanent=True)

    async def decide_join(self, out: Outgoing) -> None:
        raise SendError("dingtalk has no join requests to decide", permanent=True)
