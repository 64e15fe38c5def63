"""Morning report and weekly digest: gather through the repo → build a plain template context (pure) →
render. ``morning(...)``/``weekly(...)`` return a :class:`Report` that the scheduled job posts and
``quntag report`` prints."""

from __future__ import annotations

from bot.domain.reports.morning import build_morning, gather_morning, morning
from bot.domain.reports.report import Report, group_title, weekday_names
from bot.domain.reports.weekly import build_weekly, gather_weekly, matrix_rows, weekly

__all__ = [
           "Report",
           "build_morning",
           "build_weekly",
           "gather_morning",
           "gather_weekly",
           "group_title",
           "matrix_rows",
           "morning",
           "weekday_names",
           "weekly",
]
