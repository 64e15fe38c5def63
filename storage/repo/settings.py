"""Per-group settings: the one key/value table (``group_settings``) for what the bot keeps about a group —
schedules changed in chat (with the config value they override), the automatic push time, saved tier
weights, the recompute fingerprint, mass-mention cooldowns and announcements waiting for confirmation.

``config_value`` is what the config file said when a chat change was made (contract §3: editing that value
in the config ends the override); settings that override nothing leave it empty.
"""

from __future__ import annotations

from sqlalchemy import Connection, delete, select
from sqlmodel import col

from storage.models import GroupSetting
from storage.repo.upserts import upsert

FINGERPRINT = "fingerprint"  # the inputs the last recompute saw (storage.repo.derived)
TIER_WEIGHTS = "tier_weights"  # tier weights saved from chat: an input of the recompute


def get(conn: Connection, group_id: str, key: str) -> tuple[str, str] | None:
    """(value, config value) of one setting, None when unset."""
    row = conn.execute(select(col(GroupSetting.value), col(GroupSetting.config_value)).where(
        col(GroupSetting.group_id) == group_id, col(GroupSetting.key) == key)).first()
    return None if row is None else (str(row[0]), str(row[1]))


def value(conn: Connection, group_id: str, key: str) -> str | None:
    found = get(conn, group_id, key)
    return None if found is None else found[0]


def put(conn: Connection, group_id: str, key: str, value: str | None, at: float, config_value: str = "") -> None:
    """Set one setting (None: remove it)."""
    if value is None:
        conn.execute(delete(GroupSetting).where(col(GroupSetting.group_id) == group_id, col(GroupSetting.key) == key))
        return
    upsert(conn, GroupSetting, {"group_id": group_id, "key": key, "value": value, "config_value": config_value,
                                "at": at}, ["group_id", "key"],
           {"value": value, "config_value": config_value, "at": at})


def with_prefix(conn: Connection, group_id: str, prefix: str) -> list[tuple[str, str, str, float]]:
    """(key, value, config value, time set) of every setting whose key starts with ``prefix``, by key."""
    s = GroupSetting
    rows = conn.execute(select(col(s.key), col(s.value), col(s.config_value), col(s.at)).where(
        col(s.group_id) == group_id, col(s.key).startswith(prefix, autoescape=True)).order_by(col(s.key))).all()
    return [(str(k), str(v), str(c), float(a)) for k, v, c, a in rows]
