"""Admin commands on members: /tag 打标签, /why 为什么, /attr 属性, /tier 分层; member self-service /myattr 我的属性.

Who may run them is declared in their specs; the admin-only middleware refuses everyone else.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace

from bot.core.arguments import Maybe, Member, Text
from bot.core.commands import CommandSpec, Sub, bare
from bot.core.context import Context
from bot.core.events import Message
from bot.core.i18n import N_
from bot.core.routing import Router
from bot.core.usage import reply_usage
from bot.domain import manual_tags, profiles
from bot.domain.recompute import compute, ensure_fresh, group_weights, save_weights
from bot.domain.tiers import TIERS, moves, parse_weights
from handlers.admin_reply import answer_lookup, audit_admin
from handlers.member_ref import resolve

MEMBER = Member("成员", "MEMBER")
EDITS = Text("+标签 -标签", "+TAG -TAG")
TAG_NAME = Text("标签", "TAG")
PAIRS = Maybe(Text("属性=值", "KEY=VALUE"))
WEIGHTS = Maybe(Text("recency=0.3 frequency=0.4 contribution=0.3", "recency=0.3 frequency=0.4 contribution=0.3"))

TAG = CommandSpec("tag", ("标签", "打标签"), "给成员加/去标签（如 /标签 @成员 +红酒 -健身）", admin=True,
                  args=(MEMBER, EDITS))
WHY = CommandSpec("why", ("为什么", "依据"), "查看成员某个标签的依据", admin=True, args=(MEMBER, TAG_NAME))
ATTR = CommandSpec("attr", ("属性",), "设置成员属性（如 城市=上海），不写属性则私信查看", admin=True,
                   args=(MEMBER, PAIRS))
TIER = CommandSpec("tier", ("分层", "价值分层"), "价值分层：各层人数、成员依据、调整权重", admin=True, subs=(
    bare("summary", "各层人数和当前权重"),
    bare("member", "某位成员的分层依据", MEMBER),
    Sub("preview", ("预览",), "预览新权重下谁会换层", (WEIGHTS,)),
    Sub("save", ("保存",), "保存新权重（立即生效）", (WEIGHTS,)),
))
WEIGHTS_HELP = N_("权重这样写：近因=0.3 频率=0.4 贡献=0.3（不小于 0，不能全为 0，没写的沿用当前值）。")
MYATTR = CommandSpec("myattr", ("我的属性",), "私信查看我的属性")


async def tag(ctx: Context[Message]) -> None:
    ev = ctx.event
    edits = [w for w in ctx.data[EDITS].split() if len(w) > 1 and w[0] in "+-"]
    if not edits:
        await reply_usage(ctx)
        return
    who = await resolve(ctx, ctx.data[MEMBER])
    if who is None:
        return
    member = who.member
    added, removed = [], []
    for w in edits:
        name, now = w[1:], ev.time
        if w[0] == "+":
            await manual_tags.give(ctx.repo, ctx.config, ev.chat.id, member, name, ev.user.id, now, ev.event_id)
            added.append(name)
        else:
            await manual_tags.take(ctx.repo, ev.chat.id, member, name, now)
            removed.append(name)
    await audit_admin(ctx, "tag", f"{member}: " + " ".join(edits))
    await ctx.reply(ctx.render("tag_done", ctx.locale, who=who.label, added=added, removed=removed))


async def why(ctx: Context[Message]) -> None:
    ev = ctx.event
    who = await resolve(ctx, ctx.data[MEMBER])
    if who is None:
        return
    member, name = who.member, " ".join(ctx.data[TAG_NAME].split())
    found = await profiles.load(ctx.repo, ctx.config, ev.chat.id, [member], ctx.clock())
    if not found:
        await reply_usage(ctx)
        return
    p = found[0]
    t = p.tag(name)
    carried = t is not None
    if t is None:  # below min_score, or rejected: still show what the hits amount to
        relaxed = replace(ctx.config, tagging=replace(ctx.config.tagging, min_score=0.0))
        again = await profiles.load(ctx.repo, relaxed, ev.chat.id, [member], ctx.clock())
        t = next((x for x in again[0].tags if x.name == name and x.source == "keyword"), None)
    detail = await ctx.repo.tags.tag_detail(ev.chat.id, member, name)
    evidence = json.loads(detail.evidence) if detail and detail.evidence else {}
    at = detail.at if detail else None
    by = evidence.get("by") if isinstance(evidence, dict) else None
    by_name = (await _names(ctx, ev.chat.id)).get(by, by) if by else ""
    await answer_lookup(ctx, ctx.render("why", ctx.locale, p=p, tag=name, t=t, carried=carried, evidence=evidence,
                                        at=at, by_name=by_name, tz=ctx.timezone,
                                        half_life=ctx.config.tagging.half_life_days,
                                        min_score=ctx.config.tagging.min_score), "why", f"{member} {name}")


async def attr(ctx: Context[Message]) -> None:
    ev = ctx.event
    pairs = [w.partition("=") for w in (ctx.data[PAIRS] or "").split() if "=" in w]
    if any(not k for k, _s, _v in pairs):
        await reply_usage(ctx)
        return
    who = await resolve(ctx, ctx.data[MEMBER])
    if who is None:
        return
    member = who.member
    for key, _sep, value in pairs:
        await ctx.repo.tags.set_attribute(ev.chat.id, member, key, value or None, "manual", ev.time)
    if pairs:
        await audit_admin(ctx, "attr_set", f"{member}: " + " ".join(k for k, _s, _v in pairs))
        await ctx.reply(ctx.render("attr_done", ctx.locale, who=who.label, keys=[k for k, _s, _v in pairs]))
        return
    found = await profiles.load(ctx.repo, ctx.config, ev.chat.id, [member], ctx.clock())
    attrs = found[0].attributes if found else {}
    await answer_lookup(ctx, ctx.render("attrs", ctx.locale, name=found[0].name if found else who.label["name"],
                                        attributes=attrs, tz=ctx.timezone), "attr", member)


async def tier_preview(ctx: Context[Message]) -> None:
    """Who would change tier under the given weights (nothing is kept)."""
    await _tier_weights(ctx, saving=False)


async def tier_save(ctx: Context[Message]) -> None:
    """Keep the given weights for the group, and show who changed tier."""
    await _tier_weights(ctx, saving=True)


async def _tier_weights(ctx: Context[Message], saving: bool) -> None:
    ev = ctx.event
    group, now = ev.chat.id, ctx.clock()
    current = await group_weights(ctx.repo, ctx.config, group)
    try:
        weights = parse_weights(ctx.data[WEIGHTS] or "", current)
    except ValueError:
        await reply_usage(ctx, ctx.render.text(ctx.locale, WEIGHTS_HELP))
        return
    await ensure_fresh(ctx.repo, ctx.config, group, now)
    before = {m: t for m, (t, _s, _b) in (await ctx.repo.profiles.member_states(group)).items()}
    result = await compute(ctx.repo, ctx.config, group, now, weights)
    after = {s.member_id: s.tier for s in result.states}
    rfm = any(b.get("model") == "rfm" for b in result.breakdowns.values())
    counts = Counter(after.values())
    if saving:
        await save_weights(ctx.repo, group, weights)
    names = await _names(ctx, group)
    moved = [(names.get(m, m), a, b) for m, a, b in moves(before, after)]
    await answer_lookup(ctx, ctx.render("tier_preview", ctx.locale, saved=saving, weights=weights, moves=moved,
                                        rfm=rfm, counts=[(t, counts.get(t, 0)) for t in TIERS]),
                        "tier_save" if saving else "tier_preview", f"{weights.to_json()}: {len(moved)} moved")


async def tier_summary(ctx: Context[Message]) -> None:
    """How many members each tier holds, and the weights in use."""
    group, now = ctx.event.chat.id, ctx.clock()
    await ensure_fresh(ctx.repo, ctx.config, group, now)
    states = await ctx.repo.profiles.member_states(group)
    counts = Counter(t for t, _s, _b in states.values())
    weights = await group_weights(ctx.repo, ctx.config, group)
    await ctx.reply(ctx.render("tier_summary", ctx.locale, counts=[(t, counts.get(t, 0)) for t in TIERS],
                               weights=weights, cfg=ctx.config.tiers))


async def tier_member(ctx: Context[Message]) -> None:
    """One member's tier and what it is made of (answered as an admin lookup)."""
    group, now = ctx.event.chat.id, ctx.clock()
    who = await resolve(ctx, ctx.data[MEMBER])
    if who is None:
        return
    await ensure_fresh(ctx.repo, ctx.config, group, now)
    states = await ctx.repo.profiles.member_states(group)
    member = who.member
    state = states.get(member)
    if state is None:
        await reply_usage(ctx)
        return
    names = await _names(ctx, group)
    await answer_lookup(ctx, ctx.render("tier_member", ctx.locale, name=names.get(member, member),
                                        b=json.loads(state[2]), cfg=ctx.config.tiers), "tier", member)


async def myattr(ctx: Context[Message]) -> None:
    ev = ctx.event
    found = await profiles.load(ctx.repo, ctx.config, ev.chat.id, [ev.user.id], ctx.clock())
    attrs = found[0].attributes if found else {}
    await ctx.reply_private(ctx.render("attrs", ctx.locale, name=ev.user_name or ev.user.id, attributes=attrs,
                                       tz=ctx.timezone),
                            notice=ctx.render("private_unavailable", ctx.locale))


def router() -> Router:
    r = Router("member_admin")
    r.command(TAG, tag)
    r.command(WHY, why)
    r.command(ATTR, attr)
    r.command(TIER, {"summary": tier_summary, "member": tier_member, "preview": tier_preview, "save": tier_save})
    r.command(MYATTR, myattr)
    return r


async def _names(ctx: Context[Message], group: str) -> dict[str, str]:
    found = await profiles.load_group(ctx.repo, ctx.config, group, ctx.clock())
    return {p.member: p.name or p.member for p in found}
