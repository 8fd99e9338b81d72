"""Asks what the model should do differently before regenerating a proposal."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class RemarkScreen(ModalScreen[str | None]):
    """Returns the remark (enter), or None (escape)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, proposal_id: int, model: str) -> None:
        super().__init__()
        self.proposal_id = proposal_id
        self.model = model

    def compose(self) -> ComposeResult:
        with Vertical(id="remark-box", classes="dialog"):
            yield Static(
                f"Regenerate #{self.proposal_id} with {self.model}",
                classes="dialog-title",
                markup=False,
            )
            yield Input(placeholder="What should change? (enter asks, escape cancels)")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
