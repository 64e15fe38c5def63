"""The ``[server]`` section (where quntag listens and is reached, its own credentials, how much one client may
take) and ``[console]`` (the operator console's logins)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from bot.core.config.schema import ConfigError, Section
from bot.core.config.types import PLACEHOLDER, ConsoleConfig, ServerConfig


def parse_server(raw: Any, env: Mapping[str, str]) -> ServerConfig:
    """Validate ``[server]``; the tokens may come from ``QUNTAG_API_TOKEN`` / ``QUNTAG_METRICS_TOKEN``."""
    srv = Section(raw, "server")
    server = ServerConfig(host=srv.text("host", "127.0.0.1"), port=srv.integer("port", 8080, 0, 65535),
                          api_token=env.get("QUNTAG_API_TOKEN", srv.text("api_token", PLACEHOLDER)),
                          metrics_token=env.get("QUNTAG_METRICS_TOKEN", srv.text("metrics_token", "")),
                          only_listed_groups=srv.flag("only_listed_groups", False),
                          max_body_bytes=srv.integer("max_body_bytes", 1024 * 1024, 1024, 64 * 1024 * 1024),
                          max_in_flight=srv.integer("max_in_flight", 256, 1, 100000),
                          overload_wait_s=srv.number("overload_wait_s", 5.0, 0.0),
                          request_timeout_s=srv.number("request_timeout_s", 10.0, 0.1),
                          idle_timeout_s=srv.number("idle_timeout_s", 15.0, 0.1),
                          max_connections_per_client=srv.integer("max_connections_per_client", 128, 0, 1000000),
                          member_commands_per_minute=srv.integer("member_commands_per_minute", 10, 0, 10000),
                          admin_commands_per_minute=srv.integer("admin_commands_per_minute", 60, 0, 10000),
                          public_url=_public_url(srv.text("public_url", "")),
                          workers=srv.integer("workers", default_workers(), 1, MAX_WORKERS),
                          processors=srv.integer("processors", default_processors(), 1, MAX_PROCESSORS))
    srv.done()
    return server


MAX_WORKERS = 64
MAX_PROCESSORS = 64  # storage.partitions.PARTS: a processor over that would hold no partition
DEFAULT_WORKERS_CAP = 8  # past this, the one processor (and SQLite's single writer) is the limit, not the web side


def default_workers() -> int:
    """Web processes when ``[server] workers`` is not set: one per core, at most ``DEFAULT_WORKERS_CAP``."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cores, DEFAULT_WORKERS_CAP))


def default_processors() -> int:
    """Processors when ``[server] processors`` is not set: one. More keep up with more events (on two cores,
    two: SQLite about 1,100 events/s against 950, a backlog drained in 3 s instead of 14 s; PostgreSQL 780
    against 410; docs/performance.md), but each holds only its share of the groups, so a spam wave (one member,
    one text, several groups) is seen only within one processor's groups; that is the operator's choice."""
    return 1


def _public_url(value: str) -> str:
    """An absolute http(s) URL without a trailing slash (login links are built by appending a path)."""
    url = value.strip().rstrip("/")
    if not url:
        return ""
    scheme, sep, rest = url.partition("://")
    if not sep or scheme.lower() not in ("http", "https") or not rest or any(c in rest for c in "?# "):
        raise ConfigError("server.public_url: must be an http:// or https:// address such as "
                          "https://bot.example.com (no query or fragment)")
    return url


def parse_console(raw: Any) -> ConsoleConfig:
    """Validate ``[console]``: how long a console login lasts."""
    sec = Section(raw, "console")
    console = ConsoleConfig(session_hours=sec.integer("session_hours", 12, 1, 24 * 30))
    sec.done()
    return console
