"""The issue-5 config sections are parsed strictly: bad values and unknown keys exit 2 naming the key."""

from __future__ import annotations

import pytest

from bot.core.config import ConfigError
from bot.faces.cli import main
from bot.faces.settings import parse


@pytest.mark.parametrize(("data", "key"), [
    ({"insights": {"min_suport": 5}}, "insights.min_suport"),
    ({"insights": {"min_support": 0}}, "insights.min_support"),
    ({"insights": {"min_cell": "5"}}, "insights.min_cell"),
    ({"tiers": {"core": 1.5}}, "tiers.core"),
    ({"tiers": {"core": 0.2, "high": 0.5}}, "tiers.high"),
    ({"tiers": {"recency_weight": 0, "frequency_weight": 0, "contribution_weight": 0}}, "tiers.recency_weight"),
    ({"tiers": {"weight": 1}}, "tiers.weight"),
    ({"activity_tags": {"night_hours": [25]}}, "activity_tags.night_hours"),
    ({"activity_tags": {"night_share": 2}}, "activity_tags.night_share"),
    ({"activity_tags": {"colour": 1}}, "activity_tags.colour"),
])
def test_bad_intelligence_keys_are_named(tmp_path, data, key):
    with pytest.raises(ConfigError) as err:
        parse(data, tmp_path, env={})
    assert str(err.value).startswith(key)
    bad = tmp_path / "bad.toml"
    section, values = next(iter(data.items()))
    lines = [f"[{section}]"] + [f"{k} = {v!r}".replace("'", '"') for k, v in values.items()]
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["segment", "generic:g", "x", "--config", str(bad)]) == 2


def test_defaults():
    cfg = parse({}, __import__("pathlib").Path("."), env={})
    assert cfg.insights.min_support == 5 and cfg.insights.min_cell == 5
    assert cfg.tiers.core >= cfg.tiers.high >= cfg.tiers.growth


def test_one_processor_unless_the_config_asks_for_more(tmp_path):
    assert parse({}, tmp_path, env={}).server.processors == 1
    assert parse({"server": {"processors": 5}}, tmp_path, env={}).server.processors == 5


@pytest.mark.parametrize("value", [0, 65, "2"])
def test_a_processor_count_outside_one_to_sixty_four_is_named(tmp_path, value):
    with pytest.raises(ConfigError) as err:
        parse({"server": {"processors": value}}, tmp_path, env={})
    assert str(err.value).startswith("server.processors")
