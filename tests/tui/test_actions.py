"""Every review action through Pilot, checked against the store as another process sees it."""

from __future__ import annotations

import io

from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Input, Select, Static

from migrator.store.proposals import ProposalStore
from migrator.tui.app import ReviewApp
from migrator.tui.screens.filter import FilterScreen
from migrator.tui.screens.help import HelpScreen
from migrator.tui.screens.main import ReviewScreen
from migrator.tui.widgets.details import ProposalView
from migrator.tui.widgets.proposal_list import ProposalList
from tests.tui.conftest import GREET_MODEL, GREET_RULE, MORE_RULE, Tree


def screen(app: ReviewApp) -> ReviewScreen:
    found = app.screen
    assert isinstance(found, ReviewScreen)
    return found


def current(app: ReviewApp) -> int | None:
    row = screen(app).query_one(ProposalList).current
    return row.id if row else None


def listed(app: ReviewApp) -> list[int]:
    return screen(app).query_one(ProposalList).ids


def plain(widget: Static, width: int = 120) -> str:
    """A Static's content as text, whatever renderable it holds."""
    console = Console(width=width, file=io.StringIO(), record=True, color_system=None)
    console.print(widget.content)
    return console.export_text()


def error_bar(app: ReviewApp) -> str:
    bar = screen(app).query_one("#error-bar", Static)
    return str(bar.render()) if bar.has_class("-visible") else ""


def statuses(tree: Tree) -> dict[int, str]:
    with tree.store() as store:
        return {p.id: p.status for p in store.proposals()}


