"""What a proposal says, around its diff: the heading and incidents above it; the rule's hint
and links, the validation results and the provenance below it. One widget draws it all."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from migrator.services.review import ProposalDetail
from migrator.tui.palette import Palette, palette
from migrator.tui.widgets.diff_view import render_diff, render_region

SHOWN_INCIDENTS = 5
CHECK_MARKS = {"passed": "✓", "failed": "✗", "skipped": "–"}
CHECK_NAMES = {
    "parses": "parses",
    "incident_gone": "incident gone",
    "no_new_incident": "no new incident",
    "compiles": "compiles",
    "verify": "test command",
}


def render_heading(detail: ProposalDetail, colours: Palette) -> RenderableType:
    proposal = detail.proposal
    line = detail.incidents[0].line if detail.incidents else detail.region_line
    origin = "model" if proposal.origin == "model" else "rule fix"
    heading = Text.assemble(
        (f"#{proposal.id} ", "bold"),
        (", ".join(proposal.rules), "bold"),
        f" · {proposal.path}:{line} · ",
        (proposal.status, f"bold {colours.status(proposal.status)}"),
        f" · {origin}",
    )
    if not proposal.valid:
        heading.append(" · failed validation", style=f"bold {colours.error}")
    lines = [heading]
    for incident in detail.incidents[:SHOWN_INCIDENTS]:
        lines.append(
            Text.assemble(
                (f"  {incident.line}:{incident.column} ", "dim"),
                (f"{incident.severity} ", colours.severity(incident.severity)),
                incident.message,
            )
        )
    if len(detail.incidents) > SHOWN_INCIDENTS:
        lines.append(Text(f"  … and {len(detail.incidents) - SHOWN_INCIDENTS} more", "dim"))
    return Text("\n").join(lines)


def render_facts(
    detail: ProposalDetail, colours: Palette, *, rules_loading: bool
) -> RenderableType:
    proposal = detail.proposal
    table = Table.grid(padding=(0, 1))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(ratio=1, overflow="fold")
    for rule in detail.rules:
        label = rule.id if len(detail.rules) > 1 else "Rule"
        table.add_row(Text(label), Text(rule.spec.description or rule.spec.message))
        if rule.spec.hint:
            table.add_row("Hint", Text(" ".join(rule.spec.hint.split())))
        for link in rule.spec.links:
            shown = Text(link.title + " " if link.title else "")
            shown.append(link.url, style=f"underline link {link.url}")
            table.add_row("Link", shown)
    if rules_loading:
        table.add_row("Rule", Text("loading the rules…", style="dim"))
    table.add_row("Checks", _checks(proposal.validation, colours))
    table.add_row("Origin", _origin(detail))
    stored = f"{proposal.created_at} · {proposal.status} since {proposal.status_at}"
    table.add_row("Stored", Text(stored))
    for decision in detail.history[-3:]:
        remark = f" ({decision.remark})" if decision.remark else ""
        undone = " (undone)" if decision.undone else ""
        what = f"{decision.at} {decision.before} → {decision.after}{remark}{undone}"
        table.add_row("Decided", Text(what))
    return table


def _checks(validation: dict[str, dict[str, str]], colours: Palette) -> Text:
    text = Text()
    for name, result in validation.items():
        status = result.get("status", "")
        if text:
            text.append("  ")
        mark = CHECK_MARKS.get(status, "?")
        text.append(f"{mark} {CHECK_NAMES.get(name, name)}", style=colours.check(status))
        if result.get("status") != "passed" and result.get("detail"):
            text.append(f" ({result['detail']})", style="dim")
    return text or Text("not validated", style="dim")


def _origin(detail: ProposalDetail) -> Text:
    proposal = detail.proposal
    if proposal.model:
        digest = proposal.model_digest.removeprefix("sha256:")[:12]
        text = Text(f"model {proposal.model}@{digest}")
        if proposal.prompt_hash:
            text.append(f" · prompt {proposal.prompt_hash[:12]}", style="dim")
    elif proposal.origin == "model":
        text = Text("written by the reviewer")
    else:
        text = Text("the rule's deterministic fix")
    if proposal.revision:
        text.append(f" · {proposal.revision} in review from #{proposal.revises}")
    return text


class ProposalView(ScrollView, can_focus=True):
    """One proposal: heading and incidents, its diff (or whole region), then the facts.

    Drawn once per proposal into lines (Line API) and scrolled; a new proposal changes no
    layout, so moving through the list repaints this pane and two list lines, nothing else.
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._content: RenderableType = ""
        self._lines: list[Strip] = []

    def show(
        self, detail: ProposalDetail, *, dark: bool, whole_region: bool, rules_loading: bool
    ) -> None:
        colours = palette(dark)
        proposal = detail.proposal
        if whole_region:
            change = render_region(
                proposal.old_text, proposal.new_text, proposal.path, detail.region_line, colours
            )
        else:
            change = render_diff(proposal.diff, proposal.path, colours)
        facts = render_facts(detail, colours, rules_loading=rules_loading)
        self.update(Group(render_heading(detail, colours), "", change, "", facts))

    def update(self, content: RenderableType) -> None:
        """Draw `content` from the top."""
        self._content = content
        self._draw()
        self.scroll_to(0, 0, animate=False, immediate=True)

    @property
    def text(self) -> str:
        """What the pane shows, as plain text (for tests)."""
        return "\n".join(line.text.rstrip() for line in self._lines)

    def _draw(self) -> None:
        width = self.scrollable_content_region.width
        if width <= 0:
            self._lines = []
            return
        console = self.app.console
        options = console.options.update(width=width, height=None, highlight=False)
        lines = console.render_lines(self._content, options, style=self.rich_style)
        self._lines = [Strip(line, width) for line in lines]
        size = Size(width, len(self._lines))
        if size != self.virtual_size:
            # No layout: this pane keeps its place; only its scrollbar learns the new height.
            self.set_reactive(ScrollView.virtual_size, size)
            self._scroll_update(size)
        self.refresh()

    def on_resize(self) -> None:
        self._draw()

    def render_line(self, y: int) -> Strip:
        index = int(self.scroll_y) + y
        width = self.scrollable_content_region.width
        if index < len(self._lines):
            return self._lines[index].crop_extend(0, width, self.rich_style)
        return Strip.blank(width, self.rich_style)
