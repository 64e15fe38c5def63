"""``[defaults.qa]`` / ``[groups.qa]``: the contract's defaults, key-by-key overrides, and one-line errors
naming the key. The shipped example config parses with them."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.config import ConfigError
from bot.faces.settings import load
from tests.conftest import make_config


def test_defaults_overrides_and_unlisted_groups(tmp_path):
    plain = make_config(tmp_path).group("generic:g-1").qa
    assert (plain.faq_threshold, plain.faq_cooldown_minutes, plain.route_after_minutes) == (0.75, 30, 30)
    cfg = make_config(tmp_path, defaults={"qa": {"faq_threshold": 0.8, "route_after_minutes": 0}},
                      groups=[{"id": "generic:g-1", "qa": {"route_after_minutes": 15, "faq_threshold": 1}}])
    g = cfg.group("generic:g-1").qa
    assert (g.faq_threshold, g.faq_cooldown_minutes, g.route_after_minutes) == (1.0, 30, 15)
    other = cfg.group("generic:g-2").qa
    assert (other.faq_threshold, other.route_after_minutes) == (0.8, 0)


@pytest.mark.parametrize("qa,key", [
    ({"faq_threshold": 0}, "defaults.qa.faq_threshold"),
    ({"faq_threshold": 1.5}, "defaults.qa.faq_threshold"),
    ({"faq_threshold": "high"}, "defaults.qa.faq_threshold"),
    ({"faq_cooldown_minutes": -1}, "defaults.qa.faq_cooldown_minutes"),
    ({"route_after_minutes": 1.5}, "defaults.qa.route_after_minutes"),
    ({"route_after": 10}, "defaults.qa.route_after"),
])
def test_bad_values_name_the_key(tmp_path, qa, key):
    with pytest.raises(ConfigError) as exc:
        make_config(tmp_path, defaults={"qa": qa})
    assert str(exc.value).startswith(key)


def test_the_example_config_ships_the_contract_values():
    root = Path(__file__).resolve().parents[2]
    cfg = load(root / "config.example.toml", env={})
    assert (cfg.defaults.qa.faq_threshold, cfg.defaults.qa.faq_cooldown_minutes,
            cfg.defaults.qa.route_after_minutes) == (0.75, 30, 30)


def test_faqs_from_the_defaults_apply_everywhere_and_a_group_adds_its_own(tmp_path):
    cfg = make_config(tmp_path, defaults={"qa": {"faqs": [{"question": "群规？", "answer": "看公告。"}]}},
                      groups=[{"id": "generic:g-1", "qa": {"faqs": [{"question": "几点开门？", "answer": "十点。"}]}}])
    assert cfg.group("generic:g-1").qa.faqs == (("群规？", "看公告。"), ("几点开门？", "十点。"))
    assert cfg.group("generic:g-2").qa.faqs == (("群规？", "看公告。"),)
    with pytest.raises(ConfigError, match=r"^defaults.qa.faqs\[0\]"):
        make_config(tmp_path, defaults={"qa": {"faqs": [{"question": " ", "answer": "x"}]}})
    with pytest.raises(ConfigError, match=r"^defaults.qa.faqs\[0\].answer: required"):
        make_config(tmp_path, defaults={"qa": {"faqs": [{"question": "q", "reply": "x"}]}})
