"""Operations against a real running server: online backup, refused restore, second server refused."""

from __future__ import annotations

import subprocess
import sys
import time

import aiohttp

from tests.system.serve import Server, free_port, post, wait_processed, write_config


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot.faces.cli", *args], capture_output=True, text=True, timeout=60,
                          check=False)


async def test_online_backup_while_serving(tmp_path):
    cfg = write_config(tmp_path)
    server = Server(cfg, free_port())
    server.start()
    try:
        async with aiohttp.ClientSession() as http:
            for i in range(50):
                ev = {"id": f"b{i}", "type": "message", "time": time.time(), "group": {"id": "g"},
                      "user": {"id": f"u{i % 5}"}, "text": "红酒"}
                assert await post(http, server.base, ev) == 200
            await wait_processed(http, server.base)
        out = cli("backup", str(tmp_path / "live.db"), "--config", str(cfg))
        assert out.returncode == 0, out.stderr
        assert "members 5, messages 50" in out.stdout
        refused = cli("restore", str(tmp_path / "live.db"), "--config", str(cfg))
        assert refused.returncode == 1 and "in use" in refused.stderr
        second = cli("serve", "--config", str(cfg), "--port", str(free_port()))
        assert second.returncode == 2 and "in use" in second.stderr
    finally:
        code, _ = server.terminate()
    assert code == 0
