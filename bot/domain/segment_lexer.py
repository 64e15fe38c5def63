"""The segment query language's words (contract §7): limits, tokens and the one error type.

A query is NFKC-normalized first; positions in errors are 1-based characters of the normalized query. Each
error carries a ``code`` and its ``params`` besides the English message, so chat replies can say it in the
group's language (templates ``query_error.j2``) while the API and the CLI print the message.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

MAX_LENGTH = 2000  # characters (contract §7)
SPECIAL = set('|&!()=<>"')


class QueryError(ValueError):
    """A query that cannot be parsed or is over a limit: ``position``, ``code`` and ``params`` for replies."""

    def __init__(self, message: str, position: int, code: str = "syntax", **params: object) -> None:
        super().__init__(f"position {position}: {message}")
        self.position = position
        self.detail = message
        self.code = code
        self.params = params


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # word | op | | & ! ( ) end
    text: str
    pos: int  # 1-based
    quoted: bool = False


def tokenize(query: str) -> list[Token]:
    """The tokens of ``query`` (one pass; refused over ``MAX_LENGTH`` before any other work)."""
    if len(query) > MAX_LENGTH * 4:  # no normalization shrinks a query this much: skip normalizing it
        raise QueryError(f"query longer than {MAX_LENGTH} characters", MAX_LENGTH + 1, "too_long", limit=MAX_LENGTH)
    s = unicodedata.normalize("NFKC", query)
    if len(s) > MAX_LENGTH:
        raise QueryError(f"query longer than {MAX_LENGTH} characters", MAX_LENGTH + 1, "too_long", limit=MAX_LENGTH)
    out: list[Token] = []
    i = 0
    while i < len(s):
        c = s[i]
        if c.isspace():
            i += 1
        elif c in "|&!()":
            out.append(Token(c, c, i + 1))
            i += 1
        elif c in "<>=":
            op = s[i:i + 2] if s[i:i + 2] in (">=", "<=") else c
            out.append(Token("op", op, i + 1))
            i += len(op)
        elif c == '"':
            start, i, buf = i, i + 1, []
            while True:
                if i >= len(s):
                    raise QueryError("unterminated quote", start + 1, "unterminated_quote")
                if s[i] == "\\" and i + 1 < len(s) and s[i + 1] in '"\\':
                    buf.append(s[i + 1])
                    i += 2
                elif s[i] == '"':
                    i += 1
                    break
                else:
                    buf.append(s[i])
                    i += 1
            out.append(Token("word", "".join(buf), start + 1, quoted=True))
        else:
            start = i
            while i < len(s) and not s[i].isspace() and s[i] not in SPECIAL:
                i += 1
            out.append(Token("word", s[start:i], start + 1))
    out.append(Token("end", "", len(s) + 1))
    return out
