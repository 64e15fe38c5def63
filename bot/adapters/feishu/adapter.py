"""``type = "feishu"``: Feishu/Lark event subscription in, ``im/v1/messages`` out."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any
from urllib.parse import quote

from bot.adapters.feishu import crypto
from bot.adapters.feishu.events import parse_payload
from bot.adapters.feishu.render import render_post
from bot.adapters.shared import credentials
from bot.adapters.shared.replay_cache import ReplayCache
from bot.adapters.shared.support import (
    MAX_WINDOW_S,
    TokenCache,
    as_dict,
    as_str,
    bad,
    call_json,
    header,
    load_json_object,
    retry_after,
)
from bot.core.adapter import (
    BAD_SIGNATURE,
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
from bot.core.config.options import AdapterOptions, OptionError, Options, flag, number, text, url
from bot.core.events import ChatRef, UserRef
from bot.core.outgoing import Outgoing

log = logging.getLogger("quntag.feishu")



def _encryption_required(opts: Options) -> None:
    # Without an Encrypt Key Feishu signs nothing: only the verification token, which every delivery
    # repeats, stands between a stranger and the webhook — no timestamp, no replay protection.
    if not opts.text("encrypt_key") and not opts.flag("allow_unencrypted"):
        raise OptionError("encrypt_key", "required (without it callbacks are unsigned and replayable); "
                                         "set allow_unencrypted = true only for development")


OPTIONS = AdapterOptions((
    text("app_id"),
    text("app_secret", secret=True),
    text("verification_token", secret=True),
    text("encrypt_key", "", secret=True, blank_ok=True),
    flag("allow_unencrypted", False),
    url("api_base", "https://open.feishu.cn"),
    flag("group_msg_scope", False),
    text("bot_open_id", ""),
    # Feishu documents no timestamp window and retries for ~7.1 h: default 8 h, never unbounded.
    number("max_skew_s", 8 * 3600.0, low=1.0, high=MAX_WINDOW_S),
), rules=(_encryption_required,))
RATE_LIMITED = 99991400
TOKEN_INVALID = {99991661, 99991663, 99991664, 99991665, 99991668}


class FeishuAdapter:
    type = "feishu"
    ack = WebReply(200, b"{}", "application/json")

    def __init__(self, name: str, options: Mapping[str, Any], deps: AdapterDeps) -> None:
        self.name = name
        self.deps = deps
        self.options = OPTIONS.read(f"adapters.{name}", options)
        self.app_id = self.options.text("app_id")
        self.app_secret = self.options.text("app_secret")
        self.verification_token = self.options.text("verification_token")
        self.encrypt_key = self.options.text("encrypt_key")
        self.api_base = self.options.text("api_base")
        self.group_msg_scope = self.options.flag("group_msg_scope")
        self.bot_open_id = self.options.text("bot_open_id")
        self.max_skew_s = self.options.number("max_skew_s")
        # a timestamp is good from ts - window to ts + window: keep its key that long after we first see it
        self.replays = ReplayCache(2 * self.max_skew_s, deps.clock)
        self.tokens = TokenCache(deps.clock, margin=600.0)
        # max_text_len: a post body is limited to 30 KB, and 8000 CJK characters stay below it.
        self.capabilities = Capabilities(
            visibility="all" if self.group_msg_scope else "mentions", private_messages=False,
            membership_events=True, retries_deliveries=True, max_text_len=8000,
            per_chat_per_minute=300, per_chat_per_second=5.0)

    # -- lifecycle -------------------------------------------------------------------------------
    async def start(self) -> None:
        await self.replays.restore(self.deps.state, f"feishu {self.name}")
        if not self.encrypt_key:
            log.warning("feishu %s: allow_unencrypted = true: callbacks are checked by the verification token "
                        "only (no signature, timestamp or replay check); for development only", self.name)
        if self.bot_open_id or self.deps.session is None:
            return
        try:
            token = await self.tokens.get(self._fetch_token)
            _, _, data = await call_json(self.deps.session, "GET", f"{self.api_base}/open-apis/bot/v3/info",
                                         headers={"Authorization": f"Bearer {token}"})
        except SendError as exc:
            log.warning("feishu %s: cannot fetch bot info (%s); @bot detection off until restart", self.name, exc)
            return
        self.bot_open_id = as_str(as_dict(data.get("bot")).get("open_id"))

    async def close(self) -> None:
        return None

    def secrets(self) -> dict[str, str]:
        return self.options.secrets()

    def visibility(self, chat: ChatRef | None = None) -> str:
        return self.capabilities.visibility

    def can_dm(self, user: UserRef) -> bool:
        return False

    def health(self) -> dict[str, Any]:
        return {"visibility": self.capabilities.visibility, "type": self.type,
                "sees": "all group messages" if self.group_msg_scope else "only messages that @ the bot",
                "bot_open_id_known": bool(self.bot_open_id)}

    # -- inbound ---------------------------------------------------------------------------------
    def _check_signature(self, headers: Mapping[str, str], body: bytes) -> str:
        """The replay key of a correctly signed request ("" when it carries no signature)."""
        sig = header(headers, "X-Lark-Signature")
        if not sig:
            return ""
        ts, nonce = header(headers, "X-Lark-Request-Timestamp"), header(headers, "X-Lark-Request-Nonce")
        sent = credentials.timestamp(ts)
        credentials.nonce(nonce)
        credentials.require_same(sig, crypto.signature(ts, nonce, self.encrypt_key, body), "X-Lark-Signature")
        at = sent / 1000.0 if sent > 1e11 else float(sent)  # seconds expected; tolerate ms (unit UNVERIFIED)
        if not abs(self.deps.clock() - at) <= self.max_skew_s:
            raise WebhookRejected(403, STALE, "stale timestamp")
        # The signature covers the concatenation ts + nonce: key on exactly that, so moving characters
        # between the two headers names the same entry.
        return ts + nonce

    def verify(self, headers: Mapping[str, str], query: Mapping[str, str], body: bytes) -> bytes:
        outer = load_json_object(body)
        signed = self._check_signature(headers, body) if self.encrypt_key else ""
        plain, payload = body, outer
        if "encrypt" in outer:
            if not self.encrypt_key:
                raise bad(f"encrypted callback but adapters.{self.name}.encrypt_key is not set")
            try:
                plain = crypto.decrypt(self.encrypt_key, as_str(outer.get("encrypt")))
            except crypto.DecryptError:
                raise WebhookRejected(403, BAD_SIGNATURE, "cannot decrypt") from None
            try:
                payload = load_json_object(plain)
            except WebhookRejected:
                raise WebhookRejected(403, BAD_SIGNATURE, "cannot decrypt") from None
        challenge = payload.get("type") == "url_verification"
        token = as_str(as_dict(payload.get("header")).get("token") if "header" in payload else payload.get("token"))
        if not token:
            raise WebhookRejected(401, MISSING, "missing verification token")
        if not credentials.same(token, self.verification_token):
            raise WebhookRejected(403, BAD_SIGNATURE, "wrong verification token")
        if self.encrypt_key and not challenge and not signed:
            raise WebhookRejected(401, MISSING, "missing X-Lark-Signature")
        if signed and not self.replays.check(signed, body, body=plain):
            raise WebhookRejected(403, STALE, "replayed nonce")
        return plain

    def parse(self, body: bytes) -> Parsed:
        parsed = parse_payload(self.name, load_json_object(body), self.bot_open_id)
        return replace(parsed, learned=self.replays.learned(body))  # only now: a rejected one leaves no trace

    def learn(self, facts: Sequence[Learned]) -> None:
        self.replays.saved(facts)

    def handshake(self, query: Mapping[str, str]) -> WebReply:
        raise WebhookRejected(405, "malformed", "GET not supported")

    # -- outbound --------------------------------------------------------------------------------
    async def _fetch_token(self) -> tuple[str, float]:
        url = f"{self.api_base}/open-apis/auth/v3/tenant_access_token/internal"
        _, _, data = await call_json(self.deps.session, "POST", url,
                                     body={"app_id": self.app_id, "app_secret": self.app_secret})
        token = as_str(data.get("tenant_access_token"))
        if data.get("code") != 0 or not token:
            raise SendError(f"tenant_access_token: code {data.get('code')} {data.get('msg', '')}")
        expire = data.get("expire")
        return token, float(expire) if isinstance(expire, int | float) and expire > 0 else 7200.0

    async def _post(self, url: str, body: dict[str, Any], params: dict[str, str] | None) -> None:
        for attempt in range(2):
            token = await self.tokens.get(self._fetch_token)
            status, rh, data = await call_json(self.deps.session, "POST", url, body=body, params=params,
                                               headers={"Authorization": f"Bearer {token}"})
            code = data.get("code")
            if status < 300 and code == 0:
                return
            if code in TOKEN_INVALID and attempt == 0:
                self.tokens.invalidate()
                continue
            if code == RATE_LIMITED:
                raise SendError("feishu rate limit", retry_after=retry_after(rh, 1.0))
            raise SendError(f"feishu HTTP {status} code {code}: {data.get('msg', '')}", permanent=True)

    async def send(self, out: Outgoing) -> None:
        body: dict[str, Any] = {"msg_type": "post", "content": json.dumps(render_post(out), ensure_ascii=False)}
        if out.key:
            body["uuid"] = out.key[:50]
        base = f"{self.api_base}/open-apis/im/v1/messages"
        if isinstance(out.target, UserRef):
            await self._post(base, {**body, "receive_id": out.target.user_id}, {"receive_id_type": "open_id"})
            return
        if out.reply_to:
            try:
                await self._post(f"{base}/{quote(out.reply_to, safe='')}/reply", body, None)
                return
            except SendError as exc:
                if not exc.permanent:
                    raise
                log.info("feishu %s: reply to %s failed (%s); posting to the group", self.name, out.reply_to, exc)
        await self._post(base, {**body, "receive_id": out.target.chat_id}, {"receive_id_type": "chat_id"})

    async def decide_join(self, out: Outgoing) -> None:
        raise SendError("feishu has no join requests to decide", permanent=True)
