"""Admin commands on members: /tag 打标签, /why 为什么, /attr 属性, /tier 分层; member self-service /myattr 我的属性.

Every admin command passes the one permission filter ``is_admin``; anyone else gets a polite refusal and
nothing runs (``refusals``).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from bot.core.context import Context
from bot.core.events import Message
from bot.core.filters import is_admin
from bot.core.routing import CommandSpec, Router, command
from bot.core.timeutil import iso_utc
from bot.domain import profiles
from bot.domain.activity_tags import ACTIVITY_TAGS
from bot.domain.recompute import compute, ensure_fresh, group_weights, save_weights
from bot.domain.tiers import TIERS, moves, parse_weights
from handlers.admin_reply import answer_lookup, audit_admin
from handlers.member_ref import target

TAG = CommandSpec("tag", ("标签", "打标签"), "给成员加/去标签：/tag @成员 +红酒 -健身", admin=True)
WHY = CommandSpec("why", ("为什么", "依据"), "查看标签依据：/why @成员 红酒", admin=True)
ATTR = CommandSpec("attr", ("属性",), "设置/查看成员属性：/attr @成员 城市=上海（私信回复）", admin=True)
TIER = CommandSpec("tier", ("分层", "价值分层"),
                   "价值分层：/tier、/tier @成员、/tier preview recency=0.3 frequency=0.4 contribution=0.3、"
                   "/tier save …", admin=True)
MYATTR = CommandSpec("myattr", ("我的属性",), "私信查看我的属性")


def refusals(r: Router, specs: Sequence[CommandSpec]) -> None:
    """Non-admins reach these (admin handlers are tried first): a polite refusal, nothing else."""
    async def refuse(ctx: Context) -> None:
        await ctx.reply(ctx.render("refused", ctx.locale))

    for spec in specs:
        r.handler(command(spec.name, *spec.aliases))(refuse)


def router() -> Router:
    r = Router("admin")

    @r.command(TAG, is_admin)
    async def tag(ctx: Context) -> None:
        ev = ctx.event
        assert isinstance(ev, Message)
        who = await target(ctx, TAG.help)
        if who is None:
            return
        member, edits = who.member, [w for w in who.words if len(w) > 1 and w[0] in "+-"]
        if not edits:
            await ctx.reply(ctx.render("usage", ctx.locale, usage=TAG.help))
            return
        rules = {t.name: t.category for t in ctx.config.tags}
        added, removed = [], []
        for w in edits:
            name, now = w[1:], ev.time
            if w[0] == "+":
                category = rules.get(name, "activity" if name in ACTIVITY_TAGS else "manual")
                evidence = json.dumps({"by": ev.user.id, "at": iso_utc(now), "message": ev.event_id})
                await ctx.repo.set_member_tag(ev.chat.id, member, name, category, "manual", evidence, now)
                added.append(name)
            else:
                await ctx.repo.remove_member_tag(ev.chat.id, member, name, now)
                removed.append(name)
        await audit_admin(ctx, "tag", f"{member}: " + " ".join(edits))
        await ctx.reply(ctx.render("tag_done", ctx.locale, who=who.label, added=added, removed=removed))

    @r.command(WHY, is_admin)
    async def why(ctx: Context) -> None:
        ev = ctx.event
        assert isinstance(ev, Message)
        who = await target(ctx, WHY.help)
        if who is None:
            return
        if not who.words:
            await ctx.reply(ctx.render("usage", ctx.locale, usage=WHY.help))
            return
        member, name = who.member, " ".join(who.words)
        found = await profiles.load(ctx.repo, ctx.config, ev.chat.id, [member], ctx.clock())
        if not found:
            await ctx.reply(ctx.render("usage", ctx.locale, usage=WHY.help))
            return
        p = found[0]
        t = p.tag(name)
        carried = t is not None
        if t is None:  # below min_score, or rejected: still show what the hits amount to
            relaxed = replace(ctx.config, tagging=replace(ctx.config.tagging, min_score=0.0))
            again = await profiles.load(ctx.repo, relaxed, ev.chat.id, [member], ctx.clock())
            t = next((x for x in again[0].tags if x.name == name and x.source == "keyword"), None)
        detail = await ctx.repo.tag_detail(ev.chat.id, member, name)
        evidence = json.loads(detail.evidence) if detail and detail.evidence else {}
        at = iso_utc(detail.at) if detail else None
        await answer_lookup(ctx, ctx.render("why", ctx.locale, p=p, tag=name, t=t, carried=carried, evidence=evidence,
                                            at=at, half_life=ctx.config.tagging.half_life_days,
                                            min_score=ctx.config.tagging.min_score), "why", f"{member} {name}")

    @r.command(ATTR, is_admin)
    async def attr(ctx: Context) -> None:
        ev = ctx.event
        assert isinstance(ev, Message)
        who = await target(ctx, ATTR.help)
        if who is None:
            return
        member, pairs = who.member, [w.partition("=") for w in who.words if "=" in w]
        if any(not k for k, _s, _v in pairs):
            await ctx.reply(ctx.render("usage", ctx.locale, usage=ATTR.help))
            return
        for key, _sep, value in pairs:
            await ctx.repo.set_attribute(ev.chat.id, member, key, value or None, "manual", ev.time)
        if pairs:
            await audit_admin(ctx, "attr_set", f"{member}: " + " ".join(k for k, _s, _v in pairs))
            await ctx.reply(ctx.render("attr_done", ctx.locale, who=who.label, keys=[k for k, _s, _v in pairs]))
            return
        found = await profiles.load(ctx.repo, ctx.config, ev.chat.id, [member], ctx.clock())
        attrs = found[0].attributes if found else {}
        await answer_lookup(ctx, ctx.render("attrs", ctx.locale, name=found[0].name if found else who.label["name"],
                                            attributes=attrs), "attr", member)

    @r.command(TIER, is_admin)
    async def tier(ctx: Context) -> None:
        ev = ctx.event
        assert isinstance(ev, Message) and ctx.command is not None
        group, now, args = ev.chat.id, ctx.clock(), ctx.command.args.split(maxsplit=1)
        if args and args[0].casefold() in ("preview", "save", "预览", "保存"):
            current = await group_weights(ctx.repo, ctx.config, group)
            try:
                weights = parse_weights(args[1] if len(args) > 1 else "", current)
            except ValueError as exc:
                await ctx.reply(ctx.render("usage", ctx.locale, usage=f"{exc}\n{TIER.help}"))
                return
            await ensure_fresh(ctx.repo, ctx.config, group, now)
            before = {m: t for m, (t, _s, _b) in (await ctx.repo.member_states(group)).items()}
            after = {s.member_id: s.tier for s in (await compute(ctx.repo, ctx.config, group, now, weights)).states}
            saving = args[0].casefold() in ("save", "保存")
            if saving:
                await save_weights(ctx.repo, group, weights)
            names = await _names(ctx, group)
            moved = [(names.get(m, m), a, b) for m, a, b in moves(before, after)]
            await answer_lookup(ctx, ctx.render("tier_preview", ctx.locale, saved=saving, weights=weights, moves=moved),
                                "tier_save" if saving else "tier_preview", f"{weights.to_json()}: {len(moved)} moved")
            return
        who = await target(ctx, TIER.help) if args else None
        if args and who is None:
            return
        await ensure_fresh(ctx.repo, ctx.config, group, now)
        states = await ctx.repo.member_states(group)
        if who is None:
            counts = Counter(t for t, _s, _b in states.values())
            weights = await group_weights(ctx.repo, ctx.config, group)
            await ctx.reply(ctx.render("tier_summary", ctx.locale, counts=[(t, counts.get(t, 0)) for t in TIERS],
                                       weights=weights, cfg=ctx.config.tiers))
            return
        member = who.member
        state = states.get(member)
        if state is None:
            await ctx.reply(ctx.render("usage", ctx.locale, usage=TIER.help))
            return
        names = await _names(ctx, group)
        await answer_lookup(ctx, ctx.render("tier_member", ctx.locale, name=names.get(member, member),
                                            b=json.loads(state[2]), cfg=ctx.config.tiers), "tier", member)

    @r.command(MYATTR)
    async def myattr(ctx: Context) -> None:
        ev = ctx.event
        assert isinstance(ev, Message)
        found = await profiles.load(ctx.repo, ctx.config, ev.chat.id, [ev.user.id], ctx.clock())
        attrs = found[0].attributes if found else {}
        await ctx.reply_private(ctx.render("attrs", ctx.locale, name=ev.user_name or ev.user.id, attributes=attrs),
                                notice=ctx.render("private_unavailable", ctx.locale))

    refusals(r, [TAG, WHY, ATTR, TIER])
    return r


async def _names(ctx: Context, group: str) -> dict[str, str]:
    found = await profiles.load_group(ctx.repo, ctx.config, group, ctx.clock())
    return {p.member: p.name or p.member for p in found}
