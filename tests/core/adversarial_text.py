"""The worst member text we know for every analysis of it, as functions of the input size ``n``.

Used twice: ``tests/core/test_text_bounds.py`` runs every analysis on every text (no crash, whatever the
shape) and ``bench/text_scans.py`` times them at 64k characters against 4k. The shapes marked "was
quadratic" took over 20 s at 64k characters in an earlier trailing-punctuation regex that restarted at
every position of a run.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.core.commands import parse_command
from bot.core.config import TagRule
from bot.core.context import Context
from bot.core.events import ChatRef, Message, UserRef
from bot.core.render import Renderer
from bot.domain import questions
from bot.domain.segments import QueryError
from bot.domain.segments import parse as parse_query
from handlers import checkins, gate, signals, surveys
from handlers.tagging import Tagger

N = 64 * 1024


def _bare_checkin(text: str) -> bool:
    ev = Message("e", ChatRef("generic", "g-1"), UserRef("generic", "u-1"), 0.0, text)
    ctx = Context(config=None, repo=None, render=Renderer(), event=ev,  # type: ignore[arg-type]
                  command=parse_command(text))
    return checkins.BARE_CHECKIN.check(ctx) is not None


def _answers(text: str) -> object:
    try:
        return surveys.parse_answers(text)
    except surveys.AnswerError:
        return None


def _query(text: str) -> object:
    try:
        return parse_query(text)
    except QueryError as exc:
        return exc.position


_TAGGER = Tagger([TagRule("a", ("a", "aa", "aaa", "紅酒"), exclude=("aa", "aaaa"))])  # exclusions cover hits too

# Every analysis a member's message goes through, each run on every adversarial text below.
ANALYSES: dict[str, Callable[[str], object]] = {
    "question": questions.is_question, "link": signals.has_link,
    "survey answers": _answers, "command": parse_command, "bare check-in": _bare_checkin,
    "keyword tags": _TAGGER.match, "gate answer": lambda t: gate.passes("aab", t), "segment query": _query,
}
TEXTS: dict[str, Callable[[int], str]] = {
    "。 run not at the end (was quadratic)": lambda n: "。" * n + "x",
    "spaced 。 run (was quadratic)": lambda n: "。 " * (n // 2) + "x",
    "mixed closing marks (was quadratic)": lambda n: "）】”…" * (n // 4) + "吗x",
    "link prefixes": lambda n: "http:/" * (n // 6) + "www" * 10,
    "question particle runs": lambda n: "吗" * n + "x",
    "answer digits": lambda n: " 1" * (n // 2) + "1" * (n // 13) + "=x",
    "command with a huge head": lambda n: "/" + "a" * n,
    "expanding characters": lambda n: "﷽" * n,
    "keyword overlaps": lambda n: "a" * n,
    "nested query": lambda n: "(" * n,
}


def question_strip(text: str) -> str:
    """The question detector's strip of closing marks, which is not capped to a head: linear by itself."""
    return text.rstrip(questions.TRAILING)


def uncapped_text(n: int) -> str:
    return "。" * (16 * n) + "x吗" + "。 " * (n // 2)
