"""One retention rule for every stored copy of member text.

``[storage] store_text = false``: member text is not written where it would stay (messages, question
excerpts, parked events); ``store_text = true``: it is, and ``text_retention_days`` later every copy goes.
:data:`TEXT_COPIES` lists each column that can hold member text (a test fails when a new text column is
neither listed here nor known to hold none). Transient copies are not listed: an inbox payload lives
until its event is processed (seconds), and deleted rows are overwritten (``secure_delete``) and leave
the write-ahead log at the next checkpoint.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, column, delete, select, table, text, update

from storage.repo.scrub import events_of

REDACTED = "***"
# Fields of a serialized event (``bot.events.event_to_dict``) that carry what a member wrote.
EVENT_TEXT_FIELDS = ("text", "comment")
# SQLAlchemy error texts end with the statement's parameters, i.e. the values being written: from
# "[parameters: " to the first "]" followed (after spaces) by the error's next part or its end. Possessive
# repeats and one pass (see _without_parameters) keep this linear in what a member wrote.
_PARAMETERS = "[parameters: "
_PARAMETERS_REST = re.compile(r"(?:[^\]]*+\](?!\s*+(?:\(Background on this error|\[SQL|$)))*+[^\]]*+\]")


@dataclass(frozen=True, slots=True)
class TextCopy:
    """A column holding member text; ``erase`` says how its text goes once older than the window:
    ``null``/``empty`` the column, ``events`` the text fields of its serialized events, ``row`` the row."""

    table: str
    column: str
    at: str  # the time its age counts from
    erase: str
    only: str = ""  # SQL condition: the rows that hold member text


TEXT_COPIES = (
    TextCopy("messages", "text", "at", "null"),
    TextCopy("questions", "excerpt", "at", "null"),
    TextCopy("dead_letters", "payload", "at", "events"),  # and its error, which can quote the payload
    # A queued message can quote a member (an alert with a question, a gate answer); one still queued
    # after the window will not be delivered any more.
    TextCopy("outbox", "payload", "created_at", "row"),
    TextCopy("news_items", "text", "sent_at", "empty"),  # an admin's announcement, once sent
    # A persona card's example quotes a member (names taken out); the run is computed anew when next read.
    TextCopy("insight_runs", "body", "text_at", "row"),
    # An admin's announcement waiting for /segment confirm (handlers/notify.py keys it so).
    TextCopy("group_settings", "value", "at", "row", "key LIKE 'notify_pending:%'"),
)


def redact_events(payload: str) -> str:
    """A serialized event list with what members wrote taken out (ids, names and times stay)."""
    events = events_of(payload)
    out = [{**e, **{k: "" for k in EVENT_TEXT_FIELDS if e.get(k)}} for e in events]
    return payload if out == events else json.dumps(out, ensure_ascii=False)


def _without_parameters(error: str) -> str:
    """``error`` without its ``[parameters: …]`` parts and the spaces before each. When one part has no
    closing bracket no later part has one either, so the scan stops there."""
    kept: list[str] = []
    pos = 0
    while (start := error.find(_PARAMETERS, pos)) >= 0:
        rest = _PARAMETERS_REST.match(error, start + len(_PARAMETERS))
        if rest is None:
            break
        kept.append(error[pos:start].rstrip())
        pos = rest.end()
    return "".join(kept) + error[pos:]


def clean_error(error: str, payload: str) -> str:
    """An error text without the statement parameters and without any text the payload's events carry."""
    error = _without_parameters(error)
    for e in events_of(payload):
        for k in EVENT_TEXT_FIELDS:
            said = e.get(k)
            if isinstance(said, str) and said.strip():
                error = error.replace(said, REDACTED).replace(repr(said)[1:-1], REDACTED)
    return error


def purge(conn: Connection, before: float) -> dict[str, int]:
    """Take member text stored before ``before`` out of every copy; rows changed per table."""
    out: dict[str, int] = {}
    for c in TEXT_COPIES:
        t = table(c.table, column(c.column), column(c.at))
        old: list[Any] = [t.c[c.at] < before, *([text(c.only)] if c.only else [])]
        if c.erase == "row":
            n = conn.execute(delete(t).where(*old)).rowcount
        elif c.erase == "null":
            n = conn.execute(update(t).where(*old, t.c[c.column].is_not(None)).values({c.column: None})).rowcount
        elif c.erase == "empty":
            n = conn.execute(update(t).where(*old, t.c[c.column] != "").values({c.column: ""})).rowcount
        else:
            n = _redact_parked(conn, before)
        if n:
            out[c.table] = int(n)
    return out


def _redact_parked(conn: Connection, before: float) -> int:
    t: Any = table("dead_letters", column("id"), column("payload"), column("error"), column("at"))
    n = 0
    for row_id, payload, error in conn.execute(select(t.c.id, t.c.payload, t.c.error).where(t.c.at < before)).all():
        new = redact_events(payload)
        if new != payload:
            conn.execute(update(t).where(t.c.id == row_id).values(payload=new, error=clean_error(error, payload)))
            n += 1
    return n
