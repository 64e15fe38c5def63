"""What a Telegram adapter instance learns and keeps: bot identity, statuses, aliases, DM consent.

Every change goes through :meth:`TelegramState.set`, which returns the durable write to make; the
adapter persists those with ``deps.state.save`` so the facts survive restarts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

ADMIN_STATUSES = frozenset({"administrator", "creator"})
# Bot API ChatJoinRequest.user_chat_id: "The bot can use this identifier for 5 minutes to send messages
# until the join request is processed, assuming no other administrator contacted the user."
APPLICANT_DM_S = 300.0
# How long an undecided applicant's private messages are passed on to the gate (state stays bounded).
APPLICANT_TTL_S = 86400.0
Write = tuple[str, str | None]


@dataclass(slots=True)
class TelegramState:
    bot_id: str = ""
    bot_username: str = ""  # without "@", as configured or from getMe
    can_read_all: bool | None = None  # getMe can_read_all_group_messages (privacy mode off)
    bot_status: dict[str, str] = field(default_factory=dict)  # chat id → our ChatMember status
    chat_member_groups: set[str] = field(default_factory=set)  # chats that send chat_member updates
    dm_users: set[str] = field(default_factory=set)  # users who started the bot
    aliases: dict[str, str] = field(default_factory=dict)  # old chat id → new chat id
    # users with a join request we have not decided: user id → (private chat id, request time)
    applicants: dict[str, tuple[str, float]] = field(default_factory=dict)
    usernames: dict[str, str] = field(default_factory=dict)  # casefolded username → user id (memory only)
    admins: dict[tuple[str, str], bool] = field(default_factory=dict)  # (chat, user) → admin (memory only)

    def load(self, stored: dict[str, str]) -> None:
        """Restore from ``deps.state.load()``."""
        for key, value in stored.items():
            kind, _, rest = key.partition(":")
            if kind == "cm":
                self.chat_member_groups.add(rest)
            elif kind == "dm":
                self.dm_users.add(rest)
            elif kind == "status":
                self.bot_status[rest] = value
            elif kind == "alias":
                self.aliases[rest] = value
            elif kind == "ap":
                try:
                    chat, at = json.loads(value)
                    self.applicants[rest] = (str(chat), float(at))
                except (ValueError, TypeError):
                    continue
            elif key == "me":
                self.set_me(json.loads(value), keep_username=bool(self.bot_username))

    def set_me(self, me: dict[str, object], keep_username: bool) -> Write:
        """Record getMe's answer; returns the write that persists it."""
        self.bot_id = str(me.get("id", self.bot_id))
        username = me.get("username")
        if isinstance(username, str) and username and not keep_username:
            self.bot_username = username
        can = me.get("can_read_all_group_messages")
        self.can_read_all = bool(can) if isinstance(can, bool) else self.can_read_all
        return ("me", json.dumps({"id": self.bot_id, "username": username,
                                  "can_read_all_group_messages": self.can_read_all}))

    def resolve(self, chat_id: str) -> str:
        """Follow migration aliases (old group id → current supergroup id)."""
        seen = {chat_id}
        while chat_id in self.aliases and self.aliases[chat_id] not in seen:
            chat_id = self.aliases[chat_id]
            seen.add(chat_id)
        return chat_id

    def is_bot(self, user_id: str, username: str | None) -> bool:
        if self.bot_id and user_id == self.bot_id:
            return True
        return bool(username and self.bot_username and username.casefold() == self.bot_username.casefold())

    def mark_chat_member_group(self, chat_id: str) -> list[Write]:
        if chat_id in self.chat_member_groups:
            return []
        self.chat_member_groups.add(chat_id)
        return [(f"cm:{chat_id}", "1")]

    def mark_dm(self, user_id: str, allowed: bool) -> list[Write]:
        if allowed == (user_id in self.dm_users):
            return []
        if allowed:
            self.dm_users.add(user_id)
            return [(f"dm:{user_id}", "1")]
        self.dm_users.discard(user_id)
        return [(f"dm:{user_id}", None)]

    def mark_applicant(self, user_id: str, private_chat: str, at: float) -> list[Write]:
        """A join request from ``user_id`` (``user_chat_id`` = ``private_chat``) sent at ``at``."""
        if self.applicants.get(user_id) == (private_chat, at):
            return []
        writes = self.expired_applicants(at)
        self.applicants[user_id] = (private_chat, at)
        return [*writes, (f"ap:{user_id}", json.dumps([private_chat, at]))]

    def clear_applicant(self, user_id: str) -> list[Write]:
        """The request was decided (by us): the applicant window closes."""
        if self.applicants.pop(user_id, None) is None:
            return []
        return [(f"ap:{user_id}", None)]

    def applicant(self, user_id: str, now: float, within: float = APPLICANT_TTL_S) -> tuple[str, float] | None:
        """(private chat id, request time) of an undecided request sent less than ``within`` seconds ago."""
        entry = self.applicants.get(user_id)
        return entry if entry is not None and now - entry[1] < within else None

    def expired_applicants(self, now: float) -> list[Write]:
        """Forget applicants older than the TTL (their private messages no longer matter); called on each
        new request, so the state stays bounded without a clock."""
        old = [u for u, (_c, at) in self.applicants.items() if now - at >= APPLICANT_TTL_S]
        return [w for u in old for w in self.clear_applicant(u)]

    def mark_status(self, chat_id: str, status: str) -> list[Write]:
        if status in ("left", "kicked"):
            if self.bot_status.pop(chat_id, None) is None:
                return []
            return [(f"status:{chat_id}", None)]
        if self.bot_status.get(chat_id) == status:
            return []
        self.bot_status[chat_id] = status
        return [(f"status:{chat_id}", status)]

    def mark_alias(self, old: str, new: str) -> list[Write]:
        if old == new or self.aliases.get(old) == new:
            return []
        self.aliases[old] = new
        writes: list[Write] = [(f"alias:{old}", new)]
        if old in self.bot_status and new not in self.bot_status:
            writes += self.mark_status(new, self.bot_status[old])
        if old in self.chat_member_groups:
            writes += self.mark_chat_member_group(new)
        return writes

    def visibility(self, chat_id: str | None = None) -> str:
        """``all`` when privacy mode is off or the bot is an admin there, else ``mentions``."""
        if self.can_read_all:
            return "all"
        if chat_id is not None:
            return "all" if self.bot_status.get(self.resolve(chat_id)) in ADMIN_STATUSES else "mentions"
        kinds = {("all" if s in ADMIN_STATUSES else "mentions") for s in self.bot_status.values()}
        if len(kinds) == 1:
            return kinds.pop()
        return "mixed" if kinds else "mentions"
