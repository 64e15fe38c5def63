"""Rewards a group's members can spend points on (``[[defaults.rewards]]``, ``[[groups.rewards]]``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.core.config.schema import ConfigError, Section


@dataclass(frozen=True, slots=True)
class RewardConfig:
    """One reward: what it is called in chat (``/兑换 NAME``), what it costs, an optional note."""

    name: str
    points: int
    description: str = ""


def parse_rewards(s: Section, key: str, base: tuple[RewardConfig, ...]) -> tuple[RewardConfig, ...]:
    """A group's ``[[groups.rewards]]`` replace the defaults' list as a whole (absent: the defaults')."""
    if "rewards" not in s.raw:
        return base
    out: list[RewardConfig] = []
    for i, raw in enumerate(s.array("rewards")):
        out.append(_reward(raw, f"{key}.rewards[{i}]"))
    names = [r.name for r in out]
    dup = next((n for n in names if names.count(n) > 1), None)
    if dup is not None:
        raise ConfigError(f"{key}.rewards: the name {dup!r} is listed twice")
    return tuple(out)


def _reward(raw: Any, where: str) -> RewardConfig:
    s = Section(raw, where)
    r = RewardConfig(name=s.text("name").strip(), points=s.integer("points", lo=1),
                     description=s.text("description", ""))
    s.done()
    if not r.name or any(c.isspace() for c in r.name):
        raise ConfigError(f"{where}.name: must be one word (members type it after /兑换)")
    return r
