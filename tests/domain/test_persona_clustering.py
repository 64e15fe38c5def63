"""Personas by clustering on constructed populations: planted groups are recovered (adjusted Rand index
printed), the same data gives the same personas, small changes keep them and their names, and no cell
smaller than min_cell is shown."""

from __future__ import annotations

import random

import pytest
from sklearn.metrics import adjusted_rand_score

from bot.domain.persona_cards import card
from bot.domain.persona_clusters import cluster
from bot.domain.persona_features import encode
from bot.domain.personas import build
from bot.domain.profiles import Profile, Stats, Tag

TZ = "Asia/Shanghai"
CATEGORY = {"红酒": "interest", "价格敏感": "motive", "亲子": "interest", "学习": "need", "数码": "interest",
            "售后服务": "need", "好评": "feedback", "夜猫子": "activity", "小红书": "channel", "摄影": "interest"}
# planted personas: tags they carry, the hour they talk at, stage and tier
PLANTED = [
    (("红酒", "价格敏感", "小红书"), 21, "active", "high"),
    (("亲子", "学习"), 9, "active", "ordinary"),
    (("数码", "售后服务"), 13, "new", "growth"),
    (("夜猫子",), 1, "declining", "ordinary"),
]


def person(i: int, group: int, rng: random.Random) -> Profile:
    tags, hour, stage, tier = PLANTED[group]
    carried = [t for t in tags if rng.random() < 0.85]
    if rng.random() < 0.2:  # noise: a tag from elsewhere
        carried.append(rng.choice(["好评", "摄影", "红酒", "学习"]))
    hours = [0] * 24
    for _ in range(rng.randint(5, 20)):
        hours[(hour + rng.choice([-1, 0, 0, 0, 1])) % 24] += 1
    if rng.random() < 0.2:
        hours[rng.randrange(24)] += 3
    score = round(rng.uniform(0.6, 4.0), 2)
    return Profile("generic:g", f"generic:m{i:03d}", f"成员{i}", False, stage, tier,
                   Stats(sum(hours), 5, 0.0, 0.0, tuple(hours)), {},
                   tuple(Tag(t, CATEGORY[t], "keyword", score) for t in dict.fromkeys(carried)))


def population(seed: int = 7, per: int = 25, planted: int = len(PLANTED)) -> tuple[list[Profile], list[int]]:
    rng = random.Random(seed)
    people, truth = [], []
    for g in range(planted):
        for _ in range(per):
            people.append(person(len(people), g, rng))
            truth.append(g)
    return people, truth


def run(people: list[Profile], min_cell: int = 5):
    ordered = sorted(people, key=lambda p: p.member)
    return ordered, cluster(encode(ordered, min_cell), min_cell)


def test_planted_groups_are_recovered():
    people, truth = population()
    ordered, found = run(people)
    by_member = dict(zip([p.member for p in people], truth, strict=True))
    ari = adjusted_rand_score([by_member[p.member] for p in ordered], list(found.labels))
    print(f"k={found.k} silhouette={found.silhouette} adjusted Rand index={ari:.3f}")
    assert found.k == 4 and ari >= 0.8
    assert len(found.labels) == len(people)  # every member in exactly one persona


def test_same_data_same_personas_and_order_does_not_matter():
    people, _ = population()
    _, a = run(people)
    _, b = run(list(reversed(people)))
    assert a.labels == b.labels and a.centroids == b.centroids


def test_small_changes_keep_ids_and_names():
    people, _ = population()
    ordered, first = run(people)
    cards, stored = build(ordered, first, [], 5, "zh-CN", TZ)
    rng = random.Random(99)
    changed = [*people[:-2], person(900, 0, rng), person(901, 1, rng)]  # two leave, two similar join
    changed[3] = person(3, 0, rng)  # one member's week looks a little different
    ordered2, second = run(changed)
    cards2, _ = build(ordered2, second, stored, 5, "zh-CN", TZ)
    assert {(c["id"], c["name"]) for c in cards2} == {(c["id"], c["name"]) for c in cards}
    common = {p.member for p in ordered} & {p.member for p in ordered2}
    lab1 = {p.member: c for p, c in zip(ordered, first.labels, strict=True)}
    lab2 = {p.member: c for p, c in zip(ordered2, second.labels, strict=True)}
    assert adjusted_rand_score([lab1[m] for m in sorted(common)], [lab2[m] for m in sorted(common)]) >= 0.9


