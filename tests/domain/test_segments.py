"""The segment query language (contract §7): precedence, quoting, reserved names, errors, injection; properties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.profiles import Attribute, Profile, Stats, Tag
from bot.domain.segments import And, Atom, Not, Or, QueryError, matches, parse, select


def prof(member="generic:u-1", tags=(), attrs=None, tier="ordinary", lifecycle="active", opted_out=False):
    return Profile("generic:g-1", member, "", opted_out, lifecycle, tier, Stats(1, 1, 0.0, 0.0, (0,) * 24),
                   {k: Attribute(v, "manual", 0.0) for k, v in (attrs or {}).items()},
                   tuple(Tag(n, "interest", "keyword" if s is not None else "activity", s) for n, s in tags))


def test_precedence_not_then_and_then_or():
    assert parse("a | b & !c") == Or((Atom("a"), And((Atom("b"), Not(Atom("c"))))))
    assert parse("(a | b) & c") == And((Or((Atom("a"), Atom("b"))), Atom("c")))
    assert parse("!!a") == Not(Not(Atom("a")))


def test_atoms_reserved_scores_attributes_and_quotes():
    assert parse("tier=high") == Atom("tier", "=", "high")
    assert parse("lifecycle = dormant") == Atom("lifecycle", "=", "dormant")
    assert parse("红酒>=2.5") == Atom("红酒", ">=", "2.5")
    assert parse('"红 酒" & 城市="上海 浦东"') == And((Atom("红 酒"), Atom("城市", "=", "上海 浦东", True)))
    assert parse('"a\\"b"') == Atom('a"b')


def test_full_width_input_is_nfkc_normalized():
    want = Or((And((Atom("红酒"), Not(Atom("摄影")))), Atom("tier", "=", "core")))
    assert parse("红酒＆！摄影｜ｔｉｅｒ＝ｃｏｒｅ") == want


@pytest.mark.parametrize(("query", "pos"), [
    ("", 1), ("红酒 &", 5), ("& 红酒", 1), ("(红酒 | 摄影", 9), ("红酒)", 3), ("tier", 1), ("tier>high", 5),
    ("tier=gold", 6), ("红酒 > abc", 6), ('"红酒', 1), ("红酒 摄影", 4), ("a = ", 5), ("城市>\"3\"", 4),
])
def test_errors_name_the_position(query, pos):
    with pytest.raises(QueryError) as err:
        parse(query)
    assert err.value.position == pos and f"position {pos}" in str(err.value)


@pytest.mark.parametrize("query", ["__import__('os').system('x')", "1; DROP TABLE members; --",
                                   "' OR 1=1 --", "${jndi:x}", "a" * 3000, "(" * 500 + "a" + ")" * 500])
def test_injection_attempts_are_just_errors_or_names(query):
    try:
        node = parse(query)
    except QueryError:
        return
    matches(node, prof())  # evaluates as data, never code


def test_evaluation():
    p = prof(tags=[("红酒", 2.5), ("夜猫子", None)], attrs={"城市": "上海", "age": "35"}, tier="core")
    assert matches(parse("红酒 & 夜猫子"), p)
    assert matches(parse("红酒>=2.5 & 红酒<3"), p) and not matches(parse("红酒>2.5"), p)
    assert matches(parse("摄影<1"), p) and not matches(parse("摄影>0"), p)  # not carried: score 0
    assert matches(parse("城市=上海 & tier=core"), p) and not matches(parse("城市=北京"), p)
    assert matches(parse("age>30"), p) and matches(parse('age="35"'), p)
    assert matches(parse("!lifecycle=dormant"), p)


def test_select_skips_opted_out_and_left_unless_asked():
    people = [prof("a", tags=[("x", 1.0)]), prof("b", tags=[("x", 1.0)], opted_out=True),
              prof("c", tags=[("x", 1.0)], lifecycle="left")]
    assert [p.member for p in select(parse("x"), people)] == ["a"]
    assert [p.member for p in select(parse("lifecycle=left"), people)] == ["c"]


names = st.sampled_from(["红酒", "摄影", "夜猫子", "a", "b"])
atoms = st.builds(lambda n: n, names)


def render(draw_tree):
    return draw_tree


@st.composite
def trees(draw, depth=3):
    if depth == 0 or draw(st.booleans()):
        return draw(names)
    op = draw(st.sampled_from(["&", "|", "!"]))
    if op == "!":
        return ("!", draw(trees(depth=depth - 1)))
    return (op, draw(trees(depth=depth - 1)), draw(trees(depth=depth - 1)))


def to_query(t) -> str:
    if isinstance(t, str):
        return t
    if t[0] == "!":
        return f"!({to_query(t[1])})"
    return f"({to_query(t[1])} {t[0]} {to_query(t[2])})"


def truth(t, carried: set[str]) -> bool:
    if isinstance(t, str):
        return t in carried
    if t[0] == "!":
        return not truth(t[1], carried)
    a, b = truth(t[1], carried), truth(t[2], carried)
    return a and b if t[0] == "&" else a or b


@settings(max_examples=300, deadline=None)
@given(trees(), st.sets(st.sampled_from(["红酒", "摄影", "夜猫子", "a", "b"])))
def test_property_fully_parenthesized_queries_mean_boolean_logic(tree, carried):
    p = prof(tags=[(n, 1.0) for n in carried])
    assert matches(parse(to_query(tree)), p) == truth(tree, carried)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_property_any_text_parses_or_fails_with_a_position(text):
    try:
        node = parse(text)
    except QueryError as exc:
        assert 1 <= exc.position <= 2001
    else:
        matches(node, prof())


@settings(max_examples=200, deadline=None)
@given(st.lists(names, min_size=2, max_size=5), st.sets(names))
def test_property_and_binds_tighter_than_or(parts, carried):
    # a & b | c & d …  ==  (a & b) | (c & d) …
    q = " | ".join(f"{parts[i]} & {parts[(i + 1) % len(parts)]}" for i in range(len(parts)))
    p = prof(tags=[(n, 1.0) for n in carried])
    want = any(parts[i] in carried and parts[(i + 1) % len(parts)] in carried for i in range(len(parts)))
    assert matches(parse(q), p) == want


def test_reserved_names_and_values_in_the_words_replies_use():
    # What /me and the digest show (层级 核心, 阶段 沉睡) can be typed back as a query.
    assert parse("层级=核心") == Atom("tier", "=", "core")
    assert parse("分层 = 高价值 & 阶段=沉睡") == And((Atom("tier", "=", "high"), Atom("lifecycle", "=", "dormant")))
    assert parse("生命周期=已退群") == Atom("lifecycle", "=", "left")
    assert parse("Stage=new") == Atom("lifecycle", "=", "new")
    assert matches(parse("层级=核心 & !阶段=沉睡"), prof(tier="core"))
    assert parse('"阶段"=沉睡') == Atom("阶段", "=", "沉睡")  # quoted: an attribute of that name, as before


@pytest.mark.parametrize(("query", "locale", "shown", "hidden"), [
    ("阶段=潜水", "zh-CN", "阶段 只能是 新人、活跃、活跃下降、沉睡、已退群", "dormant"),
    ("层级", "zh-CN", "例如 层级=核心", "core"),
    ("tier=gold", "zh-CN", "tier 只能是 核心、高价值、成长、普通", "ordinary"),
    ("层级=金牌", "en", "core, high, growth, ordinary", "核心"),
])
def test_errors_show_the_words_the_operator_knows(query, locale, shown, hidden):
    from bot.core.render import Renderer

    with pytest.raises(QueryError) as err:
        parse(query)
    e = err.value
    text = Renderer()("query_error", locale, error=str(e), code=e.code, position=e.position, params=e.params)
    assert shown in text and hidden not in text, text
