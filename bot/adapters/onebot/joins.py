"""Join requests on the OneBot 11 wire (pure functions).

``post_type = "request"``, ``request_type = "group"``, ``sub_type = "add"`` with ``group_id``, ``user_id``,
``comment``, ``flag``; decided with ``set_group_add_request`` (``flag``, ``sub_type``, ``approve``,
``reason``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.core.events import ChatRef, JoinRequest, UserRef
from bot.core.outgoing import Outgoing


def group_request(adapter: str, payload: Mapping[str, Any]) -> JoinRequest | None:
    """The JoinRequest a ``request`` event carries, or None."""
    if payload.get("post_type") != "request" or payload.get("request_type") != "group" \
            or payload.get("sub_type") != "add":
        return None
    return JoinRequest(event_id=f"req-{payload['flag']}", chat=ChatRef(adapter, str(payload["group_id"])),
                       user=UserRef(adapter, str(payload["user_id"])), time=float(payload["time"]),
                       comment=str(payload.get("comment") or ""), request_id=str(payload["flag"]),
                       answer_private=False)


def decision_call(out: Outgoing) -> tuple[str, dict[str, Any]]:
    """(OneBot action, parameters) for a JoinDecision; ValueError when ``out`` decides nothing."""
    if out.join is None or not out.join.request_id:
        raise ValueError("join decision without a request flag")
    params: dict[str, Any] = {"flag": out.join.request_id, "sub_type": "add", "approve": out.join.approve}
    if not out.join.approve and out.join.reason:
        params["reason"] = out.join.reason
    return "set_group_add_request", params
