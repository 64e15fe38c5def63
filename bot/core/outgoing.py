"""Normalized outbound messages: handlers build these, each adapter renders them its own way."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.core.events import ChatRef, UserRef


@dataclass(frozen=True, slots=True)
class Text:
    """Plain text; adapters escape it for their markup (Telegram HTML, CQ codes, …)."""

    text: str


@dataclass(frozen=True, slots=True)
class Mention:
    """An @-mention of ``user``; ``name`` is the fallback label where the platform shows text."""

    user: UserRef
    name: str = ""


Part = Text | Mention


@dataclass(frozen=True, slots=True)
class JoinDecision:
    """Approve or decline a join request (an action, not a message): the adapter's ``decide_join(out)``
    renders it as its platform call (Telegram ``approveChatJoinRequest``/``declineChatJoinRequest``,
    OneBot ``set_group_add_request``) where its capabilities declare ``join_requests``."""

    user: UserRef
    approve: bool
    request_id: str = ""
    reason: str = ""


MODERATION_KINDS = ("delete", "mute", "unmute", "restrict", "kick")


@dataclass(frozen=True, slots=True)
class ModAction:
    """A moderation action in a group (an action, not a message): ``delete`` removes the message
    ``message_id``; ``mute`` silences ``user`` for ``seconds``; ``unmute`` lifts a mute or restriction;
    ``restrict`` lets ``user`` send text only (a newcomer check); ``kick`` removes ``user`` (they may rejoin).
    The adapter's ``moderate(out)`` renders it where ``capabilities.moderation`` lists the kind."""

    kind: str
    user: UserRef | None = None
    message_id: str = ""
    seconds: int = 0


@dataclass(frozen=True, slots=True)
class Poll:
    """A native poll (a message): the adapter's ``send_poll(out)`` posts it where ``capabilities.polls``
    says the platform has them and returns the platform's poll id; ``ref`` says what the poll asks, so a
    vote (:class:`~bot.core.events.PollAnswer`) can be traced back to it."""

    question: str
    options: tuple[str, ...]
    multiple: bool = False
    ref: str = ""


@dataclass(frozen=True, slots=True)
class Button:
    """A button under a message (Telegram inline keyboard): ``label`` is shown, ``data`` comes back in the
    :class:`~bot.core.events.ButtonPress` when someone presses it (at most 64 bytes on Telegram)."""

    label: str
    data: str


@dataclass(frozen=True, slots=True)
class PressAnswer:
    """The answer to one button press (an action, not a message): a short notice shown to the presser only
    (Telegram ``answerCallbackQuery``). The adapter's ``answer_press(out)`` renders it where
    ``capabilities.buttons`` is True."""

    press_id: str
    text: str = ""


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One message to a group (``ChatRef``) or privately to a person (``UserRef``).

    ``reply_to`` is a platform message id in the target chat; ``key`` is a stable idempotency key
    (the outbox fills it) for platforms that deduplicate sends (Feishu ``uuid``).
    """

    target: ChatRef | UserRef
    parts: tuple[Part, ...]
    reply_to: str | None = None
    key: str = ""
    join: JoinDecision | None = None
    action: ModAction | None = None
    poll: Poll | None = None
    buttons: tuple[Button, ...] = ()  # one row under the message, where ``capabilities.buttons`` says so
    answer: PressAnswer | None = None

    @property
    def adapter(self) -> str:
        return self.target.adapter


def outgoing_to_dict(out: Outgoing) -> dict[str, Any]:
    """JSON-ready form (the outbox stores it until it is delivered)."""
    target_kind = "chat" if isinstance(out.target, ChatRef) else "user"
    target_id = out.target.chat_id if isinstance(out.target, ChatRef) else out.target.user_id
    parts: list[dict[str, Any]] = []
    for p in out.parts:
        if isinstance(p, Text):
            parts.append({"t": p.text})
        else:
            parts.append({"m": [p.user.adapter, p.user.user_id], "n": p.name})
    d: dict[str, Any] = {"target": [target_kind, out.target.adapter, target_id], "parts": parts,
                         "reply_to": out.reply_to, "key": out.key}
    if out.join is not None:
        j = out.join
        d["join"] = {"user": [j.user.adapter, j.user.user_id], "approve": j.approve, "request_id": j.request_id,
                     "reason": j.reason}
    if out.action is not None:
        a = out.action
        d["action"] = {"kind": a.kind, "user": [a.user.adapter, a.user.user_id] if a.user else None,
                       "message_id": a.message_id, "seconds": a.seconds}
    if out.poll is not None:
        d["poll"] = {"question": out.poll.question, "options": list(out.poll.options), "multiple": out.poll.multiple,
                     "ref": out.poll.ref}
    if out.buttons:
        d["buttons"] = [[b.label, b.data] for b in out.buttons]
    if out.answer is not None:
        d["answer"] = {"press_id": out.answer.press_id, "text": out.answer.text}
    return d


def outgoing_from_dict(d: dict[str, Any]) -> Outgoing:
    """Inverse of :func:`outgoing_to_dict`."""
    kind, adapter, tid = d["target"]
    target: ChatRef | UserRef = ChatRef(adapter, tid) if kind == "chat" else UserRef(adapter, tid)
    parts: list[Part] = []
    for p in d["parts"]:
        if "t" in p:
            parts.append(Text(p["t"]))
        else:
            parts.append(Mention(UserRef(*p["m"]), p.get("n", "")))
    j = d.get("join")
    join = JoinDecision(UserRef(*j["user"]), bool(j["approve"]), j.get("request_id", ""), j.get("reason", "")) \
        if j else None
    a = d.get("action")
    action = ModAction(a["kind"], UserRef(*a["user"]) if a.get("user") else None, a.get("message_id", ""),
                       int(a.get("seconds", 0))) if a else None
    p = d.get("poll")
    poll = Poll(str(p["question"]), tuple(str(o) for o in p["options"]), bool(p.get("multiple", False)),
                str(p.get("ref", ""))) if p else None
    buttons = tuple(Button(str(label), str(data)) for label, data in d.get("buttons", []))
    ans = d.get("answer")
    answer = PressAnswer(str(ans["press_id"]), str(ans.get("text", ""))) if ans else None
    return Outgoing(target=target, parts=tuple(parts), reply_to=d.get("reply_to"), key=d.get("key", ""), join=join,
                    action=action, poll=poll, buttons=buttons, answer=answer)
