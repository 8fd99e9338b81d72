"""`migrator review` on the command line: what it refuses, and what it hands the app."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrator.cli.main import main
from migrator.cli.review import model_connector
from migrator.model.config import ModelConfig
from migrator.model.errors import ProviderError
from migrator.tui.app import ReviewApp
from tests.model.fakes import FakeOllama, Reply, Script, free_port
from tests.tui.conftest import Tree


def test_it_needs_a_path_and_stored_proposals(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["review", str(tmp_path / "missing")]) == 2
    assert main(["review", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "no such file or directory" in err
    assert "no stored proposals" in err and "hint: run `migrator fix` first" in err


def test_it_needs_a_terminal(tree: Tree, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["review", str(tree.root), "--no-model"]) == 2  # pytest's stdin is no tty
    assert "migrator review needs a terminal" in capsys.readouterr().err


def test_it_builds_the_app_from_the_options(
    tree: Tree, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seen: list[ReviewApp] = []
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    monkeypatch.setattr(ReviewApp, "run", lambda self: seen.append(self))
    argv = ["review", str(tree.root), "-r", str(tree.pack), "--no-model", "--theme", "light"]
    assert main([*argv, "--branch", "review/x"]) == 0
    [app] = seen
    assert app.theme == "textual-light" and app.freeze_gc and not app.session.has_model
    assert [r.id for r in app.session.rules().rules] == ["mini-print", "mini-exec", "mini-has-key"]
    assert app.session.branch(app.session.rules(), None) == "review/x"  # type: ignore[arg-type]
    app.session.store.close()
    # A remote model host is refused before anything opens, as `fix` refuses it.
    assert main(["review", str(tree.root), "--host", "http://gpu.example.com:11434"]) == 2
    assert "--allow-remote" in capsys.readouterr().err


def test_the_model_is_connected_and_checked_when_first_needed(tree: Tree) -> None:
    config = ModelConfig(host=f"127.0.0.1:{free_port()}")
    connect = model_connector(config, tree.root, use_cache=True)
    with pytest.raises(ProviderError, match="cannot connect"):
        connect()
    with FakeOllama(Script([Reply("x")])) as server:
        setup = model_connector(ModelConfig(host=server.url), tree.root, use_cache=True)()
        try:
            assert setup.info.name == "qwen2.5-coder:7b" and setup.cache is not None
        finally:
            setup.provider.close()
            assert setup.cache is not None
            setup.cache.close()
