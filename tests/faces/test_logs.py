"""Structured logs carry adapter and event ids."""

from __future__ import annotations

import json
import logging

from bot.faces.logs import JsonFormatter, TextFormatter


def record(**extra: object) -> logging.LogRecord:
    rec = logging.LogRecord("quntag.dispatch", logging.ERROR, __file__, 1, "handler %s failed", ("me",), None)
    for k, v in extra.items():
        setattr(rec, k, v)
    return rec


def test_json_lines_carry_context():
    line = JsonFormatter().format(record(adapter="telegram", event="upd-7"))
    data = json.loads(line)
    assert data["msg"] == "handler me failed" and data["adapter"] == "telegram" and data["event"] == "upd-7"
    assert data["level"] == "error" and data["ts"].endswith("Z")


def test_text_lines_carry_context():
    line = TextFormatter("%(message)s").format(record(adapter="onebot", event="m-1"))
    assert line == "handler me failed [adapter=onebot event=m-1]"
