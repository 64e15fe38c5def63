"""``[defaults.moderation]`` / ``[groups.moderation]``: key-by-key overrides, the ladder, the words file, and
one-line errors naming the key."""

from __future__ import annotations

import pytest

from bot.core.config import ConfigError
from bot.core.config.moderation import LadderStep, parse_duration
from tests.conftest import make_config


def test_a_group_overrides_the_defaults_key_by_key_and_unlisted_groups_get_the_defaults(tmp_path):
    cfg = make_config(tmp_path, defaults={"moderation": {"mode": "enforce", "flood_messages": 5,
                                                         "link_allowlist": ["Example.com"]}},
                      groups=[{"id": "generic:g-1", "moderation": {"mode": "observe", "captcha_seconds": 0}}])
    g = cfg.group("generic:g-1").moderation
    assert (g.mode, g.flood_messages, g.captcha_seconds, g.link_allowlist) == ("observe", 5, 0, ("example.com",))
    other = cfg.group("generic:g-2").moderation
    assert (other.mode, other.captcha_seconds) == ("enforce", 120)
    assert make_config(tmp_path).group("generic:g-1").moderation.mode == "observe"  # the contract's default


def test_ladder_and_words_file(tmp_path):
    (tmp_path / "words.txt").write_text("赌球  # 注释\n\n博彩\n", encoding="utf-8")
    moderation = {"ladder": ["warn", "mute:2h", "kick"], "sensitive_words": ["a"], "sensitive_words_file": "words.txt"}
    cfg = make_config(tmp_path, defaults={"moderation": moderation})
    m = cfg.defaults.moderation
    assert m.ladder == (LadderStep("warn"), LadderStep("mute", 7200), LadderStep("kick"))
    assert m.sensitive_words == ("a", "赌球", "博彩")


@pytest.mark.parametrize("moderation,key", [
    ({"mode": "strict"}, "defaults.moderation.mode"),
    ({"ladder": ["warn", "ban"]}, "defaults.moderation.ladder"),
    ({"ladder": ["mute:forever"]}, "defaults.moderation.ladder"),
    ({"ladder": []}, "defaults.moderation.ladder"),
    ({"sensitive_words_file": "missing.txt"}, "defaults.moderation.sensitive_words_file"),
    ({"flood_secs": 3}, "defaults.moderation.flood_secs"),
    ({"sensitive_words": [""]}, "defaults.moderation.sensitive_words"),
])
def test_bad_values_name_the_key(tmp_path, moderation, key):
    with pytest.raises(ConfigError) as err:
        make_config(tmp_path, defaults={"moderation": moderation})
    assert str(err.value).startswith(key)


def test_durations():
    assert [parse_duration(t) for t in ("10m", "2h", "1d", "30s", "15", "0m", "soon", "１０m", "9999999d")] == \
        [600, 7200, 86400, 30, 900, None, None, None, None]
