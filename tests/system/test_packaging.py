"""The built wheel installs into a fresh venv; `quntag init` and `quntag demo` run from another folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(cmd: list[str], cwd: Path, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "QUNTAG_CONFIG")}
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)


def test_wheel_installs_and_runs_anywhere(tmp_path):
    dist = tmp_path / "dist"
    built = run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(dist),
                 str(ROOT)], tmp_path)
    assert built.returncode == 0, built.stderr[-2000:]
    assert "project.license" not in built.stderr  # the SPDX form: no deprecation warning on every install
    [wheel] = dist.glob("quntag-*.whl")
    venv = tmp_path / "venv"
    assert run([sys.executable, "-m", "venv", str(venv)], tmp_path).returncode == 0
    inst = run([str(venv / "bin" / "pip"), "install", "-q", str(wheel)], tmp_path)
    assert inst.returncode == 0, inst.stderr[-2000:]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    quntag = str(venv / "bin" / "quntag")
    where = run([str(venv / "bin" / "python"), "-c", "import bot; print(bot.__file__)"], elsewhere)
    assert str(venv) in where.stdout, where.stdout + where.stderr
    init = run([quntag, "init", "cfg.toml"], elsewhere)
    assert init.returncode == 0, init.stderr
    assert "[[tags]]" in (elsewhere / "cfg.toml").read_text(encoding="utf-8")
    up = run([quntag, "db", "upgrade", "--config", "cfg.toml"], elsewhere)
    assert up.returncode == 0, up.stderr
    demo = run([quntag, "demo"], elsewhere, timeout=120)
    assert demo.returncode == 0, demo.stdout[-2000:] + demo.stderr[-2000:]
    assert "== 成员画像 ==" in demo.stdout and "== 汇总 ==" in demo.stdout


def test_files_quntag_leaves_next_to_its_database_stay_out_of_git():
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    for name in ("quntag.db", "quntag.db-wal", "quntag.db.lock", "data/other.db.lock", "config.toml"):
        ignored = run(["git", "check-ignore", "--no-index", "-q", name], ROOT)
        assert ignored.returncode == 0, f"{name} is not ignored"
