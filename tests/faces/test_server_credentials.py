"""Credentials the server itself checks: the API token (``/api``, ``/healthz`` details) and the metrics token.

An empty or CHANGE-ME token never opens anything, whatever the flags; ``serve --insecure-dev`` says so.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import pytest

from tests.conftest import TOKEN
from tests.system.serve import free_port

PLACEHOLDERS = ["CHANGE-ME", "", "  "]


@pytest.mark.parametrize("token", PLACEHOLDERS)
async def test_a_placeholder_api_token_opens_nothing(make_bot, token):
    bot = await make_bot(server={"api_token": token})
    for header in (f"Bearer {token}", "Bearer CHANGE-ME", "Bearer ", "Bearer", ""):
        r = await bot.client.get("/api/groups", headers={"Authorization": header})
        assert r.status == 401, header
        assert "error" in await r.json()


async def test_the_api_token_still_opens_the_api(make_bot):
    bot = await make_bot()
    assert (await bot.client.get("/api/groups", headers={"Authorization": f"Bearer {TOKEN}"})).status == 200
    odd = {"Authorization": "Bearer \udcff".encode("utf-8", "surrogateescape").decode("latin-1")}
    assert (await bot.client.get("/api/groups", headers=odd)).status == 401


def _start(config: Path, *extra: str) -> tuple[subprocess.Popen[str], str, str]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "bot.faces.cli", "serve", "--config", str(config),
                             "--port", str(port), *extra], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    return proc, line, f"http://127.0.0.1:{port}"


async def test_insecure_dev_serve_says_the_api_is_closed_and_keeps_it_closed(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text(f'[server]\napi_token = "CHANGE-ME"\n[storage]\nurl = "sqlite:///{tmp_path}/q.db"\n'
                      '[adapters.generic]\nsecret = "s"\n', encoding="utf-8")
    refused = subprocess.run([sys.executable, "-m", "bot.faces.cli", "serve", "--config", str(config)],
                             capture_output=True, text=True, timeout=60, check=False)
    assert refused.returncode == 2 and "server.api_token" in refused.stderr
    proc, line, base = _start(config, "--insecure-dev")
    try:
        assert "listening on http://" in line
        assert "/api answers 401 to everyone until server.api_token is set" in line
        async with aiohttp.ClientSession() as http:
            for header in ("Bearer CHANGE-ME", "Bearer ", ""):
                async with http.get(f"{base}/api/groups", headers={"Authorization": header}) as r:
                    assert r.status == 401
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_a_real_token_gives_a_plain_startup_line(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text(f'[server]\napi_token = "real-{time.time()}"\n[storage]\nurl = "sqlite:///{tmp_path}/q.db"\n'
                      '[adapters.generic]\nsecret = "s"\noutbound_url = "http://127.0.0.1:9/send"\n', encoding="utf-8")
    proc, line, _ = _start(config)
    try:
        assert line.strip().startswith("quntag listening on http://") and "insecure" not in line
    finally:
        proc.terminate()
        proc.wait(timeout=30)


async def test_healthz_without_the_api_token_says_only_ok_or_error(make_bot):
    bot = await make_bot()
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Bearer CHANGE-ME"}):
        r = await bot.client.get("/healthz", headers=headers)
        assert (r.status, await r.json()) == (200, {"status": "ok"})
    r = await bot.client.get("/healthz", headers={"Authorization": f"Bearer {TOKEN}"})
    body = await r.json()
    assert r.status == 200 and body["status"] == "ok"
    assert body["adapters"]["generic"]["visibility"] == "all" and body["inbox"] == {"pending": 0}
    bot.runtime.scheduler.shutdown()  # a failed part: 503, still without details
    r = await bot.client.get("/healthz")
    assert (r.status, await r.json()) == (503, {"status": "error"})
    r = await bot.client.get("/healthz", headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status == 503 and (await r.json())["failed"] == ["scheduler"]


async def test_healthz_details_need_a_real_api_token(make_bot):
    bot = await make_bot(server={"api_token": "CHANGE-ME"})
    r = await bot.client.get("/healthz", headers={"Authorization": "Bearer CHANGE-ME"})
    assert await r.json() == {"status": "ok"}


async def test_metrics_stay_open_without_a_metrics_token(make_bot):
    bot = await make_bot()
    r = await bot.client.get("/metrics")
    assert r.status == 200 and "quntag_events_accepted_total" in await r.text()


async def test_a_metrics_token_closes_metrics_to_everyone_else(make_bot):
    bot = await make_bot(server={"metrics_token": "scrape-me"})
    for header in ("", "Bearer wrong", f"Bearer {TOKEN}", "Bearer scrape-me2"):
        r = await bot.client.get("/metrics", headers={"Authorization": header})
        assert r.status == 401 and "error" in await r.json(), header
    r = await bot.client.get("/metrics", headers={"Authorization": "Bearer scrape-me"})
    assert r.status == 200 and "quntag_events_accepted_total" in await r.text()


async def test_a_placeholder_metrics_token_opens_nothing(make_bot):
    bot = await make_bot(server={"metrics_token": "CHANGE-ME"})
    r = await bot.client.get("/metrics", headers={"Authorization": "Bearer CHANGE-ME"})
    assert r.status == 401


def test_serve_refuses_a_placeholder_metrics_token(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text(f'[server]\napi_token = "t"\nmetrics_token = "CHANGE-ME"\n[storage]\n'
                      f'url = "sqlite:///{tmp_path}/q.db"\n[adapters.generic]\nsecret = "s"\n', encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "bot.faces.cli", "serve", "--config", str(config)],
                         capture_output=True, text=True, timeout=60, check=False)
    assert out.returncode == 2 and "server.metrics_token" in out.stderr


def test_the_metrics_token_may_come_from_the_environment(tmp_path):
    from bot.faces.settings import parse
    from tests.conftest import config_dict

    cfg = parse(config_dict(tmp_path), tmp_path, env={"QUNTAG_METRICS_TOKEN": "from-env"})
    assert cfg.server.metrics_token == "from-env"
