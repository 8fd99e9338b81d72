"""The proposal list: grouped by rule, then file, and virtual (Line API): only the lines on
screen are ever rendered, so ten thousand proposals cost what twenty do."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from migrator.services.review_view import group_of
from migrator.store.review import ProposalSummary

MARKS = {"proposed": "·", "accepted": "✓", "rejected": "✗", "applied": "●"}
ORIGINS = {"deterministic": "rule", "model": "model"}


@dataclass(frozen=True)
class _Header:
    text: str
    count: int
    kind: str  # "group" or "file"


class ProposalList(ScrollView, can_focus=True):
    """Proposals under rule and file headers; the cursor moves over proposals only."""

    COMPONENT_CLASSES = {
        "proposal-list--cursor",
        "proposal-list--group",
        "proposal-list--file",
        "proposal-list--muted",
        "proposal-list--proposed",
        "proposal-list--accepted",
        "proposal-list--rejected",
        "proposal-list--applied",
        "proposal-list--invalid",
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "move(1)", "Down", show=False),
        Binding("up,k", "move(-1)", "Up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("home", "jump(0)", "First", show=False),
        Binding("end", "jump(-1)", "Last", show=False),
    ]

    class ProposalHighlighted(Message):
        """The cursor moved onto a proposal (None: the list is empty)."""

        def __init__(self, proposal_id: int | None) -> None:
            super().__init__()
            self.proposal_id = proposal_id

    cursor: reactive[int] = reactive(0, always_update=True, repaint=False)  # index into rows

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._lines: list[_Header | ProposalSummary] = []
        self._rows: list[int] = []  # line index of each proposal, in order
        self._row_of: dict[int, int] = {}  # proposal id -> position in _rows
        self.empty_text = "No proposals."

    # -- what callers use ----------------------------------------------------------------------

    def show(self, rows: Sequence[ProposalSummary], select: int | None = None) -> None:
        """Replace the content by `rows` (already sorted) and put the cursor on `select`."""
        lines: list[_Header | ProposalSummary] = []
        groups: dict[str, int] = {}
        files: dict[tuple[str, str], int] = {}
        for row in rows:
            name = group_of(row)
            groups[name] = groups.get(name, 0) + 1
            files[(name, row.path)] = files.get((name, row.path), 0) + 1
        group: str | None = None
        path: str | None = None
        for row in rows:
            if group_of(row) != group:
                group, path = group_of(row), None
                lines.append(_Header(group, groups[group], "group"))
            if row.path != path:
                path = row.path
                lines.append(_Header(path, files[(group_of(row), path)], "file"))
            lines.append(row)
        self._lines = lines
        self._rows = [i for i, line in enumerate(lines) if not isinstance(line, _Header)]
        self._row_of = {lines[i].id: n for n, i in enumerate(self._rows)}  # type: ignore[union-attr]
        self.virtual_size = Size(self.size.width, len(lines))
        self.cursor = self._row_of.get(select, 0) if select is not None else 0
        self.refresh()

    def update_row(self, row: ProposalSummary) -> None:
        """Redraw one proposal (its status changed) without rebuilding the list."""
        position = self._row_of.get(row.id)
        if position is not None:
            line = self._rows[position]
            self._lines[line] = row
            self.refresh_line(line)

    def select(self, proposal_id: int) -> None:
        if proposal_id in self._row_of:
            self.cursor = self._row_of[proposal_id]

    @property
    def current(self) -> ProposalSummary | None:
        if not self._rows:
            return None
        line = self._lines[self._rows[self.cursor]]
        return None if isinstance(line, _Header) else line

    @property
    def ids(self) -> list[int]:
        return list(self._row_of)

    def neighbour(self) -> int | None:
        """The proposal after the cursor (before it at the end), for "decide and move on"."""
        if len(self._rows) < 2:
            return None
        position = self.cursor + 1 if self.cursor + 1 < len(self._rows) else self.cursor - 1
        line = self._lines[self._rows[position]]
        return None if isinstance(line, _Header) else line.id

    # -- cursor --------------------------------------------------------------------------------

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self._rows) - 1)) if self._rows else 0

    def watch_cursor(self, old: int, new: int) -> None:
        if self._rows:
            for position in {old, new}:
                if position < len(self._rows):
                    self.refresh_line(self._rows[position])
            self._scroll_to_cursor()
        current = self.current
        self.post_message(self.ProposalHighlighted(current.id if current else None))

    def _scroll_to_cursor(self) -> None:
        line = self._rows[self.cursor]
        top = line
        while top > 0 and isinstance(self._lines[top - 1], _Header):
            top -= 1  # show the headers just above the first proposal of a file
        height = max(self.scrollable_content_region.height, 1)
        if top < self.scroll_y:
            self.scroll_to(y=top, animate=False, immediate=True)
        elif line >= self.scroll_y + height:
            self.scroll_to(y=line - height + 1, animate=False, immediate=True)

    def action_move(self, step: int) -> None:
        self.cursor += step

    def action_page(self, direction: int) -> None:
        self.cursor += direction * max(self.scrollable_content_region.height - 1, 1)

    def action_jump(self, position: int) -> None:
        self.cursor = position if position >= 0 else len(self._rows) - 1

    def on_click(self, event: events.Click) -> None:
        line = int(self.scroll_y) + event.y
        if 0 <= line < len(self._lines) and not isinstance(self._lines[line], _Header):
            self.cursor = bisect_left(self._rows, line)

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, len(self._lines))
        if self._rows:
            self._scroll_to_cursor()

    # -- drawing -------------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        line_number = int(self.scroll_y) + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if not self._lines:
            text = self.empty_text if y == 0 else ""
            return Strip([Segment(text, base)]).crop_extend(0, width, base)
        if line_number >= len(self._lines):
            return Strip.blank(width, base)
        line = self._lines[line_number]
        if isinstance(line, _Header):
            segments = self._header(line)
        else:
            segments = self._row(line)
            if self._rows and self._rows[self.cursor] == line_number:
                cursor = self.get_component_rich_style("proposal-list--cursor")
                if not self.has_focus:
                    cursor = Style(bgcolor=cursor.bgcolor, dim=True)
                segments = list(Segment.apply_style(segments, post_style=cursor))
                return Strip(segments).crop_extend(0, width, base + cursor)
        return Strip(segments).crop_extend(0, width, base)

    def _header(self, header: _Header) -> list[Segment]:
        style = self.get_component_rich_style(f"proposal-list--{header.kind}")
        muted = self.get_component_rich_style("proposal-list--muted")
        indent = "" if header.kind == "group" else "  "
        return [Segment(f"{indent}{header.text}", style), Segment(f"  ({header.count})", muted)]

    def _row(self, row: ProposalSummary) -> list[Segment]:
        status = self.get_component_rich_style(f"proposal-list--{row.status}")
        muted = self.get_component_rich_style("proposal-list--muted")
        segments = [
            Segment(f"    {MARKS.get(row.status, '?')} {row.status:<8}", status),
            Segment(f" {row.line:>5}  {ORIGINS.get(row.origin, row.origin):<5} ", muted),
        ]
        if not row.valid:
            invalid = self.get_component_rich_style("proposal-list--invalid")
            segments.append(Segment("invalid ", invalid))
        segments.append(Segment(row.message or f"#{row.id}", self.rich_style))
        return segments

    def on_focus(self) -> None:
        self._refresh_cursor()

    def on_blur(self) -> None:
        self._refresh_cursor()

    def _refresh_cursor(self) -> None:
        if self._rows:
            self.refresh_line(self._rows[self.cursor])
