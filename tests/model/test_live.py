"""Against a real local model: runs only when MIGRATOR_LIVE_MODEL names one (e.g.
`MIGRATOR_LIVE_MODEL=qwen2.5-coder:1.5b`, with `ollama serve` running; MIGRATOR_PROVIDER and
MIGRATOR_HOST select another server)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from migrator.cli.main import main
from migrator.store.proposals import ProposalStore
from tests.gitrepo import isolated_git, make_repo  # noqa: F401
from tests.model.minipack import SOURCE, write_pack

MODEL = os.environ.get("MIGRATOR_LIVE_MODEL")


@pytest.mark.skipif(not MODEL, reason="set MIGRATOR_LIVE_MODEL to a locally served model")
def test_a_real_model_proposes_or_explains(tmp_path: Path) -> None:
    pack = write_pack(tmp_path / "pack")
    repo = make_repo(tmp_path / "repo", {"greet.py": SOURCE})
    assert main(["fix", str(repo), "-r", str(pack), "--model", str(MODEL), "--timeout", "600"]) == 0
    with ProposalStore.open(repo) as store:
        model = store.proposals(origin="model")
        attempts = store.attempts()
    # A small model may fail validation; then every attempt must say why.
    assert model or (attempts and all(a.reason for a in attempts))
    for proposal in model:
        assert proposal.valid and "print(" in proposal.new_text
