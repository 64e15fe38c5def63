"""The PostgreSQL server the tests run against, one database per test run.

``QUNTAG_TEST_PG_URL`` names the server (default: the development and CI machines' PostgreSQL 15 at
127.0.0.1:5432, user ``postgres``, trust auth, database ``test``). The first test that needs PostgreSQL makes
a database of its own, ``quntag_test_<pid>_<random>``, and the run drops it at its end, so parallel runs and
a crashed earlier run never meet. Each test then starts on an empty schema (:func:`empty_schema`).

When the server cannot be reached, the PostgreSQL tests are skipped on a user's machine, summed up in one
line at the end of the run; under ``CI=true`` they fail, so CI can never pass without them.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import OperationalError

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
UNREACHABLE = "PostgreSQL unreachable"


def server_url() -> URL:
    return make_url(os.environ.get("QUNTAG_TEST_PG_URL") or DEFAULT_URL)


def _admin_engine(url: URL) -> Engine:
    # CREATE/DROP DATABASE cannot run inside a transaction.
    return create_engine(url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})


def create_database() -> str:
    """A new, empty database on the server; its URL. Raises OperationalError when the server is away."""
    server = server_url()
    name = f"quntag_test_{os.getpid()}_{secrets.token_hex(4)}"
    engine = _admin_engine(server)
    try:
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return server.set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    name = make_url(url).database
    engine = _admin_engine(server_url())
    try:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        engine.dispose()


def empty_schema(url: str) -> str:
    """Empty the database at ``url`` (every table, sequence and index gone) and return ``url``. Sessions
    a test left behind (a killed server's, a leaked pool's) are ended first: they could hold locks."""
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()
    return url


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """The URL of this run's own PostgreSQL database (dropped at the end of the run)."""
    try:
        url = create_database()
    except OperationalError as exc:
        shown = server_url().render_as_string(hide_password=True)
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        message = f"{UNREACHABLE} at {shown}: {reason}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message} (under CI=true the PostgreSQL tests must run)", pytrace=False)
        pytest.skip(message)
    yield url
    drop_database(url)


@pytest.fixture
def pg_url(pg_database: str) -> str:
    """This run's PostgreSQL database, emptied for the test."""
    return empty_schema(pg_database)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line for every PostgreSQL test skipped because the server was away (never one per test)."""
    skipped = [r for r in terminalreporter.stats.get("skipped", [])
               if isinstance(r.longrepr, tuple) and UNREACHABLE in str(r.longrepr[2])]
    if skipped:
        reason = str(skipped[0].longrepr[2]).removeprefix("Skipped: ")
        terminalreporter.write_line(f"{len(skipped)} PostgreSQL tests skipped — {reason}. Start PostgreSQL 15 "
                                    "there or set QUNTAG_TEST_PG_URL.", yellow=True)
