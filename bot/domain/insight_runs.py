"""A group's insights run: its associations, best hours and persona cards, computed from one read of the
group's profiles and kept (``insight_runs``) for as long as nothing they are computed from changes.

The stamp a run is kept under names everything it reads: the recompute's fingerprint of the group's stored
facts (messages — and with them keyword hits —, joins and leaves, attributes, rejections, check-ins,
non-activity tags, tier weights, purchases), opt-outs and display names, the configuration it applies (tag
rules, ``[insights]``, ``[tagging]``, ``[lifecycle]``, text storage, the group's time zone) and the hour and
local day of the time asked about — the same hour the recompute keeps its tiers and stages for. A read with
the same stamp gets the stored run; any other read computes the run, stores it and returns it, exactly as
the persona run did on every read before (a persona matched to the last run keeps its id and name, so a run
over unchanged data gives the same cards). Erasure and opt-out delete the group's run.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Sequence
from typing import Any

from bot.core.config import Config
from bot.core.timeutil import local
from bot.domain import insights, personas
from bot.domain.hours import best_hours
from bot.domain.profiles import Profile
from bot.domain.recompute import ensure_fresh
from storage.repo import Repo


def config_key(cfg: Config, group_id: str) -> str:
    """A digest of the configuration a run applies to the group's stored facts."""
    rules = tuple((r.name, r.category, r.weight) for r in cfg.rules.current())
    raw = repr((rules, cfg.insights, cfg.tagging, cfg.lifecycle, cfg.storage.store_text, cfg.timezone_of(group_id)))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


async def stamp(repo: Repo, cfg: Config, group_id: str, now: float) -> str:
    """What a run at ``now`` is kept under (see the module docstring). Read before the run's own reads, so a
    run never claims facts newer than it saw: a write in between makes the next read compute again."""
    tz = cfg.timezone_of(group_id)
    return json.dumps([await repo.personas.run_inputs(group_id), config_key(cfg, group_id), int(now // 3600),
                       local(now, tz).date().isoformat()])


def text_since(profiles: Sequence[Profile], now: float) -> float:
    """When the oldest member text a run may quote was written (``now`` when none): the run counts as a copy
    of that text for ``[storage] text_retention_days``."""
    return min((e.at for p in profiles for t in p.tags for e in t.evidence if e.text), default=now)


async def latest(repo: Repo, cfg: Config, group_id: str, now: float, locale: str = "zh-CN") -> dict[str, Any]:
    """``{"associations", "best_hours", "personas"}`` of the group at ``now``: the stored run when its stamp
    is current, else a new run (stored). Persona cards carry no member list."""
    await ensure_fresh(repo, cfg, group_id, repo.clock())
    key = await stamp(repo, cfg, group_id, now)
    found = await repo.personas.last_run(group_id)
    if found is not None and found[0] == key:
        body: dict[str, Any] = json.loads(found[1])
        return body
    profiles = await insights.group_profiles(repo, cfg, group_id, now)
    associations = await asyncio.to_thread(insights.associations, profiles, cfg.insights.min_support)
    cards = await personas.run(repo, cfg, group_id, now, locale, profiles)
    for c in cards:
        del c["_members"]
    text = json.dumps({"associations": associations, "best_hours": best_hours(insights.population(profiles)),
                       "personas": cards}, ensure_ascii=False)
    await repo.personas.save_run(group_id, key, text, text_since(profiles, now))
    body = json.loads(text)
    return body
