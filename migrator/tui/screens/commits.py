"""What a commit from the review did: the branch, each commit made, what was left out."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from migrator.services.apply import ApplyResult


def render_result(result: ApplyResult) -> Table:
    table = Table.grid(padding=(0, 1))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(ratio=1, overflow="fold")
    if result.branch:
        table.add_row("Branch", Text(result.branch))
    for commit in result.commits:
        files = ", ".join(commit.files[:3]) + (" …" if len(commit.files) > 3 else "")
        table.add_row(commit.sha[:10], Text.assemble(commit.subject, (f"  {files}", "dim")))
    if not result.commits:
        table.add_row("", "No commit: nothing accepted could be applied.")
    for path, why in result.plan.skipped:
        table.add_row("Skipped", Text(f"{path}: {why}"))
    return table


class CommitsScreen(ModalScreen[None]):
    """Shown after a commit; escape, enter or q closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,enter,q", "close", "Close")]

    def __init__(self, result: ApplyResult) -> None:
        super().__init__()
        self.result = result

    def compose(self) -> ComposeResult:
        count = len(self.result.commits)
        with VerticalScroll(id="commits-box", classes="dialog"):
            yield Static(f"{count} commit{'s' if count != 1 else ''} made", classes="dialog-title")
            yield Static(render_result(self.result))
            if self.result.branch:
                yield Static(
                    f"Review with `git log -p {self.result.branch}`.",
                    classes="dialog-note",
                    markup=False,
                )

    def action_close(self) -> None:
        self.dismiss(None)
