"""One member's profile for the console: tag scores over time, evidence, attributes with their source,
survey answers and check-ins (JSON-ready; the page and ``GET /api/groups/{group}/members/{member}/console``
share it). Scores over time come from the domain's own profile at each point, so they are the §5 scores."""

from __future__ import annotations

from typing import Any

from bot.core.config import Config
from bot.core.timeutil import day_minus, iso_utc, local_day
from bot.domain import profiles
from bot.domain.profiles import Profile
from bot.domain.profiles.build import keyword_tags
from bot.domain.profiles.shown import asked_by
from bot.faces.console.access import GroupView
from storage.repo import MemberFacts, Repo
from storage.repo.stores.console import ConsoleStore

POINTS = 13  # weekly points: a quarter of a year
DAY_S = 86400.0
CHECKIN_DAYS = 90


async def find(cfg: Config, repo: Repo, group_id: str, member_id: str, now: float) -> Profile | None:
    """The member's profile with evidence, or None when the group never saw them."""
    found = await profiles.load(repo, cfg, group_id, [member_id], now)
    return found[0] if found else None


async def score_history(cfg: Config, repo: Repo, group_id: str, p: Profile, now: float) -> dict[str, Any]:
    """Keyword scores of the member's keyword tags at weekly points (oldest first, now last): the scores their
    profile shows at each point, from one pass over their hits."""
    names = [t.name for t in p.tags if t.source == "keyword"]
    times = [now - (POINTS - 1 - i) * 7 * DAY_S for i in range(POINTS)]
    series: dict[str, list[float]] = {n: [] for n in names}
    found = await repo.members.member_scores_at(group_id, p.member, times, cfg.tagging.half_life_days, names) \
        if names else []
    for at in found:
        facts = MemberFacts(group_id, p.member, p.name, 0, 0.0, 0.0, None, None, None, None, p.opted_out, scores=at)
        scores = {x.name: x.score for x in keyword_tags(facts, cfg)}
        for n in names:
            series[n].append(float(scores.get(n) or 0.0))
    return {"at": [iso_utc(t) for t in times], "tags": [{"tag": n, "scores": v} for n, v in series.items()]}


def answers(p: Profile, cfg: Config) -> list[dict[str, Any]]:
    """Attributes set by survey answers, labelled with the question (admins see sensitive answers too)."""
    out = []
    for key, a in p.attributes.items():
        asked = asked_by(cfg, key, a.source)
        if asked is None:
            continue
        sv, question = asked
        out.append({"survey": sv.title if sv else a.source.removeprefix("survey:"),
                    "question": question.text if question else key, "value": a.value, "at": iso_utc(a.at)})
    return out


async def profile_data(cfg: Config, repo: Repo, store: ConsoleStore, group: GroupView, p: Profile,
                       now: float) -> dict[str, Any]:
    """Everything the member page shows: the §5 profile plus history, answers and check-ins."""
    since = day_minus(local_day(now, group.timezone), CHECKIN_DAYS - 1)
    checkins = await store.member_checkins(group.id, p.member, since)
    return {
        "profile": profiles.profile_json(p),
        "scores": await score_history(cfg, repo, group.id, p, now),
        "answers": answers(p, cfg),
        "checkins": {"days": [{"day": d, "streak": s} for d, s in checkins], "since": since,
                     "points": await repo.checkins.points_of(group.id, p.member)},
    }
