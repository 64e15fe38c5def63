"""Answers to admin lookups — one member's data or a list of members — and their audit trail.

Such an answer goes to the admin privately where the platform allows; where it cannot, the group gets a
notice without the data. ``admin_replies = "group"`` (``[defaults]`` or per group) answers in the group
instead. Either way each lookup is written to the audit log: who, what, about whom, and how it was answered.
"""

from __future__ import annotations

from bot.core.context import Context
from bot.core.events import Message
from bot.core.posting import post


async def answer_lookup(ctx: Context[Message], text: str, action: str, detail: str) -> None:
    """Deliver ``text`` (an admin lookup's answer) as the group's ``admin_replies`` says, and audit it as
    ``action`` with ``detail`` (whom or what it was about)."""
    ev = ctx.event
    mode = ctx.group.admin_replies if ctx.group else ctx.config.defaults.admin_replies
    if mode == "group":
        await post(ctx, ev.chat, text, reply_to=ev.event_id)
        how = "group"
    elif ctx.can_dm(ev.user):
        await post(ctx, ev.user, text)
        await ctx.reply(ctx.render("admin_private", ctx.locale, sent=True))
        how = "private"
    else:
        await ctx.reply(ctx.render("admin_private", ctx.locale, sent=False))
        how = "withheld"
    await audit_admin(ctx, action, f"{detail} ({how})")


async def audit_admin(ctx: Context[Message], action: str, detail: str) -> None:
    """Record an admin's look at, or change of, member data in the audit log."""
    ev = ctx.event
    await ctx.repo.privacy.audit(f"admin:{ev.user.id}", action, ev.chat.id, detail)
