"""Anchored queries (run only around a literal) find exactly what whole-tree queries find."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from migrator.engine.combined import CombinedQuery
from migrator.engine.patterns import compile_pattern
from migrator.engine.rules import RuleSet, load_rules, pattern_anchor
from migrator.engine.scanner import Scanner
from tests.conftest import DEMO_PACK, FIXTURES, REPO


def without_anchors(ruleset: RuleSet) -> RuleSet:
    return RuleSet([dataclasses.replace(r, anchor=None) for r in ruleset.rules], ruleset.packs)


@pytest.mark.parametrize(
    ("pattern", "anchor"),
    [
        ("$D.has_key($K)", b"has_key"),
        ("os.getcwdu()", b"getcwdu"),
        ("print >>$F, $$$A", b"print"),
        ("$A == $A", None),
        ("sorted($$$A, cmp=$F)", b"sorted"),
    ],
)
def test_anchor_is_the_longest_literal(pattern: str, anchor: bytes | None) -> None:
    assert pattern_anchor(compile_pattern("python", pattern).root) == anchor


def test_ranges_merge_overlapping_hits(demo_rules: RuleSet) -> None:
    [anchored, *_] = Scanner(demo_rules).combined("python")
    assert anchored.anchors  # the demo pack has anchored python rules
    query = CombinedQuery(anchored.query, anchored.rules, (b"ab", b"bc"))
    assert query.ranges(b"xxabcxx ab") == [(2, 5), (8, 10)]
    assert query.ranges(b"nothing here") == []


def test_many_anchors_use_one_regex(demo_rules: RuleSet) -> None:
    [anchored, *_] = Scanner(demo_rules).combined("python")
    anchors = tuple(f"name{i:03}".encode() for i in range(200))
    query = CombinedQuery(anchored.query, anchored.rules, anchors)
    assert query.ranges(b"x = name007 + name199") == [(4, 11), (14, 21)]


def _files() -> list[Path]:
    roots = [FIXTURES, REPO / "tests" / "data", REPO / "migrator"]
    return [p for root in roots for p in sorted(root.rglob("*")) if p.is_file()]


@pytest.mark.parametrize(
    "selectors", [[str(DEMO_PACK), str(REPO / "benchmarks/rules/bench")], ["python2-to-3"]]
)
def test_anchored_and_whole_tree_scans_agree(selectors: list[str]) -> None:
    ruleset = load_rules(selectors)
    anchored, whole = Scanner(ruleset), Scanner(without_anchors(ruleset))
    compared = found = 0
    for path in _files():
        relative = path.relative_to(REPO).as_posix()
        if not anchored.wants(relative):
            continue
        data = path.read_bytes()
        incidents = anchored.scan_bytes(relative, data).incidents
        assert incidents == whole.scan_bytes(relative, data).incidents, relative
        compared += 1
        found += len(incidents)
    assert compared > 50 and found > 30
