"""Config loading: defaults, unknown keys named, env overrides, group defaults, secrets check."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.config import ConfigError
from bot.faces.cli import main
from bot.faces.settings import load, parse, secret_problems

EXAMPLE = Path(__file__).resolve().parents[2] / "config.example.toml"


def test_example_config_loads_with_its_documented_defaults():
    cfg = load(EXAMPLE, env={})
    assert cfg.server.port == 8080 and cfg.storage.sync == "normal" and cfg.storage.store_text is False
    assert cfg.tagging.half_life_days == 30.0 and cfg.lifecycle.new_days == 7
    assert len(cfg.tags) >= 12 and {t.category for t in cfg.tags} >= {"interest", "motive", "need", "feedback"}
    assert cfg.database_url() == f"sqlite:///{EXAMPLE.parent / 'quntag.db'}"


def test_packaged_example_is_the_same_file():
    packaged = Path(__file__).resolve().parents[2] / "bot" / "faces" / "demo" / "config.example.toml"
    assert packaged.read_text(encoding="utf-8") == EXAMPLE.read_text(encoding="utf-8")


@pytest.mark.parametrize(("data", "key"), [
    ({"server": {"prot": 1}}, "server.prot"),
    ({"storage": {"sync": "sometimes"}}, "storage.sync"),
    ({"storage": {"url": "mysql://root@localhost/quntag"}}, "storage.url"),
    ({"storage": {"url": "postgresql+psycopg://"}}, "storage.url"),
    ({"tagging": {"half_life_days": "long"}}, "tagging.half_life_days"),
    ({"tags": [{"name": "x", "keywords": []}]}, "tags[0].keywords"),
    ({"tags": [{"name": "x", "keywords": ["a"], "colour": "red"}]}, "tags[0].colour"),
    ({"adapters": {"generic": {"secret": "s", "extra": 1}}}, "adapters.generic.extra"),
    ({"adapters": {"x": {"type": "icq"}}}, "adapters.x.type"),
    ({"groups": [{"id": "g-1"}]}, "groups[0].id"),
    ({"groups": [{"id": "generic:g", "timezone": "Mars/Base"}]}, "groups[0].timezone"),
    ({"surprise": 1}, "surprise"),
])
def test_bad_keys_are_named(data, key):
    with pytest.raises(ConfigError) as err:
        parse(data, Path("."), env={})
    assert str(err.value).startswith(key + ":")


def test_bad_config_exits_2_with_one_line(tmp_path, capsys):
    cfg = tmp_path / "c.toml"
    cfg.write_text('[server]\nprot = 1\n', encoding="utf-8")
    assert main(["members", "generic:g", "--config", str(cfg)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "server.prot" in err


def test_env_overrides_secrets():
    data = {"adapters": {"generic": {"secret": "CHANGE-ME"}}, "server": {"api_token": "CHANGE-ME"}}
    cfg = parse(data, Path("."), env={"QUNTAG_ADAPTER_GENERIC_SECRET": "s3", "QUNTAG_API_TOKEN": "t0"})
    assert cfg.adapters["generic"].options["secret"] == "s3" and cfg.server.api_token == "t0"
    assert secret_problems(cfg) == []
    assert secret_problems(parse(data, Path("."), env={})) == ["server.api_token", "adapters.generic.secret"]


def test_several_instances_of_one_type_and_group_defaults():
    data = {"adapters": {"qq1": {"type": "generic", "secret": "a"}, "qq2": {"type": "generic", "secret": "b"}},
            "defaults": {"timezone": "Europe/Berlin"},
            "groups": [{"id": "qq1:g", "timezone": "Asia/Tokyo", "admins": ["qq1:u"]}]}
    cfg = parse(data, Path("."), env={})
    assert set(cfg.adapters) == {"qq1", "qq2"}
    assert cfg.group("qq1:g").timezone == "Asia/Tokyo"
    assert cfg.group("qq2:other").timezone == "Europe/Berlin"
    listed = parse({**data, "server": {"only_listed_groups": True}}, Path("."), env={})
    assert listed.group("qq2:other") is None


def test_a_groups_time_zone_is_its_own_else_the_defaults_even_when_unlisted():
    data = {"adapters": {"qq1": {"type": "generic", "secret": "a"}}, "defaults": {"timezone": "Europe/Berlin"},
            "groups": [{"id": "qq1:g", "timezone": "Asia/Tokyo"}]}
    for only_listed in (False, True):
        cfg = parse({**data, "server": {"only_listed_groups": only_listed}}, Path("."), env={})
        assert cfg.timezone_of("qq1:g") == "Asia/Tokyo"
        assert cfg.timezone_of("qq1:other") == "Europe/Berlin"


def test_serve_refuses_placeholder_secrets(tmp_path, capsys):
    cfg = tmp_path / "c.toml"
    cfg.write_text('[adapters.generic]\nsecret = "CHANGE-ME"\n', encoding="utf-8")
    assert main(["serve", "--config", str(cfg)]) == 2
    assert "server.api_token" in capsys.readouterr().err


def test_commented_adapter_examples_are_valid_config():
    import re
    import tomllib

    text = EXAMPLE.read_text(encoding="utf-8")
    block = text[text.index("# [adapters.telegram]"):text.index("# Groups with their own settings.")]
    uncommented = re.sub(r"^# ?", "", block, flags=re.M).replace('encoding_aes_key = "CHANGE-ME"',
                                                                 'encoding_aes_key = "' + "k" * 43 + '"')
    data = tomllib.loads(uncommented)
    cfg = parse(data, Path("."), env={})
    assert {a.type for a in cfg.adapters.values()} == {"telegram", "onebot", "feishu", "dingtalk", "wecom_app",
                                                      "wecom_aibot"}


def test_group_schedule_keys_are_the_ones_the_declared_jobs_read():
    from bot.core import config as core_config
    from bot.faces.settings import declared_options

    generic = {"generic": {"secret": "s"}}  # a listed group lives on a configured adapter
    data = {"adapters": generic,
            "groups": [{"id": "generic:g-1", "monthly_report": "1 9 1 * *", "morning_report": "07:30"}]}
    cfg = core_config.parse(data, Path("."), env={}, adapters=declared_options(),
                            schedules=("monthly_report", "morning_report"))
    assert cfg.groups["generic:g-1"].schedules == {"monthly_report": "1 9 1 * *", "morning_report": "07:30"}
    with pytest.raises(ConfigError, match=r"groups\[0\]\.monthly_report"):
        core_config.parse({"adapters": generic, "groups": [{"id": "generic:g-1", "monthly_report": "32:00"}]},
                          Path("."), env={},
                          adapters=declared_options(), schedules=("monthly_report",))
    with pytest.raises(ConfigError, match=r"groups\[0\]\.monthly_report: unknown key"):
        parse(data, Path("."), env={})  # no feature declares a monthly report in this build
    assert parse({"adapters": generic, "groups": [{"id": "generic:g-1", "weekly_digest": "fri 18:00"}]},
                 Path("."), env={}) \
        .groups["generic:g-1"].schedules["weekly_digest"] == "fri 18:00"


@pytest.mark.parametrize("url", ["postgresql+psycopg://quntag:pw@db:5432/quntag", "postgresql://quntag:pw@db:5432/quntag"])
def test_a_postgresql_url_is_taken_with_the_installed_driver(url):
    cfg = parse({"storage": {"url": url}}, Path("."), env={})
    assert cfg.database_url() == "postgresql+psycopg://quntag:pw@db:5432/quntag"


def test_the_storage_url_may_come_from_the_environment():
    env = {"QUNTAG_STORAGE_URL": "postgresql+psycopg://quntag:secret@postgres:5432/quntag"}
    cfg = parse({"storage": {"url": "sqlite:///quntag.db"}}, Path("."), env=env)
    assert cfg.database_url() == env["QUNTAG_STORAGE_URL"]
    with pytest.raises(ConfigError, match=r"^storage\.url: must start with"):
        parse({}, Path("."), env={"QUNTAG_STORAGE_URL": "redis://cache"})
