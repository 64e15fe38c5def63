"""Per-group adapter options are the adapter's, opaque to core: WeCom declares ``wecom_webhook_key`` and
reads it. The documented spelling (directly under ``[[groups]]``, contract §3) keeps working exactly;
``[groups.adapter]`` is the general form, checked against the group's adapter type."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from bot.core.config import ConfigError
from bot.faces.settings import load, parse
from tests.adapters._cn_helpers import API_TOKEN, WECOM_AES, WECOM_CORP, WECOM_TOKEN

CHAT = "wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA"


def toml(tmp_path: Path, api_base: str, group: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f"""
[server]
api_token = "{API_TOKEN}"
[storage]
url = "sqlite:///{tmp_path}/q.db"
[adapters.wecom]
type = "wecom_app"
token = "{WECOM_TOKEN}"
encoding_aes_key = "{WECOM_AES}"
corp_id = "{WECOM_CORP}"
api_base = "{api_base}"
[adapters.generic]
secret = "s3cret"
[[groups]]
id = "wecom:{CHAT}"
{group}
""", encoding="utf-8")
    return path


FLAT = 'wecom_webhook_key = "KEY-1"'
TABLE = '[groups.adapter]\nwecom_webhook_key = "KEY-1"'


@pytest.mark.parametrize("spelling", [FLAT, TABLE], ids=["documented", "groups.adapter"])
def test_both_spellings_give_the_group_its_key(tmp_path: Path, spelling: str) -> None:
    cfg = load(toml(tmp_path, "https://qyapi.weixin.qq.com", spelling), env={})
    assert cfg.groups[f"wecom:{CHAT}"].adapter_options == {"wecom_webhook_key": "KEY-1"}


def test_the_documented_key_stays_accepted_wherever_it_was() -> None:
    """Contract §3 shows it (commented) in a generic group; it was always accepted there, and in [defaults]."""
    data = tomllib.loads('[adapters.generic]\nsecret = "s"\n[defaults]\nwecom_webhook_key = ""\n'
                         '[[groups]]\nid = "generic:g-1"\nwecom_webhook_key = "K"\n')
    cfg = parse(data, Path("."), env={})
    assert cfg.groups["generic:g-1"].adapter_options == {"wecom_webhook_key": "K"}


@pytest.mark.parametrize(("group", "key"), [
    ({"id": "wecom:c", "wecom_webhook_key": 5}, "groups[0].wecom_webhook_key: must be a string"),
    ({"id": "wecom:c", "adapter": {"colour": "red"}}, "groups[0].adapter.colour: unknown key"),
    ({"id": "wecom:c", "adapter": {"wecom_webhook_key": ["K"]}}, "groups[0].adapter.wecom_webhook_key: must be"),
    ({"id": "generic:g", "adapter": {"wecom_webhook_key": "K"}}, "groups[0].adapter.wecom_webhook_key: unknown"),
    ({"id": "wecom:c", "adapter": "K"}, "groups[0].adapter: must be a table"),
    ({"id": "wecom:c", "webhook": "K"}, "groups[0].webhook: unknown key"),
])
def test_bad_group_options_are_named(group: dict[str, Any], key: str) -> None:
    data = {"adapters": {"generic": {"secret": "s"},
                         "wecom": {"type": "wecom_app", "token": "t", "encoding_aes_key": WECOM_AES, "corp_id": "w"}},
            "groups": [group]}
    with pytest.raises(ConfigError) as err:
        parse(data, Path("."), env={})
    assert str(err.value).startswith(key)
