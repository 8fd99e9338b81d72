"""Opening the review: grouped list, details, model state, layouts, resuming."""

from __future__ import annotations

from textual.widgets import Static

from migrator.tui.screens.main import ReviewScreen
from migrator.tui.widgets.details import ProposalView
from migrator.tui.widgets.proposal_list import ProposalList
from tests.tui.conftest import GREET_RULE, Tree


def status(screen: ReviewScreen) -> str:
    return str(screen.query_one("#status-bar", Static).render())


async def test_opens_on_the_first_proposal_with_its_details(tree: Tree) -> None:
    app = tree.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        listing = screen.query_one(ProposalList)
        assert listing.current is not None and listing.current.id == GREET_RULE
        assert "3 proposals" in status(screen) and "model fake-coder:1b@" in status(screen)
        heading = screen.query_one(ProposalView).text
        assert "#1 mini-has-key · app/greet.py:10 · proposed" in heading


async def test_the_details_show_the_rules_hint_links_checks_and_provenance(tree: Tree) -> None:
    rules = tree.pack / "rules.yaml"
    link = 'links: [{url: "https://docs.python.org/3/whatsnew/3.0.html", title: "What\'s new"}]'
    rules.write_text(rules.read_text().replace("hint:", f"{link}\nhint:", 1))
    app = tree.app()
    async with app.run_test(size=(100, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("end")
        text = app.screen.query_one(ProposalView).text
    assert "#3 mini-print · app/greet.py:5 · proposed · model" in text
    assert "5:5 error print is a function in Python 3" in text
    assert "Hint   Rewrite as a call: `print x, y` -> `print(x, y)`." in text
    assert "Link   What's new https://docs.python.org/3/whatsnew/3.0.html" in text
    assert "✓ parses  ✓ incident gone  ✓ no new incident  ✓ compiles" in text
    assert "Origin model fake-coder:1b@ffffffffffff · prompt " in text
