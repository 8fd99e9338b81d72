"""The review screen: the proposal list, the selected proposal's details, and the keys.

Decisions go to the session (and so to the store) at once. Slow work runs in named thread
workers (`jobs.py`): loading the rules, checking the model, regenerating, committing.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Container
from textual.timer import Timer
from textual.widgets import Footer, Header, Input, Static

from migrator.errors import MigratorError
from migrator.services.review import ReviewSession
from migrator.services.review_view import ReviewFilter
from migrator.store.proposals import Decision
from migrator.store.review import ProposalSummary
from migrator.tui.jobs import Jobs
from migrator.tui.keys import bindings
from migrator.tui.screens.confirm import ConfirmScreen
from migrator.tui.screens.edit import EditScreen
from migrator.tui.screens.filter import FilterScreen
from migrator.tui.screens.help import HelpScreen
from migrator.tui.screens.remark import RemarkScreen
from migrator.tui.widgets.details import ProposalView
from migrator.tui.widgets.proposal_list import ProposalList

SAVE_DELAY = 0.5  # seconds of quiet before the cursor position is saved
WIDE = 120  # columns from which the list and the details sit side by side


class ReviewScreen(Jobs):
    """Walk the proposals and decide."""

    BINDINGS: ClassVar[list[BindingType]] = list(bindings())

    def __init__(self, session: ReviewSession) -> None:
        super().__init__()
        self.session = session
        self.filter = ReviewFilter()
        self.rows: list[ProposalSummary] = []
        self.current: int | None = None
        self.whole_region = False
        self.model_note = "no model: deterministic proposals only"
        self._save_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="status-bar", markup=False)
        with Container(id="panes"):
            yield ProposalList(id="proposals")
            yield ProposalView(id="details")
        yield Static(id="error-bar", markup=False)
        yield Input(placeholder="search path, rule, message or #id", id="search")
        yield Footer(compact=True, show_command_palette=False)

    @property
    def proposals(self) -> ProposalList:
        return self.query_one(ProposalList)

    def on_mount(self) -> None:
        self.session.reload()
        selected, self.filter = self.session.position()
        if self.filter.search:
            search = self.query_one("#search", Input)
            search.value = self.filter.search
            search.add_class("-visible")
        self.rebuild(selected)
        self.proposals.focus()
        self.watch(self.app, "theme", self._theme_changed, init=False)
        self.start_background()

    def on_resize(self) -> None:
        self.query_one("#panes").set_class(self.size.width >= WIDE, "-wide")

    # -- the list and the details --------------------------------------------------------------

    def rebuild(self, select: int | None = None) -> None:
        """List the proposals the filter lets through, with the cursor on `select`."""
        self.rows = self.session.view(self.filter)
        listing = self.proposals
        if self.session.total == 0:
            listing.empty_text = "No proposals: run `migrator fix` first."
        else:
            listing.empty_text = f"No proposal matches {self.filter.describe()} (f, / to change)."
        listing.show(self.rows, select)
        self.update_status()

    @on(ProposalList.ProposalHighlighted)
    def _highlighted(self, event: ProposalList.ProposalHighlighted) -> None:
        self.current = event.proposal_id
        self.show_detail()
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(SAVE_DELAY, self.save_position)

    def show_detail(self) -> None:
        view = self.query_one(ProposalView)
        if self.current is None:
            view.update("")
            return
        view.show(
            self.session.detail(self.current),
            dark=self.app.current_theme.dark,
            whole_region=self.whole_region,
            rules_loading=not self.session.rules_loaded,
        )

    def update_status(self) -> None:
        counts = self.session.counts()
        parts = [f"{self.session.total:,} proposals"]
        parts += [f"{counts[s]:,} {s}" for s in ("accepted", "rejected", "applied") if counts[s]]
        shown = f"view {self.filter.describe()}: {len(self.rows):,}"
        work = self.running_note()
        text = " · ".join([*parts, shown, work or self.model_note])
        self.query_one("#status-bar", Static).update(text)

    def save_position(self) -> None:
        self.session.save_position(self.current, self.filter)

    def show_error(self, message: str, hint: str | None = None) -> None:
        bar = self.query_one("#error-bar", Static)
        bar.update(f"✗ {message}" + (f" — {hint}" if hint else ""))
        bar.add_class("-visible")

    def clear_error(self) -> None:
        self.query_one("#error-bar", Static).remove_class("-visible")

    def _theme_changed(self) -> None:
        self.proposals.refresh()
        self.show_detail()

    # -- decisions -----------------------------------------------------------------------------

    def _selected(self) -> ProposalSummary | None:
        self.clear_error()
        row = self.session.row(self.current) if self.current is not None else None
        if row is None:
            self.show_error("no proposal selected")
        return row

    def _decided(self, decisions: list[Decision], select: int | None) -> None:
        if self.filter.status:
            self.rebuild(select)  # a decided proposal may leave the view
        else:
            for decision in decisions:
                row = self.session.row(decision.proposal)
                if row is not None:
                    self.proposals.update_row(row)
            if select is not None:
                self.proposals.select(select)
            self.update_status()
        self.show_detail()
        self.save_position()

    def _decide(self, accept: bool) -> None:
        row = self._selected()
        if row is None:
            return
        move_to = self.proposals.neighbour() or row.id
        try:
            decide = self.session.accept if accept else self.session.reject
            decisions = decide(row.id)
        except MigratorError as exc:
            self.show_error(exc.message, exc.hint)
            return
        self._decided(decisions, move_to)

    def action_accept(self) -> None:
        self._decide(accept=True)

    def action_reject(self) -> None:
        self._decide(accept=False)

    def action_accept_deterministic(self) -> None:
        self.clear_error()
        decisions, invalid = self.session.accept_deterministic(self.rows)
        left_out = f"; {invalid} left out (failed validation)" if invalid else ""
        if not decisions:
            self.show_error(f"no undecided deterministic proposal in view{left_out}")
            return
        self._decided(decisions, self.current)
        self.notify(f"accepted {len(decisions)} deterministic proposal(s){left_out} (u undoes)")

    def action_undo(self) -> None:
        self.clear_error()
        decisions = self.session.undo()
        if not decisions:
            self.show_error("nothing to undo", "commits are undone with git")
            return
        self._decided(decisions, decisions[0].proposal)
        self.notify(f"undone: {len(decisions)} decision(s)")

    # -- edit, regenerate, commit --------------------------------------------------------------

    def action_edit(self) -> None:
        row = self._selected()
        if row is None:
            return
        if row.status == "applied":
            self.show_error(f"proposal #{row.id} is already applied")
            return
        detail = self.session.detail(row.id)
        screen = EditScreen(
            self.session, detail.proposal, detail.incidents, first_line=detail.region_line
        )
        self.app.push_screen(screen, self._edited)

    def _edited(self, new_id: int | None) -> None:
        if new_id is None:
            return
        self.rebuild(new_id)
        self.save_position()
        self.notify(f"edit saved and accepted as #{new_id}")

    def action_regenerate(self) -> None:
        row = self._selected()
        if row is None:
            return
        if not self.session.has_model:
            self.show_error("no model configured: regenerate needs one", "drop --no-model")
            return
        if self.regenerating is not None:
            self.show_error(f"already regenerating #{self.regenerating}", "escape cancels it")
            return
        detail = self.session.detail(row.id)

        def asked(remark: str | None) -> None:
            if remark is not None:
                self.start_regenerate(detail.proposal, detail.incidents, remark)

        self.app.push_screen(RemarkScreen(row.id, self.model_label()), asked)

    def action_commit(self) -> None:
        self.clear_error()
        accepted = self.session.counts()["accepted"]
        if not accepted:
            self.show_error("nothing accepted to commit", "accept proposals first (a, A)")
            return
        question = (
            f"Apply and commit {accepted} accepted proposal(s), one commit per rule, as "
            "`migrator apply --accepted` does? Files with uncommitted changes stop it."
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self.start_commit()

        self.app.push_screen(ConfirmScreen("Commit accepted proposals", question), answered)

    # -- search, filter, help, view ------------------------------------------------------------

    def action_search(self) -> None:
        search = self.query_one("#search", Input)
        search.add_class("-visible")
        search.focus()

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        if event.value == self.filter.search:
            return  # the saved search, put back on mount
        self.filter = self.filter.with_search(event.value)
        self.rebuild(self.current)

    @on(Input.Submitted, "#search")
    def _search_done(self) -> None:
        self.proposals.focus()
        self.save_position()

    def action_filter(self) -> None:
        def chosen(wanted: ReviewFilter | None) -> None:
            if wanted is not None:
                self.filter = wanted
                self.rebuild(self.current)
                self.save_position()

        self.app.push_screen(FilterScreen(self.filter, self.session.rule_ids()), chosen)

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen())

    def action_toggle_region(self) -> None:
        self.whole_region = not self.whole_region
        self.show_detail()

    def action_toggle_theme(self) -> None:
        dark = self.app.current_theme.dark
        self.app.theme = "textual-light" if dark else "textual-dark"

    def action_cancel(self) -> None:
        if self.cancel_regenerate():
            return
        search = self.query_one("#search", Input)
        if search.value or search.has_class("-visible"):
            search.value = ""
            search.remove_class("-visible")
            self.proposals.focus()

    def action_quit(self) -> None:
        self.save_position()
        self.app.exit()
