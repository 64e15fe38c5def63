"""Taking one member out of stored text and stored payloads (the pure half of an erasure).

A :class:`Subject` knows how the member can appear: the full id (``adapter:user``), the platform user id,
and display names. Free text loses those (replaced by ``***``); payloads of queued or parked work (inbox
events, dead letters, outbox messages) lose the member's own events and every reference to them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

REDACTED = "***"
# Shorter names are left alone in free text: erasing every "王" of a group's history is no erasure.
MIN_NAME_LEN = 2
# Characters that make an id part of a longer one (u-10 is not u-1); an id inside a longer id made with
# separators (u-1-m5, cm:u-1:join) is still the member's and is taken out too.
_ID_CHARS = "0-9A-Za-z_"


@dataclass(frozen=True)
class Subject:
    """The member being erased from one group."""

    group_id: str
    member_id: str
    names: frozenset[str] = frozenset()
    message_ids: frozenset[str] = frozenset()
    pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        ids = sorted({self.member_id, self.user_id}, key=len, reverse=True)
        alts = [rf"(?<![{_ID_CHARS}]){re.escape(i)}(?![{_ID_CHARS}])" for i in ids if i]
        alts += [re.escape(n) for n in sorted(self.text_names, key=len, reverse=True)]
        object.__setattr__(self, "pattern", re.compile("|".join(alts)))

    @property
    def adapter(self) -> str:
        return self.member_id.partition(":")[0]

    @property
    def user_id(self) -> str:
        return self.member_id.partition(":")[2]

    @property
    def ref(self) -> list[str]:
        """The member as serialized events and messages carry it: ``[adapter, user id]``."""
        return [self.adapter, self.user_id]

    @property
    def text_names(self) -> set[str]:
        return {n.strip() for n in self.names if len(n.strip()) >= MIN_NAME_LEN}

    @property
    def needles(self) -> list[str]:
        """Substrings whose presence marks a candidate row (checked exactly by :meth:`text`)."""
        return sorted({self.user_id, *self.text_names} - {""})

    def with_names(self, names: Iterable[str]) -> Subject:
        return Subject(self.group_id, self.member_id, self.names | {n for n in names if n}, self.message_ids)

    def with_messages(self, ids: Iterable[str]) -> Subject:
        return Subject(self.group_id, self.member_id, self.names, self.message_ids | set(ids))

    def text(self, s: str, replacement: str = REDACTED) -> str:
        """``s`` without the member's ids and names. With ``***`` repeated (a few times at most) because
        taking a name out can leave an id standing alone that was part of a longer word before; another
        replacement (the audit log's pseudonym) could itself contain a short name, so it is applied once."""
        for _ in range(4 if replacement == REDACTED else 1):
            new = self.pattern.sub(replacement, s) if s else s
            if new == s:
                break
            s = new
        return s

    def is_ref(self, value: Any) -> bool:
        return isinstance(value, list) and [str(v) for v in value] == self.ref


def _chat_id(ev: dict[str, Any]) -> str:
    chat = ev.get("chat")
    return f"{chat[0]}:{chat[1]}" if isinstance(chat, list) and len(chat) == 2 else ""


def own_events(payload: str, who: Subject) -> tuple[set[str], set[str]]:
    """(display names, event ids) of the member's own events in the serialized events of ``payload``."""
    mine = [ev for ev in events_of(payload) if _chat_id(ev) == who.group_id and who.is_ref(ev.get("user"))]
    return ({str(ev.get("user_name") or "") for ev in mine} - {""},
            {str(ev.get("event_id") or "") for ev in mine} - {""})


def events_of(payload: str) -> list[dict[str, Any]]:
    """The event dicts of a serialized event list (inbox and dead-letter payloads); [] for anything else."""
    try:
        events = json.loads(payload)
    except ValueError:
        return []
    return [e for e in events if isinstance(e, dict)] if isinstance(events, list) else []


def scrub_events(payload: str, who: Subject) -> str | None:
    """A serialized event list without the member's events in their group and without references to
    them in other events there; None when no event is left. Returns ``payload`` itself when unchanged."""
    events = events_of(payload)
    out: list[dict[str, Any]] = []
    changed = False
    for ev in events:
        if _chat_id(ev) != who.group_id:
            out.append(ev)
            continue
        if who.is_ref(ev.get("user")):
            changed = True
            continue
        new = dict(ev)
        if isinstance(ev.get("mentions"), list):
            new["mentions"] = [m for m in ev["mentions"] if not who.is_ref(m)]
        if ev.get("reply_to") in who.message_ids:
            new["reply_to"] = None
        if who.is_ref(ev.get("invited_by")):
            new["invited_by"] = None
        for key in ("text", "comment", "user_name", "chat_name"):
            if isinstance(ev.get(key), str):
                new[key] = who.text(ev[key])
        changed = changed or new != ev
        out.append(new)
    if not changed:
        return payload
    return json.dumps(out, ensure_ascii=False) if out else None


def scrub_outgoing(payload: str, who: Subject) -> str | None:
    """A queued message without the member: None when it is addressed to them (privately, or a join
    decision about them), else with mentions of them and their ids and names taken out of its text."""
    try:
        d = json.loads(payload)
    except ValueError:
        return payload
    if not isinstance(d, dict):
        return payload
    target = d.get("target")
    if not (isinstance(target, list) and len(target) == 3):
        return payload
    if target[0] == "user":  # addressed to the member (from any group), or to someone else privately
        return None if who.is_ref(target[1:]) else payload
    if f"{target[1]}:{target[2]}" != who.group_id:
        return payload
    join = d.get("join")
    if isinstance(join, dict) and who.is_ref(join.get("user")):
        return None
    parts: list[Any] = []
    for p in d.get("parts") or []:
        if isinstance(p, dict) and who.is_ref(p.get("m")):
            parts.append({"t": REDACTED})
        elif isinstance(p, dict) and isinstance(p.get("t"), str):
            parts.append({"t": who.text(p["t"])})
        else:
            parts.append(p)
    new = {**d, "parts": parts}
    if d.get("reply_to") in who.message_ids:
        new["reply_to"] = None
    return payload if new == d else json.dumps(new, ensure_ascii=False)
