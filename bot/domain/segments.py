"""The segment query language (contract §7): a recursive-descent parser over ``segment_lexer``'s tokens into a
small AST, evaluated over §5 profiles in Python. Nothing is ever eval'd or turned into SQL.

    expr := and ('|' and)*        and := not ('&' not)*        not := '!' not | '(' expr ')' | atom
    atom := NAME [op VALUE]       op  := = | > | >= | < | <=    NAME and VALUE may be "quoted"

``tier`` and ``lifecycle`` are reserved (``tier=high``), also in the words chat replies use for them
(``层级=高价值``, ``阶段=沉睡``: :data:`FIELD_WORDS`, values from ``bot.core.labels``); purchase atoms (``orders>=2``,
``channel=小程序``) are in ``commerce_atoms``; ``NAME op NUMBER`` compares a keyword tag's score (0 when the
member does not carry it); ``NAME=VALUE`` otherwise tests an attribute; a bare NAME means the member carries
that tag. A quoted VALUE is always text. Positions in errors are 1-based characters of the NFKC-normalized
query. A query longer than ``MAX_LENGTH`` characters, with more than ``MAX_ATOMS`` atoms or nested deeper than
``MAX_DEPTH`` is refused; evaluation over a group runs in a worker thread (:func:`select_off_loop`), never on
the event loop.
"""

from __future__ import annotations

import asyncio
import math
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.core import labels
from bot.domain.commerce_atoms import commerce_atom
from bot.domain.lifecycle import STAGES
from bot.domain.profiles import Profile
from bot.domain.segment_lexer import MAX_LENGTH, QueryError, Token, tokenize
from bot.domain.tiers import TIERS

__all__ = ["MAX_ATOMS", "MAX_DEPTH", "MAX_LENGTH", "And", "Atom", "Node", "Not", "Or", "QueryError", "asks_for_left",
           "fold", "matches", "parse", "select", "select_off_loop"]

RESERVED = {"tier": TIERS, "lifecycle": STAGES}
# The reserved names and their values as a Chinese operator reads them in replies (the catalog's source words):
# typing what a reply showed must work, and an error can show the words the operator knows.
FIELD_WORDS = {"层级": "tier", "分层": "tier", "价值分层": "tier", "阶段": "lifecycle", "生命周期": "lifecycle",
               "stage": "lifecycle"}
VALUE_WORDS = {"tier": {word: code for code, word in labels.TIERS.items()},
               "lifecycle": {word: code for code, word in labels.STAGES.items()}}
# Evaluation costs atoms × members; nesting costs stack. Both are refused past these (contract §7).
MAX_ATOMS = 200
MAX_DEPTH = 100


@dataclass(frozen=True, slots=True)
class Or:
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class And:
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Not:
    item: Node


@dataclass(frozen=True, slots=True)
class Atom:
    name: str
    op: str | None = None
    value: str | None = None
    value_quoted: bool = False


Node = Or | And | Not | Atom


class Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.i = 0
        self.depth = 0
        self.atoms = 0

    def peek(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        t = self.tokens[self.i]
        self.i += 1
        return t

    def parse(self) -> Node:
        if self.peek().kind == "end":
            raise QueryError("empty query", self.peek().pos, "empty")
        node = self.expr()
        t = self.peek()
        if t.kind != "end":
            raise QueryError(f"unexpected {t.text!r}", t.pos, "unexpected", text=t.text)
        return node

    def expr(self) -> Node:
        items = [self.and_()]
        while self.peek().kind == "|":
            self.take()
            items.append(self.and_())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def and_(self) -> Node:
        items = [self.not_()]
        while self.peek().kind == "&":
            self.take()
            items.append(self.not_())
        return items[0] if len(items) == 1 else And(tuple(items))

    def not_(self) -> Node:
        t = self.peek()
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise QueryError(f"query nested more than {MAX_DEPTH} deep", t.pos, "too_deep", limit=MAX_DEPTH)
        try:
            if t.kind == "!":
                self.take()
                return Not(self.not_())
            if t.kind == "(":
                self.take()
                node = self.expr()
                close = self.take()
                if close.kind != ")":
                    raise QueryError("expected ')'" if close.kind == "end" else f"expected ')' not {close.text!r}",
                                     close.pos, "expected_close", text=close.text)
                return node
            return self.atom()
        finally:
            self.depth -= 1

    def atom(self) -> Atom:
        t = self.take()
        if t.kind != "word" or (not t.text and not t.quoted):
            what = "end of query" if t.kind == "end" else repr(t.text)
            raise QueryError(f"expected a tag or attribute name, found {what}", t.pos, "expected_name", text=t.text)
        if not t.text.strip():
            raise QueryError("empty name", t.pos, "empty_name")
        self.atoms += 1
        if self.atoms > MAX_ATOMS:
            raise QueryError(f"query has more than {MAX_ATOMS} atoms", t.pos, "too_many_atoms", limit=MAX_ATOMS)
        name = t.text if t.quoted else t.text.strip()
        field = None if t.quoted else reserved_field(name)
        if self.peek().kind != "op":
            if field is not None:
                example = f"{name}={RESERVED[field][0]}"
                raise QueryError(f"{name} needs a value, e.g. {example}", t.pos, "needs_value", name=name,
                                 example=example, field=field, value=RESERVED[field][0])
            return Atom(name)
        op = self.take()
        v = self.take()
        if v.kind != "word":
            what = "end of query" if v.kind == "end" else repr(v.text)
            raise QueryError(f"expected a value after {op.text!r}, found {what}", v.pos, "expected_value",
                             op=op.text, text=v.text)
        if field is not None:
            if op.text != "=":
                raise QueryError(f"{name} only supports '='", op.pos, "equals_only", name=name, field=field)
            value = VALUE_WORDS[field].get(v.text.strip(), v.text.casefold())
            if value not in RESERVED[field]:
                raise QueryError(f"{name} must be one of {', '.join(RESERVED[field])}", v.pos, "one_of", name=name,
                                 choices=RESERVED[field], field=field)
            return Atom(field, "=", value)
        if op.text != "=" and (v.quoted or number(v.text) is None):
            raise QueryError(f"{op.text!r} needs a number", v.pos, "needs_number", op=op.text)
        return Atom(name, op.text, v.text, v.quoted)


def reserved_field(name: str) -> str | None:
    """``tier`` or ``lifecycle`` when ``name`` is one of them (in English or in the replies' Chinese words)."""
    key = name.casefold()
    return key if key in RESERVED else FIELD_WORDS.get(key)


def number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def parse(query: str) -> Node:
    """The AST of ``query``; raises QueryError naming the position."""
    return Parser(tokenize(query)).parse()


COMPARE: dict[str, Callable[[float, float], bool]] = {
    "=": lambda a, b: a == b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b,
    "<": lambda a, b: a < b, "<=": lambda a, b: a <= b,
}


def fold(s: str) -> str:
    return unicodedata.normalize("NFKC", s).casefold()


def matches(node: Node, p: Profile) -> bool:
    """Whether profile ``p`` (contract §5) is in the segment."""
    if isinstance(node, Or):
        return any(matches(n, p) for n in node.items)
    if isinstance(node, And):
        return all(matches(n, p) for n in node.items)
    if isinstance(node, Not):
        return not matches(node.item, p)
    if node.op is None:
        want = fold(node.name)
        return any(fold(t.name) == want for t in p.tags)
    if node.name in RESERVED and not node.value_quoted:
        return (p.tier if node.name == "tier" else p.lifecycle) == node.value
    value = node.value or ""
    num = None if node.value_quoted else number(value)
    bought = commerce_atom(node.name, node.op, value, num, COMPARE, p.commerce)
    if bought is not None:
        return bought
    attr_v = p.attributes.get(node.name)
    if num is not None:
        key = fold(node.name)
        tag = next((t for t in p.tags if fold(t.name) == key and t.source == "keyword"), None)
        if tag is not None or attr_v is None:
            return COMPARE[node.op](float(tag.score or 0.0) if tag else 0.0, num)
        attr = number(attr_v.value)
        return attr is not None and COMPARE[node.op](attr, num)
    return attr_v is not None and fold(attr_v.value) == fold(value)


def asks_for_left(node: Node) -> bool:
    if isinstance(node, Or | And):
        return any(asks_for_left(n) for n in node.items)
    if isinstance(node, Not):
        return asks_for_left(node.item)
    return node.name == "lifecycle" and node.value == "left" and not node.value_quoted


def select(node: Node, profiles: Sequence[Profile]) -> list[Profile]:
    """Not-opted-out members matching ``node``; members who left only when the query asks for them."""
    keep_left = asks_for_left(node)
    return [p for p in profiles if not p.opted_out and (keep_left or p.lifecycle != "left")
            and matches(node, p)]


async def select_off_loop(node: Node, profiles: Sequence[Profile]) -> list[Profile]:
    """:func:`select` in a worker thread: a query over thousands of members is seconds of pure Python that
    would otherwise hold the event loop (webhooks, /healthz) for as long."""
    return await asyncio.to_thread(select, node, profiles)
