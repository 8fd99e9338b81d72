"""Colours that stay readable on the dark and the light theme (GitHub Primer's pairs)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.style import Style


@dataclass(frozen=True)
class Palette:
    syntax: str  # a Pygments style for code
    added: Style  # line backgrounds in diffs
    removed: Style
    gutter: Style
    hunk: Style
    success: str
    error: str
    warning: str
    info: str

    def status(self, status: str) -> str:
        return {"accepted": self.success, "rejected": self.error, "applied": self.info}.get(
            status, self.warning
        )

    def severity(self, severity: str) -> str:
        return {"error": self.error, "warning": self.warning}.get(severity, self.info)

    def check(self, status: str) -> str:
        return {"passed": self.success, "failed": self.error}.get(status, self.warning)


DARK = Palette(
    syntax="monokai",
    added=Style(bgcolor="#1c3b27"),
    removed=Style(bgcolor="#4a1f26"),
    gutter=Style(color="#8b949e"),
    hunk=Style(color="#79c0ff"),
    success="#56d364",
    error="#f85149",
    warning="#d29922",
    info="#58a6ff",
)
LIGHT = Palette(
    syntax="friendly",
    added=Style(bgcolor="#dafbe1"),
    removed=Style(bgcolor="#ffebe9"),
    gutter=Style(color="#6e7781"),
    hunk=Style(color="#0550ae"),
    success="#1a7f37",
    error="#cf222e",
    warning="#9a6700",
    info="#0969da",
)


def palette(dark: bool) -> Palette:
    return DARK if dark else LIGHT
