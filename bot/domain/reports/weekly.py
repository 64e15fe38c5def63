"""The weekly digest: the past seven local days against the week before, lifecycle moves, core members
declining, unanswered questions and how questions were answered, moderation, surveys, check-ins, and three
suggestions. Gather → build (pure) → render."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from bot.core.config import Config, GroupConfig
from bot.core.events import display_name
from bot.core.render import Renderer
from bot.core.timeutil import day_minus, local_day, local_midnight
from bot.domain import insight_runs, profiles, pushes
from bot.domain.answer_measures import as_dict
from bot.domain.hours import push_time
from bot.domain.lifecycle import stage_label
from bot.domain.lurkers import lurkers
from bot.domain.moderation import labels
from bot.domain.profiles import MemberStage
from bot.domain.recompute import core_members
from bot.domain.reports.report import Report, change, group_title, weekday_names
from bot.domain.tag_visibility import public_tags
from storage.repo import Repo, Window


def _week_bounds(now: float, tz: str) -> tuple[str, str, float, float, float]:
    """(first day, last day, previous-week start, week start, week end): the 7 local days before today."""
    today = local_day(now, tz)
    first = day_minus(today, 7)
    return first, day_minus(today, 1), local_midnight(day_minus(today, 14), tz), local_midnight(first, tz), \
        local_midnight(today, tz)


async def gather_weekly(repo: Repo, cfg: Config, group: GroupConfig, now: float) -> dict[str, Any]:
    tz, gid = group.timezone, group.id
    first, last, prev_start, start, end = _week_bounds(now, tz)
    before, after = await profiles.lifecycles(repo, cfg, gid, [start, end])
    surveys = []
    for sv in cfg.surveys:
        if await repo.surveys.survey_started(gid, sv.id) is not None:
            surveys.append(await survey_summary(repo, gid, sv.id, sv.title))
    tags = await repo.reports.top_tags(gid, start, end, 10)
    return {
        "first": first, "last": last,
        "week": await repo.reports.window(gid, start, end), "prev": await repo.reports.window(gid, prev_start, start),
        "contributors": await repo.reports.top_contributors(gid, start, end, 5),
        "helpers": await repo.reports.top_helpers(gid, start, end, 5),
        "tags": tags, "prev_tags": await repo.reports.top_tags(gid, prev_start, start, 50),
        "before": before, "after": after,
        "core": await core_members(repo, cfg, gid),
        "lurkers": [(f.member_id, f.name) for f in await lurkers(repo, cfg, gid, now, start)],
        "unanswered": await repo.questions.open_questions(gid, end - cfg.alerts.unanswered_minutes * 60, start),
        "surveys": surveys,
        "checkers": await repo.checkins.checkin_members_between(gid, first, last),
        "members": len(await repo.members.current_members(gid)),
        "hours": await repo.reports.group_hours(gid),
        # the cards the console shows: the group's kept insights run, computed (and kept) only when out of date
        "personas": (await insight_runs.latest(repo, cfg, gid, now, group.locale))["personas"],
        # build_weekly looks at the week's top tag only
        "tag_times": await repo.reports.tag_message_times(gid, start - 21 * 86400, tags[0][0]) if tags else [],
        "answers": await repo.answers.measures(gid, start, end),
        "moderation": await repo.moderation.moderation_counts(gid, start, end),
    }


async def survey_summary(repo: Repo, group_id: str, survey_id: str, title: str) -> dict[str, Any]:
    answers = await repo.surveys.survey_answers(group_id, survey_id)
    members = await repo.members.current_members(group_id)
    responders = {m for m, _q, _v in answers}
    return {"id": survey_id, "title": title or survey_id, "responders": len(responders),
            "members": len(members), "non_responders": len([m for m in members if m not in responders])}


def _peak(times: Sequence[tuple[str, str, int]], tag: str) -> tuple[int, int] | None:
    c = Counter((date.fromisoformat(d).weekday(), h) for t, d, h in times if t == tag)
    if not c:
        return None
    (wd, hour), _n = max(c.items(), key=lambda kv: (kv[1], -kv[0][0], -kv[0][1]))
    return wd, hour


def build_weekly(data: Mapping[str, Any], locale: str, visibility: str = "all") -> dict[str, Any]:
    """Pure: gathered facts → the digest's template context (with three suggestions).

    ``visibility`` is what the bot sees in the group (``all`` / ``mentions``): with ``mentions`` the
    digest says that profiles are built from messages that mention the bot only.
    """
    week: Window = data["week"]
    prev: Window = data["prev"]
    before: Mapping[str, MemberStage] = data["before"]
    after: Mapping[str, MemberStage] = data["after"]
    moves: Counter[tuple[str, str]] = Counter()
    declining_core: list[str] = []
    for mid, p in after.items():
        was = before.get(mid)
        old = was.lifecycle if was is not None else None
        new = p.lifecycle
        if old and new and old != new:  # someone first seen this week moved from nowhere: no move
            moves[(old, new)] += 1
        if new == "declining" and old != "declining" and mid in data["core"]:
            declining_core.append(display_name(p.name, mid))
    prev_tags = {t: h for t, h, _m in data["prev_tags"]}
    tags = [{"name": t, "hits": h, "members": m, "delta": h - prev_tags.get(t, 0)} for t, h, m in data["tags"]]
    trending = sorted(tags, key=lambda t: (-t["delta"], t["name"]))[:5]
    lurking: Sequence[tuple[str, str]] = data["lurkers"]
    active = week.active_members
    # of the group's members: a check-in is no chat message, so those who check in need not be "active"
    members = data["members"]
    checkin_rate = f"{data['checkers'] * 100 / members:.0f}%" if members else "0%"
    best = push_time(data["hours"])
    unanswered = [{"name": display_name(n, m), "excerpt": e} for _i, m, n, _a, e in data["unanswered"]]

    # each suggestion is a kind with its values; the template words it in the group's language
    suggestions: list[dict[str, Any]] = []

    def suggest(kind: str, **args: Any) -> None:
        suggestions.append({"kind": kind, "args": args})

    if tags:
        peak = _peak(data["tag_times"], tags[0]["name"])
        if peak:
            wd, hour = peak
            suggest("peak", tag=tags[0]["name"], day=weekday_names(locale)[wd], hour=f"{hour:02d}:00")
    if declining_core:
        suggest("declining_core", names=declining_core[:3])
    if unanswered:
        suggest("unanswered", n=len(unanswered))
    if lurking and len(suggestions) < 3:
        suggest("lurkers", n=len(lurking))
    if week.joined and len(suggestions) < 3:
        suggest("newcomers")
    if len(suggestions) < 3 and members and data["checkers"] * 2 < members:
        suggest("checkins", rate=checkin_rate)
    for kind in ("best_time", "activity", "share"):
        if len(suggestions) >= 3:
            break
        suggest(kind, time=best)

    return {
        "first": data["first"], "last": data["last"],
        "messages": week.messages, "messages_delta": change(week.messages, prev.messages),
        "active": active, "active_delta": change(active, prev.active_members),
        "joined": len(week.joined), "joined_prev": len(prev.joined), "left": week.left, "left_prev": prev.left,
        "contributors": [{"name": display_name(n, m), "messages": c} for m, n, c in data["contributors"]],
        "helpers": [{"name": display_name(n, m), "replies": c} for m, n, c in data["helpers"]],
        "tags": tags[:5], "trending": [t for t in trending if t["delta"] > 0],
        "declining_core": declining_core,
        "moves": [{"from": stage_label(a, locale), "to": stage_label(b, locale), "count": n}
                  for (a, b), n in sorted(moves.items(), key=lambda kv: (-kv[1], kv[0]))],
        # names only: a member we know by id alone is counted, never shown as a raw id
        "lurkers": len(lurking), "lurker_names": [n for _m, n in lurking if n][:5],
        "unanswered": unanswered[:5], "unanswered_count": len(unanswered),
        "surveys": data["surveys"],
        "checkers": data["checkers"], "checkin_rate": checkin_rate,
        "best_time": best,
        # the persona cards in one line each: name, size, share, what sets them apart, when to reach them
        "personas": [{"name": c["name"], "size": c["size"], "share": c["share"], "slot": c["best_slot"],
                      "tags": c["topics"][:2]}
                     for c in data.get("personas", [])],
        "suggestions": suggestions[:3],
        "matrix": [],
        "mentions_only": visibility == "mentions",
        "answers": as_dict(data["answers"]) if "answers" in data else None,
        "moderation": moderation_rows(data.get("moderation", ()), locale),
    }


def moderation_rows(counts: Sequence[tuple[str, str, str, int]], locale: str) -> list[dict[str, Any]]:
    """The week's moderation log by rule and action, in words: what was caught (``observe``: what would have
    been done), admins' own actions, and their /unmute (a hint at a false positive)."""
    return [{"rule": labels.rule(locale, rule), "action": labels.action(locale, action), "observed": mode == "observe",
             "count": n} for rule, action, mode, n in counts]


