"""Filters compose with & | ~, stop early, and hand their data to the handler."""

from __future__ import annotations

from bot.core.data import EMPTY, Data, Key
from bot.core.events import ChatRef, MemberJoined, UserRef
from bot.core.filters import IS_ADMIN, IS_COMMAND, IS_PRIVATE, BareWords, Filter, Where, is_admin
from tests.core._dispatch_helpers import ADMIN, NOW, base, for_message, msg

LANG: Key[str] = Key("lang")
LEVEL: Key[int] = Key("level")


class Gives(Filter):
    """Matches (handing over ``data``) or not, and counts how often it was asked."""

    def __init__(self, data: Data | None) -> None:
        self.data = data
        self.asked = 0

    def check(self, ctx):
        self.asked += 1
        return self.data


def test_and_merges_the_data_of_every_filter(tmp_path):
    ctx = base(tmp_path)
    both = Gives(Data.of(LANG, "zh")) & Gives(Data.of(LEVEL, 3))
    data = both.check(ctx)
    assert data is not None and data[LANG] == "zh" and data[LEVEL] == 3


def test_and_stops_at_the_first_filter_that_does_not_match(tmp_path):
    later = Gives(EMPTY)
    assert (Gives(None) & later).check(base(tmp_path)) is None
    assert later.asked == 0


def test_or_takes_the_first_match_with_its_data_only(tmp_path):
    never, later = Gives(None), Gives(Data.of(LEVEL, 2))
    data = (never | Gives(Data.of(LANG, "en")) | later).check(base(tmp_path))
    assert data == Data.of(LANG, "en") and later.asked == 0
    assert (Gives(None) | Gives(None)).check(base(tmp_path)) is None


def test_not_inverts_and_hands_over_nothing(tmp_path):
    assert (~Gives(None)).check(base(tmp_path)) == EMPTY
    assert (~Gives(Data.of(LANG, "zh"))).check(base(tmp_path)) is None


def test_nested_compositions_flatten():
    a, b, c = Where(bool), Where(bool), Where(bool)
    assert len(((a & b) & c).filters) == 3 and len(((a | b) | c).filters) == 3  # type: ignore[attr-defined]


def test_data_is_typed_by_its_key_and_later_values_win():
    merged = Data.of(LEVEL, 1) | Data.of(LEVEL, 2) | Data.of(LANG, "zh")
    assert merged[LEVEL] == 2 and merged.get(LANG) == "zh" and merged.get(Key("other")) is None
    assert LEVEL in merged and len(merged) == 2


def test_private_and_command_filters(tmp_path):
    group_cmd = for_message(base(tmp_path), msg("/me"))
    private_text = for_message(base(tmp_path), msg("我来品酒的", private=True))
    assert IS_COMMAND.check(group_cmd) == EMPTY and IS_PRIVATE.check(group_cmd) is None
    gate_answer = IS_PRIVATE & ~IS_COMMAND
    assert gate_answer.check(private_text) == EMPTY and gate_answer.check(group_cmd) is None


def test_bare_words_match_the_whole_message_only(tmp_path):
    words = BareWords({"签到", "打卡"})
    for text, hit in (("签到", True), ("打卡！", True), ("签到~～", True), ("  签到 ", True), ("签到一下", False),
                      ("/签到", False), ("我要签到", False)):
        assert (words.check(for_message(base(tmp_path), msg(text))) is not None) is hit, text


def test_admins_are_listed_or_hold_the_platform_role(tmp_path):
    ctx = base(tmp_path, defaults={"admins": ["generic:u-8"]})
    assert is_admin(for_message(ctx, msg("/tag", ADMIN)))
    assert is_admin(for_message(ctx, msg("/tag", "u-8")))  # [defaults] admins
    assert is_admin(for_message(ctx, msg("/tag", "u-3", is_group_admin=True)))  # the platform says so
    assert not is_admin(for_message(ctx, msg("/tag", "u-3")))
    joined = MemberJoined("j", ChatRef("generic", "g-1"), UserRef("generic", ADMIN), NOW)
    assert IS_ADMIN.check(ctx.for_event(ctx.repo, joined, None)) is None  # only a message has a sender to check
