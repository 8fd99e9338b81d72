"""The review app: opens the store, shows the review screen, closes everything on exit."""

from __future__ import annotations

import gc
from pathlib import Path

from textual.app import App

from migrator.errors import UsageError
from migrator.services.review import BranchChoice, ModelConnector, ReviewSession, RulesLoader
from migrator.store import state_dir
from migrator.store.proposals import STATE_DB, ProposalStore
from migrator.tui.screens.main import ReviewScreen


class ReviewApp(App[None]):
    """Reviews the proposals of one tree; see `make_app`."""

    CSS_PATH = "review.tcss"
    TITLE = "migrator review"

    def __init__(
        self, session: ReviewSession, *, theme: str | None = None, freeze_gc: bool = False
    ) -> None:
        super().__init__()
        self.session = session
        self.freeze_gc = freeze_gc
        self.sub_title = session.root.resolve().name
        if theme:
            self.theme = theme

    def on_mount(self) -> None:
        self.push_screen(ReviewScreen(self.session))
        if self.freeze_gc:
            # Ten thousand proposals and the widgets are here to stay: moved out of the
            # collector's sight, a full collection no longer stalls a keypress (~80 ms).
            self.call_after_refresh(gc.freeze)

    def on_unmount(self) -> None:
        self.session.close()
        self.session.store.close()


def make_app(
    root: Path,
    *,
    rules: RulesLoader,
    model: ModelConnector | None = None,
    branch: BranchChoice | None = None,
    theme: str | None = None,
    freeze_gc: bool = False,
) -> ReviewApp:
    """The review app over `root`'s `.migrator/state.db` (which `migrator fix` wrote).

    `rules` loads the rules (on a worker thread, once), `model` connects to the model (None:
    deterministic proposals only), `branch` names the branch a commit goes to. `freeze_gc`
    (for the real program, not tests) exempts what the first screen loaded from garbage
    collection.
    """
    database = state_dir(root) / STATE_DB
    if not database.is_file():
        raise UsageError(f"no stored proposals in {database}", hint="run `migrator fix` first")
    store = ProposalStore(database)
    session = ReviewSession(root, store, rules=rules, model=model, branch=branch)
    return ReviewApp(session, theme=theme, freeze_gc=freeze_gc)
