"""Edit, regenerate and commit from the review, through Pilot, on a real git repository."""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path

import pytest
from textual.widgets import Input, Static, TextArea

from migrator.model.chat import ChatRequest
from migrator.model.errors import ProviderError
from migrator.tui.screens.commits import CommitsScreen
from migrator.tui.screens.edit import EditScreen
from migrator.tui.screens.main import ReviewScreen
from tests.gitrepo import git
from tests.model.minipack import GREET_FIXED
from tests.tui.conftest import GREET_MODEL, GREET_RULE, MORE_RULE, Tree
from tests.tui.test_actions import current, error_bar, ready, screen, statuses

GREETING = 'def greet(name):\n    print("hello,", name)\n    return name\n'
TRAILERS = "%s" + "".join(
    f"|%(trailers:key=Migrator-{key},valueonly,separator=%x2C)" for key in ("Rule", "Model")
)


def log(tree: Tree) -> list[str]:
    out = git(tree.root, "log", f"--format={TRAILERS}", "HEAD")
    return [line for line in out.splitlines() if line]


# -- edit ------------------------------------------------------------------------------------


async def test_a_valid_edit_replaces_the_proposal_and_is_accepted(tree: Tree) -> None:
    app = tree.app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("e")
        editor = app.screen
        assert isinstance(editor, EditScreen)
        area = editor.query_one(TextArea)
        assert area.text == "    return k in d\n" and area.language == "python"
        area.text = "    return k in d  # reviewed\n"
        await pilot.press("ctrl+s")
        await ready(pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert current(app) == 4
    with tree.store() as store:
        edited = store.get(4)
        assert edited.revision == "edited" and edited.revises == GREET_RULE
        assert edited.origin == "model" and edited.model == "" and edited.valid
        assert "+    return k in d  # reviewed" in edited.diff
        assert store.get(GREET_RULE).status == "rejected" and edited.status == "accepted"


async def test_an_invalid_edit_is_not_saved_and_says_why(tree: Tree) -> None:
    app = tree.app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("e")
        editor = app.screen
        assert isinstance(editor, EditScreen)
        editor.query_one(TextArea).text = "    return d.has_key(k\n"
        await pilot.press("ctrl+s")
        await ready(pilot)
        assert app.screen is editor
        said = str(editor.query_one("#edit-status", Static).render())
        assert said.startswith("Not saved: the result does not parse")
        await pilot.press("escape")
        assert isinstance(app.screen, ReviewScreen)
    assert len(statuses(tree)) == 3


async def test_edit_in_the_users_editor(
    tree: Tree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = tmp_path / "fake-editor"
    script.write_text("#!/bin/sh\nprintf '    return k in d  # from vi\\n' > \"$1\"\n")
    script.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(script))
    monkeypatch.delenv("VISUAL", raising=False)
    app = tree.app()
    monkeypatch.setattr(app, "suspend", contextlib.nullcontext)  # headless cannot suspend
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("e", "ctrl+o")
        assert app.screen.query_one(TextArea).text == "    return k in d  # from vi\n"
        await pilot.press("ctrl+s")
        await ready(pilot)
    with tree.store() as store:
        assert store.get(4).new_text == "    return k in d  # from vi\n"


# -- regenerate ------------------------------------------------------------------------------


async def test_regenerate_with_a_remark(tree: Tree) -> None:
    tree.script = [f"```python\n{GREETING}```"]
    app = tree.app()
    async with app.run_test() as pilot:
        await ready(pilot)
        await pilot.press("end", "g")
        await pilot.press(*"keep the comma", "enter")
        await ready(pilot)
        assert current(app) == 4
    request = tree.provider.requests[-1]
    assert "the reviewer asks for another version: keep the comma" in request.messages[-1].content
    assert 'print(\\"hello\\", name)' in request.messages[-2].content  # the answer turned down
    with tree.store() as store:
        new = store.get(4)
        assert new.new_text == GREETING and new.revision == "regenerated"
        assert new.revises == GREET_MODEL and new.status == "proposed"
        assert new.model == "fake-coder:1b" and len(new.prompt_hash) == 64
        assert store.get(GREET_MODEL).status == "rejected"


async def test_regenerate_without_a_valid_answer_changes_nothing(tree: Tree) -> None:
    unchanged = 'def greet(name):\n    print "hello", name\n    return name\n'
    tree.script = [unchanged, unchanged]
    app = tree.app()
    async with app.run_test() as pilot:
        await ready(pilot)
        await pilot.press("end", "g", "enter")
        await ready(pilot)
        assert "no valid answer for #3" in error_bar(app)
    with tree.store() as store:
        assert len(store.attempts()) == 2 and store.get(GREET_MODEL).status == "proposed"


async def test_regenerate_can_be_cancelled_and_the_ui_stays_responsive(tree: Tree) -> None:
    gate = threading.Event()

    def slow(request: ChatRequest) -> str:
        gate.wait(10)
        return f"```python\n{GREETING}```"

    tree.script = [slow]
    app = tree.app()
    async with app.run_test() as pilot:
        await ready(pilot)
        await pilot.press("end", "g", *"slower", "enter")
        await pilot.pause()
        assert "regenerating #3" in str(screen(app).query_one("#status-bar", Static).render())
        await pilot.press("home", "a")  # still reviewing while the model thinks
        assert statuses(tree)[GREET_RULE] == "accepted"
        await pilot.press("escape")
        assert "regenerating" not in str(screen(app).query_one("#status-bar", Static).render())
        gate.set()
        await ready(pilot)
    assert sorted(statuses(tree)) == [GREET_RULE, MORE_RULE, GREET_MODEL]  # answer dropped


async def test_an_unreachable_model_is_reported_not_fatal(tree: Tree) -> None:
    down = ProviderError("cannot connect to the Ollama server", hint="start it: ollama serve")
    app = tree.app(model_error=down)
    async with app.run_test() as pilot:
        await ready(pilot)
        bar = str(screen(app).query_one("#status-bar", Static).render())
        assert "model unreachable (cannot connect" in bar
        await pilot.press("end", "g", "enter")
        await ready(pilot)
        assert "regenerating #3 failed: cannot connect" in error_bar(app)
        assert "ollama serve" in error_bar(app)
        await pilot.press("a")  # and the review goes on
    assert statuses(tree)[GREET_MODEL] == "accepted"


async def test_without_a_model_the_review_says_so(tree: Tree) -> None:
    app = tree.app(model=False)
    async with app.run_test() as pilot:
        await ready(pilot)
        bar = str(screen(app).query_one("#status-bar", Static).render())
        assert "no model: deterministic proposals only" in bar
        await pilot.press("g")
        assert "no model configured" in error_bar(app)
        assert not app.screen.query(Input).filter("#remark-box Input")


# -- commit ----------------------------------------------------------------------------------


async def test_commit_applies_the_accepted_ones_with_trailers(tree: Tree) -> None:
    app = tree.app(branch="migrator/review")
    async with app.run_test() as pilot:
        await ready(pilot)
        await pilot.press("a", "down", "a", "c", "y")  # greet.py's rule fix and model fix
        await ready(pilot)
        shown = app.screen
        assert isinstance(shown, CommitsScreen)
        assert len(shown.result.commits) == 2 and shown.result.branch == "migrator/review"
        await pilot.press("escape")
        assert "2 applied" in str(screen(app).query_one("#status-bar", Static).render())
    assert git(tree.root, "branch", "--show-current").strip() == "migrator/review"
    lines = log(tree)[:2]
    assert any(
        line.startswith("fix(mini-print)") and "|mini-print|fake-coder:1b@" in line
        for line in lines
    )
    assert any(
        line.startswith("fix(mini-has-key)") and line.endswith("|mini-has-key|") for line in lines
    )
    text = (tree.root / "app/greet.py").read_text()
    assert GREET_FIXED in text and "return k in d" in text
    assert (tree.root / "app/more.py").read_text().count("has_key") == 2  # not accepted
    assert statuses(tree) == {GREET_RULE: "applied", MORE_RULE: "proposed", GREET_MODEL: "applied"}


async def test_commit_an_edited_rule_fix_has_no_model_trailer(tree: Tree) -> None:
    app = tree.app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("down", "e")
        app.screen.query_one(TextArea).text = "x = k in d\ny = j in e  # by hand\n"
        await pilot.press("ctrl+s")
        await ready(pilot)
        await pilot.press("c", "y")
        await ready(pilot)
        assert isinstance(app.screen, CommitsScreen)
    [line] = log(tree)[:1]
    assert line == "fix(mini-has-key): 2 incidents in 1 file (edited in review)|mini-has-key|"
    body = git(tree.root, "log", "-1", "--format=%b")
    assert "Edited by the reviewer in `migrator review`: #4 (from #2)" in body
    assert (tree.root / "app/more.py").read_text() == "x = k in d\ny = j in e  # by hand\n"


async def test_commit_refuses_files_with_uncommitted_changes(tree: Tree) -> None:
    mine = (tree.root / "app/greet.py").read_text() + "# my work\n"
    (tree.root / "app/greet.py").write_text(mine)
    app = tree.app()
    async with app.run_test() as pilot:
        await ready(pilot)
        await pilot.press("a", "c", "y")
        await ready(pilot)
        assert "nothing committed: 1 file(s) to fix have uncommitted changes" in error_bar(app)
    assert (tree.root / "app/greet.py").read_text() == mine
    assert statuses(tree)[GREET_RULE] == "accepted"


async def test_commit_needs_something_accepted_and_a_yes(tree: Tree) -> None:
    app = tree.app()
    async with app.run_test() as pilot:
        await ready(pilot)
        await pilot.press("c")
        assert "nothing accepted to commit" in error_bar(app)
        await pilot.press("a", "c", "n")
        await ready(pilot)
        assert isinstance(app.screen, ReviewScreen)
    assert git(tree.root, "rev-list", "--count", "HEAD").strip() == "1"
