"""The members list: search by name, filter with the segment language, sort by any column, pages of 50.

The filter is the domain's own (:func:`bot.domain.insights.segment`, as ``/segment`` and the API use it);
sorting and paging run over the selected profiles; only the page shown (or the export) is loaded with its
tags. The same selection feeds the page, ``GET /api/groups/{group}/members/list`` and the exports.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.core.config import Config
from bot.core.textnorm import normalize
from bot.domain import profiles
from bot.domain.insights import segment
from bot.domain.lifecycle import STAGES
from bot.domain.profiles import Profile
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


def _key(column: str) -> Any:
    order = {"lifecycle": {s: i for i, s in enumerate(STAGES)}, "tier": {s: i for i, s in enumerate(TIERS)}}

    def key(p: Profile) -> Any:
        if column == "name":
            return normalize(p.name or p.member)
        if column in order:
            return order[column].get(getattr(p, column) or "", len(order[column]))
        if column == "messages":
            return p.stats.messages
        if column == "active_days":
            return p.stats.active_days
        return p.stats.first_seen if column == "first_seen" else p.stats.last_seen
    return key


def name_matches(p: Profile, text: str) -> bool:
    """Name search: normalized (NFKC, case-folded, Simplified) substring of the name or the platform id."""
    want = normalize(text)
    return want in normalize(p.name) or want in normalize(p.member.partition(":")[2])


async def select(cfg: Config, repo: Repo, group_id: str, sel: Selection, now: float) -> list[Profile]:
    """Every member the selection keeps, sorted (raises ``segments.QueryError`` for a bad query). Profiles
    are partial (only the query's tags, no evidence): callers load the ones they show."""
    if sel.query:
        found = await segment(repo, cfg, group_id, sel.query, now)
    else:
        found = await profiles.load(repo, cfg, group_id, None, now, tags=(), evidence=False)
    if sel.name:
        found = [p for p in found if name_matches(p, sel.name)]
    # Ties keep the member id order, so pages never shuffle between requests.
    found.sort(key=lambda p: p.member)
    found.sort(key=_key(sel.sort), reverse=sel.desc)
    return found


async def full(cfg: Config, repo: Repo, group_id: str, chosen: Sequence[Profile], now: float) -> list[Profile]:
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
