"""Every query and path parameter of every ``/api`` and webhook route: random strings (and odd percent
encodings) never get a 5xx, and a bad value gets 400 with ``{"error": ...}``."""

from __future__ import annotations

import re
import time
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from yarl import URL

from bot.faces.cli import main
from tests.adapters._fuzz_platforms import PLATFORMS, QUERY_NAMES
from tests.conftest import TOKEN, message
from tests.faces.test_cli import history, write_config

AUTH = {"Authorization": f"Bearer {TOKEN}"}
GROUP, MEMBER = "generic:g-1", "generic:u-1"
HI = {"limit": 100000, "offset": 10**9}

text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
# Raw (already percent-encoded) pieces: invalid UTF-8, NUL, encoded slashes and dots, a cut-off sequence.
raw = st.lists(st.sampled_from(["%ff", "%00", "%2F", "%2f", "%25", "..", "%C0%AF", "%E4%B8", "a", "%E4%B8%AD", ":",
                                "%3A", "+", "%20", "~"]), min_size=1, max_size=6).map("".join)
numbers = st.one_of(text, st.integers(-10**15, 10**15).map(str), st.sampled_from(
    ["", " 5", "5 ", "+5", "1_0", "١٢", "0x10", "1e3", "0" * 30, "9" * 5000, "00012"]))
instants = st.one_of(text, st.datetimes().map(lambda d: d.isoformat() + "Z"), st.sampled_from(
    ["9999-12-31T23:59:59+00:00", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "2026-11-20",
     "2026-11-20T08:00:00Z", "1969-12-31T23:59:59Z", "2999-12-31T23:59:59Z", "3000-01-01T00:00:00Z", "nan"]))


async def get(bot: Any, path: str, query: dict[str, str] | None = None) -> tuple[int, Any]:
    url = URL(path, encoded=True)
    if query:
        url = url.with_query(query)
    r = await bot.client.get(url, headers=AUTH)
    body = await r.json() if r.content_type == "application/json" else await r.text()
    assert r.status < 500, (str(url), r.status, body)
    if r.status >= 400:
        assert isinstance(body, dict) and body.get("error"), (str(url), r.status, body)
    return r.status, body


async def seeded(make_bot: Any) -> Any:
    adapters = {k: v for p in PLATFORMS if p.name != "generic" for k, v in p.config().items()}
    bot = await make_bot(adapters=adapters)
    await bot.post(message("seed", "u-1", "红酒 赤霞珠", time.time()))
    await bot.settle()
    return bot


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
async def test_api_parameters_are_answered_or_refused_never_5xx(make_bot: Any, data: st.DataObject) -> None:
    bot = await seeded(make_bot)
    try:
        for _ in range(12):
            key = data.draw(st.sampled_from(["limit", "offset"]))
            value = data.draw(numbers)
            status, _ = await get(bot, f"/api/groups/{GROUP}/members", {key: value})
            valid = (re.fullmatch(r"[0-9]+", value) is not None and len(value.lstrip("0")) <= 12
                     and int(value) <= HI[key])
            assert status == (200 if valid else 400), (key, value, status)
            at = data.draw(instants)
            status, _ = await get(bot, f"/api/groups/{GROUP}/members/{MEMBER}", {"at": at})
            assert status in (200, 400), (at, status)
            await get(bot, f"/api/groups/{GROUP}/members", {"tag": data.draw(text)})
            group = data.draw(st.one_of(text.map(lambda s: quote(s, safe="")), raw))
            member = data.draw(st.one_of(text.map(lambda s: quote(s, safe="")), raw))
            if group and member:
                await get(bot, f"/api/groups/{group}/members")
                await get(bot, f"/api/groups/{group}/members/{member}")
                await get(bot, f"/api/groups/{group}/segments", {"q": "红酒"})
            # the segment language belongs to its own endpoint's owner: here only "never a 5xx"
            await get(bot, f"/api/groups/{GROUP}/segments", {"q": data.draw(text)})
    finally:
        await bot.client.close()


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
async def test_webhook_route_parameters_never_get_a_5xx(make_bot: Any, data: st.DataObject) -> None:
    bot = await seeded(make_bot)
    names = [p.name for p in PLATFORMS]
    try:
        for _ in range(12):
            name = data.draw(st.one_of(st.sampled_from(names), raw, text.map(lambda s: quote(s, safe=""))))
            if not name:
                continue
            query = data.draw(st.dictionaries(st.one_of(st.sampled_from(QUERY_NAMES), text), text, max_size=4))
            url = URL(f"/webhook/{name}", encoded=True).with_query(query)
            for method in ("GET", "POST"):
                r = await bot.client.request(method, url, data=data.draw(st.binary(max_size=64)))
                assert r.status < 500, (method, str(url), r.status, await r.text())
    finally:
        await bot.client.close()


@pytest.mark.parametrize("at", ["9999-12-31T23:59:59+00:00", "0001-01-01T00:00:00+14:00", "1969-12-31T23:59:59Z",
                                "3000-01-01", "not a time"])
async def test_an_out_of_range_or_malformed_at_is_400(make_bot, at):
    bot = await seeded(make_bot)
    status, body = await get(bot, f"/api/groups/{GROUP}/members/{MEMBER}", {"at": at})
    assert status == 400 and body["error"].startswith("at must be")


async def test_a_far_but_sane_at_is_answered(make_bot):
    bot = await seeded(make_bot)
    for at in ("1970-01-01T00:00:00Z", "2999-12-31T23:59:59Z", "2026-11-20"):
        status, body = await get(bot, f"/api/groups/{GROUP}/members/{MEMBER}", {"at": at})
        assert status == 200 and body["member"] == MEMBER


def test_the_cli_refuses_an_out_of_range_at_in_one_line(tmp_path, capsys):
    cfg = write_config(tmp_path)
    main(["replay", str(history(tmp_path)), "--config", cfg])
    capsys.readouterr()
    for cmd in (["profile", GROUP, MEMBER], ["members", GROUP]):
        assert main([*cmd, "--at", "9999-12-31T23:59:59+00:00", "--config", cfg]) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "between 1970-01-01 and 3000-01-01" in err
