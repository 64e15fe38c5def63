"""Group moderation (群管理): every group message is checked against the group's rules.

Rules, in order: a pending newcomer check (the message is the answer, or is held back), contact and ads,
sensitive words, links off the allowlist (all on normalized text, :mod:`bot.domain.moderation.scan`), then
flood, repeats and spam waves across our groups (:mod:`bot.domain.moderation.burst`). Admins — listed in the
config or group admins on the platform — are never checked. What happens next is
:func:`handlers.moderation_act.decide`; the admin commands live in :mod:`handlers.moderation_commands`.
"""

from __future__ import annotations

from bot.core.context import Context
from bot.core.events import ButtonPress, MemberJoined, MemberLeft, Message
from bot.core.filters import is_admin
from bot.core.jobs import MinuteJob
from bot.core.routing import Router
from bot.domain.moderation.burst import Bursts
from bot.domain.moderation.scan import SENSITIVE, scanner
from handlers import moderation_captcha, moderation_commands
from handlers.moderation_act import Verdict, decide

# When one message breaks several rules, the one named (and logged) is the first of these.
PRIORITY = (SENSITIVE, "contact", "ad", "link")


class Watch:
    """The message observer, holding the app's short memory of recent messages (flood, repeats, waves)."""

    def __init__(self) -> None:
        self.bursts = Bursts()

    async def message(self, ctx: Context[Message]) -> None:
        ev, group = ctx.event, ctx.group
        if group is None or group.moderation.mode == "off" or is_admin(ctx):
            return
        cfg = group.moderation
        if await moderation_captcha.answer(ctx, group):
            return
        found = scanner(cfg).scan(ev.text)
        burst, _count = self.bursts.note(ev.user.id, group.id, ev.time, ev.text, cfg)
        if found:
            hit = min(found, key=lambda f: PRIORITY.index(f.rule))
            verdict = Verdict(group, ev.user.id, ev.user_name, hit.rule, hit.what, ev.event_id)
        elif burst:
            verdict = Verdict(group, ev.user.id, ev.user_name, burst, "", ev.event_id)
        else:
            return
        await decide(ctx, verdict)


def router() -> Router:
    r = Router("moderation")
    r.observe(Message, Watch().message)
    r.observe(MemberJoined, moderation_captcha.joined)
    r.observe(MemberLeft, moderation_captcha.left)
    r.observe(ButtonPress, moderation_captcha.pressed)
    moderation_commands.register(r)
    return r


CAPTCHA_TIMEOUTS = MinuteJob("captcha_timeouts", moderation_captcha.timeouts, moderation_captcha.due_groups)
