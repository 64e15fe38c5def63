"""The timer: APScheduler 3's AsyncIOScheduler behind a small typed wrapper (the only import of it).

Jobs are ordinary async functions; which runs happened is recorded in our own ``job_runs`` table by
the job runner (``bot/jobs.py``), so APScheduler only decides *when*.

Schedules (contract §3) are one of:

* ``"HH:MM"`` — every day at that local minute;
* ``"mon 09:00"`` (also ``周一 09:00`` / ``星期一 09:00``) — weekly;
* a 5-field crontab ``"m h dom mon dow"`` with Sunday = 0 (or 7) as in cron(5).

APScheduler 3 counts ``day_of_week`` from Monday = 0, so crontab day-of-week fields are expanded
and re-emitted as day names; when both day-of-month and day-of-week are restricted, cron fires when
*either* matches, which we reproduce with an ``OrTrigger``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.combining import OrTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.core.timeutil import zone

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # APScheduler order (Monday = 0)
CRON_DOW = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")  # crontab order (Sunday = 0)
_CN_DAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "七": 6}
_EN_DAYS = {**{d: i for i, d in enumerate(DAY_NAMES)},
            **{full: i for i, full in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday",
                                                 "saturday", "sunday"))}}
_HHMM = re.compile(r"(\d{1,2})[:：](\d{2})")
# 7点, 7点半, 7点30(分), with the part of the day people say before it: 早上7点, 晚上8点, 下午3点
_CN_TIME = re.compile(r"(早上|早晨|上午|中午|下午|傍晚|晚上|夜里|凌晨)?(\d{1,2})[点點时時](半|(\d{1,2})分?)?")
_AFTERNOON = ("下午", "傍晚", "晚上", "夜里")


class ScheduleError(ValueError):
    """A schedule string that cannot be understood; the message says why."""


def weekday_index(word: str) -> int | None:
    """``mon``/``Monday``/``周一``/``星期一``/``礼拜一`` → 0 … 6 (Monday = 0); None when not a weekday."""
    w = unicodedata.normalize("NFKC", word).strip().casefold()
    if w in _EN_DAYS:
        return _EN_DAYS[w]
    for prefix in ("周", "星期", "礼拜"):
        if w.startswith(prefix) and w[len(prefix):] in _CN_DAYS:
            return _CN_DAYS[w[len(prefix):]]
    return None


def parse_hhmm(text: str) -> tuple[int, int]:
    """``07:00``, ``7:00`` (full-width colon too) or as said in Chinese: ``7点``, ``7点半``, ``早上7点``,
    ``晚上8点``."""
    s = unicodedata.normalize("NFKC", text).strip()
    m = _HHMM.fullmatch(s)
    if m:
        h, minute = int(m.group(1)), int(m.group(2))
    elif (c := _CN_TIME.fullmatch(s)) is not None:
        h = int(c.group(2))
        minute = 30 if c.group(3) == "半" else int(c.group(4) or 0)
        if (c.group(1) in _AFTERNOON and h < 12) or (c.group(1) == "中午" and h < 3):
            h += 12
    else:
        raise ScheduleError(f"not a time of day (HH:MM): {text!r}")
    if h > 23 or minute > 59:
        raise ScheduleError(f"not a time of day (HH:MM): {text!r}")
    return h, minute


def _expand_cron_dow(field: str) -> list[int]:
    """A crontab day-of-week field → sorted crontab day numbers (0 = Sunday)."""
    days: set[int] = set()
    for item in field.split(","):
        rng, _, step_s = item.partition("/")
        step = int(step_s) if step_s else 1
        if step < 1:
            raise ScheduleError(f"bad step in day-of-week: {item!r}")

        def num(tok: str) -> int:
            t = tok.strip().casefold()
            if t[:3] in CRON_DOW and not t.isdigit():
                return CRON_DOW.index(t[:3])
            if not t.isdigit() or int(t) > 7:
                raise ScheduleError(f"bad day-of-week: {tok!r}")
            return int(t)

        if rng == "*":
            lo, hi = 0, 6
        elif "-" in rng:
            a, b = rng.split("-", 1)
            lo, hi = num(a), num(b)
        else:
            lo = num(rng)
            hi = 6 if step_s else lo
        if lo > hi:
            raise ScheduleError(f"bad day-of-week range: {item!r}")
        days.update(d % 7 for d in range(lo, hi + 1, step))
    return sorted(days)


def crontab_dow_to_apscheduler(field: str) -> str:
    """Translate a crontab day-of-week field (Sunday = 0) to APScheduler's (names, Monday first)."""
    if field.strip() == "*":
        return "*"
    days = _expand_cron_dow(field)
    return ",".join(CRON_DOW[d] for d in sorted(days, key=lambda d: (d + 6) % 7))


