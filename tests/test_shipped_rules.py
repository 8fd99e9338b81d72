"""Every shipped rule's own tests pass (what `migrator rules test` runs)."""

from __future__ import annotations

import pytest

from migrator.engine.rules import load_rules, shipped_packs
from migrator.services.rule_tests import run_rule_tests


@pytest.mark.parametrize("pack", sorted(shipped_packs()))
def test_pack_rule_tests_pass(pack: str) -> None:
    ruleset = load_rules([pack])
    assert ruleset.rules, f"pack {pack} has no rules"
    failures = [c for c in run_rule_tests(ruleset) if c.outcome != "passed"]
    assert failures == []


@pytest.mark.parametrize("pack", sorted(shipped_packs()))
def test_every_rule_has_valid_and_invalid_cases(pack: str) -> None:
    for rule in load_rules([pack]).rules:
        assert rule.spec.tests.invalid, f"{rule.id} has no invalid case"
        assert rule.spec.tests.valid, f"{rule.id} has no valid case"
        if rule.spec.fix is not None:
            assert rule.spec.tests.fixes, f"{rule.id} has a fix but no fixes case"
