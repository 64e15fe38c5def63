"""``type = "wecom_aibot"``: the 智能机器人 (AI bot, API mode) JSON callback.

WeCom calls it only when someone @-mentions the bot in a group (or in 1:1 chats, which we ignore).
Each message carries a ``response_url`` usable once within an hour (kept only from a verified delivery
and only on WeCom's host); replies go out through it from the outbox, or through the group webhook
when the group has a ``wecom_webhook_key``.
"""

from __future__ import annotations

import collections
import json
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from bot.adapters.shared.reply_urls import ReplyUrls, url_prefix
from bot.adapters.shared.support import as_dict, as_list, as_str, bad, call_json, load_json_object, truncate_utf8
from bot.adapters.wecom.markup import markdown
from bot.adapters.wecom.receiver import COMMON_OPTIONS, GROUP_OPTIONS, TEXT_MAX_BYTES, WeComReceiver
from bot.core.adapter import (
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
from bot.core.events import ChatRef, Message, UserRef
from bot.core.outgoing import Outgoing, Text

log = logging.getLogger("quntag.wecom")

OPTIONS = AdapterOptions((
    text("bot_name", ""),
    text("receive_id", ""),
    *COMMON_OPTIONS,
    # response_url is on WeCom's API host (platforms.md §5c; the path is not documented).
    text("response_url_prefix", "https://qyapi.weixin.qq.com/", check=url_prefix),
), group_options=GROUP_OPTIONS)
RESPONSE_URL = "response_url:"  # learned in memory only: response_url:<msgid> → [chat id, URL, expires at]
QUERY = ("msg_signature", "timestamp", "nonce")
RESPONSE_URL_TTL_S = 3600.0  # "每个 response_url 可调用一次, 有效期为 1 个小时"
LEADING_MENTION = re.compile(r"\s*+@\S++\s*+")  # used with match(); possessive: no backtracking
SPACES = re.compile(r"[ \t]{2,}+")


class WeComAIBotAdapter(WeComReceiver):
    type = "wecom_aibot"
    ack = WebReply(200, b"", None)

    def __init__(self, name: str, options: Mapping[str, Any], deps: AdapterDeps) -> None:
        opts = OPTIONS.read(f"adapters.{name}", options)
        self.bot_name = opts.text("bot_name")
        caps = Capabilities(visibility="mentions", private_messages=False, membership_events=False,
                            retries_deliveries=True, max_text_len=680, per_chat_per_minute=20,
                            per_chat_per_second=1.0)
        super().__init__(name, opts, deps, opts.text("receive_id"), caps)
        self.reply_urls = ReplyUrls(opts.text("response_url_prefix"), deps.clock)
        # msgid → (chat id, response_url, expires at); each URL is used at most once.
        self.response_urls: collections.OrderedDict[str, tuple[str, str, float]] = collections.OrderedDict()

    def health(self) -> dict[str, Any]:
        return {"visibility": self.capabilities.visibility, "type": self.type,
                "sees": "only group messages that @ the bot; no joins or leaves"}

    def verify(self, headers: Mapping[str, str], query: Mapping[str, str], body: bytes) -> bytes:
        if not all(query.get(k) for k in QUERY):
            raise WebhookRejected(401, MISSING, "missing msg_signature, timestamp or nonce")
        encrypted = as_str(load_json_object(body).get("encrypt"))
        if not encrypted:
            raise bad("missing encrypt")
        plain = self.authenticate(query, encrypted)
        self.reply_urls.verified(plain)
        return plain

    def _strip_bot(self, text: str) -> str:
        if self.bot_name:
            return SPACES.sub(" ", text.replace("@" + self.bot_name, "")).strip()
        lead = LEADING_MENTION.match(text)
        return (text[lead.end():] if lead else text).strip()

    def parse(self, body: bytes) -> Parsed:
        parsed = self._parse(body)
        # only now: a rejected delivery leaves no trace
        return replace(parsed, learned=(*parsed.learned, *self.replays.learned(body)))

    def learn(self, facts: Sequence[Learned]) -> None:
        for fact in facts:
            if fact.key.startswith(RESPONSE_URL) and fact.value is not None:
                chat_id, url, until = json.loads(fact.value)
                self._remember(fact.key[len(RESPONSE_URL):], chat_id, url, until)
        super().learn(facts)

    def _parse(self, body: bytes) -> Parsed:
        payload = load_json_object(body)
        msgid, kind = as_str(payload.get("msgid")), as_str(payload.get("msgtype"))
        if kind == "event" or not msgid:
            return Parsed(key=msgid or None, ignored="event")
        if payload.get("chattype") != "group":
            return Parsed(key=msgid, ignored="private_chat")
        chat_id, user_id = as_str(payload.get("chatid")), as_str(as_dict(payload.get("from")).get("userid"))
        if not chat_id or not user_id:
            raise bad("group message without chatid or from.userid")
        if kind == "text":
            text = as_str(as_dict(payload.get("text")).get("content"))
        elif kind == "mixed":
            items = as_list(as_dict(payload.get("mixed")).get("msg_item"))
            text = "\n".join(as_str(as_dict(as_dict(i).get("text")).get("content")) for i in items
                             if as_dict(i).get("msgtype") == "text")
        else:
            text = ""
        url = as_str(payload.get("response_url"))
        now = self.deps.clock()  # the callback carries no send time
        until = self.reply_urls.expiry(body, url, now + RESPONSE_URL_TTL_S) if url else None
        learned = () if until is None else (Learned(RESPONSE_URL + msgid, json.dumps([chat_id, url, until]),
                                                    durable=False),)
        ev = Message(event_id=msgid, chat=ChatRef(self.name, chat_id), user=UserRef(self.name, user_id),
                     time=now, text=self._strip_bot(text), mentions_bot=True)
        return Parsed(key=msgid, events=(ev,), learned=learned)

    def _remember(self, msgid: str, chat_id: str, url: str, until: float) -> None:
        self.response_urls[msgid] = (chat_id, url, until)
        while len(self.response_urls) > 10_000:
            self.response_urls.popitem(last=False)

    def _take(self, chat: ChatRef, msgid: str | None) -> tuple[str, tuple[str, str, float]] | None:
        """An unused, unexpired response_url: the one of ``msgid``, else the chat's newest."""
        now = self.deps.clock()
        for mid in [k for k, (_, _, exp) in self.response_urls.items() if exp <= now + 5]:
            del self.response_urls[mid]
        if msgid and msgid in self.response_urls and self.response_urls[msgid][0] == chat.chat_id:
            return msgid, self.response_urls.pop(msgid)
        for mid in reversed(self.response_urls):
            if self.response_urls[mid][0] == chat.chat_id:
                return mid, self.response_urls.pop(mid)
        return None

    async def send(self, out: Outgoing) -> None:
        if not isinstance(out.target, ChatRef):
            raise SendError("wecom_aibot cannot send private messages", permanent=True)
        key = self.webhook_key(out.target)
        if key and not out.reply_to:  # scheduled posts: the group webhook, if there is one
            await self.send_webhook(key, out)
            return
        taken = self._take(out.target, out.reply_to)
        if taken is None:
            if key:
                await self.send_webhook(key, out)
                return
            raise SendError(f"no response_url left for {out.target.id} (replies only within 1 h of an @bot "
                            "message) and no wecom_webhook_key", permanent=True)
        mid, entry = taken
        # response_url takes markdown only: the whole text is escaped (line starts matter) to show as written
        text = markdown("".join(p.text if isinstance(p, Text) else f"@{p.name or p.user.user_id}" for p in out.parts))
        body = {"msgtype": "markdown", "markdown": {"content": truncate_utf8(text, TEXT_MAX_BYTES)}}
        try:
            status, _, data = await call_json(self.deps.session, "POST", entry[1], body=body)
        except SendError as exc:
            if not exc.permanent:  # the URL may still be unused: keep it for the retry
                self.response_urls[mid] = entry
            raise
        if status < 300 and data.get("errcode", 0) == 0:
            return
        if key:
            log.info("wecom_aibot %s: response_url refused (errcode %s); using the group webhook",
                     self.name, data.get("errcode"))
            await self.send_webhook(key, out)
            return
        raise SendError(f"response_url HTTP {status} errcode {data.get('errcode')}: {data.get('errmsg', '')}",
                        permanent=True)


