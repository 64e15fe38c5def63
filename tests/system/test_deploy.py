"""The deployment files work: systemd units verify and keep their hardening; the Dockerfile's build
context and install steps produce a working quntag in a fresh venv; compose wires quntag to PostgreSQL."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.faces.settings import parse
from tests.conftest import config_dict
from tests.system.test_packaging import run

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
UNITS = ["quntag.service", "quntag-backup.service", "quntag-backup.timer"]


def _systemd_analyze() -> str:
    found = shutil.which("systemd-analyze")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("systemd-analyze is missing on the CI machine (apt-get install systemd)")
        pytest.skip("systemd-analyze not installed: unit files not verified")
    return found


def test_systemd_units_verify_without_warnings(tmp_path: Path) -> None:
    analyze = _systemd_analyze()
    quntag = Path(sys.executable).parent / "quntag"
    for name in UNITS:  # the units name /opt/quntag; point them at this venv so ExecStart exists
        text = (DEPLOY / name).read_text(encoding="utf-8").replace("/opt/quntag/bin/quntag", str(quntag))
        (tmp_path / name).write_text(text, encoding="utf-8")
    out = subprocess.run([analyze, "verify", *(str(tmp_path / n) for n in UNITS)], capture_output=True, text=True,
                         timeout=60, check=False)
    report = out.stdout + out.stderr
    assert out.returncode == 0, report
    assert not re.search(r"Unknown (key|section|lvalue)|Failed to parse|ignoring", report), report


def test_service_runs_as_its_own_user_in_a_read_only_system() -> None:
    unit = dict(line.split("=", 1) for line in (DEPLOY / "quntag.service").read_text(encoding="utf-8").splitlines()
                if "=" in line and not line.startswith("#"))
    assert unit["User"] not in ("", "root")
    assert unit["ProtectSystem"] == "strict" and unit["StateDirectory"] == "quntag"
    assert unit["Restart"] == "on-failure" and unit["StandardOutput"] == "journal"
    assert unit["NoNewPrivileges"] == "yes" and unit["UMask"] == "0077"
    assert "serve --config /etc/quntag/config.toml" in unit["ExecStart"]
    timer = (DEPLOY / "quntag-backup.timer").read_text(encoding="utf-8")
    assert "OnCalendar=" in timer and "Persistent=true" in timer


def _dockerfile_context() -> list[str]:
    """What the build stage COPYs from the repository (sources of every ``COPY <src> <dst>`` in it)."""
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    build_stage = text.split("\nFROM ", 2)[1]
    sources: list[str] = []
    for line in build_stage.splitlines():
        if line.startswith("COPY ") and "--from=" not in line:
            sources += line.split()[1:-1]
    return sources


def test_dockerfile_build_context_makes_a_working_install(tmp_path: Path) -> None:
    context = tmp_path / "context"
    context.mkdir()
    for src in _dockerfile_context():
        path = ROOT / src
        if path.is_dir():
            shutil.copytree(path, context / src, symlinks=True,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(path, context / src)
    dist = tmp_path / "dist"
    built = run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(dist),
                 str(context)], tmp_path)
    assert built.returncode == 0, built.stdout[-1500:] + built.stderr[-1500:]
    [wheel] = dist.glob("quntag-*.whl")
    venv = tmp_path / "venv"
    assert run([sys.executable, "-m", "venv", str(venv)], tmp_path).returncode == 0
    inst = run([str(venv / "bin" / "pip"), "install", "-q", "--no-cache-dir", str(wheel)], tmp_path)
    assert inst.returncode == 0, inst.stderr[-2000:]
    quntag = str(venv / "bin" / "quntag")
    state = tmp_path / "state"
    state.mkdir()
    assert run([quntag, "init", "config.toml"], state).returncode == 0
    cfg = state / "config.toml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace('url = "sqlite:///quntag.db"',
                                                           f'url = "sqlite:///{state}/quntag.db"'), encoding="utf-8")
    up = run([quntag, "db", "upgrade", "--config", str(cfg)], state)
    assert up.returncode == 0, up.stderr
    assert (state / "quntag.db").stat().st_mode & 0o077 == 0


def _compose(env: dict[str, str]) -> dict[str, Any]:
    """deploy/compose.yaml as ``docker compose`` reads it: ``${VAR:?message}`` taken from ``env``."""
    def value(m: re.Match[str]) -> str:
        if m.group(1) not in env:
            raise KeyError(m.group(2))
        return env[m.group(1)]

    raw = (DEPLOY / "compose.yaml").read_text(encoding="utf-8")
    return dict(yaml.safe_load(re.sub(r"\$\{(\w+):\?([^}]*)\}", value, raw)))


def test_compose_runs_quntag_on_postgresql_15_once_it_is_healthy(tmp_path: Path) -> None:
    compose = _compose({"POSTGRES_PASSWORD": "s3cret-pw"})
    pg, bot = compose["services"]["postgres"], compose["services"]["quntag"]
    assert pg["image"] == "postgres:15"
    assert "pg_isready" in " ".join(pg["healthcheck"]["test"])
    assert "postgres-data:/var/lib/postgresql/data" in pg["volumes"] and "postgres-data" in compose["volumes"]
    assert bot["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    # The URL quntag gets names that server, database, user and password.
    env = {k: str(v) for k, v in bot["environment"].items()}
    cfg = parse(config_dict(tmp_path), tmp_path, env=env)
    assert cfg.database_url() == (f"postgresql+psycopg://{pg['environment']['POSTGRES_USER']}:s3cret-pw@postgres:5432/"
                                  f"{pg['environment']['POSTGRES_DB']}")
    with pytest.raises(KeyError, match="set POSTGRES_PASSWORD"):
        _compose({})  # no password, no start
