"""The profile copies a segment makes by the thousand are the same as ``dataclasses.replace`` would make:
every field kept (a field added to Profile or Stats later must be added to them too)."""

from __future__ import annotations

from dataclasses import fields, replace
from typing import Any

from bot.domain.profiles.model import Profile, Stats


def profile() -> Profile:
    values: dict[str, Any] = {f.name: f"value-{f.name}" for f in fields(Profile)}
    values["stats"] = Stats(7, 3, 1.0, 2.0, (1,) * 24)
    values["opted_out"] = True
    return Profile(**values)


def test_with_stats_and_with_lifecycle_keep_every_other_field() -> None:
    p = profile()
    assert p.with_stats(9, (2,) * 24) == replace(p, stats=replace(p.stats, active_days=9, hours=(2,) * 24))
    assert p.with_lifecycle("dormant") == replace(p, lifecycle="dormant")
