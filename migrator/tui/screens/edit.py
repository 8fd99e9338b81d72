"""Edit a proposal's region in place (or in `$EDITOR`); saving validates it like a model
answer and, when it passes, stores it as a new accepted proposal that replaces the old one."""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import ClassVar

from textual import work
from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static, TextArea
from textual.worker import get_current_worker

from migrator.engine.results import Incident
from migrator.errors import MigratorError
from migrator.services.review import ReviewSession
from migrator.services.revise import Revision
from migrator.store.proposals import Proposal

# TextArea languages with a highlighter; not javascript (tree-sitter 0.26 crashes on its query).
LANGUAGES = {
    ".py": "python",
    ".java": "java",
    ".xml": "xml",
    ".pom": "xml",
    ".json": "json",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".toml": "toml",
    ".go": "go",
}


def editor_language(path: str) -> str | None:
    return LANGUAGES.get(PurePosixPath(path).suffix.lower())


class EditScreen(ModalScreen[int | None]):
    """Returns the id of the stored edit, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save"),
        Binding("ctrl+o", "external_editor", "$EDITOR"),
        Binding("escape", "cancel", "Cancel", priority=True),  # TextArea would take it
    ]

    def __init__(
        self,
        session: ReviewSession,
        proposal: Proposal,
        incidents: Sequence[Incident],
        *,
        first_line: int,
    ) -> None:
        super().__init__()
        self.session = session
        self.proposal = proposal
        self.incidents = tuple(incidents)
        self.first_line = first_line

    def compose(self) -> ComposeResult:
        dark = self.app.current_theme.dark
        with Vertical(id="edit-box", classes="dialog"):
            yield Static(
                f"Edit #{self.proposal.id} · {self.proposal.path} from line {self.first_line}",
                classes="dialog-title",
                markup=False,
            )
            yield Static(
                "ctrl+s validates and saves; escape cancels.", id="edit-status", markup=False
            )
            yield TextArea.code_editor(
                self.proposal.new_text,
                language=editor_language(self.proposal.path),
                theme="monokai" if dark else "github_light",
                line_number_start=self.first_line,
                id="editor",
            )
        yield Footer()

    @property
    def editor(self) -> TextArea:
        return self.query_one("#editor", TextArea)

    def say(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#edit-status", Static)
        status.update(text)
        status.set_class(error, "-error")

    def action_save(self) -> None:
        self.say("validating…")
        self.validate_edit(self.editor.text)

    def action_cancel(self) -> None:
        self.workers.cancel_group(self, "edit")
        self.dismiss(None)

    @work(thread=True, exclusive=True, group="edit", name="validate_edit")
    def validate_edit(self, text: str) -> None:
        """Validate off the UI thread (file read, parse, scan); store on it."""
        try:
            revision = self.session.check_edit(self.proposal, self.incidents, text)
        except MigratorError as exc:
            revision = Revision(None, reason=exc.message)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._validated, revision)

    def _validated(self, revision: Revision) -> None:
        if revision.proposal is None:
            self.say(f"Not saved: {revision.reason}", error=True)
            return
        self.dismiss(self.session.save_edit(self.proposal, revision))

    def action_external_editor(self) -> None:
        """Edit the region in `$VISUAL`/`$EDITOR`; the app is suspended meanwhile."""
        command = os.environ.get("VISUAL") or os.environ.get("EDITOR")
        if not command:
            self.say("Set $EDITOR (or $VISUAL) to edit outside the app.", error=True)
            return
        suffix = PurePosixPath(self.proposal.path).suffix
        handle, name = tempfile.mkstemp(prefix="migrator-edit-", suffix=suffix)
        path = Path(name)
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
                file.write(self.editor.text)
            with self.app.suspend():
                subprocess.run([*shlex.split(command), str(path)], check=False)
            self.editor.text = path.read_text(encoding="utf-8")
            self.say("Edited in $EDITOR; ctrl+s validates and saves.")
        except SuspendNotSupported:
            self.say("This terminal cannot hand over to $EDITOR.", error=True)
        except OSError as exc:
            self.say(f"$EDITOR failed: {exc}", error=True)
        finally:
            path.unlink(missing_ok=True)
