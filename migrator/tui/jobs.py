"""The review screen's background jobs, each a named thread worker: loading the rules,
checking the model, regenerating a proposal (cancellable), committing the accepted ones.

A worker does the slow part through the session's worker-thread methods and hands the outcome
back to the UI thread (`call_from_thread`), where the store is written and the screen redrawn.
Errors become a message in the error bar, never a crash.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

from textual import work
from textual.screen import Screen
from textual.worker import Worker, get_current_worker

from migrator.engine.results import Incident
from migrator.errors import MigratorError
from migrator.services.apply import ApplyResult
from migrator.services.fix_model import Solved
from migrator.services.review import ReviewSession
from migrator.store.proposals import Proposal
from migrator.tui.screens.commits import CommitsScreen

T = TypeVar("T")
POLL = 0.05  # seconds between looks at a worker's cancel flag


class Abandoned(Exception):
    """The worker was cancelled while its call was still running."""


def abandonable(call: Callable[[], T]) -> T:
    """Run `call` on a daemon thread and wait for it from the current thread worker, giving
    up when the worker is cancelled (escape, or quitting). A request stuck on the model then
    holds up neither the UI nor the exit: the daemon thread's answer is simply dropped."""
    worker = get_current_worker()
    outcome: list[T] = []
    failure: list[BaseException] = []
    done = threading.Event()

    def run() -> None:
        try:
            outcome.append(call())
        except BaseException as exc:
            failure.append(exc)
        finally:
            done.set()

    threading.Thread(target=run, name=f"migrator-{worker.name}", daemon=True).start()
    while not done.wait(POLL):
        if worker.is_cancelled:
            raise Abandoned
    if failure:
        raise failure[0]
    return outcome[0]


def _describe(exc: Exception) -> tuple[str, str | None]:
    if isinstance(exc, MigratorError):
        return exc.message, exc.hint
    return f"internal error ({type(exc).__name__}: {exc})", "please report it"


class Jobs(Screen[None]):
    """Base of the review screen: its workers and what they report."""

    session: ReviewSession
    current: int | None
    model_note: str

    def __init__(self) -> None:
        super().__init__()
        self.regenerating: int | None = None  # the proposal being regenerated
        self.committing = False
        self.model_name = ""
        self._regenerate_worker: Worker[None] | None = None

    # Provided by the screen.
    def rebuild(self, select: int | None = None) -> None:
        raise NotImplementedError

    def show_detail(self) -> None:
        raise NotImplementedError

    def update_status(self) -> None:
        raise NotImplementedError

    def show_error(self, message: str, hint: str | None = None) -> None:
        raise NotImplementedError

    def save_position(self) -> None:
        raise NotImplementedError

    # -- status ------------------------------------------------------------------------------

    def running_note(self) -> str:
        if self.regenerating is not None:
            return f"regenerating #{self.regenerating} with {self.model_label()}… (esc cancels)"
        return "committing…" if self.committing else ""

    def model_label(self) -> str:
        return self.model_name or "the model"

    def start_background(self) -> None:
        self.load_rules()
        if self.session.has_model:
            self.model_note = "model: checking…"
            self.check_model()

    # -- rules and model ---------------------------------------------------------------------

    @work(thread=True, group="rules", name="load_rules")
    def load_rules(self) -> None:
        try:
            abandonable(self.session.rules)
            problem = None
        except Abandoned:
            return
        except Exception as exc:
            problem = exc
        self.app.call_from_thread(self._rules_loaded, problem)

    def _rules_loaded(self, problem: Exception | None) -> None:
        if problem is not None:
            message, hint = _describe(problem)
            self.show_error(f"the rules did not load: {message}", hint)
        self.show_detail()

    @work(thread=True, group="model-check", name="check_model")
    def check_model(self) -> None:
        try:
            name = abandonable(self.session.model).info.label
            note = f"model {name}"
        except Abandoned:
            return
        except Exception as exc:
            name = ""
            note = f"model unreachable ({_describe(exc)[0]}): deterministic review still works"
        self.app.call_from_thread(self._model_checked, name, note)

    def _model_checked(self, name: str, note: str) -> None:
        self.model_name, self.model_note = name, note
        self.update_status()

    # -- regenerate --------------------------------------------------------------------------

    def start_regenerate(
        self, proposal: Proposal, incidents: Sequence[Incident], remark: str
    ) -> None:
        self.regenerating = proposal.id
        self._regenerate_worker = self.regenerate(proposal, incidents, remark)
        self.update_status()

    def cancel_regenerate(self) -> bool:
        """Stop waiting for the model (its answer, when it comes, is dropped)."""
        if self._regenerate_worker is None or self.regenerating is None:
            return False
        self._regenerate_worker.cancel()
        self.notify(f"regeneration of #{self.regenerating} cancelled")
        self._regenerate_worker, self.regenerating = None, None
        self.update_status()
        return True

    @work(thread=True, exclusive=True, group="regenerate", name="regenerate")
    def regenerate(self, proposal: Proposal, incidents: Sequence[Incident], remark: str) -> None:
        try:
            solved = abandonable(lambda: self.session.regenerate(proposal, incidents, remark))
        except Abandoned:
            return
        except Exception as exc:
            self.app.call_from_thread(self._regenerate_failed, proposal.id, exc)
            return
        self.app.call_from_thread(self._regenerated, proposal, solved, remark)

    def _regenerate_failed(self, proposal_id: int, exc: Exception) -> None:
        self.regenerating, self._regenerate_worker = None, None
        message, hint = _describe(exc)
        self.show_error(f"regenerating #{proposal_id} failed: {message}", hint)
        self.update_status()

    def _regenerated(self, original: Proposal, solved: Solved, remark: str) -> None:
        self.regenerating, self._regenerate_worker = None, None
        new_id = self.session.save_regenerated(original, solved, remark)
        if new_id is None:
            self.show_error(f"no valid answer for #{original.id}: {solved.reason}", "try again")
            self.update_status()
            return
        self.rebuild(new_id if self.current == original.id else self.current)
        self.save_position()
        self.notify(f"#{original.id} regenerated as #{new_id}")

    # -- commit ------------------------------------------------------------------------------

    def start_commit(self) -> None:
        self.committing = True
        self.update_status()
        self.commit()

    @work(thread=True, exclusive=True, group="commit", name="commit")
    def commit(self) -> None:
        try:
            result = self.session.commit()
        except Exception as exc:
            self.app.call_from_thread(self._commit_failed, exc)
            return
        self.app.call_from_thread(self._committed, result)

    def _commit_failed(self, exc: Exception) -> None:
        self.committing = False
        message, hint = _describe(exc)
        self.show_error(f"nothing committed: {message}", hint)
        self.update_status()

    def _committed(self, result: ApplyResult) -> None:
        self.committing = False
        self.session.reload()
        self.rebuild(self.current)
        self.app.push_screen(CommitsScreen(result))
