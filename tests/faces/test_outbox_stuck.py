"""Nothing fails silently: a generic adapter that cannot send is refused by serve, reported by /healthz,
and its parked replies are sent right after a restart with a fixed config."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.faces.appkeys import RUNTIME
from bot.faces.cli import main
from bot.faces.server import create_app
from tests.conftest import SECRET, TOKEN, make_config, message, signed

NOW = time.time()


@pytest.fixture(autouse=True)
def _logging_restored() -> Iterator[None]:
    """``main`` points the root logger at the stderr of its test; later tests must not log into it."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
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
