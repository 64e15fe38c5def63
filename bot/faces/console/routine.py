"""The routine page (``/console/groups/{group}/routine``): when the morning report and weekly digest go out
(with a preview), the news queue, weekly activities, check-in points and who gets the digest.

Edits are stored in the database exactly as the chat commands store them (``/早报 时间``, ``/资讯``,
``/活动``) or as :mod:`bot.domain.group_settings` keeps the rest, and the scheduler is reinstalled at once,
so nothing waits for a restart (a running scheduler also re-reads them every minute).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.core.config import GroupConfig
from bot.core.jobs import ScheduledJob, effective, schedule_key
from bot.core.scheduler import ScheduleError, parse_hhmm, parse_schedule, weekday_index
from bot.domain import group_settings as gs
from bot.faces.appkeys import RUNTIME
from bot.faces.console.access import GroupView
from bot.faces.console.gate import api_group, group_context, page_group
from bot.faces.console.service import CONSOLE, Console
from bot.faces.console.views import group_url, json_response
from handlers import reports

JOBS = {"morning_report": reports.MORNING_REPORT, "weekly_digest": reports.WEEKLY_DIGEST}
MAX_TEXT = 500


async def routine(request: web.Request, group: GroupView) -> dict[str, Any]:
    """What the page shows (JSON-ready)."""
    c = request.app[CONSOLE]
    gc, ctx = group_context(request, group)
    schedules = {}
    for name, job in JOBS.items():
        eff = await effective(ctx, gc, job)
        schedules[name] = {"spec": eff.spec or "off", "source": eff.source,
                           "config": job.configured_in(c.config, gc) or ""}
    check = await gs.checkin(c.repo, c.config, group.id)
    return {
        "schedules": schedules,
        "morning_preview": await reports.morning_text(ctx, gc),
        "news": [{"id": i, "text": text} for i, text in await c.repo.news.pending_news(group.id)],
        "activities": [{"id": i, "weekday": w, "time": t, "title": title}
                       for i, w, t, title in await c.repo.news.activities(group.id)],
        "checkin": {"points": check.points, "weekly_bonus": check.weekly_bonus},
        "digest_recipients": list(await gs.digest_recipients(c.repo, gc)),
    }


async def routine_page(request: web.Request) -> web.Response:
    """``GET …/routine``."""
    c = request.app[CONSOLE]
    who, group = await page_group(request)
    d = await routine(request, group)
    names = {m: await _name(c, group.id, m) for m in d["digest_recipients"]}
    return c.pages.response("routine", viewer=who, group=group, now=c.clock(), tab="routine",
                            title=c.pages.t["tabs"]["routine"], d=d, names=names,
                            done=request.query.get("done", ""), error=request.query.get("error", ""))


async def routine_json(request: web.Request) -> web.Response:
    """``GET /api/console/groups/{group}/routine``."""
    return json_response(await routine(request, await api_group(request)))


async def _name(c: Console, group_id: str, member: str) -> str:
    found = await c.repo.members.find_members(group_id, member, 1)
    return found[0][1] if found and found[0][0] == member and found[0][1] else member.partition(":")[2] or member


def _text(form: Any, key: str, limit: int = MAX_TEXT) -> str:
    return " ".join(str(form.get(key, "")).split())[:limit]


class Refused(Exception):
    """A form value that cannot be used; ``code`` names the message in ``form_errors``."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def _int(form: Any, key: str) -> int:
    raw = _text(form, key, 6)
    if not raw.isdigit() or int(raw) > 10000:
        raise Refused("bad_number")
    return int(raw)


async def store_schedule(request: web.Request, gc: GroupConfig, job: ScheduledJob, raw: str) -> str:
    """Store a schedule as ``/早报 时间`` does: a spec, ``off``, or empty for the config's again (also a
    survey's repeating schedule); raises :class:`Refused` (``bad_schedule``) for one it cannot read."""
    value: str | None = raw or None
    if raw and raw.casefold() not in ("off", "关闭"):
        try:
            parse_schedule(raw)
        except ScheduleError:
            raise Refused("bad_schedule") from None
    elif raw:
        value = "off"
    await request.app[CONSOLE].repo.settings.set_setting(gc.id, schedule_key(job.name), value, job.configured_in(
        request.app[CONSOLE].config, gc))
    await request.app[RUNTIME].jobs.install()  # the timer takes the new time now, not at the next minute
    return f"{job.name}={value or 'reset'}"


async def _apply(request: web.Request, c: Console, gc: GroupConfig, who: str, form: Any) -> str:
    """Carry out one form; returns what the audit log says about it."""
    action, gid = str(form.get("action", "")), gc.id
    if action == "schedule":
        job = JOBS.get(str(form.get("job", "")))
        if job is None:
            raise Refused("bad_request")
        return await store_schedule(request, gc, job, _text(form, "value", 100))
    if action == "news_add":
        text = str(form.get("text", "")).strip()[:MAX_TEXT]
        if not text:
            raise Refused("missing")
        await c.repo.news.add_news(gid, text, who)
        return f"news +{text[:60]}"
    if action == "news_rm":
        await c.repo.news.remove_news(gid, _int(form, "id"))
        return f"news -{form.get('id')}"
    if action == "activity_add":
        day, title = weekday_index(_text(form, "weekday", 10)), _text(form, "title", 100)
        try:
            h, m = parse_hhmm(_text(form, "time", 10))
        except ScheduleError:
            raise Refused("bad_time") from None
        if day is None or not title:
            raise Refused("missing")
        await c.repo.news.add_activity(gid, day, f"{h:02d}:{m:02d}", title, who)
        return f"activity +{title}"
    if action == "activity_rm":
        await c.repo.news.remove_activity(gid, _int(form, "id"))
        return f"activity -{form.get('id')}"
    if action == "checkin":
        points, bonus = _int(form, "points"), _int(form, "weekly_bonus")
        await gs.save(c.repo, gid, gs.CHECKIN_POINTS, str(points), str(c.config.checkin.points))
        await gs.save(c.repo, gid, gs.CHECKIN_BONUS, str(bonus), str(c.config.checkin.weekly_bonus))
        return f"checkin points={points} weekly_bonus={bonus}"
    if action == "digest":
        members = [m for m in str(form.get("recipients", "")).replace(",", " ").split() if ":" in m][:50]
        value = gs.recipients_value(members) if members else None
        await gs.save(c.repo, gid, gs.DIGEST_TO, value, gs.recipients_in_config(gc))
        return f"digest recipients={' '.join(members) or 'reset'}"
    raise Refused("bad_request")


async def routine_post(request: web.Request) -> web.Response:
    """``POST …/routine`` with ``action`` = ``schedule`` | ``news_add`` | ``news_rm`` | ``activity_add`` |
    ``activity_rm`` | ``checkin`` | ``digest``; audited, then back to the page saying what happened."""
    c = request.app[CONSOLE]
    who, group = await page_group(request)
    gc, _ctx = group_context(request, group)
    form = await request.post()
    back = group_url(group.id, "/routine")
    try:
        detail = await _apply(request, c, gc, who.member_id, form)
    except Refused as exc:
        raise web.HTTPSeeOther(f"{back}?error={exc.code}") from None
    await c.audit(who.member_id, "console_routine", group.id, detail)
    raise web.HTTPSeeOther(f"{back}?done={form.get('action', '')}")
