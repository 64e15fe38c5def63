"""Nothing fails silently: a generic adapter that cannot send is refused by serve, reported by /healthz,
its parked replies are sent right after a restart with a fixed config, and ``quntag outbox`` shows,
retries and drops what is stuck."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from wcwidth import wcswidth

from bot.faces.appkeys import RUNTIME
from bot.faces.cli import main
from bot.faces.server import create_app
from storage.backup import ServeLock
from tests.conftest import SECRET, TOKEN, make_config, message, signed

NOW = time.time()


@pytest.fixture(autouse=True)
def _logging_restored() -> Iterator[None]:
    """``main`` points the root logger at the stderr of the test that ran it, closed once that test ended:
    these tests log (a parked send) before they run ``main``, so they start without such a handler."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    root.handlers[:] = [h for h in handlers if type(h) is not logging.StreamHandler]  # pytest's own stay
    yield
    root.handlers[:], root.level = handlers, level


def write_config(tmp_path: Path, outbound_url: str = "") -> str:
    path = tmp_path / "config.toml"
    path.write_text(f'[server]\napi_token = "{TOKEN}"\n[storage]\nurl = "sqlite:///{tmp_path}/quntag.db"\n'
                    f'[adapters.generic]\nsecret = "{SECRET}"\noutbound_url = "{outbound_url}"\n', encoding="utf-8")
    return str(path)


async def park_a_reply(tmp_path: Path, aiohttp_client: Any) -> Any:
    """/id answered while the generic adapter has no outbound_url: the reply is parked; returns the client."""
    client = await aiohttp_client(create_app(make_config(tmp_path)))  # outbound_url = ""
    body, headers = signed(message("m-1", "u-1", "/id", NOW))
    assert (await client.post("/webhook/generic", data=body, headers=headers)).status == 200
    rt = client.server.app[RUNTIME]
    await rt.inbox.drained()
    await rt.outbox.drained()
    return client


async def cli(*args: str) -> int:
    """``quntag ARGS`` as the command line runs it (its own event loop, here in a worker thread)."""
    return await asyncio.to_thread(main, list(args))


def test_serve_refuses_a_generic_adapter_that_cannot_send(tmp_path, capsys):
    assert main(["serve", "--config", write_config(tmp_path)]) == 2
    assert capsys.readouterr().err == ("config error: adapters.generic.outbound_url: not set, so no reply could be "
                                       "sent (set it, or use --insecure-dev)\n")
    assert not (tmp_path / "quntag.db").exists()


async def test_healthz_reports_an_adapter_that_cannot_send(tmp_path, aiohttp_client):
    client = await park_a_reply(tmp_path, aiohttp_client)
    plain = await client.get("/healthz")
    assert (plain.status, await plain.json()) == (503, {"status": "error"})
    detailed = await client.get("/healthz", headers={"Authorization": f"Bearer {TOKEN}"})
    body = await detailed.json()
    assert detailed.status == 503 and body["failed"] == ["sending:generic"]
    generic = body["adapters"]["generic"]
    assert generic["can_send"] is False and generic["send_problem"] == "adapters.generic.outbound_url not set"
    assert generic["outbox_queued"] == 1 and generic["outbox_parked"] == 1


async def test_a_parked_reply_goes_out_right_after_a_restart_with_the_url_set(tmp_path, aiohttp_client, receiver):
    client = await park_a_reply(tmp_path, aiohttp_client)
    await client.close()  # the server stops
    rec, url = receiver
    fixed = await aiohttp_client(create_app(make_config(tmp_path, url)))  # started again, outbound_url set
    assert await fixed.server.app[RUNTIME].outbox.drained()
    assert [m["group"] for m in rec.received] == ["g-1"] and "generic:u-1" in rec.received[0]["text"]
    health = await fixed.get("/healthz", headers={"Authorization": f"Bearer {TOKEN}"})
    assert health.status == 200 and (await health.json())["adapters"]["generic"]["can_send"] is True


