"""What a Telegram adapter instance learns and keeps: bot identity, statuses, aliases, DM consent.

Nothing here changes the state but :meth:`TelegramState.apply`. The ``*_facts`` methods say what a piece of
news would change (nothing when it is known already), so ``parse`` stays pure: the runtime applies the
facts once the delivery is accepted and saves the durable ones, which :meth:`TelegramState.load` reads
again after a restart.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from bot.core.adapter import Learned

ADMIN_STATUSES = frozenset({"administrator", "creator"})
# Bot API ChatJoinRequest.user_chat_id: "The bot can use this identifier for 5 minutes to send messages
# until the join request is processed, assuming no other administrator contacted the user."
APPLICANT_DM_S = 300.0
# How long an undecided applicant's private messages are passed on to the gate (state stays bounded).
APPLICANT_TTL_S = 86400.0


@dataclass(slots=True)
class TelegramState:
    bot_id: str = ""
    bot_username: str = ""  # without "@", as configured or from getMe
    keep_username: bool = False  # the username was configured: getMe does not replace it
    can_read_all: bool | None = None  # getMe can_read_all_group_messages (privacy mode off)
    bot_status: dict[str, str] = field(default_factory=dict)  # chat id → our ChatMember status
    chat_member_groups: set[str] = field(default_factory=set)  # chats that send chat_member updates
    dm_users: set[str] = field(default_factory=set)  # users who started the bot
    aliases: dict[str, str] = field(default_factory=dict)  # old chat id → new chat id
    # users with a join request we have not decided: user id → (private chat id, request time)
    applicants: dict[str, tuple[str, float]] = field(default_factory=dict)
    usernames: dict[str, str] = field(default_factory=dict)  # casefolded username → user id (memory only)
    admins: dict[tuple[str, str], bool] = field(default_factory=dict)  # (chat, user) → admin (memory only)

    def load(self, stored: Mapping[str, str]) -> None:
        """Restore from ``deps.state.load()``."""
        self.apply(Learned(key, value) for key, value in stored.items())

    def apply(self, facts: Iterable[Learned]) -> None:
        """Take in facts, in order (a later fact about the same key wins)."""
        for fact in facts:
            kind, _, rest = fact.key.partition(":")
            value = fact.value
            if fact.key == "me":
                if value is not None:
                    self._set_me(json.loads(value))
            elif kind == "cm":
                _put(self.chat_member_groups, rest, value is not None)
            elif kind == "dm":
                _put(self.dm_users, rest, value is not None)
            elif kind == "status":
                _assign(self.bot_status, rest, value)
            elif kind == "alias":
                _assign(self.aliases, rest, value)
            elif kind == "ap":
                self._set_applicant(rest, value)
            elif kind == "user":
                _assign(self.usernames, rest, value)
            elif kind == "admin":
                chat, _, user = rest.partition(":")
                self.admins[(chat, user)] = value == "1"

    def _set_me(self, me: Mapping[str, object]) -> None:
        self.bot_id = str(me.get("id", self.bot_id))
        username = me.get("username")
        if isinstance(username, str) and username and not self.keep_username:
            self.bot_username = username
        can = me.get("can_read_all_group_messages")
        self.can_read_all = bool(can) if isinstance(can, bool) else self.can_read_all

    def _set_applicant(self, user_id: str, value: str | None) -> None:
        if value is None:
            self.applicants.pop(user_id, None)
            return
        try:
            chat, at = json.loads(value)
            self.applicants[user_id] = (str(chat), float(at))
        except (ValueError, TypeError):
            return

    def me_fact(self, me: Mapping[str, object]) -> Learned:
        """getMe's answer, as the fact to keep."""
        can = me.get("can_read_all_group_messages")
        return Learned("me", json.dumps({"id": str(me.get("id", self.bot_id)), "username": me.get("username"),
                                         "can_read_all_group_messages": can if isinstance(can, bool) else
                                         self.can_read_all}))

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

    def chat_member_facts(self, chat_id: str) -> list[Learned]:
        """``chat_id`` sends ``chat_member`` updates (its service messages then duplicate them)."""
        return [] if chat_id in self.chat_member_groups else [Learned(f"cm:{chat_id}", "1")]

    def dm_facts(self, user_id: str, allowed: bool) -> list[Learned]:
        if allowed == (user_id in self.dm_users):
            return []
        return [Learned(f"dm:{user_id}", "1" if allowed else None)]

    def applicant_facts(self, user_id: str, private_chat: str, at: float) -> list[Learned]:
        """A join request from ``user_id`` (``user_chat_id`` = ``private_chat``) sent at ``at``."""
        if self.applicants.get(user_id) == (private_chat, at):
            return []
        return [*self.expired_facts(at), Learned(f"ap:{user_id}", json.dumps([private_chat, at]))]

    def decided_facts(self, user_id: str) -> list[Learned]:
        """The request was decided: the applicant window closes."""
        return [Learned(f"ap:{user_id}", None)] if user_id in self.applicants else []

    def applicant(self, user_id: str, now: float, within: float = APPLICANT_TTL_S) -> tuple[str, float] | None:
        """(private chat id, request time) of an undecided request sent less than ``within`` seconds ago."""
        entry = self.applicants.get(user_id)
        return entry if entry is not None and now - entry[1] < within else None

    def expired_facts(self, now: float) -> list[Learned]:
        """Forget applicants older than the TTL (their private messages no longer matter); asked on each
        new request, so the state stays bounded without a clock."""
        return [f for u, (_c, at) in self.applicants.items() if now - at >= APPLICANT_TTL_S
                for f in self.decided_facts(u)]

    def status_facts(self, chat_id: str, status: str) -> list[Learned]:
        if status in ("left", "kicked"):
            return [Learned(f"status:{chat_id}", None)] if chat_id in self.bot_status else []
        return [] if self.bot_status.get(chat_id) == status else [Learned(f"status:{chat_id}", status)]

    def alias_facts(self, old: str, new: str) -> list[Learned]:
        """``old`` now lives on as ``new`` (our status and chat_member updates move along)."""
        if old == new or self.aliases.get(old) == new:
            return []
        facts = [Learned(f"alias:{old}", new)]
        if old in self.bot_status and new not in self.bot_status:
            facts += self.status_facts(new, self.bot_status[old])
        if old in self.chat_member_groups:
            facts += self.chat_member_facts(new)
        return facts

    def username_facts(self, username: str, user_id: str) -> list[Learned]:
        """A sender's @username, so later ``@username`` mentions name them (kept in memory only)."""
        cf = username.casefold()
        return [] if self.usernames.get(cf) == user_id else [Learned(f"user:{cf}", user_id, durable=False)]

    def admin_facts(self, chat_id: str, user_id: str, is_admin: bool) -> list[Learned]:
        """Whether ``user_id`` administers ``chat_id`` (from ``chat_member``; kept in memory only)."""
        if self.admins.get((chat_id, user_id)) == is_admin:
            return []
        return [Learned(f"admin:{chat_id}:{user_id}", "1" if is_admin else "0", durable=False)]

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


def _put(items: set[str], item: str, present: bool) -> None:
    if present:
        items.add(item)
    else:
        items.discard(item)


def _assign(table: dict[str, str], key: str, value: str | None) -> None:
    if value is None:
        table.pop(key, None)
    else:
        table[key] = value
