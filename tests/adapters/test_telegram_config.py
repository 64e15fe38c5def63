"""Config validation of the telegram and onebot adapter sections (errors name the key)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.core.config import ConfigError
from bot.faces.settings import parse, secret_problems


def cfg(tmp_path: Path, adapters: dict[str, Any]) -> Any:
    return parse({"server": {"api_token": "x"}, "adapters": adapters}, tmp_path, env={})


@pytest.mark.parametrize(("adapters", "key"), [
    ({"telegram": {"secret_token": "s"}}, "adapters.telegram.token"),
    ({"telegram": {"token": "1:x"}}, "adapters.telegram.secret_token"),
    ({"telegram": {"token": "1:x", "secret_token": "s", "bogus": 1}}, "adapters.telegram.bogus"),
    ({"telegram": {"token": 5, "secret_token": "s"}}, "adapters.telegram.token"),
    ({"qq": {"type": "onebot", "secret": ["x"]}}, "adapters.qq.secret"),
    ({"qq": {"type": "onebot", "access": "x"}}, "adapters.qq.access"),
])
def test_bad_options_name_the_key(tmp_path: Path, adapters: dict[str, Any], key: str) -> None:
    with pytest.raises(ConfigError) as exc:
        cfg(tmp_path, adapters)
    assert str(exc.value).startswith(key + ":")


def test_secrets_checked_by_serve(tmp_path: Path) -> None:
    c = cfg(tmp_path, {"telegram": {"token": "1:x", "secret_token": "CHANGE-ME"},
                       "qq": {"type": "onebot", "secret": "s", "access_token": ""}})
    assert secret_problems(c) == ["adapters.telegram.secret_token", "adapters.qq.access_token"]


def test_secrets_from_environment(tmp_path: Path) -> None:
    c = parse({"server": {"api_token": "x"}, "adapters": {"telegram": {"token": "", "secret_token": ""}}},
              tmp_path, env={"QUNTAG_ADAPTER_TELEGRAM_TOKEN": "9:y", "QUNTAG_ADAPTER_TELEGRAM_SECRET_TOKEN": "z"})
    assert c.adapters["telegram"].options["token"] == "9:y"
    assert secret_problems(c) == []
