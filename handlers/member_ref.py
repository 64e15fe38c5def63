"""Which member an admin command is about: an @-mention, else an exact id, else a display name only when
exactly one member carries it. Anything else gets a reply — not found, or the candidates with their ids so
the admin can pick — and the command does nothing.

The command spec reads *which* mention or word names the member (:class:`bot.core.arguments.Member`);
:func:`resolve` finds that member in the group.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.arguments import MemberRef
from bot.core.context import Context
from bot.core.events import Message, display_name

SHOWN = 10  # candidates listed when a name is ambiguous


@dataclass(frozen=True, slots=True)
class Target:
    """The member a command is about and their display name."""

    member: str
    name: str

    @property
    def label(self) -> dict[str, str]:
        """Name and platform id, for replies that confirm who was affected."""
        return {"name": display_name(self.name, self.member), "ref": self.member.partition(":")[2]}


async def resolve(ctx: Context[Message], ref: MemberRef) -> Target | None:
    """The member ``ref`` names in this group: the @-mentioned one, else the word as a full or platform id,
    else as a unique display name. Replies "not found" or with the candidates and returns None when it
    cannot tell."""
    ev = ctx.event
    if ref.mentioned is not None:
        known = await ctx.repo.members.find_members(ev.chat.id, ref.mentioned, 1)
        return Target(ref.mentioned, known[0][1] if known and known[0][0] == ref.mentioned else "")
    found = await ctx.repo.members.find_members(ev.chat.id, ref.token, SHOWN + 1)
    if len(found) == 1:
        return Target(found[0][0], found[0][1])
    await ctx.reply(ctx.render("member_pick", ctx.locale, token=ref.token.removeprefix("@"), more=len(found) > SHOWN,
                               candidates=[Target(m, n).label for m, n in found[:SHOWN]]))
    return None