async def weekly(repo: Repo, render: Renderer, cfg: Config, group: GroupConfig, now: float,
                 public: bool = False, matrix: Sequence[dict[str, Any]] = (), visibility: str = "all") -> Report:
    ctx = build_weekly(await gather_weekly(repo, cfg, group, now), group.locale, visibility)
    ctx["matrix"] = list(matrix)
    if public:  # posted in the group: only tags the group may see (motives, feedback … stay with admins)
        ctx["tags"] = public_tags(cfg, ctx["tags"], lambda t: str(t["name"]))
        ctx["trending"] = public_tags(cfg, ctx["trending"], lambda t: str(t["name"]))
    text = render("weekly_digest", group.locale, public=public, group=await group_title(repo, group), **ctx)
    if not public:
        rows = pushes.summarize(await pushes.results(repo, group.id, now - PUSH_DAYS * 86400, now))
        shown = push_rows(rows)
        if shown:
            text = text.rstrip("\n") + "\n\n" + render("push_results", group.locale, rows=shown, best=shown[0])
    return Report(text)


PUSH_DAYS = 28


def push_rows(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The measured kinds and slots as the digest shows them (percentages), best lift first."""
    out = [{"kind": r["kind"], "slot": r["slot"], "posts": r["posts"],
            "rate": round((r["response_rate"] or 0.0) * 100),
            "baseline": round(r["baseline_rate"] * 100) if r["baseline_rate"] is not None else None,
            "lift": round(r["lift"], 1) if r["lift"] is not None else None} for r in rows
           if r["response_rate"] is not None]
    return sorted(out, key=lambda r: (-(r["lift"] or 0.0), -r["rate"], r["kind"], r["slot"]))


async def matrix_rows(repo: Repo, cfg: Config, now: float) -> list[dict[str, Any]]:
    """Every configured group ranked by growth (joined − left) and then activity change."""
    rows: list[dict[str, Any]] = []
    for g in cfg.groups.values():
        _f, _l, prev_start, start, end = _week_bounds(now, g.timezone)
        w, p = await repo.reports.window(g.id, start, end), await repo.reports.window(g.id, prev_start, start)
        rows.append({"group": await group_title(repo, g), "growth": len(w.joined) - w.left, "messages": w.messages,
                     "messages_delta": change(w.messages, p.messages), "active": w.active_members,
                     "_d": w.messages - p.messages})
    rows.sort(key=lambda r: (-int(r["growth"]), -int(r["_d"]), str(r["group"])))
    for i, r in enumerate(rows, 1):
        r["rank"] = i
        del r["_d"]
    return rows
