"""Typed readers for TOML tables that remember which keys were used, so unknown keys are named."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


class ConfigError(Exception):
    """A configuration problem; the message is one line naming the key."""


def unknown_key(where: str, key: str, known: Iterable[str]) -> ConfigError:
    """``<where>.<key>: unknown key``, naming the closest known key when there is one (most unknown keys
    are typos: ``prot`` for ``port``)."""
    close = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]}?)" if close else ""
    return ConfigError(f"{where + '.' if where else ''}{key}: unknown key{hint}")


class Section:
    """One TOML table at ``where``; getters validate types, ``done()`` rejects unknown keys."""

    def __init__(self, raw: Any, where: str) -> None:
        if not isinstance(raw, Mapping):
            raise ConfigError(f"{where}: must be a table")
        self.raw: Mapping[str, Any] = raw
        self.where = where
        self.used: set[str] = set()

    def _key(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def _get(self, key: str, default: Any, kind: str) -> Any:
        self.used.add(key)
        if key not in self.raw:
            if default is None:
                raise ConfigError(f"{self._key(key)}: required")
            return default
        return self.raw[key]

    def text(self, key: str, default: str | None = None) -> str:
        v = self._get(key, default, "string")
        if not isinstance(v, str):
            raise ConfigError(f"{self._key(key)}: must be a string")
        return v

    def choice(self, key: str, allowed: tuple[str, ...], default: str) -> str:
        v = self.text(key, default)
        if v not in allowed:
            raise ConfigError(f"{self._key(key)}: must be one of {', '.join(allowed)}")
        return v

    def flag(self, key: str, default: bool) -> bool:
        v = self._get(key, default, "bool")
        if not isinstance(v, bool):
            raise ConfigError(f"{self._key(key)}: must be true or false")
        return v

    def integer(self, key: str, default: int | None = None, lo: int | None = None, hi: int | None = None) -> int:
        v = self._get(key, default, "int")
        if isinstance(v, bool) or not isinstance(v, int):
            raise ConfigError(f"{self._key(key)}: must be an integer")
        if (lo is not None and v < lo) or (hi is not None and v > hi):
            raise ConfigError(f"{self._key(key)}: must be between {lo} and {hi}")
        return v

    def number(self, key: str, default: float | None = None, lo: float | None = None) -> float:
        v = self._get(key, default, "number")
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise ConfigError(f"{self._key(key)}: must be a number")
        if lo is not None and v < lo:
            raise ConfigError(f"{self._key(key)}: must be >= {lo}")
        return float(v)

    def strings(self, key: str, default: list[str] | None = None) -> list[str]:
        v = self._get(key, default, "list")
        if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
            raise ConfigError(f"{self._key(key)}: must be a list of strings")
        return list(v)

    def table(self, key: str) -> Mapping[str, Any]:
        v = self._get(key, {}, "table")
        if not isinstance(v, Mapping):
            raise ConfigError(f"{self._key(key)}: must be a table")
        return v

    def array(self, key: str) -> list[Any]:
        v = self._get(key, [], "list")
        if not isinstance(v, list):
            raise ConfigError(f"{self._key(key)}: must be an array of tables ([[{key}]])")
        return v

    def raw_value(self, key: str, default: Any) -> Any:
        self.used.add(key)
        return self.raw.get(key, default)

    def done(self) -> None:
        for key in self.raw:
            if key not in self.used:
                raise unknown_key(self.where, key, self.used)


@dataclass(frozen=True, slots=True)
class QuestionConfig:
    id: str
    text: str
    kind: str = "single"
    options: tuple[str, ...] = ()
    attribute: str = ""
    tag_map: Mapping[str, tuple[str, ...]] | None = None
    sensitive: bool = False
    min: int = 1
    max: int = 5


@dataclass(frozen=True, slots=True)
class SurveyConfig:
    id: str
    title: str
    questions: tuple[QuestionConfig, ...]
    reward_points: int = 0
    schedule: str = ""  # when set, the survey is posted on this schedule (contract §3 schedule format)
    groups: tuple[str, ...] = ()  # where the schedule applies; empty: every [[groups]] entry
    segment: str = ""  # a segment query (contract §7) or saved segment name: only its members are asked
    remind_after_hours: float = 0.0  # one reminder to non-responders this long after sending; 0: none


def _question(raw: Any, where: str) -> QuestionConfig:
    s = Section(raw, where)
    tag_map_raw = s.raw_value("tag_map", None)
    tag_map: dict[str, tuple[str, ...]] | None = None
    if tag_map_raw is not None:
        if not isinstance(tag_map_raw, Mapping) or not all(
            isinstance(v, list) and all(isinstance(t, str) for t in v) for v in tag_map_raw.values()
        ):
            raise ConfigError(f"{where}.tag_map: must map option numbers to lists of tag names")
        tag_map = {str(k): tuple(v) for k, v in tag_map_raw.items()}
    q = QuestionConfig(id=s.text("id"), text=s.text("text"),
                       kind=s.choice("kind", ("single", "multi", "text", "scale"), "single"),
                       options=tuple(s.strings("options", [])), attribute=s.text("attribute", ""),
                       tag_map=tag_map, sensitive=s.flag("sensitive", False),
                       min=s.integer("min", 1), max=s.integer("max", 5))
    s.done()
    if q.kind in ("single", "multi") and not q.options:
        raise ConfigError(f"{where}.options: a {q.kind} question needs options")
    if q.kind == "scale" and q.min >= q.max:
        raise ConfigError(f"{where}.max: must be greater than min")
    return q


def parse_surveys(raw: list[Any]) -> tuple[SurveyConfig, ...]:
    """``[[surveys]]`` with their ``[[surveys.questions]]``."""
    out = []
    for i, item in enumerate(raw):
        s = Section(item, f"surveys[{i}]")
        qs = tuple(_question(q, f"surveys[{i}].questions[{j}]") for j, q in enumerate(s.array("questions")))
        schedule = s.text("schedule", "").strip()
        if schedule:
            from bot.core.scheduler import ScheduleError, parse_schedule

            try:
                parse_schedule(schedule)
            except ScheduleError as exc:
                raise ConfigError(f"surveys[{i}].schedule: {exc}") from None
        out.append(SurveyConfig(id=s.text("id"), title=s.text("title", ""), questions=qs,
                                reward_points=s.integer("reward_points", 0, 0), schedule=schedule,
                                groups=tuple(s.strings("groups", [])), segment=s.text("segment", "").strip(),
                                remind_after_hours=s.number("remind_after_hours", 0.0, 0.0)))
        s.done()
    return tuple(out)
