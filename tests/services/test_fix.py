"""The fix service on real files and git repositories, with the scripted provider shipped in the
package: every kind of answer a model gives, validation, retries with feedback, cache, store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from migrator.engine.rules import load_rules
from migrator.model.cache import AnswerCache
from migrator.model.chat import ChatReply, ChatRequest
from migrator.model.config import ModelConfig
from migrator.model.errors import ProviderError
from migrator.model.providers.fake import FakeProvider, Scripted
from migrator.services.fix import FixOptions, FixRun, FixSummary
from migrator.services.fix_model import ModelSetup
from migrator.services.validate import Verify
from migrator.store.proposals import ProposalStore
from tests.gitrepo import git, isolated_git, make_repo  # noqa: F401
from tests.model.minipack import GREET, GREET_FIXED, SOURCE, write_pack

PROSE = f"Sure! Here is the region, fixed:\n\n```python\n{GREET_FIXED}```\n\nThis uses print()."


def run_fix(
    root: Path,
    pack: Path,
    script: list[Scripted],
    *,
    cache: bool = False,
    verify: str | None = None,
    attempts: int = 3,
) -> tuple[FixSummary, FakeProvider, ProposalStore]:
    provider = FakeProvider(script)
    config = ModelConfig(attempts=attempts, jobs=2)
    answers = AnswerCache(root / ".migrator" / "model-cache.db") if cache else None
    setup = ModelSetup(provider, provider.check(), config, answers)
    check = Verify(verify, root, ".") if verify else None
    store = ProposalStore.open(root)
    try:
        summary = FixRun(
            load_rules([str(pack)]), FixOptions(root, verify=check), store, model=setup
        ).run()
    finally:
        if answers is not None:
            answers.close()
    return summary, provider, store


@pytest.fixture
def tree(tmp_path: Path) -> tuple[Path, Path]:
    pack = write_pack(tmp_path / "pack")
    root = make_repo(tmp_path / "repo", {"app/greet.py": SOURCE})
    return root, pack


def model_proposals(store: ProposalStore) -> list[str]:
    return [p.new_text for p in store.proposals(origin="model")]


def test_a_good_answer_becomes_a_validated_proposal_with_provenance(
    tree: tuple[Path, Path],
) -> None:
    root, pack = tree
    summary, provider, store = run_fix(root, pack, [f"```python\n{GREET_FIXED}```"])
    with store:
        [proposal] = store.proposals(origin="model")
        assert proposal.new_text == GREET_FIXED and proposal.old_text == GREET
        assert proposal.valid and proposal.status == "proposed"
        assert proposal.model == "fake-coder:1b" and proposal.model_digest.startswith("sha256:")
        assert len(proposal.prompt_hash) == 64
        assert proposal.validation["parses"]["status"] == "passed"
        assert proposal.validation["incident_gone"]["status"] == "passed"
        assert '+    print("hello", name)' in proposal.diff
        [deterministic] = store.proposals(origin="deterministic")
        assert deterministic.rules == ("mini-has-key",) and "k in d" in deterministic.new_text
    assert summary.by_rule["mini-print"].validated == 1
    assert summary.by_rule["mini-has-key"].validated == 1
    assert summary.requests == 1
    # The region is the function, not the file; the rule's example is a few-shot turn.
    [request] = provider.requests
    user = request.messages[-1].content
    assert "Region: lines 4-6 (function_definition)" in user
    assert "[mini-print] print is a function" in user and "Hint: Rewrite as a call" in user
    example = [m.content for m in request.messages if m.role == "assistant"]
    assert example == ['{"replacement": "print(\'total:\', n)\\n"}']
    assert request.schema is not None and request.num_ctx >= 8192
    # No source file changed.
    assert (root / "app/greet.py").read_text() == SOURCE
    assert git(root, "status", "--porcelain") == ""


@pytest.mark.parametrize(
    "answer",
    [
        PROSE,
        GREET_FIXED.replace("    ", "\t"),  # tabs for spaces
        "".join("    " + line + "\n" for line in GREET_FIXED.splitlines()),  # indented too far
        json.dumps({"replacement": GREET_FIXED}),
        "\n".join(f"{n} | {line}" for n, line in enumerate(GREET_FIXED.splitlines(), 4)),
        GREET_FIXED.replace("\n", "   \n"),  # trailing whitespace
    ],
    ids=["prose", "tabs", "indented", "json", "line-numbers", "trailing-space"],
)
def test_tolerant_of_form(tree: tuple[Path, Path], answer: str) -> None:
    root, pack = tree
    summary, _, store = run_fix(root, pack, [answer], attempts=1)
    with store:
        assert model_proposals(store) == [GREET_FIXED], summary.failures
    assert summary.by_rule["mini-print"].validated == 1


UGLY = [
    (ChatReply(GREET_FIXED[:20], finish_reason="length"), "truncated"),
    (f"```python\n{GREET_FIXED[:25]}", "never closed (truncated)"),
    ("", "empty"),
    (GREET, "unchanged"),
    ("import os\n\n\n" + GREET_FIXED, "reaches outside the region"),
    ("\n".join(f"{n} | x" for n in (1, 2, 3)), "outside the region"),
    ('{"path": "other.py", "replacement": "x = 1\\n"}', "another file"),
    ('def greet(name):\n    print("hello", name\n    return name\n', "does not parse"),
    ('def greet(name):\n    print "hello",  name\n    return name\n', "still there"),
    ('def greet(name):\n    print("hello", name)\n    exec "x = 1"\n    return name\n', "new inc"),
]


@pytest.mark.parametrize(("answer", "reason"), UGLY, ids=[r for _, r in UGLY])
def test_bad_answers_are_rejected_with_a_reason(
    tree: tuple[Path, Path], answer: str | ChatReply, reason: str
) -> None:
    root, pack = tree
    summary, _, store = run_fix(root, pack, [answer], attempts=1)
    with store:
        assert model_proposals(store) == []
        [attempt] = store.attempts()
    assert reason in attempt.reason
    assert attempt.answer == (answer.text if isinstance(answer, ChatReply) else answer)
    assert summary.by_rule["mini-print"].failed == 1
    assert summary.failures[0][1] == attempt.reason


def test_a_failure_is_sent_back_and_the_next_answer_is_used(tree: tuple[Path, Path]) -> None:
    root, pack = tree
    bad = 'def greet(name):\n    print("hello", name\n    return name\n'
    summary, provider, store = run_fix(root, pack, [bad, GREET_FIXED])
    with store:
        assert model_proposals(store) == [GREET_FIXED]
        [attempt] = store.attempts()
        assert attempt.number == 1 and "does not parse" in attempt.reason
    second = provider.requests[1].messages
    assert second[-2].role == "assistant" and second[-2].content == bad
    assert "rejected: the result does not parse" in second[-1].content
    assert summary.requests == 2


def test_attempts_are_bounded(tree: tuple[Path, Path]) -> None:
    root, pack = tree
    summary, provider, store = run_fix(root, pack, [GREET] * 5, attempts=3)
    with store:
        assert [a.number for a in store.attempts()] == [1, 2, 3]
    assert len(provider.requests) == 3 and summary.by_rule["mini-print"].failed == 1


def test_a_rerun_is_answered_from_the_cache(tree: tuple[Path, Path]) -> None:
    root, pack = tree
    first, _, store = run_fix(root, pack, [GREET, GREET_FIXED], cache=True)
    store.close()
    second, provider, store = run_fix(root, pack, [], cache=True)
    with store:
        assert model_proposals(store) == [GREET_FIXED]  # the same proposal, not a second one
        assert len(store.attempts()) == 2  # one failed attempt per run
    assert (first.requests, first.cache_hits) == (2, 0)
    assert (second.requests, second.cache_hits) == (0, 2) and provider.requests == []


def test_a_timeout_fails_the_region_and_the_run_goes_on(tree: tuple[Path, Path]) -> None:
    root, pack = tree
    late = ProviderError("the server did not answer within 0.5 s")
    summary, _, store = run_fix(root, pack, [late])
    with store:
        [attempt] = store.attempts()
    assert "did not answer" in attempt.reason
    assert summary.by_rule["mini-has-key"].validated == 1


def test_a_lost_server_stops_the_run(tree: tuple[Path, Path]) -> None:
    root, pack = tree
    with pytest.raises(ProviderError, match="gone"):
        run_fix(root, pack, [ProviderError("gone", transient=True)])


def test_several_incidents_in_one_region_are_one_request(tmp_path: Path) -> None:
    pack = write_pack(tmp_path / "pack")
    two = GREET.replace("    return name\n", '    print "bye"\n    return name\n')
    fixed = GREET_FIXED.replace("    return name\n", '    print("bye")\n    return name\n')
    root = make_repo(tmp_path / "repo", {"m.py": SOURCE.replace(GREET, two)})

    def answer(request: ChatRequest) -> str:
        assert request.messages[-1].content.count("[mini-print]") == 2
        return fixed

    summary, provider, store = run_fix(root, pack, [answer])
    store.close()
    assert len(provider.requests) == 1 and summary.by_rule["mini-print"].validated == 2


def test_verify_runs_the_command_in_a_scratch_worktree(tree: tuple[Path, Path]) -> None:
    root, pack = tree
    command = "grep -q 'print(\"hello\", name)' app/greet.py && test ! -e .migrator"
    summary, _, store = run_fix(root, pack, [GREET_FIXED], verify=command)
    with store:
        [proposal] = store.proposals(origin="model")
        assert proposal.validation["verify"]["status"] == "passed"
    assert summary.by_rule["mini-print"].validated == 1
    assert git(root, "worktree", "list").count("\n") == 1  # the scratch worktree is gone

    failing, _, store = run_fix(root, pack, [GREET_FIXED], verify="echo nope; exit 3", attempts=1)
    with store:
        assert "failed (exit 3)" in store.attempts()[-1].reason
    assert failing.by_rule["mini-print"].failed == 1


def test_without_a_model_only_rule_fixes_are_proposed(tree: tuple[Path, Path]) -> None:
    root, pack = tree
    with ProposalStore.open(root) as store:
        summary = FixRun(load_rules([str(pack)]), FixOptions(root), store).run()
        assert [p.origin for p in store.proposals()] == ["deterministic"]
    assert summary.by_rule["mini-print"].skipped == 1
