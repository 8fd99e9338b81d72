"""A proposal's change, drawn: the unified diff with old and new line numbers and syntax
colours, or the whole region before and after. Colours follow the app's light or dark theme."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from rich.console import Group, RenderableType
from rich.style import Style
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Span, Text

from migrator.tui.palette import Palette

LEXERS = {
    ".py": "python",
    ".java": "java",
    ".xml": "xml",
    ".pom": "xml",
    ".js": "javascript",
    ".ts": "typescript",
    ".tsx": "tsx",
    ".go": "go",
    ".json": "json",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".properties": "properties",
    ".toml": "toml",
}
_HUNK = re.compile(r"^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@")


@dataclass(frozen=True)
class DiffLine:
    kind: str  # " " context, "-" removed, "+" added, "@" hunk header
    old: int | None
    new: int | None
    text: str


def lexer_for(path: str) -> str:
    return LEXERS.get(PurePosixPath(path).suffix.lower(), "text")


def parse_diff(diff: str) -> list[DiffLine]:
    """The hunks of a unified diff, each line with its old and new line number."""
    lines: list[DiffLine] = []
    old = new = 0
    for text in diff.splitlines():
        hunk = _HUNK.match(text)
        if hunk:
            old, new = int(hunk.group(1)), int(hunk.group(2))
            lines.append(DiffLine("@", None, None, text))
        elif not lines or text.startswith("\\"):
            continue  # the ---/+++ header; "\ No newline at end of file"
        elif text.startswith("-"):
            lines.append(DiffLine("-", old, None, text[1:]))
            old += 1
        elif text.startswith("+"):
            lines.append(DiffLine("+", None, new, text[1:]))
            new += 1
        else:
            lines.append(DiffLine(" ", old, new, text[1:]))
            old, new = old + 1, new + 1
    return lines


def _highlighted(code: list[str], lexer: str, colours: Palette) -> list[Text]:
    """Each line of `code`, coloured as one block (so strings over lines colour right), with
    no background of its own: the diff's added/removed backgrounds show through."""
    syntax = Syntax("", lexer, theme=colours.syntax)
    text = syntax.highlight("\n".join(code)) if code else Text()
    text.style = ""
    text.spans = [Span(s.start, s.end, _foreground(s.style)) for s in text.spans]
    out = text.split("\n", allow_blank=True)
    return list(out) + [Text()] * (len(code) - len(out))


def _foreground(style: str | Style) -> Style:
    parsed = Style.parse(style) if isinstance(style, str) else style
    return Style(
        color=parsed.color, bold=parsed.bold, italic=parsed.italic, underline=parsed.underline
    )


def render_diff(diff: str, path: str, colours: Palette) -> RenderableType:
    """The diff as a table: old number, new number, sign, highlighted code."""
    lines = parse_diff(diff)
    if not lines:
        return Text("(no change)", style=colours.gutter)
    lexer = lexer_for(path)
    old_side = _highlighted([d.text for d in lines if d.kind in " -"], lexer, colours)
    new_side = _highlighted([d.text for d in lines if d.kind == "+"], lexer, colours)
    width = len(str(max((d.old or 0) for d in lines) + 1))
    width = max(width, len(str(max((d.new or 0) for d in lines) + 1)))
    table = Table.grid(expand=True)
    for _ in range(3):
        table.add_column(no_wrap=True, justify="right")
    table.add_column(ratio=1, overflow="fold")
    old_index = new_index = 0
    for line in lines:
        if line.kind == "@":
            table.add_row("", "", "", Text(line.text, style=colours.hunk))
            continue
        if line.kind == "+":
            code, new_index = new_side[new_index], new_index + 1
        else:
            code, old_index = old_side[old_index], old_index + 1
        sign = {"+": colours.success, "-": colours.error}.get(line.kind, "")
        table.add_row(
            Text(f"{line.old or '':>{width}} ", style=colours.gutter),
            Text(f"{line.new or '':>{width}} ", style=colours.gutter),
            Text(f"{line.kind} ", style=f"bold {sign}" if sign else ""),
            code,
            style={"+": colours.added, "-": colours.removed}.get(line.kind),
        )
    return table


def render_region(
    old_text: str, new_text: str, path: str, first_line: int, colours: Palette
) -> RenderableType:
    """The whole region before and after the change, numbered from its first line."""
    lexer = lexer_for(path)
    parts: list[RenderableType] = []
    for title, code in (("Before", old_text), ("After", new_text)):
        lines = code.splitlines() or [""]
        last = first_line + len(lines) - 1
        parts.append(Text(f"{title} · lines {first_line}–{last}", style="bold"))
        table = Table.grid(expand=True, padding=(0, 2, 0, 0))
        table.add_column(no_wrap=True, justify="right")
        table.add_column(ratio=1, overflow="fold")
        for number, text in enumerate(_highlighted(lines, lexer, colours), start=first_line):
            table.add_row(Text(str(number), style=colours.gutter), text)
        parts.append(table)
    return Group(*parts)
