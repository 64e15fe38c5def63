"""Surveys (``/console/groups/{group}/surveys``): the config's definitions, send one now or at a time, and the
results with a chart per question and the completion rate.

Sending now posts the survey exactly as ``/survey start`` does (to a segment, privately, when one is given);
a time is kept in the database and the ``one_off_surveys`` minute job posts it once; results are
``/survey results``' tally.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiohttp import web

from bot.core.events import ChatRef
from bot.core.jobs import effective
from bot.core.timeutil import iso_utc, zone
from bot.domain.segments import QueryError
from bot.faces.appkeys import RUNTIME
from bot.faces.console import charts
from bot.faces.console.access import GroupView
from bot.faces.console.gate import api_group, group_context, page_group
from bot.faces.console.routine import Refused, store_schedule
from bot.faces.console.service import CONSOLE
from bot.faces.console.views import group_url, json_response
from handlers import surveys
from handlers.survey_once import one_off_key
from handlers.survey_reach import send_survey


async def data(request: web.Request, group: GroupView) -> list[dict[str, Any]]:
    """Every survey with its questions, its pending one-off time, and its results in this group."""
    c = request.app[CONSOLE]
    gc, ctx = group_context(request, group)
    jobs = request.app[RUNTIME].jobs.jobs
    out = []
    for sv in c.config.surveys:
        job = jobs.get(f"survey:{sv.id}")
        repeat = await effective(ctx, gc, job) if job is not None else None
        res = await surveys.results(ctx, sv, group.id)
        at = await c.repo.settings.setting_value(group.id, one_off_key(sv.id))
        started = await c.repo.surveys.survey_started(group.id, sv.id)
        out.append({
            "id": sv.id, "title": sv.title, "schedule": sv.schedule if not sv.groups or group.id in sv.groups else "",
            "repeat": repeat.spec if repeat else "", "repeat_source": repeat.source if repeat else "off",
            "send_at": iso_utc(float(at)) if at else None, "started_at": iso_utc(started),
            "questions": [{"n": r["n"], "text": r["text"], "kind": r["kind"], "answered": r["answered"],
                           "tally": [{"option": o, "count": int(n) if n else 0} for o, n in r["tally"]]}
                          for r in res["rows"]],
            "responders": res["responders"], "members": res["members"],
            "completion": round(res["responders"] / res["members"], 4) if res["members"] else 0.0})
    return out


async def surveys_page(request: web.Request) -> web.Response:
    """``GET …/surveys``."""
    c = request.app[CONSOLE]
    who, group = await page_group(request)
    d = await data(request, group)
    t = c.pages.t
    drawn = {s["id"]: [charts.bars([(x["option"], x["count"]) for x in q["tally"]], f"{s['title']} · {q['text']}")
                       if q["kind"] != "text" else None for q in s["questions"]] for s in d}
    rates = {s["id"]: charts.share_bar([("share done", t["answered"], s["responders"]),
                                        ("share-empty", t["not_answered"], s["members"] - s["responders"])],
                                       f"{s['title']} · {t['completion']}") for s in d}
    return c.pages.response("surveys", viewer=who, group=group, now=c.clock(), tab="surveys",
                            title=t["tabs"]["surveys"], d=d, drawn=drawn, rates=rates,
                            done=request.query.get("done", ""), error=request.query.get("error", ""))


async def surveys_json(request: web.Request) -> web.Response:
    """``GET /api/console/groups/{group}/surveys``."""
    return json_response(await data(request, await api_group(request)))


async def survey_post(request: web.Request) -> web.Response:
    """``POST …/surveys`` with ``survey`` and ``action`` = ``send`` | ``schedule`` (``at``, local
    ``YYYY-MM-DDTHH:MM``) | ``unschedule`` | ``repeat`` (``value``: a schedule spec, ``off``, or empty for the
    config's); audited."""
    c = request.app[CONSOLE]
    who, group = await page_group(request)
    gc, ctx = group_context(request, group)
    form = await request.post()
    back = group_url(group.id, "/surveys")
    sv = c.config.survey(str(form.get("survey", "")))
    action = str(form.get("action", ""))
    done = action
    if sv is None:
        raise web.HTTPSeeOther(f"{back}?error=bad_request")
    if action == "send":
        segment = str(form.get("segment", "")).strip()
        try:
            sent = await send_survey(ctx, sv, ChatRef.of(group.id), segment)
        except QueryError:
            raise web.HTTPSeeOther(f"{back}?error=bad_segment") from None
        request.app[RUNTIME].outbox.wake()
        detail = f"{sv.id}: sent" + (f" to {segment or sv.segment}: {sent.private} privately, {sent.mentioned} "
                                      "mentioned" if sent.targeted else "")
        done = "send_targeted" if sent.targeted else action
    elif action == "schedule":
        try:
            when = datetime.strptime(str(form.get("at", "")), "%Y-%m-%dT%H:%M").replace(tzinfo=zone(group.timezone))
        except ValueError:
            raise web.HTTPSeeOther(f"{back}?error=bad_time") from None
        if when.timestamp() <= c.clock():
            raise web.HTTPSeeOther(f"{back}?error=past_time")
        await c.repo.settings.set_setting(group.id, one_off_key(sv.id), str(when.timestamp()))
        detail = f"{sv.id}: at {iso_utc(when.timestamp())}"
    elif action == "repeat":  # a repeating schedule for this group: a spec, off, or empty for the config's
        job = request.app[RUNTIME].jobs.jobs.get(f"survey:{sv.id}")
        if job is None:
            raise web.HTTPSeeOther(f"{back}?error=bad_request")
        try:
            detail = f"{sv.id}: " + await store_schedule(request, gc, job, str(form.get("value", "")).strip()[:100])
        except Refused as exc:
            raise web.HTTPSeeOther(f"{back}?error={exc.code}") from None
    elif action == "unschedule":
        await c.repo.settings.set_setting(group.id, one_off_key(sv.id), None)
        detail = f"{sv.id}: unscheduled"
    else:
        raise web.HTTPSeeOther(f"{back}?error=bad_request")
    await c.audit(who.member_id, "console_survey", group.id, detail)
    raise web.HTTPSeeOther(f"{back}?done={done}")
