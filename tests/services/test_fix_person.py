"""Rules marked `model: false` are left to a person: incidents say so, no model is asked."""

from __future__ import annotations

from pathlib import Path

from migrator.engine.rules import load_rules
from migrator.engine.scanner import Scanner
from migrator.model.config import ModelConfig
from migrator.model.providers.fake import FakeProvider
from migrator.services.fix import FixOptions, FixRun
from migrator.services.fix_model import ModelSetup
from migrator.services.rule_tests import run_rule_tests
from migrator.store.proposals import ProposalStore
from tests.gitrepo import isolated_git, make_repo  # noqa: F401

RULES = """\
id: person-exec
language: python
message: "exec statement: decide how to replace the dynamic code"
severity: error
query: (exec_statement) @match
model: false
tests:
  invalid: ["exec 'x = 1'\\n"]
  valid: ["exec('x = 1')\\n"]
---
id: model-print
language: python
message: print statement
severity: error
query: (print_statement) @match
tests:
  invalid: ["print 'a'\\n"]
  valid: ["print('a')\\n"]
  fixes:
    - {before: "print 'a'\\n", after: "print('a')\\n"}
    - {before: "x = 1\\n", after: "print('a')\\n"}
"""


def pack(tmp_path: Path) -> Path:
    folder = tmp_path / "pack"
    folder.mkdir()
    (folder / "ruleset.yaml").write_text("name: person\n")
    (folder / "rules.yaml").write_text(RULES)
    return folder


def test_incident_of_a_person_rule_says_none(tmp_path: Path) -> None:
    scanner = Scanner(load_rules([str(pack(tmp_path))]))
    found = scanner.scan_bytes("m.py", b"exec 'x = 1'\nprint 'a'\n").incidents
    assert [(i.rule, i.fix) for i in found] == [("person-exec", "none"), ("model-print", "model")]


def test_no_model_request_for_a_person_rule(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", {"m.py": "def f():\n    exec 'x = 1'\n    return 1\n"})
    provider = FakeProvider([])  # any request would fail: nothing is scripted
    setup = ModelSetup(provider, provider.check(), ModelConfig(attempts=1, jobs=1), None)
    with ProposalStore.open(root) as store:
        summary = FixRun(
            load_rules([str(pack(tmp_path))]), FixOptions(root), store, model=setup
        ).run()
        assert store.proposals() == []
    assert summary.by_rule["person-exec"].skipped == 1
    assert provider.requests == []


def test_examples_without_a_fix_are_checked_as_before_and_after(tmp_path: Path) -> None:
    results = [c for c in run_rule_tests(load_rules([str(pack(tmp_path))])) if c.kind == "fix"]
    assert [(c.index, c.outcome) for c in results] == [(0, "passed"), (1, "failed")]
    assert "is not an incident" in results[1].detail
