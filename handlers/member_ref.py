"""Which member an admin command is about: an @-mention, else an exact id, else a display name only when
exactly one member carries it. Anything else gets a reply — not found, or the candidates with their ids so
the admin can pick — and the command does nothing."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.context import Context
from bot.core.events import Message, display_name

SHOWN = 10  # candidates listed when a name is ambiguous


@dataclass(frozen=True, slots=True)
class Target:
    """The member a command is about, their display name, and the command's remaining words."""

    member: str
    name: str
    words: list[str]

    @property
    def label(self) -> dict[str, str]:
        """Name and platform id, for replies that confirm who was affected."""
        return {"name": display_name(self.name, self.member), "ref": self.member.partition(":")[2]}


async def target(ctx: Context, usage: str) -> Target | None:
    """The member the current command names first — its first @-mention (others than the sender first),
    else its first word as a full or platform id, else as a unique display name. Replies with ``usage``,
    "not found" or the candidates and returns None when it cannot tell."""
    ev = ctx.event
    assert isinstance(ev, Message) and ctx.command is not None
    words = ctx.command.args.split()
    mentioned = [m.id for m in ev.mentions if m.id != ev.user.id] or [m.id for m in ev.mentions]
    if mentioned:
        if words and words[0].startswith("@"):
            words = words[1:]
        known = await ctx.repo.find_members(ev.chat.id, mentioned[0], 1)
        return Target(mentioned[0], known[0][1] if known and known[0][0] == mentioned[0] else "", words)
    if not words:
        await ctx.reply(ctx.render("usage", ctx.locale, usage=usage))
        return None
    found = await ctx.repo.find_members(ev.chat.id, words[0], SHOWN + 1)
    if len(found) == 1:
        return Target(found[0][0], found[0][1], words[1:])
    await ctx.reply(ctx.render("member_pick", ctx.locale, token=words[0].removeprefix("@"), more=len(found) > SHOWN,
                               candidates=[Target(m, n, []).label for m, n in found[:SHOWN]]))
    return None