async def test_outbox_list_shows_what_is_parked_and_why(tmp_path, aiohttp_client, capsys):
    await (await park_a_reply(tmp_path, aiohttp_client)).close()
    cfg = write_config(tmp_path)
    assert await cli("outbox", "list", "--json", "--config", cfg) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["adapter"] == "generic" and row["target"] == "generic:g-1" and row["target_name"] == "测试群"
    assert row["state"] == "parked" and row["attempts"] == 1 and row["private"] is False
    assert row["last_error"] == "adapters.generic.outbound_url is not set"
    assert await cli("outbox", "list", "--config", cfg) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["ID", "ADAPTER", "TARGET", "AGE", "ATTEMPTS", "STATE", "LAST", "ERROR"]
    assert lines[1].split()[:3] == [str(row["id"]), "generic", "测试群"]
    assert lines[1].endswith("adapters.generic.outbound_url is not set")
    after_name = lines[1].index("测试群") + len("测试群")
    rest = lines[1][after_name:]
    age_column = wcswidth(lines[1][:after_name]) + len(rest) - len(rest.lstrip())
    assert age_column == lines[0].index("AGE")  # aligned in a terminal: a Chinese character is two columns wide
    assert lines[2] == "1 waiting, 1 parked (quntag outbox retry [ID] sends now, drop ID removes)"


async def test_outbox_retry_sends_now_once_the_url_is_set(tmp_path, aiohttp_client, capsys, receiver):
    await (await park_a_reply(tmp_path, aiohttp_client)).close()
    assert await cli("outbox", "retry", "--config", write_config(tmp_path)) == 1  # still no outbound_url
    out = capsys.readouterr()
    assert out.err == "1 message could not be sent (quntag outbox list shows why)\n"
    assert "failed again: adapters.generic.outbound_url is not set" in out.out
    rec, url = receiver
    cfg = write_config(tmp_path, url)
    assert await cli("outbox", "retry", "--config", cfg) == 0
    assert capsys.readouterr().out == "sent 1, still waiting 0\n"
    assert [m["group"] for m in rec.received] == ["g-1"]
    assert await cli("outbox", "list", "--config", cfg) == 0
    assert capsys.readouterr().out == "the outbox is empty: nothing waits to be sent\n"


async def test_outbox_retry_with_a_server_running_leaves_the_sending_to_it(tmp_path, aiohttp_client, capsys):
    await (await park_a_reply(tmp_path, aiohttp_client)).close()
    cfg = write_config(tmp_path)
    lock = ServeLock(f"sqlite:///{tmp_path}/quntag.db")
    assert lock.acquire()  # as quntag serve does
    try:
        assert await cli("outbox", "retry", "--config", cfg) == 0
    finally:
        lock.release()
    assert capsys.readouterr().out == "1 message due now; the running quntag serve sends it within 30 s\n"
    assert await cli("outbox", "list", "--json", "--config", cfg) == 0
    assert json.loads(capsys.readouterr().out)[0]["state"] == "due"


async def test_outbox_drop(tmp_path, aiohttp_client, capsys, monkeypatch):
    await (await park_a_reply(tmp_path, aiohttp_client)).close()
    cfg = write_config(tmp_path)
    assert await cli("outbox", "drop", "999", "--config", cfg) == 1
    assert capsys.readouterr().err == "unknown outbox message: 999 (quntag outbox list shows what waits)\n"
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert await cli("outbox", "drop", "--config", cfg) == 1  # all, without --yes and without a terminal
    assert capsys.readouterr().err == ("refusing to drop every waiting message without --yes (no terminal to "
                                       "confirm on); nothing done\n")
    assert await cli("outbox", "list", "--json", "--config", cfg) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert await cli("outbox", "drop", str(row["id"]), "--config", cfg) == 0
    assert capsys.readouterr().out == f"dropped {row['id']} to 测试群 (generic), unsent\n"
    assert await cli("outbox", "list", "--json", "--config", cfg) == 0
    assert json.loads(capsys.readouterr().out) == []