async def ready(pilot: Pilot[None]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_the_list_is_grouped_by_rule_then_file(tree: Tree) -> None:
    app = tree.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        # mini-has-key: greet.py, more.py; then mini-print: greet.py
        assert listed(app) == [GREET_RULE, MORE_RULE, GREET_MODEL]
        await pilot.press("down", "down")
        assert current(app) == GREET_MODEL
        await pilot.press("up")
        assert current(app) == MORE_RULE


async def test_accept_is_stored_at_once_and_moves_on(tree: Tree) -> None:
    app = tree.app()
    async with app.run_test() as pilot:
        await ready(pilot)
        await pilot.press("a")
        assert statuses(tree)[GREET_RULE] == "accepted"  # before quitting: nothing to flush
        assert current(app) == MORE_RULE
        row = screen(app).session.row(GREET_RULE)
        assert row is not None and row.status == "accepted"


async def test_reject(tree: Tree) -> None:
    app = tree.app()
    async with app.run_test() as pilot:
        await ready(pilot)
        await pilot.press("down", "down", "r")
        assert statuses(tree)[GREET_MODEL] == "rejected"


async def test_undo_reverts_the_last_decision(tree: Tree) -> None:
    app = tree.app()
    async with app.run_test() as pilot:
        await ready(pilot)
        await pilot.press("a", "r")
        assert statuses(tree) == {
            GREET_RULE: "accepted",
            MORE_RULE: "rejected",
            GREET_MODEL: "proposed",
        }
        await pilot.press("u")
        assert statuses(tree)[MORE_RULE] == "proposed" and current(app) == MORE_RULE
        await pilot.press("u")
        assert statuses(tree)[GREET_RULE] == "proposed" and current(app) == GREET_RULE
        await pilot.press("u")
        assert "nothing to undo" in error_bar(app)


async def test_accept_every_deterministic_in_view_is_one_decision(tree: Tree) -> None:
    app = tree.app()
    async with app.run_test() as pilot:
        await ready(pilot)
        await pilot.press("A")
        assert statuses(tree) == {
            GREET_RULE: "accepted",
            MORE_RULE: "accepted",
            GREET_MODEL: "proposed",
        }
        await pilot.press("u")  # one undo for the whole batch
        assert set(statuses(tree).values()) == {"proposed"}


async def test_accept_all_honours_the_view(tree: Tree) -> None:
    app = tree.app()
    async with app.run_test() as pilot:
        await ready(pilot)
        await pilot.press("slash", *"more", "enter", "A")
        assert statuses(tree)[MORE_RULE] == "accepted"
        assert statuses(tree)[GREET_RULE] == "proposed"


async def test_an_applied_proposal_cannot_be_decided_again(tree: Tree) -> None:
    with tree.store() as store:
        store.set_status(GREET_RULE, "applied", remark="commit abc")
    app = tree.app()
    async with app.run_test() as pilot:
        await ready(pilot)
        await pilot.press("r")
        assert "already applied" in error_bar(app)
        assert statuses(tree)[GREET_RULE] == "applied"


async def test_search_narrows_the_list_and_escape_clears_it(tree: Tree) -> None:
    app = tree.app()
    async with app.run_test() as pilot:
        await ready(pilot)
        await pilot.press("slash", *"print")
        assert listed(app) == [GREET_MODEL]
        await pilot.press("enter")
        assert screen(app).query_one(ProposalList).has_focus
        await pilot.press("escape")
        assert listed(app) == [GREET_RULE, MORE_RULE, GREET_MODEL]
        assert screen(app).query_one("#search", Input).value == ""
        await pilot.press("slash", *"[/x]")  # shown as typed, never read as markup
        assert listed(app) == []
        assert '"[/x]"' in str(screen(app).query_one("#status-bar", Static).render())


async def test_filter_by_origin_and_status(tree: Tree) -> None:
    app = tree.app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("a")  # GREET_RULE accepted
        await pilot.press("f")
        dialog = app.screen
        assert isinstance(dialog, FilterScreen)
        dialog.query_one("#filter-origin", Select).value = "deterministic"
        dialog.query_one("#filter-status", Select).value = "proposed"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert listed(app) == [MORE_RULE]
        assert "origin=deterministic" in str(screen(app).query_one("#status-bar", Static).render())
        await pilot.press("a")  # leaves the view: nothing proposed is left
        assert listed(app) == []
        await pilot.press("f")
        await pilot.click("#clear")
        await pilot.pause()
        assert len(listed(app)) == 3


async def test_reopening_resumes_where_the_reviewer_was(tree: Tree) -> None:
    app = tree.app()
    async with app.run_test() as pilot:
        await ready(pilot)
        await pilot.press("slash", *"greet", "enter", "down", "q")
    assert app.return_code == 0
    again = tree.app()
    async with again.run_test() as pilot:
        await ready(pilot)
        assert current(again) == GREET_MODEL
        assert screen(again).filter.search == "greet"
        assert screen(again).query_one("#search", Input).value == "greet"


async def test_help_lists_the_keys(tree: Tree) -> None:
    app = tree.app()
    async with app.run_test() as pilot:
        await ready(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = "".join(plain(static) for static in app.screen.query(Static))
        for word in ("accept", "reject", "edit", "regenerate", "undo", "commit", "search"):
            assert word in text
        await pilot.press("escape")
        assert isinstance(app.screen, ReviewScreen)


async def test_toggle_the_whole_region(tree: Tree) -> None:
    app = tree.app()
    async with app.run_test(size=(100, 40)) as pilot:
        await ready(pilot)
        await pilot.press("down", "down", "w")
        shown = screen(app).query_one(ProposalView).text
        assert "Before · lines 4–6" in shown and "After · lines 4–6" in shown
        assert '5      print("hello", name)' in shown
        await pilot.press("w")
        shown = screen(app).query_one(ProposalView).text
        assert "Before" not in shown and '5 +    print("hello", name)' in shown


async def test_light_and_dark_themes(tree: Tree) -> None:
    app = tree.app(theme="textual-light")
    async with app.run_test() as pilot:
        await ready(pilot)
        assert not app.current_theme.dark
        await pilot.press("ctrl+t")
        assert app.current_theme.dark
        await pilot.press("ctrl+t")
        assert app.theme == "textual-light"


async def test_wide_terminals_put_the_details_beside_the_list(tree: Tree) -> None:
    app = tree.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        panes = screen(app).query_one("#panes")
        assert not panes.has_class("-wide")
        await pilot.resize_terminal(140, 40)
        await pilot.pause()
        assert panes.has_class("-wide")


async def test_an_empty_store_says_what_to_do(tree: Tree) -> None:
    with tree.store() as store:
        store.connection.execute("DELETE FROM proposals")
        store.connection.commit()
    app = tree.app(model=False)
    async with app.run_test() as pilot:
        await ready(pilot)
        assert current(app) is None
        assert "run `migrator fix` first" in screen(app).query_one(ProposalList).empty_text
        await pilot.press("a")
        assert "no proposal selected" in error_bar(app)


async def test_quit_keeps_every_decision(tree: Tree) -> None:
    app = tree.app()
    async with app.run_test() as pilot:
        await ready(pilot)
        await pilot.press("a", "a", "q")
    with ProposalStore.open(tree.root) as store:
        assert [d.after for d in store.history()] == ["accepted", "accepted"]
