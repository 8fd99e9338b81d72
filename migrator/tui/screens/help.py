"""The help screen (`?`): every key and what it does."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from migrator.tui.keys import KEYS


def keys_table() -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for key in KEYS:
        table.add_row(key.shown, key.help)
    return table


class HelpScreen(ModalScreen[None]):
    """Lists the keys; any of escape, q or ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box", classes="dialog"):
            yield Static("migrator review — keys", classes="dialog-title")
            yield Static(keys_table())
            yield Static(
                "Every decision is written to .migrator/state.db at once; quitting or a crash "
                "loses nothing, and the next `migrator review` starts where you were.",
                classes="dialog-note",
            )

    def action_close(self) -> None:
        self.dismiss(None)
