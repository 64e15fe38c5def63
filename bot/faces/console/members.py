"""The members list: search by name, filter with the segment language, sort by any column, pages of 50.

The filter is the domain's own (:func:`bot.domain.insights.segment`, as ``/segment`` and the API use it);
search, sorting and paging run over cheap columns of the selected members (the member row, the stored tier, the
stage only when sorting by it, active days only when sorting by them); only the page shown (or the export) is
loaded as full profiles. The same selection feeds the page, ``GET /api/groups/{group}/members/list`` and the exports.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

from bot.core.config import Config
from bot.core.textnorm import normalize
from bot.domain import profiles, roster, segments
from bot.domain.insights import segment
from bot.domain.lifecycle import STAGES
from bot.domain.profiles import Profile
from bot.domain.recompute import ensure_fresh
from bot.domain.tiers import TIERS
from storage.repo import Repo

PAGE = 50
COLUMNS = ("name", "lifecycle", "tier", "messages", "active_days", "first_seen", "last_seen")
DEFAULT_SORT = "last_seen"
SHOWN_TAGS = 3


@dataclass(frozen=True, slots=True)
class Selection:
    """What the form asks for: ``name`` (search), ``query`` (segment language), ``sort`` and ``desc``, ``page``."""

    name: str = ""
    query: str = ""
    sort: str = DEFAULT_SORT
    desc: bool = True
    page: int = 1

    @classmethod
    def of(cls, q: Any) -> Selection:
        """From a request's query string; unknown sorts and pages fall back to the defaults."""
        sort = str(q.get("sort", DEFAULT_SORT))
        page = str(q.get("page", "1"))
        return cls(str(q.get("name", "")).strip()[:100], str(q.get("q", "")).strip(),
                   sort if sort in COLUMNS else DEFAULT_SORT, str(q.get("dir", "desc")) != "asc",
                   int(page) if page.isdigit() and 0 < len(page) < 7 and int(page) > 0 else 1)

    def params(self, **change: Any) -> dict[str, str]:
        """The query string of this selection with ``change`` applied (for links and the export)."""
        d = {"name": self.name, "q": self.query, "sort": self.sort, "dir": "desc" if self.desc else "asc",
             "page": str(self.page)}
        d.update({k: str(v) for k, v in change.items()})
        return {k: v for k, v in d.items() if v and not (k == "page" and v == "1")}


class Entry(NamedTuple):
    """One selected member with the values the list sorts on (``lifecycle`` and ``active_days`` are filled
    only when sorting by them); the page shown loads full profiles."""

    member: str
    name: str
    lifecycle: str
    tier: str
    messages: int
    active_days: int
    first_seen: float
    last_seen: float


# Names and ids are normalized for every search and name sort over the whole group; the function is pure (the
# same text always folds the same way), so a bounded memo only saves the opencc calls.
_folded = lru_cache(maxsize=1 << 16)(normalize)


def _key(column: str) -> Any:
    order = {"lifecycle": {s: i for i, s in enumerate(STAGES)}, "tier": {s: i for i, s in enumerate(TIERS)}}

    def key(e: Entry) -> Any:
        if column == "name":
            return _folded(e.name or e.member)
        if column in order:
            return order[column].get(getattr(e, column) or "", len(order[column]))
        return getattr(e, column)
    return key


def name_matches(name: str, member: str, text: str) -> bool:
    """Name search: normalized (NFKC, case-folded, Simplified) substring of the name or the platform id."""
    want = normalize(text)
    return want in _folded(name) or want in _folded(member.partition(":")[2])


async def _entries(cfg: Config, repo: Repo, group_id: str, sel: Selection, now: float) -> list[Entry]:
    """The members the query keeps (all without one), before the name search."""
    if sel.query:
        node = segments.parse(sel.query)
        if roster.reserved_only(node):  # tiers and stages only: the roster has all the query asks about
            await ensure_fresh(repo, cfg, group_id, repo.clock())
            return [Entry(r.member_id, r.name, stage, r.tier or "ordinary", r.messages, 0, r.first_seen, r.last_seen)
                    for r, stage in await roster.select_reserved(repo, cfg, group_id, node, now)]
        found = await segment(repo, cfg, group_id, sel.query, now, stats=False)
        return [Entry(p.member, p.name, p.lifecycle, p.tier, p.stats.messages, 0, p.stats.first_seen,
                      p.stats.last_seen) for p in found]
    await ensure_fresh(repo, cfg, group_id, repo.clock())
    rows = await repo.members.roster(group_id)
    stages: dict[str, str] = {}
    if sel.sort == "lifecycle":
        facts = roster.facts_of(group_id, rows, await repo.members.membership(group_id))
        stages = await roster.stages(repo, cfg, group_id, facts, now)
    return [Entry(r.member_id, r.name, stages.get(r.member_id, ""), r.tier or "ordinary", r.messages, 0,
                  r.first_seen, r.last_seen) for r in rows]


async def fresh_now(cfg: Config, repo: Repo, group_id: str, clock: Callable[[], float]) -> float:
    """Recompute first when due, then read the clock: the stages and tiers a recompute stores are then of a
    time no later than the list's, so the stored stages can stand in for walks over day counts
    (:func:`bot.domain.roster.stages`)."""
    await ensure_fresh(repo, cfg, group_id, repo.clock())
    return clock()


async def select(cfg: Config, repo: Repo, group_id: str, sel: Selection, now: float) -> list[Entry]:
    """Every member the selection keeps, sorted (raises ``segments.QueryError`` for a bad query), with the
    values it sorts on: callers load the profiles they show (:func:`full`)."""
    found = await _entries(cfg, repo, group_id, sel, now)
    if sel.name:
        found = [e for e in found if name_matches(e.name, e.member, sel.name)]
    if sel.sort == "active_days":
        days = await repo.members.active_days(group_id, None if not sel.query else [e.member for e in found])
        found = [e._replace(active_days=days.get(e.member, 0)) for e in found]
    # Ties keep the member id order, so pages never shuffle between requests.
    found.sort(key=lambda e: e.member)
    found.sort(key=_key(sel.sort), reverse=sel.desc)
    return found


async def full(cfg: Config, repo: Repo, group_id: str, chosen: Sequence[Entry], now: float) -> list[Profile]:
    """The chosen members with all their tags (no evidence), in the chosen order."""
    if not chosen:
        return []
    loaded = {p.member: p for p in await profiles.load(repo, cfg, group_id, [p.member for p in chosen], now,
                                                        evidence=False, fresh=False)}
    return [loaded[p.member] for p in chosen if p.member in loaded]


def row(p: Profile) -> dict[str, Any]:
    """One member as the list shows it (JSON-ready; times stay unix seconds for formatting)."""
    return {"member": p.member, "name": p.name or p.member.partition(":")[2], "lifecycle": p.lifecycle,
            "tier": p.tier, "messages": p.stats.messages, "active_days": p.stats.active_days,
            "first_seen": p.stats.first_seen, "last_seen": p.stats.last_seen, "opted_out": p.opted_out,
            "tags": [t.name for t in p.tags]}


async def page(cfg: Config, repo: Repo, group_id: str, sel: Selection, now: float) -> dict[str, Any]:
    """One page of the selection: ``{"total", "page", "pages", "rows"}``."""
    found = await select(cfg, repo, group_id, sel, now)
    pages = max(1, -(-len(found) // PAGE))
    current = min(sel.page, pages)
    shown = await full(cfg, repo, group_id, found[(current - 1) * PAGE: current * PAGE], now)
    return {"total": len(found), "page": current, "pages": pages, "page_size": PAGE, "rows": [row(p) for p in shown]}
