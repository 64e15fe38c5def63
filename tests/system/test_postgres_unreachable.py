"""Without a reachable PostgreSQL a user's ``make test`` skips its PostgreSQL tests with one summary line, and
a CI run (``CI=true``) fails them, so CI can never pass without them."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

AWAY = "postgresql+psycopg://postgres@127.0.0.1:9/test"  # nothing listens on port 9
ONE_FILE = "tests/storage/test_tag_rejections.py"


def run_tests(ci: bool) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CI"} | {"QUNTAG_TEST_PG_URL": AWAY}
    if ci:
        env["CI"] = "true"
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", ONE_FILE], env=env,
                          capture_output=True, text=True, timeout=300, check=False)


@pytest.mark.slow
def test_a_user_sees_one_line_and_the_sqlite_tests_still_run():
    done = run_tests(ci=False)
    assert done.returncode == 0, done.stdout[-2000:]
    lines = [line for line in done.stdout.splitlines() if "PostgreSQL" in line]
    assert len(lines) == 1, done.stdout
    assert lines[0].startswith(f"1 PostgreSQL tests skipped — PostgreSQL unreachable at {AWAY}")
    assert "1 passed, 1 skipped" in done.stdout


@pytest.mark.slow
def test_ci_fails_without_postgresql():
    done = run_tests(ci=True)
    assert done.returncode == 1
    assert "under CI=true the PostgreSQL tests must run" in done.stdout and "1 passed, 1 error" in done.stdout
