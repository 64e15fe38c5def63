"""答疑 measures per local week: questions asked, the share answered, the median time to the first answer,
and how often a FAQ answered. The weekly digest shows its own seven days; ``/insights`` and
``quntag insights --json`` (key ``"answers"``) show the latest ISO weeks."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from bot.core.timeutil import local_day, local_midnight
from storage.repo import AnswerMeasures, Repo


def as_dict(m: AnswerMeasures) -> dict[str, Any]:
    """The JSON shape of one window's measures (minutes rounded to one decimal; None where nothing to say)."""
    share = m.answered_share
    median = m.median_first_answer_s
    return {"asked": m.asked, "answered": m.answered,
            "answered_share": None if share is None else round(share, 3),
            "median_first_answer_minutes": None if median is None else round(median / 60, 1),
            "faq_hits": m.faq_hits}


async def answer_weeks(repo: Repo, group_id: str, tz: str, now: float, weeks: int = 4) -> list[dict[str, Any]]:
    """The last ``weeks`` local ISO weeks (Monday to Sunday, the current one so far), newest first:
    ``{"week": "2026-W47", "start": "2026-11-16", "asked", "answered", "answered_share",
    "median_first_answer_minutes", "faq_hits"}``."""
    today = date.fromisoformat(local_day(now, tz))
    monday = today - timedelta(days=today.weekday())
    out: list[dict[str, Any]] = []
    for k in range(weeks):
        first = monday - timedelta(days=7 * k)
        start = local_midnight(first.isoformat(), tz)
        end = min(now, local_midnight((first + timedelta(days=7)).isoformat(), tz))
        year, week, _ = first.isocalendar()
        out.append({"week": f"{year}-W{week:02d}", "start": first.isoformat(),
                    **as_dict(await repo.answers.measures(group_id, start, end))})
    return out
