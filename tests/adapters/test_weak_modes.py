"""Weak verification modes are refused at startup unless explicitly allowed, and loud when allowed.

Issue 11, finding 5: Feishu without an Encrypt Key has no signature, timestamp or replay check, and
``serve`` said nothing. Same class: a timestamp window switched off (Feishu, WeCom; ``max_skew_s = 0``)
cannot be guarded by a replay cache, DingTalk's ``replay_guard = false`` lets one observed signature
carry any body, and a signing secret left empty (generic, Telegram, OneBot; ``serve`` refuses those
unless ``--insecure-dev``) accepts anyone's deliveries.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from bot.adapters import adapter_types
from bot.core.adapter import AdapterDeps
from bot.core.config import ConfigError
from bot.faces.cli import main
from bot.faces.settings import parse

AES = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
FEISHU = {"type": "feishu", "app_id": "cli", "app_secret": "s3cret-app", "verification_token": "vt-123456",
          "encrypt_key": "ek-123456"}
DINGTALK = {"type": "dingtalk", "app_key": "k", "app_secret": "s3cret-app"}
WECOM = {"type": "wecom_app", "token": "tok", "encoding_aes_key": AES, "corp_id": "ww"}
WECOMBOT = {"type": "wecom_aibot", "token": "tok", "encoding_aes_key": AES}


def load(adapter: dict[str, Any]) -> Any:
    return parse({"adapters": {"x": adapter}}, Path("."), env={})


def test_feishu_without_encrypt_key_is_refused_naming_the_key(tmp_path: Path, capsys: Any) -> None:
    with pytest.raises(ConfigError) as err:
        load({**FEISHU, "encrypt_key": ""})
    assert str(err.value).startswith("adapters.x.encrypt_key:") and "allow_unencrypted" in str(err.value)
    cfg = tmp_path / "c.toml"
    cfg.write_text('[server]\napi_token = "t0k3n-for-tests"\n[adapters.fs]\ntype = "feishu"\napp_id = "a"\n'
                   'app_secret = "s3cret"\nverification_token = "vt-1234"\n', encoding="utf-8")
    assert main(["serve", "--config", str(cfg)]) == 2
    err_text = capsys.readouterr().err.strip()
    assert len(err_text.splitlines()) == 1 and "adapters.fs.encrypt_key" in err_text


@pytest.mark.parametrize("options", [FEISHU, WECOM, WECOMBOT, DINGTALK], ids=lambda o: o["type"])
@pytest.mark.parametrize("window", [0, -1, 10**9])
def test_an_unbounded_timestamp_window_is_refused(options: dict[str, Any], window: int) -> None:
    with pytest.raises(ConfigError, match=r"^adapters\.x\.max_skew_s: "):
        load({**options, "max_skew_s": window})


async def start_and_warnings(kind: str, options: dict[str, Any], caplog: Any) -> list[str]:
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        adapter = adapter_types()[kind].build("x", options, AdapterDeps(session=None))
        await adapter.start()
        await adapter.close()
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


@pytest.mark.parametrize(("kind", "weak", "strong", "words"), [
    ("feishu", {**FEISHU, "encrypt_key": "", "allow_unencrypted": True}, FEISHU, "allow_unencrypted"),
    ("dingtalk", {**DINGTALK, "replay_guard": False}, DINGTALK, "replay_guard"),
    ("generic", {"secret": ""}, {"secret": "s3cret-key"}, "empty secret"),
    ("telegram", {"token": "1:t", "secret_token": "", "api_base": "http://127.0.0.1:9"},
     {"token": "1:t", "secret_token": "s3cret", "api_base": "http://127.0.0.1:9"}, "no secret_token"),
    ("onebot", {"secret": "", "access_token": "a"}, {"secret": "s3cret", "access_token": "a"}, "no secret"),
], ids=lambda v: v if isinstance(v, str) else "")
async def test_an_allowed_weak_mode_is_a_warning_at_start(kind: str, weak: dict[str, Any], strong: dict[str, Any],
                                                          words: str, caplog: Any) -> None:
    weak_lines = await start_and_warnings(kind, {k: v for k, v in weak.items() if k != "type"}, caplog)
    assert [line for line in weak_lines if words in line and "development" in line], weak_lines
    strong_lines = await start_and_warnings(kind, {k: v for k, v in strong.items() if k != "type"}, caplog)
    assert not [line for line in strong_lines if "development" in line], strong_lines
