"""Member text inside WeCom messages, shown as written.

WeCom reads ``<@userid>`` in the content of group-webhook ``text`` and ``markdown`` messages as a
mention, and ``markdown`` (the AI bot's ``response_url`` replies) turns ``[text](url)``, ``**``, ``#``,
``<font …>`` and friends into formatting. Neither has a documented escape for ``<``, so a zero-width
space goes after every ``<`` (invisible, and no tag or mention can start there; it is always inserted,
so the text stays recoverable exactly); markdown additionally gets CommonMark backslash escapes for
every character that can start inline markup anywhere, and for the block markers that only count at
the start of a line.
"""

from __future__ import annotations

import re

ZWSP = "\u200b"
_INLINE = str.maketrans({c: "\\" + c for c in "\\`*_~[]>&|!"})
# At a line start (after spaces): headings, list items, setext underlines, ordered lists "1." / "1)".
# Possessive quantifiers: nothing here can backtrack.
_BLOCK = re.compile(r"^([ \t]*+)([#+=-]|[0-9]++(?=[.)]))", re.M)
_INDENT = re.compile(r"^[ \t]++", re.M)


def plain(text: str) -> str:
    """For ``text`` messages: no ``<@…>`` mention (or tag) can be spelled by the text."""
    return text.replace("<", "<" + ZWSP)


def _block(m: re.Match[str]) -> str:
    lead, marker = m.group(1), m.group(2)
    if marker[0].isdigit():  # escape the "." / ")" that follows the number
        return lead + marker + "\\"
    return lead + "\\" + marker


def markdown(text: str) -> str:
    """For ``markdown`` messages: the text renders as itself (CommonMark), with no link, mention,
    emphasis, heading, list, quote, table or code span of its own."""
    text = plain(text).translate(_INLINE)
    text = _BLOCK.sub(_block, text)
    # four leading spaces would make an indented code block (where escapes show): keep the look, not the
    # meaning, with no-break spaces
    return _INDENT.sub(lambda m: "\xa0" * len(m.group()), text)
