"""The last clustering run's personas per group."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, delete, insert, select
from sqlmodel import col

from storage.models import PersonaRow


@dataclass(frozen=True, slots=True)
class StoredPersona:
    """A persona as the last run left it: its id, name, size and centroid (feature name → mean value)."""

    id: int
    name: str
    size: int
    centroid: dict[str, float]


def last_personas(conn: Connection, group_id: str) -> list[StoredPersona]:
    rows = conn.execute(select(PersonaRow).where(col(PersonaRow.group_id) == group_id)
                        .order_by(col(PersonaRow.persona_id))).all()
    return [StoredPersona(int(r.persona_id), str(r.name), int(r.size),
                          {str(k): float(v) for k, v in json.loads(r.centroid).items()}) for r in rows]


def replace_personas(conn: Connection, group_id: str, personas: Sequence[StoredPersona], at: float) -> None:
    conn.execute(delete(PersonaRow).where(col(PersonaRow.group_id) == group_id))
    if personas:
        conn.execute(insert(PersonaRow), [
            {"group_id": group_id, "persona_id": p.id, "name": p.name, "size": p.size, "at": at,
             "centroid": json.dumps(p.centroid, ensure_ascii=False, sort_keys=True)} for p in personas])
