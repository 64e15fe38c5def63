"""How a newcomer check ends: passed (the restriction lifted) or failed (removed from the group).

Shared by the typed answer, the button press and the timeout, so each writes the same log, audit and notice.
"""

from __future__ import annotations

from bot.core.config import GroupConfig
from bot.core.context import Context
from bot.core.events import ChatRef, UserRef
from bot.core.outgoing import ModAction
from bot.domain.moderation import labels
from handlers.moderation_act import announce, do
from storage.repo import Captcha


async def passed(ctx: Context, group: GroupConfig, c: Captcha, name: str, at: float) -> None:
    """The newcomer passed: the check is dropped, the restriction lifted (as ``/unmute`` does), all told."""
    await ctx.repo.moderation.drop_captcha(group.id, c.member_id)
    if c.restricted:
        await do(ctx, ChatRef.of(group.id), ModAction("unmute", user=UserRef.of(c.member_id)))
    await ctx.repo.moderation.record_moderation(group.id, c.member_id, at, "captcha", "pass", "enforce")
    await ctx.repo.privacy.audit("moderation", "mod_captcha", group.id, f"{c.member_id}: passed")
    await announce(ctx, group, "captcha_passed", c.member_id, name or c.name)


async def failed(ctx: Context, group: GroupConfig, c: Captcha, why: str) -> None:
    """The newcomer failed (``why``: ``timeout`` or ``wrong``): removed (free to rejoin and try again)."""
    await do(ctx, ChatRef.of(group.id), ModAction("kick", user=UserRef.of(c.member_id)))
    await ctx.repo.moderation.drop_captcha(group.id, c.member_id)
    await ctx.repo.moderation.record_moderation(group.id, c.member_id, ctx.clock(), "captcha", "kick", "enforce")
    await ctx.repo.privacy.audit("moderation", "mod_enforce", group.id, f"{c.member_id}: captcha {why} → kick")
    await announce(ctx, group, "captcha_removed" if why == "timeout" else "captcha_wrong", c.member_id, c.name,
                   limit=labels.duration(group.locale, group.moderation.captcha_seconds))
