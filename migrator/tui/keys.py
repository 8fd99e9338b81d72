"""The review's keys, in one table: the main screen's bindings and the help screen read it."""

from __future__ import annotations

from typing import NamedTuple

from textual.binding import Binding


class Key(NamedTuple):
    key: str  # Textual's key name
    shown: str  # as the help screen prints it
    action: str
    label: str  # the footer's word
    help: str
    footer: bool = True


KEYS: tuple[Key, ...] = (
    Key("a", "a", "accept", "Accept", "accept the proposal (stored at once)"),
    Key("r", "r", "reject", "Reject", "reject the proposal"),
    Key("e", "e", "edit", "Edit", "edit the proposed region (ctrl+s saves after validation)"),
    Key("g", "g", "regenerate", "Regen", "regenerate: ask the model again with a remark"),
    Key("u", "u", "undo", "Undo", "undo the last decision (a bulk accept as a whole)"),
    Key("A", "A", "accept_deterministic", "Rules", "accept every rule (deterministic) fix in view"),
    Key("c", "c", "commit", "Commit", "commit the accepted proposals (as `migrator apply`)"),
    Key("slash", "/", "search", "Find", "search path, rule, message or #id"),
    Key("f", "f", "filter", "Filter", "filter by rule, status, origin, severity"),
    Key("question_mark", "?", "help", "Help", "this help"),
    Key("q", "q", "quit", "Quit", "quit (everything is already saved)"),
    Key("w", "w", "toggle_region", "Region", "whole region before/after, or the diff", False),
    Key("escape", "esc", "cancel", "Cancel", "cancel a regeneration; clear the search", False),
    Key("ctrl+t", "ctrl+t", "toggle_theme", "Theme", "switch between dark and light", False),
    Key("tab", "tab", "", "", "move between the list and the details (to scroll them)", False),
    Key("down,up", "↑ ↓ j k", "", "", "previous / next proposal (also pgup pgdn home end)", False),
)


def bindings() -> list[Binding]:
    return [
        Binding(k.key, k.action, k.label, show=k.footer, key_display=k.shown)
        for k in KEYS
        if k.action
    ]