@dataclass(frozen=True, slots=True)
class Schedule:
    """A parsed schedule: APScheduler cron field sets (OR-ed together when more than one)."""

    spec: str
    fields: tuple[tuple[tuple[str, str], ...], ...]

    def trigger(self, timezone: str) -> Any:
        triggers = [CronTrigger(timezone=zone(timezone), **dict(f)) for f in self.fields]
        return triggers[0] if len(triggers) == 1 else OrTrigger(triggers)

    def next_after(self, after: float, timezone: str) -> float | None:
        """The first fire time strictly after ``after`` (unix seconds)."""
        trig = self.trigger(timezone)
        start = datetime.fromtimestamp(after, zone(timezone)) + timedelta(seconds=1)
        nxt = trig.get_next_fire_time(None, start.replace(microsecond=0))
        return None if nxt is None else float(nxt.timestamp())

    def fires_between(self, start: float, end: float, timezone: str, limit: int = 1000) -> list[float]:
        """Fire times ``t`` with ``start < t <= end``."""
        out: list[float] = []
        t = start
        while len(out) < limit:
            nxt = self.next_after(t, timezone)
            if nxt is None or nxt > end:
                break
            out.append(nxt)
            t = nxt
        return out

    def last_at_or_before(self, now: float, window: float, timezone: str) -> float | None:
        """The latest fire time in ``(now - window, now]``, if any."""
        fires = self.fires_between(now - window, now, timezone)
        return fires[-1] if fires else None


def parse_schedule(spec: str) -> Schedule:
    """``"08:00"``, ``"mon 09:00"`` / ``"周一 09:00"`` or a 5-field crontab (Sunday = 0)."""
    s = " ".join(unicodedata.normalize("NFKC", spec).split())
    parts = s.split(" ")
    if len(parts) == 1:
        h, m = parse_hhmm(parts[0])
        return Schedule(spec, ((("hour", str(h)), ("minute", str(m))),))
    if len(parts) == 2:
        day = weekday_index(parts[0])
        if day is None:
            raise ScheduleError(f"unknown weekday {parts[0]!r} (use mon … sun or 周一 … 周日)")
        h, m = parse_hhmm(parts[1])
        return Schedule(spec, ((("day_of_week", DAY_NAMES[day]), ("hour", str(h)), ("minute", str(m))),))
    if len(parts) != 5:
        raise ScheduleError(f"expected HH:MM, 'mon 09:00' or 5 crontab fields, got {spec!r}")
    minute, hour, dom, month, dow = parts
    base = (("minute", minute), ("hour", hour), ("month", month))
    try:
        dow_ap = crontab_dow_to_apscheduler(dow)
        if dom != "*" and dow != "*":  # cron(5): either day field matching is enough
            fields: tuple[tuple[tuple[str, str], ...], ...] = (
                (*base, ("day", dom)), (*base, ("day_of_week", dow_ap)))
        else:
            fields = ((*base, ("day", dom), ("day_of_week", dow_ap)),)
        for f in fields:
            CronTrigger(timezone="UTC", **dict(f))  # validates every field
    except ScheduleError:
        raise
    except ValueError as exc:
        raise ScheduleError(f"bad crontab {spec!r}: {exc}") from None
    return Schedule(spec, fields)


class Scheduler:
    def __init__(self, timezone: str = "UTC") -> None:
        self._s: Any = AsyncIOScheduler(timezone=timezone)

    def start(self) -> None:
        self._s.start()

    def shutdown(self) -> None:
        if self._s.running:
            self._s.shutdown(wait=False)

    @property
    def running(self) -> bool:
        return bool(self._s.running)

    def add_schedule(self, job_id: str, fn: Callable[[], Awaitable[None]], schedule: Schedule, timezone: str,
                     grace_seconds: int = 300) -> None:
        """Run ``fn`` whenever ``schedule`` fires in ``timezone`` (replacing a job with the same id)."""
        self._s.add_job(fn, schedule.trigger(timezone), id=job_id, replace_existing=True, coalesce=True,
                        misfire_grace_time=max(1, grace_seconds))

    def add_interval(self, job_id: str, fn: Callable[[], Awaitable[None]], seconds: float) -> None:
        self._s.add_job(fn, IntervalTrigger(seconds=seconds), id=job_id, replace_existing=True, coalesce=True,
                        max_instances=1, misfire_grace_time=max(1, int(seconds)))

    def remove(self, job_id: str) -> None:
        if self._s.get_job(job_id) is not None:
            self._s.remove_job(job_id)

