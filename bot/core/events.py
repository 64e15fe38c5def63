"""The normalized event family: the only shapes handlers ever see.

Adapters turn platform JSON into these; everything past ``bot/adapters/`` speaks only these types.
Events are frozen and serializable (``to_dict``/``event_from_dict``) because the inbox stores them
durably between the webhook's acknowledgement and processing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.core.presses import ButtonPress, press_fields, press_from_dict
from bot.core.purchases import Purchase, Refund, commerce_fields, commerce_from_dict
from bot.core.refs import ChatRef, UserRef, display_name

__all__ = [
    "ButtonPress",
    "ChatRef",
    "Event",
    "GroupMoved",
    "JoinRequest",
    "MemberJoined",
    "MemberLeft",
    "Message",
    "PollAnswer",
    "Purchase",
    "Reaction",
    "Refund",
    "UserRef",
    "display_name",
    "event_from_dict",
    "event_to_dict",
]


@dataclass(frozen=True, slots=True)
class Message:
    """A group message. ``time`` is unix seconds (UTC).

    ``addressed_elsewhere`` marks commands meant for another bot (Telegram ``/cmd@other_bot``);
    ``is_group_admin`` is the platform's own admin role when the adapter knows it (else None).
    """

    event_id: str
    chat: ChatRef
    user: UserRef
    time: float
    text: str
    user_name: str = ""
    chat_name: str = ""
    reply_to: str | None = None
    mentions: tuple[UserRef, ...] = ()
    mentions_bot: bool = False
    is_group_admin: bool | None = None
    addressed_elsewhere: bool = False
    kind: str = field(default="message", init=False)

    @property
    def is_private(self) -> bool:
        """A one-to-one chat with the bot (the chat is the person), not a group message."""
        return self.chat.adapter == self.user.adapter and self.chat.chat_id == self.user.user_id


@dataclass(frozen=True, slots=True)
class MemberJoined:
    """Someone joined a group, possibly invited by ``invited_by`` or through the invite link named
    ``invite_link`` (Telegram ``invite_link.name``), or admitted by our entry gate (``via_gate``)."""

    event_id: str
    chat: ChatRef
    user: UserRef
    time: float
    user_name: str = ""
    chat_name: str = ""
    invited_by: UserRef | None = None
    invite_link: str = ""
    via_gate: bool = False
    kind: str = field(default="member_joined", init=False)


@dataclass(frozen=True, slots=True)
class MemberLeft:
    """Someone left (or was removed from) a group."""

    event_id: str
    chat: ChatRef
    user: UserRef
    time: float
    chat_name: str = ""
    kind: str = field(default="member_left", init=False)


@dataclass(frozen=True, slots=True)
class GroupMoved:
    """A group now lives under another platform id (Telegram group → supergroup migration).

    ``chat`` is the new id, ``old_chat_id`` the platform id it had; the old full id stays an alias.
    ``user`` is whoever caused the move when the platform says so (else the bot itself).
    """

    event_id: str
    chat: ChatRef
    user: UserRef
    time: float
    old_chat_id: str
    chat_name: str = ""
    kind: str = field(default="group_moved", init=False)


@dataclass(frozen=True, slots=True)
class JoinRequest:
    """Someone asked to join a group that requires approval (Telegram ``chat_join_request``, OneBot
    ``request``/``group``/``add``). ``comment`` is what the applicant wrote with the request (OneBot
    comment, Telegram bio); ``request_id`` is the platform's handle for deciding (OneBot ``flag``);
    ``answer_private`` is True where the platform lets us ask the applicant privately first."""

    event_id: str
    chat: ChatRef
    user: UserRef
    time: float
    user_name: str = ""
    chat_name: str = ""
    comment: str = ""
    request_id: str = ""
    invite_link: str = ""
    answer_private: bool = False
    kind: str = field(default="join_request", init=False)


@dataclass(frozen=True, slots=True)
class Reaction:
    """Someone added an emoji reaction to message ``message_id`` in a group (Telegram ``message_reaction``,
    delivered only where the webhook's ``allowed_updates`` lists it and the bot is an admin). Push
    measurement counts it as a response."""

    event_id: str
    chat: ChatRef
    user: UserRef
    time: float
    message_id: str
    chat_name: str = ""
    kind: str = field(default="reaction", init=False)


@dataclass(frozen=True, slots=True)
class PollAnswer:
    """A vote in a native poll the bot sent (Telegram ``poll_answer``). ``poll_id`` is the platform's handle
    of the poll; ``options`` are 0-based option indexes (empty: the vote was withdrawn). ``chat`` is the
    voter's private chat: which group the poll belongs to is known only to whoever sent it."""

    event_id: str
    chat: ChatRef
    user: UserRef
    time: float
    poll_id: str
    options: tuple[int, ...] = ()
    user_name: str = ""
    chat_name: str = ""
    kind: str = field(default="poll_answer", init=False)


Event = (Message | MemberJoined | MemberLeft | GroupMoved | JoinRequest | Purchase | Refund | Reaction | PollAnswer
         | ButtonPress)


def event_to_dict(ev: Event) -> dict[str, Any]:
    """JSON-ready form of an event (used by the inbox)."""
    out: dict[str, Any] = {
        "kind": ev.kind,
        "event_id": ev.event_id,
        "chat": [ev.chat.adapter, ev.chat.chat_id],
        "user": [ev.user.adapter, ev.user.user_id],
        "time": ev.time,
        "chat_name": ev.chat_name,
    }
    if isinstance(ev, Message):
        out.update(
            text=ev.text,
            user_name=ev.user_name,
            reply_to=ev.reply_to,
            mentions=[[m.adapter, m.user_id] for m in ev.mentions],
            mentions_bot=ev.mentions_bot,
            is_group_admin=ev.is_group_admin,
            addressed_elsewhere=ev.addressed_elsewhere,
        )
    elif isinstance(ev, MemberJoined):
        out.update(
            user_name=ev.user_name,
            invited_by=[ev.invited_by.adapter, ev.invited_by.user_id] if ev.invited_by else None,
        )
        # Optional facts only when present, so stored and recorded events stay minimal.
        if ev.invite_link:
            out["invite_link"] = ev.invite_link
        if ev.via_gate:
            out["via_gate"] = True
    elif isinstance(ev, GroupMoved):
        out["old_chat_id"] = ev.old_chat_id
    elif isinstance(ev, JoinRequest):
        out.update(user_name=ev.user_name, comment=ev.comment, request_id=ev.request_id,
                   invite_link=ev.invite_link, answer_private=ev.answer_private)
    elif isinstance(ev, Purchase | Refund):
        out.update(commerce_fields(ev))
    elif isinstance(ev, Reaction):
        out["message_id"] = ev.message_id
    elif isinstance(ev, PollAnswer):
        out.update(poll_id=ev.poll_id, options=list(ev.options), user_name=ev.user_name)
    elif isinstance(ev, ButtonPress):
        out.update(press_fields(ev))
    return out


def event_from_dict(d: dict[str, Any]) -> Event:
    """Inverse of :func:`event_to_dict`."""
    chat = ChatRef(*d["chat"])
    user = UserRef(*d["user"])
    kind = d["kind"]
    common = {"event_id": d["event_id"], "chat": chat, "user": user, "time": float(d["time"]),
              "chat_name": d.get("chat_name", "")}
    if kind == "message":
        return Message(
            **common,
            text=d["text"],
            user_name=d.get("user_name", ""),
            reply_to=d.get("reply_to"),
            mentions=tuple(UserRef(a, u) for a, u in d.get("mentions", [])),
            mentions_bot=bool(d.get("mentions_bot", False)),
            is_group_admin=d.get("is_group_admin"),
            addressed_elsewhere=bool(d.get("addressed_elsewhere", False)),
        )
    if kind == "member_joined":
        inv = d.get("invited_by")
        return MemberJoined(**common, user_name=d.get("user_name", ""),
                            invited_by=UserRef(*inv) if inv else None, invite_link=d.get("invite_link", ""),
                            via_gate=bool(d.get("via_gate", False)))
    if kind == "member_left":
        return MemberLeft(**common)
    if kind == "group_moved":
        return GroupMoved(**common, old_chat_id=str(d["old_chat_id"]))
    if kind == "join_request":
        return JoinRequest(**common, user_name=d.get("user_name", ""), comment=d.get("comment", ""),
                           request_id=d.get("request_id", ""), invite_link=d.get("invite_link", ""),
                           answer_private=bool(d.get("answer_private", False)))
    if kind in ("purchase", "refund"):
        return commerce_from_dict(d, common)
    if kind == "reaction":
        return Reaction(**common, message_id=str(d.get("message_id", "")))
    if kind == "poll_answer":
        return PollAnswer(**common, poll_id=str(d["poll_id"]), options=tuple(int(o) for o in d.get("options", [])),
                          user_name=d.get("user_name", ""))
    if kind == "button_press":
        return press_from_dict(d, common)
    raise ValueError(f"unknown event kind {kind!r}")
