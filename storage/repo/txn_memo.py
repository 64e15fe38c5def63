"""Facts read once per transaction instead of once per write.

The processor commits a whole batch of events in one transaction, and several observers of each event ask the
same question (has this member refused profiling? does this group exist?). The answer cannot change inside
the transaction except through our own writes, so the first answer is kept in ``conn.info`` for as long as
that transaction lives. Whatever writes a remembered fact forgets it (:func:`forget`), and a savepoint rolled
back forgets everything: the writes it undid may have been the ones remembered.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, event
from sqlalchemy.engine import Engine

_KEY = "quntag_txn_memo"


def memo(conn: Connection, name: str) -> dict[Any, Any]:
    """The memo ``name`` of the connection's current transaction (a fresh dict outside any transaction)."""
    txn = conn.get_transaction()
    if txn is None:
        return {}
    box: tuple[object, dict[str, dict[Any, Any]]] | None = conn.info.get(_KEY)
    if box is None or box[0] is not txn:  # holding the transaction object: its id cannot be reused meanwhile
        box = (txn, {})
        conn.info[_KEY] = box
    return box[1].setdefault(name, {})


def forget(conn: Connection, name: str | None = None) -> None:
    """Drop the memo ``name`` (None: all) of the current transaction."""
    box = conn.info.get(_KEY)
    if box is not None:
        if name is None:
            box[1].clear()
        else:
            box[1].pop(name, None)


@event.listens_for(Engine, "rollback_savepoint")
def _savepoint_undone(conn: Connection, _name: str, _context: Any) -> None:
    forget(conn)
