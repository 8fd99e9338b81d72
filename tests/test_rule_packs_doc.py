"""docs/rule-packs.md states each shipped pack's counts; they must match the packs."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from migrator.engine.rules import load_rules, shipped_packs
from tests.conftest import REPO

ROW = re.compile(
    r"^\| `(?P<pack>[\w.-]+)` \|[^|]*\| (?P<rules>\d+) \| (?P<fixable>\d+) \|"
    r" (?P<share>\d+) % \| (?P<e>\d+) / (?P<w>\d+) / (?P<i>\d+) \|$",
    re.M,
)


def documented() -> dict[str, dict[str, int]]:
    text = (REPO / "docs" / "rule-packs.md").read_text()
    return {
        m["pack"]: {k: int(v) for k, v in m.groupdict().items() if k != "pack"}
        for m in ROW.finditer(text)
    }


def test_every_shipped_pack_is_documented() -> None:
    assert sorted(documented()) == sorted(shipped_packs())


@pytest.mark.parametrize("pack", sorted(shipped_packs()))
def test_counts_match(pack: str) -> None:
    rules = load_rules([pack]).rules
    fixable = sum(1 for r in rules if r.spec.fix is not None)
    severity = Counter(r.spec.severity for r in rules)
    assert documented()[pack] == {
        "rules": len(rules),
        "fixable": fixable,
        "share": round(100 * fixable / len(rules)),
        "e": severity["error"],
        "w": severity["warning"],
        "i": severity["info"],
    }
