"""Snapshots (pytest-textual-snapshot) of the main screen, a diff, the help screen, an error
state and the light theme, at fixed sizes, over fixed data and timestamps. Update them with
`pytest tests/tui --snapshot-update` and look at the SVGs before committing them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable

from textual.pilot import Pilot

from migrator.model.errors import ProviderError
from migrator.tui.app import ReviewApp
from tests.tui.conftest import Tree

Compare = Callable[..., bool]


def settled(*keys: str) -> Callable[[Pilot[None]], Awaitable[None]]:
    """Wait for the background work (rules, model check), press `keys`, wait again."""

    async def run_before(pilot: Pilot[None]) -> None:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press(*keys)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    return run_before


def shot(
    snap_compare: Compare, app: ReviewApp, size: tuple[int, int], keys: Iterable[str] = ()
) -> bool:
    return snap_compare(app, terminal_size=size, run_before=settled(*keys))


def test_main_screen(snap_compare: Compare, tree: Tree) -> None:
    assert shot(snap_compare, tree.app(), (80, 24), ["a"])


def test_model_proposal_diff(snap_compare: Compare, tree: Tree) -> None:
    assert shot(snap_compare, tree.app(), (120, 32), ["end"])


def test_whole_region_before_and_after(snap_compare: Compare, tree: Tree) -> None:
    assert shot(snap_compare, tree.app(), (100, 36), ["end", "w"])


def test_help_screen(snap_compare: Compare, tree: Tree) -> None:
    assert shot(snap_compare, tree.app(), (80, 24), ["question_mark"])


def test_error_state_model_unreachable(snap_compare: Compare, tree: Tree) -> None:
    down = ProviderError(
        "cannot connect to the Ollama server at http://127.0.0.1:11434",
        hint="start it: ollama serve",
    )
    app = tree.app(model_error=down)
    assert shot(snap_compare, app, (80, 24), ["end", "g", "enter"])


def test_light_theme(snap_compare: Compare, tree: Tree) -> None:
    assert shot(snap_compare, tree.app(theme="textual-light"), (100, 30), ["down"])