def test_names_come_from_lift_and_differ():
    people, _ = population()
    ordered, found = run(people)
    cards, _ = build(ordered, found, [], 5, "zh-CN", TZ)
    names = [c["name"] for c in cards]
    assert len(set(names)) == len(names)
    assert any("红酒" in n for n in names) and any("亲子" in n for n in names) and any("数码" in n for n in names)
    assert not any("好评" in n or "夜猫子" in n for n in names)  # feedback and activity tags never name one
    for c in cards:
        assert all(d["lift"] > 1 for d in c["distinguishing"])
        assert all(CATEGORY[n["tag"]] in ("need", "motive") for n in c["needs"])
    wine = next(c for c in cards if "红酒" in c["name"])
    assert wine["best_slot"] == "21:00" and wine["channel"] == "小红书"
    assert {"价格敏感"} <= {n["tag"] for n in wine["needs"]}
    assert wine["tiers"][0]["value"] == "high"


@pytest.mark.parametrize("min_cell", [12, 30])
def test_min_cell_bounds_every_cluster_and_cell(min_cell):
    people, _ = population()
    ordered, found = run(people, min_cell)
    sizes = [found.labels.count(c) for c in range(found.k)]
    assert min(sizes) >= min_cell and sum(sizes) == len(people)
    cards, _ = build(ordered, found, [], min_cell, "zh-CN", TZ)
    for c in cards:
        shown = c["distinguishing"] + c["needs"] + c["lifecycle"] + c["tiers"]
        assert all(round(x["share"] * c["size"]) >= min_cell for x in shown)


def test_too_few_for_three_personas_falls_back_to_fewer():
    people, truth = population(per=12, planted=2)  # 24 members: k = 3 would need 3 × 10
    ordered, found = run(people, 10)
    by_member = dict(zip([p.member for p in people], truth, strict=True))
    assert found.k == 2 and adjusted_rand_score([by_member[p.member] for p in ordered], list(found.labels)) >= 0.8
    _, found = run(people, 13)  # two of 13 are more than 24
    assert found.k == 1 and set(found.labels) == {0}
    people, _ = population(per=12)  # 48 members of four kinds: no split with every part ≥ 13 exists
    _, found = run(people, 13)
    assert found.k == 1 and len(found.labels) == 48


def test_card_evidence_names_nobody():
    from bot.domain.profiles import Evidence

    people, _ = population(per=10)
    ev = Evidence(1_800_000_000.0, "红酒", "m1", "成员0 说这款红酒 @成员1 也喜欢")
    people = [Profile(p.group, p.member, p.name, False, p.lifecycle, p.tier, p.stats, {},
                      tuple(Tag(t.name, t.category, t.source, t.score, (ev,)) for t in p.tags)) for p in people]
    c = card(people[:10], people, 2, TZ)
    texts = [e.get("text", "") for e in c["evidence"]]
    assert texts and all("成员0" not in t and "成员1" not in t for t in texts)


def test_a_tag_that_comes_to_everyone_keeps_ids_and_names():
    people, _ = population()
    ordered, first = run(people)
    cards, stored = build(ordered, first, [], 5, "zh-CN", TZ)
    seeded = [Profile(p.group, p.member, p.name, False, p.lifecycle, p.tier, p.stats, {},
                      (*p.tags, Tag("种子用户", "activity", "activity", None))) for p in people]
    ordered2, second = run(seeded)
    cards2, _ = build(ordered2, second, stored, 5, "zh-CN", TZ)
    assert [(c["id"], c["name"]) for c in cards2] == [(c["id"], c["name"]) for c in cards]
    assert all(d["tag"] != "种子用户" for c in cards2 for d in c["distinguishing"])  # lift 1 sets nobody apart
