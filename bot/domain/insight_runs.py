"""A group's insights run: its associations, best hours and persona cards, computed from one read of the
group's profiles (without evidence: the cards read the few hits they quote, :mod:`bot.domain.persona_evidence`),
and the weekly counts of its saved segments — kept (``insight_runs``) for as long as nothing they are computed
from changes. The console's segments and personas page and the weekly digest show the same kept run.

The stamp a run is kept under names everything it reads: the recompute's fingerprint of the group's stored
facts (messages — and with them keyword hits —, joins and leaves, attributes, rejections, check-ins,
non-activity tags, tier weights, purchases), opt-outs and display names, the configuration it applies (tag
rules, ``[insights]``, ``[tagging]``, ``[lifecycle]``, text storage, the group's time zone) and the hour and
local day of the time asked about — the same hour the recompute keeps its tiers and stages for. A read with
the same stamp gets the stored run; any other read computes the run, stores it and returns it, exactly as
the persona run did on every read before (a persona matched to the last run keeps its id and name, so a run
over unchanged data gives the same cards). A saved segment is counted the first time a run is asked for it.
Erasure and opt-out delete the group's run.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Sequence
from typing import Any

from bot.core.config import Config
from bot.core.timeutil import local
from bot.domain import insights, personas, refresh, segments
from bot.domain.hours import best_hours
from bot.domain.recompute import RENEWAL, ensure_fresh
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


WEEKS = 4
WEEK_S = 7 * 86400.0


async def weekly(repo: Repo, cfg: Config, group_id: str, query: str, now: float) -> list[int]:
    """Members the segment ``query`` holds at the end of each of the last :data:`WEEKS` weeks and now (oldest
    first); cut short where the query does not parse."""
    counts = []
    for k in range(WEEKS, -1, -1):
        try:
            counts.append(len(await insights.segment(repo, cfg, group_id, query, now - k * WEEK_S, stats=False)))
        except segments.QueryError:
            break
    return counts


async def latest(repo: Repo, cfg: Config, group_id: str, now: float, locale: str = "zh-CN",
                 queries: Sequence[str] = ()) -> dict[str, Any]:
    """``{"associations", "best_hours", "personas", "segments"}`` of the group at ``now``: the stored run when
    its stamp is current, else a new run (stored). Persona cards carry no member list; ``segments`` maps each
    of ``queries`` (saved segments) to :func:`weekly` — counted once per run, like the rest."""
    await ensure_fresh(repo, cfg, group_id, repo.clock())
    key = await stamp(repo, cfg, group_id, now)
    found = await repo.personas.last_run(group_id)
    current = True
    if found is not None and found[0] == key:
        body: dict[str, Any] = json.loads(found[1])
    elif found is not None and refresh.show_last():  # the console: the last run at once, renewed meanwhile
        refresh.later("insights", refresh.key(repo.db, group_id), lambda: _renew(repo, cfg, group_id, locale))
        body = json.loads(found[1])
        current = False
    else:
        with refresh.waiting():  # a run stored as current is built on a current recompute
            await ensure_fresh(repo, cfg, group_id, repo.clock())
            key = await stamp(repo, cfg, group_id, now)
            body = await _run(repo, cfg, group_id, now, locale, key)
    counted = body.setdefault("segments", {})
    missing = [q for q in dict.fromkeys(queries) if q not in counted]
    for q in missing:
        counted[q] = await weekly(repo, cfg, group_id, q, now)
    if missing and current:  # an out-of-date run is never stored under the current stamp
        await repo.personas.update_run(group_id, key, json.dumps(body, ensure_ascii=False))
    return body


async def _renew(repo: Repo, cfg: Config, group_id: str, locale: str) -> None:
    await refresh.finished(RENEWAL, refresh.key(repo.db, group_id))  # the same view may have started one
    now = repo.clock()
    await ensure_fresh(repo, cfg, group_id, now)
    await _run(repo, cfg, group_id, now, locale, await stamp(repo, cfg, group_id, now))


async def _run(repo: Repo, cfg: Config, group_id: str, now: float, locale: str, key: str) -> dict[str, Any]:
    # without evidence: the persona run reads the few hits its cards quote
    profiles = await insights.group_profiles(repo, cfg, group_id, now, evidence=False)
    associations = await asyncio.to_thread(insights.associations, profiles, cfg.insights.min_support)
    cards, quoted_since = await personas.run(repo, cfg, group_id, now, locale, profiles)
    for c in cards:
        del c["_members"]
    text = json.dumps({"associations": associations, "best_hours": best_hours(insights.population(profiles)),
                       "personas": cards, "segments": {}}, ensure_ascii=False)
    # the run is a copy of the member text it quotes (for [storage] text_retention_days)
    await repo.personas.save_run(group_id, key, text, now if quoted_since is None else quoted_since)
    body: dict[str, Any] = json.loads(text)
    return body
