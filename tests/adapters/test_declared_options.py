"""Config validation reads what each adapter type declares: unknown keys, wrong types, missing required
options and secrets are named (one line, ``adapters.<name>.<key>: …``), the environment overrides exactly
the declared secrets, and validating a config builds no adapter."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.adapters import adapter_types
from bot.core import config
from bot.core.config import ConfigError
from bot.core.config.adapters import env_key
from bot.core.config.options import FLAG, NUMBER, AdapterOptions, Option, text
from bot.faces.cli import main
from bot.faces.settings import parse, secret_problems
from tests.adapters._cn_helpers import WECOM_AES

# The least each type needs (options whose default is None), with values their checks accept.
MINIMAL: dict[str, dict[str, Any]] = {
    "generic": {"secret": "s3cret-1"},
    "telegram": {"token": "1:tok", "secret_token": "s3cret-2"},
    "onebot": {},
    "feishu": {"app_id": "cli", "app_secret": "s3cret-3", "verification_token": "vt-1", "encrypt_key": "ek-1"},
    "dingtalk": {"app_key": "k", "app_secret": "s3cret-4"},
    "wecom_app": {"corp_id": "ww", "token": "tok-1", "encoding_aes_key": WECOM_AES},
    "wecom_aibot": {"token": "tok-2", "encoding_aes_key": WECOM_AES},
}
TYPES = sorted(adapter_types())
DECLARED = [(kind, opt) for kind in TYPES for opt in adapter_types()[kind].options.options]


def load(kind: str, options: dict[str, Any], env: dict[str, str] | None = None) -> config.Config:
    return parse({"server": {"api_token": "t0k3n"}, "adapters": {"x": {"type": kind, **options}}}, Path("."),
                 env=env or {})


def named(err: pytest.ExceptionInfo[ConfigError], key: str) -> bool:
    text_ = str(err.value)
    return text_.startswith(f"adapters.x.{key}: ") and "\n" not in text_


def test_every_offered_type_is_covered_and_its_minimal_section_loads() -> None:
    assert set(MINIMAL) == set(TYPES)
    for kind in TYPES:
        assert load(kind, MINIMAL[kind]).adapters["x"].type == kind


@pytest.mark.parametrize("kind", TYPES)
def test_an_unknown_key_is_named(kind: str) -> None:
    with pytest.raises(ConfigError) as err:
        load(kind, {**MINIMAL[kind], "colour": "red"})
    assert named(err, "colour") and str(err.value).endswith("unknown key")


@pytest.mark.parametrize(("kind", "opt"), DECLARED, ids=[f"{k}.{o.key}" for k, o in DECLARED])
def test_a_value_of_the_wrong_type_is_named(kind: str, opt: Option) -> None:
    wrong: Any = "yes" if opt.kind in (FLAG, NUMBER) else 5
    with pytest.raises(ConfigError) as err:
        load(kind, {**MINIMAL[kind], opt.key: wrong})
    assert named(err, opt.key)


@pytest.mark.parametrize(("kind", "opt"), [(k, o) for k, o in DECLARED if o.default is None],
                         ids=[f"{k}.{o.key}" for k, o in DECLARED if o.default is None])
def test_a_missing_required_option_is_named(kind: str, opt: Option) -> None:
    options = {k: v for k, v in MINIMAL[kind].items() if k != opt.key}
    with pytest.raises(ConfigError) as err:
        load(kind, options)
    assert named(err, opt.key) and str(err.value).endswith("required")


@pytest.mark.parametrize(("kind", "opt"), [(k, o) for k, o in DECLARED if o.secret],
                         ids=[f"{k}.{o.key}" for k, o in DECLARED if o.secret])
def test_a_declared_secret_comes_from_the_environment(kind: str, opt: Option) -> None:
    options = {k: v for k, v in MINIMAL[kind].items() if k != opt.key}  # even when the file leaves it out
    value = WECOM_AES if opt.key == "encoding_aes_key" else "from-the-env-1"
    cfg = load(kind, options, env={f"QUNTAG_ADAPTER_X_{env_key(opt.key)}": value})
    assert cfg.adapters["x"].options[opt.key] == value
    assert f"adapters.x.{opt.key}" not in secret_problems(cfg)


@pytest.mark.parametrize(("kind", "opt"), [(k, o) for k, o in DECLARED if o.secret and not o.blank_ok],
                         ids=[f"{k}.{o.key}" for k, o in DECLARED if o.secret and not o.blank_ok])
def test_a_declared_secret_left_at_the_placeholder_is_refused(kind: str, opt: Option) -> None:
    options = {**MINIMAL[kind], opt.key: "CHANGE-ME"}
    if opt.check is None:  # serve refuses it (unless --insecure-dev)
        assert f"adapters.x.{opt.key}" in secret_problems(load(kind, options))
        return
    with pytest.raises(ConfigError) as err:  # a checked secret (an AES key) cannot even be loaded so
        load(kind, options)
    assert named(err, opt.key)


def test_only_declared_secrets_come_from_the_environment() -> None:
    env = {"QUNTAG_ADAPTER_TG_1_TOKEN": "9:env", "QUNTAG_ADAPTER_TG_1_API_BASE": "http://elsewhere.example"}
    cfg = parse({"adapters": {"tg-1": {"type": "telegram", "secret_token": "s3cret"}}}, Path("."), env=env)
    assert cfg.adapters["tg-1"].options["token"] == "9:env"  # name upper-cased, "-" → "_"
    assert cfg.adapters["tg-1"].options["api_base"] == "https://api.telegram.org"  # not a secret: the file decides


def test_an_optional_secret_may_stay_empty_but_not_at_the_placeholder() -> None:
    unencrypted = {**MINIMAL["feishu"], "encrypt_key": "", "allow_unencrypted": True}
    assert secret_problems(load("feishu", unencrypted)) == []
    placeholder = {**MINIMAL["feishu"], "encrypt_key": "CHANGE-ME"}
    assert secret_problems(load("feishu", placeholder)) == ["adapters.x.encrypt_key"]


def test_a_bad_adapter_option_exits_2_with_one_line_naming_it(tmp_path: Path, capsys: Any) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[adapters.qq]\ntype = "onebot"\napi_base = 3000\n', encoding="utf-8")
    assert main(["members", "qq:g", "--config", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "adapters.qq.api_base" in err


def test_core_validates_from_declarations_alone_and_builds_nothing() -> None:
    """A maintainer's new type is checked by its declaration; the core config never calls a factory."""
    declared = {"pager": AdapterOptions((text("dial", secret=True), text("tone", "beep")),
                                        group_options=(text("extension", ""),))}
    data = {"adapters": {"pager": {"dial": "CHANGE-ME"}},
            "groups": [{"id": "pager:lobby", "extension": "12"}, {"id": "pager:hall", "adapter": {"extension": "7"}}]}
    cfg = config.parse(data, Path("."), env={}, adapters=declared)
    assert dict(cfg.adapters["pager"].options) == {"dial": "CHANGE-ME", "tone": "beep"}
    assert config.secret_problems(cfg, declared) == ["server.api_token", "adapters.pager.dial"]
    assert cfg.groups["pager:lobby"].adapter_options == {"extension": "12"}
    assert cfg.groups["pager:hall"].adapter_options == {"extension": "7"}
