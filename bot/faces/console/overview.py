"""The overview (社群矩阵): every group an admin sees, its last 30 days, and what needs attention first.

``gather`` reads one group through storage and the domain; ``build_row`` and ``attention`` are pure, so
the ranking can be tested without a database. The same rows feed the page and ``GET /api/overview``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.core.config import Config
from bot.core.timeutil import day_minus, local, local_day, local_midnight
from bot.faces.console.access import GroupView
from bot.faces.console.stages import stage_counts, stages_now
from storage.repo import Repo
from storage.repo.stores.console import ConsoleStore

DAYS = 30
WEEK = 7


@dataclass(frozen=True, slots=True)
class GroupActivity:
    """What was read about one group: daily series over ``days`` (local ISO days, oldest first, today last)."""

    group: GroupView
    now: float
    days: list[str]
    messages: list[int]
    joins: list[int]
    leaves: list[int]
    members: int  # current members (whose latest membership event is not a leave)
    lifecycle: dict[str, int]  # stage → members


async def gather(cfg: Config, repo: Repo, store: ConsoleStore, group: GroupView, now: float,
                 span: int = DAYS, mix: dict[str, int] | None = None) -> GroupActivity:
    """One group's last ``span`` local days (the overview's 30, the dashboard's 90); ``mix`` is the lifecycle
    mix when the caller already has it."""
    tz = group.timezone
    today = local_day(now, tz)
    days = [day_minus(today, span - 1 - i) for i in range(span)]
    by_day = await store.messages_by_day(group.id, days[0])
    joined: dict[str, set[str]] = {d: set() for d in days}
    left: dict[str, set[str]] = {d: set() for d in days}
    for kind, member, at in await store.membership_times(group.id, local_midnight(days[0], tz)):
        bucket = joined if kind == "join" else left
        bucket.setdefault(local_day(at, tz), set()).add(member)
    return GroupActivity(group, now, days, [by_day.get(d, 0) for d in days], [len(joined[d]) for d in days],
                         [len(left[d]) for d in days], await store.present_members(group.id),
                         mix if mix is not None else stage_counts(await stages_now(cfg, repo, store, group.id, now)))


def members_by_day(members_now: int, joins: Sequence[int], leaves: Sequence[int]) -> list[int]:
    """Members at the end of each day, walked back from today's count through each later day's joins and leaves
    (members who never had a membership event count from the start)."""
    out = [0] * len(joins)
    count = members_now
    for i in range(len(joins) - 1, -1, -1):
        out[i] = max(count, 0)
        count -= joins[i] - leaves[i]
    return out


def change(now: int, before: int) -> float | None:
    """Relative change in percent, None when there was nothing before."""
    return None if before == 0 else round((now - before) * 100.0 / before, 1)


def attention(row: dict[str, Any]) -> tuple[int, list[dict[str, Any]]]:
    """(score, reasons): why a group needs an operator's look, most urgent first. Reasons are codes with a
    value; the page words them in the console's language."""
    week, mix = row["week"], row["lifecycle"]
    reasons: list[tuple[int, dict[str, Any]]] = []
    if row["members"] and week["messages"] == 0:
        reasons.append((3, {"code": "quiet", "value": WEEK}))
    elif week["messages_change"] is not None and week["previous_messages"] >= 10 and week["messages_change"] <= -30:
        reasons.append((2, {"code": "messages_down", "value": -week["messages_change"]}))
    if week["leaves"] > week["joins"]:
        reasons.append((2, {"code": "shrinking", "value": week["leaves"] - week["joins"]}))
    present = sum(n for stage, n in mix.items() if stage != "left")
    fading = mix["declining"] + mix["dormant"]
    if present >= 5 and fading * 100 >= present * 40:
        reasons.append((1, {"code": "fading", "value": round(fading * 100 / present)}))
    reasons.sort(key=lambda r: -r[0])
    return sum(w for w, _r in reasons), [r for _w, r in reasons]


def build_row(a: GroupActivity) -> dict[str, Any]:
    """Pure: one group's gathered facts → its overview row (JSON-ready)."""
    msgs, joins, leaves = a.messages, a.joins, a.leaves
    row: dict[str, Any] = {
        "id": a.group.id, "name": a.group.name, "timezone": a.group.timezone,
        "local_time": local(a.now, a.group.timezone).replace(microsecond=0).isoformat(),
        "members": a.members, "days": a.days, "messages": msgs, "joins": joins, "leaves": leaves,
        "members_by_day": members_by_day(a.members, joins, leaves),
        "totals": {"messages": sum(msgs), "joins": sum(joins), "leaves": sum(leaves)},
        "week": {"messages": sum(msgs[-WEEK:]), "previous_messages": sum(msgs[-2 * WEEK:-WEEK]),
                 "messages_change": change(sum(msgs[-WEEK:]), sum(msgs[-2 * WEEK:-WEEK])),
                 "joins": sum(joins[-WEEK:]), "leaves": sum(leaves[-WEEK:]),
                 "previous_joins": sum(joins[-2 * WEEK:-WEEK]), "previous_leaves": sum(leaves[-2 * WEEK:-WEEK])},
        "lifecycle": dict(a.lifecycle),
    }
    score, reasons = attention(row)
    row["attention"] = {"score": score, "reasons": reasons}
    return row


def rank(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Most attention first; then the steepest fall in messages; then by name."""
    def key(r: dict[str, Any]) -> tuple[int, float, str]:
        c = r["week"]["messages_change"]
        return -r["attention"]["score"], c if c is not None else 0.0, r["name"]
    return sorted(rows, key=key)


async def overview(cfg: Config, repo: Repo, store: ConsoleStore, groups: Sequence[GroupView],
                   now: float) -> list[dict[str, Any]]:
    """The ranked overview rows of ``groups`` (one gather per group; groups never mix)."""
    return rank([build_row(await gather(cfg, repo, store, g, now)) for g in groups])
