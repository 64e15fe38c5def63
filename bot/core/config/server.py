"""The ``[server]`` section: where quntag listens, its own credentials, and how much one client may take."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.core.config.schema import Section
from bot.core.config.types import PLACEHOLDER, ServerConfig


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
                          member_commands_per_minute=srv.integer("member_commands_per_minute", 10, 0, 10000))
    srv.done()
    return server
