"""Choose which proposals are listed: rule, status, origin and severity (search is kept)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Select, Static

from migrator.services.review_view import (
    ORIGIN_CHOICES,
    SEVERITY_CHOICES,
    STATUS_CHOICES,
    ReviewFilter,
)

FIELDS = ("rule", "status", "origin", "severity")


class FilterScreen(ModalScreen[ReviewFilter | None]):
    """Returns the new filter (Apply or ctrl+s), or None (escape)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "apply", "Apply"),
    ]

    def __init__(self, current: ReviewFilter, rules: Sequence[str]) -> None:
        super().__init__()
        self.current = current
        self.choices = {
            "rule": tuple(rules),
            "status": STATUS_CHOICES,
            "origin": ORIGIN_CHOICES,
            "severity": SEVERITY_CHOICES,
        }

    def compose(self) -> ComposeResult:
        with Vertical(id="filter-box", classes="dialog"):
            yield Static("Filter proposals", classes="dialog-title")
            for name in FIELDS:
                value = getattr(self.current, name)
                with Horizontal(classes="filter-row"):
                    yield Label(name.capitalize(), classes="filter-label")
                    yield Select(
                        [(choice, choice) for choice in self.choices[name]],
                        prompt=f"any {name}",
                        value=value if value in self.choices[name] else Select.NULL,
                        id=f"filter-{name}",
                    )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Apply", variant="primary", id="apply")
                yield Button("Clear", id="clear")
                yield Button("Cancel", id="cancel")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "apply":
            self.action_apply()
        elif event.button.id == "clear":
            self.dismiss(ReviewFilter(search=self.current.search))
        else:
            self.action_cancel()

    def action_apply(self) -> None:
        values = {}
        for name in FIELDS:
            value = self.query_one(f"#filter-{name}", Select).value
            values[name] = "" if value is Select.NULL else str(value)
        self.dismiss(replace(self.current, **values))

    def action_cancel(self) -> None:
        self.dismiss(None)
