"""The review service without a screen: the store's batches and saved position, summaries,
filters, the schema migration, and edits/regenerations checked against the file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from migrator.engine.rules import load_rules
from migrator.model.config import ModelConfig
from migrator.model.providers.fake import FakeProvider
from migrator.services.fix import FixOptions, FixRun
from migrator.services.fix_model import ModelSetup
from migrator.services.review import ReviewError, ReviewSession
from migrator.services.review_view import ReviewFilter
from migrator.services.revise import StaleProposalError, region_line
from migrator.store.proposals import NewProposal, Proposal, ProposalStore
from migrator.store.review import summaries
from migrator.store.schema import SCHEMA_VERSION
from tests.gitrepo import isolated_git, make_repo  # noqa: F401
from tests.model.minipack import GREET_FIXED, SOURCE, write_pack


def proposal(path: str = "a.py", text: str = "new\n", **extra: object) -> NewProposal:
    values: dict[str, object] = {
        "path": path,
        "start": 0,
        "end": 4,
        "old_text": "old\n",
        "new_text": text,
        "diff": "--- a/a.py\n+++ b/a.py\n@@ -3,1 +3,1 @@\n-old\n+new\n",
        "origin": "deterministic",
        "rules": ("r1",),
        "incidents": (),
        "base_hash": "0" * 64,
        "valid": True,
    }
    values.update(extra)
    return NewProposal(**values)  # type: ignore[arg-type]


@pytest.fixture
def store(tmp_path: Path) -> ProposalStore:
    return ProposalStore(tmp_path / "state.db")


def test_a_batch_is_undone_as_one(store: ProposalStore) -> None:
    run = store.begin_run(".")
    first, second = store.add(run, proposal()), store.add(run, proposal(text="x\n"))
    store.set_status(first, "rejected")
    decisions = store.decide([(first, "accepted"), (second, "accepted")], remark="bulk")
    assert [(d.proposal, d.before, d.after) for d in decisions] == [
        (first, "rejected", "accepted"),
        (second, "proposed", "accepted"),
    ]
    assert decisions[0].batch == decisions[1].batch > 0
    assert store.decide([(first, "accepted")]) == []  # already so: nothing recorded
    undone = store.undo_last()
    assert {d.proposal for d in undone} == {first, second}
    assert (store.get(first).status, store.get(second).status) == ("rejected", "proposed")
    assert store.undo() is not None and store.get(first).status == "proposed"
    assert store.undo_last() == []


def test_a_version_1_store_is_migrated_in_place(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    with ProposalStore(path) as store:
        run = store.begin_run(".")
        kept = store.add(run, proposal())
        store.set_status(kept, "accepted")
    db = sqlite3.connect(path)  # make it look like a file from before review existed
    db.executescript(
        "DROP TABLE review_state; UPDATE schema_version SET version = 1;"
        "ALTER TABLE decisions DROP COLUMN batch; ALTER TABLE proposals DROP COLUMN revises;"
        "ALTER TABLE proposals DROP COLUMN revision;"
    )
    db.close()
    with ProposalStore(path) as store:
        assert store.get(kept).status == "accepted" and store.get(kept).revises == 0
        assert store.history()[0].batch == 0
        version = store.connection.execute("SELECT version FROM schema_version").fetchone()[0]
        assert version == SCHEMA_VERSION == 2
        session = ReviewSession(tmp_path, store, rules=lambda: load_rules([]))
        session.save_position(kept, ReviewFilter(status="accepted"))
        assert session.position() == (kept, ReviewFilter(status="accepted"))


def test_summaries_carry_what_the_incidents_say(tmp_path: Path) -> None:
    pack = write_pack(tmp_path / "pack")
    root = make_repo(tmp_path / "repo", {"m.py": SOURCE})
    with ProposalStore.open(root) as store:
        FixRun(load_rules([str(pack)]), FixOptions(root), store).run()
        [row] = summaries(store)
        assert (row.rules, row.origin, row.line, row.severity) == (
            ("mini-has-key",),
            "deterministic",
            10,
            "error",
        )
        assert row.message == "dict.has_key(k) is gone" and row.valid


def test_the_filter_and_a_damaged_position(store: ProposalStore) -> None:
    run = store.begin_run(".")
    store.add(run, proposal("pkg/a.py"))
    store.add(run, proposal("pkg/b.py", origin="model", rules=("r2",)))
    session = ReviewSession(Path("."), store, rules=lambda: load_rules([]))
    session.reload()
    assert [r.path for r in session.view(ReviewFilter(origin="model"))] == ["pkg/b.py"]
    assert [r.path for r in session.view(ReviewFilter(search="A.PY"))] == ["pkg/a.py"]
    assert [r.path for r in session.view(ReviewFilter(rule="r1"))] == ["pkg/a.py"]
    assert session.view(ReviewFilter(status="accepted")) == []
    assert ReviewFilter(rule="r1", search="x").describe() == 'rule=r1 "x"'
    assert ReviewFilter.position_from_json("{not json") == (None, ReviewFilter())
    assert ReviewFilter.position_from_json('{"proposal": "7", "filter": []}') == (
        None,
        ReviewFilter(),
    )


def test_region_line_is_read_off_the_diff() -> None:
    def stored(old: str, new: str, diff: str) -> Proposal:
        values = {**proposal().__dict__, "old_text": old, "new_text": new, "diff": diff}
        return Proposal(**values)

    header = "--- a/m.py\n+++ b/m.py\n"
    function = stored(
        "def f():\n    print 1\n",
        "def f():\n    print(1)\n",
        header + "@@ -10,3 +10,3 @@\n x\n def f():\n-    print 1\n+    print(1)\n",
    )
    assert region_line(function) == 11  # the unchanged `def f():` line comes first
    assert region_line(stored("a\n", "b\n", header + "@@ -1 +1 @@\n-a\n+b\n")) == 1
    assert region_line(stored("a\n", "b\n", "")) == 0


@pytest.fixture
def reviewed(tmp_path: Path) -> tuple[Path, ReviewSession]:
    pack = write_pack(tmp_path / "pack")
    root = make_repo(tmp_path / "repo", {"m.py": SOURCE})
    provider = FakeProvider([f"```python\n{GREET_FIXED}```"])
    setup = ModelSetup(provider, provider.check(), ModelConfig(attempts=1))
    store = ProposalStore.open(root)
    FixRun(load_rules([str(pack)]), FixOptions(root), store, model=setup).run()
    session = ReviewSession(root, store, rules=lambda: load_rules([str(pack)]))
    session.reload()
    return root, session


def test_an_edit_of_a_changed_file_is_refused(reviewed: tuple[Path, ReviewSession]) -> None:
    root, session = reviewed
    [model] = session.store.proposals(origin="model")
    incidents = session.store.incidents(model.incidents)
    (root / "m.py").write_text(SOURCE + "# changed\n")
    with pytest.raises(StaleProposalError, match="changed since `migrator fix`"):
        session.check_edit(model, incidents, GREET_FIXED.replace("hello", "hi"))
    with pytest.raises(ReviewError, match="no model configured"):
        session.regenerate(model, incidents, "again")
    session.store.close()


def test_an_unchanged_edit_is_not_a_new_proposal(reviewed: tuple[Path, ReviewSession]) -> None:
    _, session = reviewed
    [model] = session.store.proposals(origin="model")
    revision = session.check_edit(model, [], model.new_text)
    assert revision.proposal is None and "nothing changed" in revision.reason
    session.store.close()


def test_applied_proposals_stay_applied(reviewed: tuple[Path, ReviewSession]) -> None:
    _, session = reviewed
    [rule] = session.store.proposals(origin="deterministic")
    session.store.set_status(rule.id, "applied")
    session.reload()
    with pytest.raises(ReviewError, match="already applied"):
        session.reject(rule.id)
    assert session.accept_deterministic(session.view(ReviewFilter())) == ([], 0)
    session.store.close()
