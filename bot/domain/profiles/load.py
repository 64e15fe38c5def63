"""Reading profiles: the facts a group's profiles need, fetched in a few grouped reads, then built."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace

from bot.core import collector
from bot.core.config import Config
from bot.core.timeutil import day_minus, local
from bot.domain.lifecycle import HISTORY_DAYS, PREVIOUS_DAYS, RECENT_DAYS, first_step, is_declining, stage
from bot.domain.profiles.build import build, score_want
from bot.domain.profiles.model import MemberStage, Profile
from bot.domain.recompute import ensure_fresh
from storage.repo import MemberFacts, Repo


async def load(repo: Repo, cfg: Config, group_id: str, ids: Sequence[str] | None, t: float, *,
               tags: Collection[str] | None = None, evidence: bool = True, fresh: bool = True) -> list[Profile]:
    """Profiles of ``ids`` (None: the whole group) in ``group_id`` evaluated at ``t`` (tiers and activity tags
    as of now). Partial profiles for filtering: ``tags`` limits the keyword tags to those names, ``evidence``
    False leaves evidence lists empty; ``fresh`` False skips the recompute check (the caller just made it)."""
    if fresh:
        await ensure_fresh(repo, cfg, group_id, repo.clock())
    since = day_minus(local(t, cfg.timezone_of(group_id)).date().isoformat(), HISTORY_DAYS)
    want = score_want(cfg, t, tags, evidence)
    with collector.paused():  # facts and profiles are many small acyclic objects
        facts = await repo.members.member_facts(group_id, ids, since, with_text=cfg.storage.store_text, scores=want)
        before = await last_before(repo, group_id, facts, t)
        orders = await repo.commerce.group_orders(group_id, ids, until=t)
        built = [build(f, cfg, t, before.get(f.member_id, f.last_message_at), orders=orders.get(f.member_id, ()))
                 for f in facts]
        persons = await repo.people.persons_of([p.member for p in built])
        return [replace(p, person=persons[p.member]) if p.member in persons else p for p in built]


async def last_before(repo: Repo, group_id: str, facts: Sequence[MemberFacts], t: float) -> dict[str, float | None]:
    """Latest message at or before ``t`` of the members whose last message is later than ``t``."""
    late = [f.member_id for f in facts if f.last_message_at is not None and f.last_message_at > t]
    return await repo.members.last_messages_before(group_id, late, t) if late else {}


async def lifecycles(repo: Repo, cfg: Config, group_id: str, times: Sequence[float],
                     ids: Sequence[str] | None = None) -> list[dict[str, MemberStage]]:
    """For each of ``times``: member → their stage then (what the weekly digest compares; None when not yet
    seen then), from one fetch of the group's facts without day counts and two window sums per member and time.
    ``ids`` limits it to those members (None: the whole group)."""
    await ensure_fresh(repo, cfg, group_id, repo.clock())
    tz = cfg.timezone_of(group_id)
    if ids is not None and not ids:
        return [{} for _t in times]
    facts = await repo.members.member_facts(group_id, ids, "", lite=True, days=False)
    ids = [f.member_id for f in facts]
    out = []
    for t in times:
        before = await last_before(repo, group_id, facts, t)
        declining = await declining_at(repo, cfg, group_id, ids, t)
        out.append({f.member_id: MemberStage(f.member_id, f.name, stage(
            f, t, cfg.lifecycle, tz, before.get(f.member_id, f.last_message_at), declining[f.member_id]))
            for f in facts})
    return out


async def load_group(repo: Repo, cfg: Config, group_id: str, t: float, tag: str | None = None,
                     limit: int | None = None, offset: int = 0) -> list[Profile]:
    """Profiles of a group (optionally only those carrying ``tag``), paginated after filtering."""
    if tag is None and limit is None and offset == 0:
        return await load(repo, cfg, group_id, None, t)
    ids = await repo.members.member_ids(group_id)
    if tag is None:
        ids = ids[offset: None if limit is None else offset + limit]
        return await load(repo, cfg, group_id, ids, t)
    await ensure_fresh(repo, cfg, group_id, repo.clock())
    light = await load(repo, cfg, group_id, None, t, tags=[tag], evidence=False, fresh=False)
    ids = [p.member for p in light if p.carries(tag)][offset: None if limit is None else offset + limit]
    return await load(repo, cfg, group_id, ids, t, fresh=False)


async def declining_at(repo: Repo, cfg: Config, group_id: str, ids: Sequence[str], t: float) -> dict[str, bool]:
    """Whether each member's message rate is declining at ``t`` (contract §5), from two window sums per member;
    only members whose first day is undecided get their day counts fetched and walked back."""
    day = local(t, cfg.timezone_of(group_id)).date().isoformat()
    sums = await repo.members.rate_sums(group_id, ids, day_minus(day, RECENT_DAYS - 1),
                                        day_minus(day, RECENT_DAYS + PREVIOUS_DAYS - 1), day)
    out: dict[str, bool] = {}
    walk = []
    for mid in ids:
        first = first_step(*sums.get(mid, (0, 0)))
        if first is None:
            walk.append(mid)
        else:
            out[mid] = first
    if walk:
        for f in await repo.members.member_facts(group_id, walk, day_minus(day, HISTORY_DAYS), lite=True):
            out[f.member_id] = is_declining(f.days, day)
    return out
