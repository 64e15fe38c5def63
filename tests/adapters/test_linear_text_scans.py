"""The platform scans of member text take the worst inputs we know, and the linear ``parse_cq`` splits every
string exactly like the regex it replaced.

Each worst input (``tests/adapters/adversarial_scans.py``: CQ codes, Telegram commands and mentions, WeCom
leading mentions and markdown, Feishu placeholders, OneBot @-lists) is parsed at 64k characters without
error here; how long it takes is measured in ``bench/text_scans.py`` (``make bench``), and that no pattern
can backtrack is checked in ``tests/core/test_linear_patterns.py``.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.adapters.onebot.cq import parse_cq, unescape
from tests.adapters.adversarial_scans import SCANS

N = 64 * 1024


@pytest.mark.parametrize("name", list(SCANS))
def test_worst_known_input_is_parsed_without_error(name: str) -> None:
    SCANS[name](N)()


# -- parse_cq is the regex it replaced, only linear -------------------------------------------------------
OLD_CQ = re.compile(r"\[CQ:([A-Za-z0-9_.\-]+)((?:,[^\]]*)?)\]")


def regex_parse_cq(message: str) -> list[tuple[str, dict[str, str]]]:
    out: list[tuple[str, dict[str, str]]] = []
    pos = 0
    for m in OLD_CQ.finditer(message):
        if m.start() > pos:
            out.append(("text", {"text": unescape(message[pos:m.start()])}))
        data = {}
        for item in m.group(2).split(",")[1:]:
            key, _, value = item.partition("=")
            data[key] = unescape(value, param=True)
        out.append((m.group(1), data))
        pos = m.end()
    if pos < len(message):
        out.append(("text", {"text": unescape(message[pos:])}))
    return out


cq_pieces = st.lists(st.one_of(st.sampled_from(["[CQ:", "[CQ:at", ",qq=1", "]", "[", ",", "=", "&#91;", "&#44;",
                                                "&amp;", "at", "a.b-c_1", "!", " ", "\n", "CQ:"]),
                               st.text(max_size=3)), max_size=20).map("".join)


@settings(max_examples=500, deadline=None)
@given(message=cq_pieces)
def test_parse_cq_splits_exactly_like_the_old_regex(message: str) -> None:
    assert parse_cq(message) == regex_parse_cq(message)
