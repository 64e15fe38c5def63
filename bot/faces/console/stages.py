"""Members' lifecycle stages for the console's mix and flow, without evaluating a big group's whole history on
every view.

Now: the stages the recompute stored (``ensure_fresh`` keeps them current, as for ``/tier`` and segments);
members who opted out are evaluated apart, because a recompute leaves their stored state as it was. The end of
a past day: evaluated once from the facts by the same rules (``profiles.lifecycles``) and stored; a fact
written later with an earlier time drops the stored days it changes (``storage.repo.rollups``), so a stored
day always equals evaluating it again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from bot.core.config import Config
from bot.core.timeutil import day_minus, local_day, local_midnight
from bot.domain import profiles
from bot.domain.lifecycle import STAGES
from bot.domain.recompute import ensure_fresh
from storage.repo import Repo
from storage.repo.stores.console import ConsoleStore


def end_of(day: str, tz: str, now: float) -> float:
    """The last second of a local day (now, for today)."""
    return min(local_midnight(day_minus(day, -1), tz) - 1, now)


def stage_counts(stages: Mapping[str, str | None]) -> dict[str, int]:
    """Members per stage (members not yet seen are left out)."""
    counts = Counter(stages.values())
    return {stage: counts.get(stage, 0) for stage in STAGES}


async def stages_now(cfg: Config, repo: Repo, store: ConsoleStore, group_id: str, now: float) -> dict[str, str]:
    """member → stage now."""
    await ensure_fresh(repo, cfg, group_id, now)
    stored, refused = await store.current_stages(group_id)
    if refused:
        (apart,) = await profiles.lifecycles(repo, cfg, group_id, [now], ids=refused)
        stored.update({m: s.lifecycle for m, s in apart.items() if s.lifecycle is not None})
    return stored


def _settings(cfg: Config, group_id: str) -> str:
    """What a stored day depends on besides the facts: the lifecycle settings and the group's zone."""
    return f"{cfg.lifecycle!r} {cfg.timezone_of(group_id)}"


async def stages_at_end_of(cfg: Config, repo: Repo, store: ConsoleStore, group_id: str, day: str,
                           now: float) -> dict[str, str]:
    """member → stage at the end of local ``day`` (today: now); members not yet seen then are absent."""
    tz = cfg.timezone_of(group_id)
    if day >= local_day(now, tz):
        return await stages_now(cfg, repo, store, group_id, now)
    settings = _settings(cfg, group_id)
    stored = await store.stage_day(group_id, day, settings)
    if stored is not None:
        return stored
    through = end_of(day, tz, now)
    (then,) = await profiles.lifecycles(repo, cfg, group_id, [through])
    stages = {m: s.lifecycle for m, s in then.items() if s.lifecycle is not None}
    await store.save_stage_day(group_id, day, through, settings, stages)
    return stages
