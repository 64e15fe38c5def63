"""OneBot v11 event JSON → normalized events and what they teach (pure: the state is only read)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.adapters.onebot.cq import segments
from bot.adapters.onebot.joins import group_request
from bot.adapters.shared.support import bad, id_field, unix_time
from bot.core.adapter import Learned, Parsed
from bot.core.events import ChatRef, MemberJoined, MemberLeft, Message, UserRef

ADMIN_ROLES = ("owner", "admin")


def _time(d: Mapping[str, Any]) -> float:
    return unix_time(d.get("time"), "field time")


@dataclass(slots=True)
class OneBotState:
    """What the adapter learned; stored as ``dm:<user>`` (durable) and ``self:<account>`` (memory only)."""

    dm_users: set[str] = field(default_factory=set)  # users who wrote to the bot privately
    self_ids: set[str] = field(default_factory=set)  # accounts seen reporting (memory only)

    def apply(self, facts: Iterable[Learned]) -> None:
        for fact in facts:
            kind, _, rest = fact.key.partition(":")
            known = {"dm": self.dm_users, "self": self.self_ids}.get(kind)
            if known is not None and fact.value is not None:
                known.add(rest)
            elif known is not None:
                known.discard(rest)


class EventParser:
    """Parses one event against ``state`` (never changing it); ``learned`` collects what it teaches."""

    def __init__(self, name: str, state: OneBotState) -> None:
        self.name = name
        self.st = state
        self.learned: list[Learned] = []

    def parse(self, payload: Any) -> Parsed:
        if not isinstance(payload, dict):
            raise bad("body must be a JSON object")
        post_type = payload.get("post_type")
        if not isinstance(post_type, str):
            raise bad("missing field: post_type")
        if post_type == "meta_event":
            return Parsed(key=None, ignored="meta_event")
        self_id = id_field(payload, "self_id")
        if post_type == "message":
            parsed = self.message(payload, self_id)
        elif post_type == "notice":
            parsed = self.notice(payload, self_id)
        elif post_type == "message_sent":
            parsed = Parsed(key=None, ignored="own_message")
        elif post_type == "request":
            parsed = self.request(payload, self_id)
        else:
            parsed = Parsed(key=None, ignored="unsupported")
        if self_id not in self.st.self_ids:  # not before: a rejected event teaches nothing
            self.learned.append(Learned(f"self:{self_id}", "1", durable=False))
        return parsed

    def message(self, p: Mapping[str, Any], self_id: str) -> Parsed:
        kind = p.get("message_type")
        key = f"{self_id}:{id_field(p, 'message_id')}:{int(_time(p))}"
        if kind == "private":
            uid = id_field(p, "user_id")
            if uid not in self.st.dm_users:
                self.learned.append(Learned(f"dm:{uid}", "1"))
            return self.private_command(p, key, uid)
        if kind != "group":
            return Parsed(key=key, ignored="unsupported")
        if p.get("sub_type") == "anonymous" or p.get("anonymous"):
            return Parsed(key=key, ignored="anonymous")
        if id_field(p, "user_id") == self_id:  # some implementations echo our own posts as "message"
            return Parsed(key=key, ignored="own_message")
        segs = segments(p.get("message"))
        if segs is None:
            raise bad("field message must be a CQ string or a segment array")
        texts: list[str] = []
        mentions: dict[UserRef, None] = {}  # ordered and de-duplicated in O(1) per @
        mentions_bot = False
        reply_to: str | None = None
        for seg_type, data in segs:
            if seg_type == "text":
                texts.append(data.get("text", ""))
            elif seg_type == "at":
                qq = data.get("qq", "")
                if qq == self_id:
                    mentions_bot = True
                elif qq and qq != "all":
                    mentions.setdefault(UserRef(self.name, qq))
            elif seg_type == "reply" and data.get("id"):
                reply_to = data["id"]
        sender = p.get("sender") if isinstance(p.get("sender"), dict) else {}
        assert isinstance(sender, dict)
        card, nickname = sender.get("card"), sender.get("nickname")
        name = card if isinstance(card, str) and card else nickname if isinstance(nickname, str) else ""
        role = sender.get("role")
        is_admin = (role in ADMIN_ROLES) if isinstance(role, str) and role else None
        group_name = p.get("group_name")
        ev = Message(event_id=id_field(p, "message_id"), chat=ChatRef(self.name, id_field(p, "group_id")),
                     user=UserRef(self.name, id_field(p, "user_id")), time=_time(p), text="".join(texts).strip(),
                     user_name=name, chat_name=group_name if isinstance(group_name, str) else "",
                     reply_to=reply_to, mentions=tuple(mentions), mentions_bot=mentions_bot,
                     is_group_admin=is_admin)
        return Parsed(key=key, events=(ev,))

    def private_command(self, p: Mapping[str, Any], key: str, uid: str) -> Parsed:
        """A private message is a command (a private ``/answer``) or only DM consent: a Message whose chat
        is the person for the first, nothing for other text."""
        segs = segments(p.get("message"))
        if segs is None:
            raise bad("field message must be a CQ string or a segment array")
        text = "".join(data.get("text", "") for seg_type, data in segs if seg_type == "text").strip()
        if not text.startswith("/"):
            return Parsed(key=key, ignored="private")
        sender = p.get("sender")
        nickname = sender.get("nickname") if isinstance(sender, dict) else None
        return Parsed(key=key, events=(Message(
            event_id=id_field(p, "message_id"), chat=ChatRef(self.name, uid), user=UserRef(self.name, uid),
            time=_time(p), text=text, user_name=nickname if isinstance(nickname, str) else ""),))

    def notice(self, p: Mapping[str, Any], self_id: str) -> Parsed:
        kind = p.get("notice_type")
        if kind not in ("group_increase", "group_decrease"):
            return Parsed(key=None, ignored="notice")
        gid, uid, at = id_field(p, "group_id"), id_field(p, "user_id"), _time(p)
        key = f"{self_id}:{kind}:{gid}:{uid}:{int(at)}"
        if uid == self_id:
            return Parsed(key=key, ignored="bot_membership")
        chat, user = ChatRef(self.name, gid), UserRef(self.name, uid)
        if kind == "group_increase":
            op = p.get("operator_id")
            inviter = str(op) if p.get("sub_type") == "invite" and op not in (None, 0, "", "0") else ""
            return Parsed(key=key, events=(MemberJoined(
                event_id=f"join:{uid}:{int(at)}", chat=chat, user=user, time=at,
                invited_by=UserRef(self.name, inviter) if inviter and inviter != uid else None),))
        return Parsed(key=key, events=(MemberLeft(event_id=f"leave:{uid}:{int(at)}", chat=chat, user=user,
                                                  time=at),))

    def request(self, p: Mapping[str, Any], self_id: str) -> Parsed:
        """``request``/``group``/``add`` (someone asks to join a group we administer) → JoinRequest.

        ``sub_type = "invite"`` is the bot account itself being invited into another group (OneBot 11:
        邀请登录号入群), not an applicant the entry gate could judge: ignored, left to the operator.
        Friend requests are ignored too.
        """
        if p.get("request_type") != "group":
            return Parsed(key=None, ignored="request")
        if p.get("sub_type") != "add":
            return Parsed(key=None, ignored="bot_invite" if p.get("sub_type") == "invite" else "request")
        gid, uid, flag, at = id_field(p, "group_id"), id_field(p, "user_id"), id_field(p, "flag"), _time(p)
        comment = p.get("comment")
        if not isinstance(comment, str | None):
            raise bad("field comment must be a string")
        ev = group_request(self.name, {"post_type": "request", "request_type": "group", "sub_type": "add",
                                              "group_id": gid, "user_id": uid, "flag": flag, "time": at,
                                              "comment": comment or ""})
        return Parsed(key=f"{self_id}:request:{flag}", events=(ev,) if ev is not None else ())
