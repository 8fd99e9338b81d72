"""A small reviewed tree for the TUI tests: a git repository, `migrator fix` run on it with the
scripted model, fixed timestamps (snapshots), and `make_app` wired to the same fakes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from migrator.engine.rules import RuleSet, load_rules
from migrator.model.config import ModelConfig
from migrator.model.providers.fake import FakeProvider, Scripted
from migrator.services.fix import FixOptions, FixRun
from migrator.services.fix_model import ModelSetup
from migrator.store.proposals import ProposalStore
from migrator.tui.app import ReviewApp, make_app
from tests.gitrepo import isolated_git, make_repo  # noqa: F401
from tests.model.minipack import GREET_FIXED, SOURCE, write_pack

NOW = "2026-11-29T12:00:00+00:00"
MORE = "x = d.has_key(k)\ny = e.has_key(j)\n"
# Proposal ids after `fix`: 1 greet.py has_key (rule), 2 more.py has_key (rule), 3 greet.py print
# (model).
GREET_RULE, MORE_RULE, GREET_MODEL = 1, 2, 3


@dataclass
class Tree:
    root: Path
    pack: Path
    script: list[Scripted] = field(default_factory=list)
    provider: FakeProvider = field(default_factory=FakeProvider)

    def rules(self) -> RuleSet:
        return load_rules([str(self.pack)])

    def connector(self, *, error: Exception | None = None) -> Callable[[], ModelSetup]:
        self.provider = FakeProvider(self.script)

        def connect() -> ModelSetup:
            if error is not None:
                raise error
            return ModelSetup(self.provider, self.provider.check(), ModelConfig(attempts=2))

        return connect

    def app(
        self,
        *,
        model: bool = True,
        model_error: Exception | None = None,
        theme: str | None = None,
        branch: str | None = None,
    ) -> ReviewApp:
        return make_app(
            self.root,
            rules=self.rules,
            model=self.connector(error=model_error) if model else None,
            branch=lambda ruleset, plan: branch,
            theme=theme,
        )

    def store(self) -> ProposalStore:
        """A second connection, as another process would see the store."""
        return ProposalStore.open(self.root)


@pytest.fixture
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("migrator.store.proposals.now", lambda: NOW)


@pytest.fixture
def tree(tmp_path: Path, fixed_clock: None) -> Tree:
    pack = write_pack(tmp_path / "pack")
    root = make_repo(tmp_path / "repo", {"app/greet.py": SOURCE, "app/more.py": MORE})
    provider = FakeProvider([f"```python\n{GREET_FIXED}```"])
    setup = ModelSetup(provider, provider.check(), ModelConfig(attempts=1))
    with ProposalStore.open(root) as store:
        FixRun(load_rules([str(pack)]), FixOptions(root), store, model=setup).run()
        assert sorted((p.id, p.path, p.origin) for p in store.proposals()) == [
            (GREET_RULE, "app/greet.py", "deterministic"),
            (MORE_RULE, "app/more.py", "deterministic"),
            (GREET_MODEL, "app/greet.py", "model"),
        ]
    return Tree(root, pack)
