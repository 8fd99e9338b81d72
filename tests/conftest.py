"""Shared fixtures: the demo rule pack written for these tests, and the shipped fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrator.engine.rules import RuleSet, load_rules

TESTS = Path(__file__).parent
REPO = TESTS.parent
DEMO_PACK = TESTS / "data" / "demo-pack"
FIXTURES = REPO / "fixtures"


@pytest.fixture(scope="session")
def demo_rules() -> RuleSet:
    return load_rules([str(DEMO_PACK)])
