"""A stored error never quotes the values being written: SQLAlchemy's ``[parameters: …]`` part is cut out.

The cut is a linear scan (the lazy regex it replaced could backtrack on crafted text); it removes exactly
what the old regex removed, which the differential test checks on generated error texts.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from storage.repo.retention import clean_error

OLD_PARAMETERS = re.compile(r"\s*\[parameters: .*?\](?=\s*(\(Background on this error|\[SQL|$))", re.DOTALL)

pieces = st.lists(st.one_of(st.sampled_from(["[parameters: ", "]", " ", "\n", "\t", "\u3000", "[SQL", "[SQL: INSERT]",
                                              "(Background on this error", "(", "[", "x", "'红酒'", ", "]),
                            st.text(max_size=3)), max_size=24).map("".join)


@settings(max_examples=1000, deadline=None)
@given(error=pieces)
def test_parameters_are_cut_exactly_like_the_old_regex(error: str) -> None:
    assert clean_error(error, "[]") == OLD_PARAMETERS.sub("", error)


def test_a_real_error_keeps_its_statement_and_loses_its_values() -> None:
    error = ("(sqlite3.IntegrityError) UNIQUE constraint failed: messages.message_id\n"
             "[SQL: INSERT INTO messages (text) VALUES (?)]\n"
             "[parameters: ('我的手机号 13800000000]',)]\n"
             "(Background on this error at: https://sqlalche.me/e/20/gkpj)")
    assert clean_error(error, "[]") == (
        "(sqlite3.IntegrityError) UNIQUE constraint failed: messages.message_id\n"
        "[SQL: INSERT INTO messages (text) VALUES (?)]\n"
        "(Background on this error at: https://sqlalche.me/e/20/gkpj)")


def test_parameters_without_a_closing_bracket_are_left_alone() -> None:
    error = "boom [parameters: ('a', " + "[parameters: " * 3
    assert clean_error(error, "[]") == error
