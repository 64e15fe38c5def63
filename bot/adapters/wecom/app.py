"""``type = "wecom_app"``: a self-built app's encrypted-XML callback (接收消息与事件).

WeCom delivers no group chat content to an app; what it does deliver for external customer groups
(客户群, needs the 客户联系 permission) is ``change_external_chat`` with ``add_member`` /
``del_member``, which become joins and leaves. Posts go out through the group webhook.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import replace
from typing import Any
from xml.etree.ElementTree import Element

from bot.adapters.shared.support import bad, unix_time
from bot.adapters.wecom.crypto import parse_xml, xml_text
from bot.adapters.wecom.receiver import COMMON_OPTIONS, GROUP_OPTIONS, WeComReceiver
from bot.core.adapter import (
    MISSING,
    AdapterDeps,
    Capabilities,
    Parsed,
    SendError,
    WebhookRejected,
    WebReply,
)
from bot.core.config.options import AdapterOptions, text
from bot.core.events import ChatRef, Event, MemberJoined, MemberLeft, UserRef
from bot.core.outgoing import Outgoing

OPTIONS = AdapterOptions((text("corp_id"), *COMMON_OPTIONS), group_options=GROUP_OPTIONS)
QUERY = ("msg_signature", "timestamp", "nonce")


def _xml(body: bytes) -> Element:
    try:
        return parse_xml(body)
    except ValueError as exc:
        raise bad(str(exc)) from None


class WeComAppAdapter(WeComReceiver):
    type = "wecom_app"
    ack = WebReply(200, b"success", "text/plain")

    def __init__(self, name: str, options: Mapping[str, Any], deps: AdapterDeps) -> None:
        opts = OPTIONS.read(f"adapters.{name}", options)
        self.corp_id = opts.text("corp_id")
        caps = Capabilities(visibility="mentions", private_messages=False, membership_events=True,
                            retries_deliveries=True, max_text_len=680, per_chat_per_minute=20,
                            per_chat_per_second=1.0)
        super().__init__(name, opts, deps, self.corp_id, caps)

    def health(self) -> dict[str, Any]:
        return {"visibility": self.capabilities.visibility, "type": self.type,
                "sees": "customer-group joins and leaves only (no messages)"}

    def verify(self, headers: Mapping[str, str], query: Mapping[str, str], body: bytes) -> bytes:
        if not all(query.get(k) for k in QUERY):
            raise WebhookRejected(401, MISSING, "missing msg_signature, timestamp or nonce")
        encrypted = xml_text(_xml(body), "Encrypt")
        if not encrypted:
            raise bad("missing Encrypt")
        return self.authenticate(query, encrypted)

    def parse(self, body: bytes) -> Parsed:
        parsed = self._parse(body)
        return replace(parsed, learned=self.replays.learned(body))  # only now: a rejected one leaves no trace

    def _parse(self, body: bytes) -> Parsed:
        root = _xml(body)
        msg_type = xml_text(root, "MsgType")
        if msg_type != "event":
            # Messages reach an app only from 1:1 chats with it: nothing for group profiles.
            return Parsed(key=xml_text(root, "MsgId") or None, ignored="not_a_group")
        if xml_text(root, "Event") != "change_external_chat":
            return Parsed(key=None, ignored="unsupported_event")
        return self._external_chat(root)

    def _external_chat(self, root: Element) -> Parsed:
        chat_id, detail, created = (xml_text(root, k) for k in ("ChatId", "UpdateDetail", "CreateTime"))
        if not chat_id or not created.isdigit():
            raise bad("change_external_chat without ChatId or CreateTime")
        if xml_text(root, "ChangeType") != "update" or detail not in ("add_member", "del_member"):
            return Parsed(key=None, ignored="chat_change")
        lst = root.find("MemChangeList")
        members = [] if lst is None else [(i.text or "").strip() for i in lst.iter("Item")]
        members = [m for m in members if m]
        if not members:
            return Parsed(key=None, ignored="no_member_list")
        # FromUserName is "sys" for all of them: the change itself is the identity.
        ident = "|".join((chat_id, detail, created, ",".join(sorted(members))))
        key = "chat-change:" + hashlib.sha256(ident.encode()).hexdigest()[:32]
        chat, when = ChatRef(self.name, chat_id), unix_time(created, "CreateTime", strings=True)
        events: list[Event] = []
        for m in members:
            who = UserRef(self.name, m)
            if detail == "add_member":
                events.append(MemberJoined(event_id=f"{key}:{m}", chat=chat, user=who, time=when))
            else:
                events.append(MemberLeft(event_id=f"{key}:{m}", chat=chat, user=who, time=when))
        return Parsed(key=key, events=tuple(events))

    async def send(self, out: Outgoing) -> None:
        if not isinstance(out.target, ChatRef):
            raise SendError("wecom_app cannot send private messages", permanent=True)
        key = self.webhook_key(out.target)
        if not key:
            raise SendError(f"no wecom_webhook_key set for group {out.target.id}", permanent=True)
        await self.send_webhook(key, out)


