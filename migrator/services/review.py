"""The review's state and commands, shared by `migrator review` (the TUI) and its tests: which
proposals are in view, decisions (accept, reject, accept every deterministic one, undo), where
the reviewer was, what a proposal says, and the slow steps (edit, regenerate, commit).

`ReviewSession` is used from one thread (the UI's) and touches only the store there. The slow
steps are split in two: a part that reads files, asks the model or commits, written to run on a
worker thread (`check_edit`, `regenerate`, `commit`), and a quick part that stores its outcome
back on the session's thread (`save_edit`, `save_regenerated`, `reload`).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from migrator.engine.results import Incident
from migrator.engine.rules import Rule, RuleSet
from migrator.engine.scanner import Scanner
from migrator.errors import MigratorError
from migrator.services import apply_model, revise
from migrator.services.apply import Applier, ApplyResult, Notify
from migrator.services.fix_model import ModelSetup, ModelWork, Solved
from migrator.services.plan import Plan, plan_fixes
from migrator.services.review_view import ReviewFilter, sort_key
from migrator.services.validate import Validator
from migrator.store.proposals import Decision, Proposal, ProposalStore, Status
from migrator.store.review import ProposalSummary, read_state, summaries, summary, write_state
from migrator.vcs.repository import Repository

RulesLoader = Callable[[], RuleSet]
ModelConnector = Callable[[], ModelSetup]  # raises a MigratorError when there is no model
BranchChoice = Callable[[RuleSet, Plan], "str | None"]
POSITION_KEY = "position"


class ReviewError(MigratorError):
    """A review command that cannot be done (applied proposal, no model, stale file…)."""


@dataclass(frozen=True)
class ProposalDetail:
    """Everything the detail pane shows about one proposal."""

    proposal: Proposal
    incidents: tuple[Incident, ...]
    rules: tuple[Rule, ...]  # empty while the rules are still loading
    history: tuple[Decision, ...]
    region_line: int  # the first line of the proposal's region in the file


class ReviewSession:
    """One reviewer's session over a store. See the module docstring for threads."""

    def __init__(
        self,
        root: Path,
        store: ProposalStore,
        *,
        rules: RulesLoader,
        model: ModelConnector | None = None,
        branch: BranchChoice | None = None,
    ) -> None:
        self.root = root
        self.store = store
        self._rules_loader = rules
        self._connector = model
        self.branch = branch or (lambda ruleset, plan: None)
        self._rows: dict[int, ProposalSummary] = {}
        self._ruleset: RuleSet | None = None
        self._validator: Validator | None = None
        self._model: ModelSetup | None = None
        self._rules_lock = threading.Lock()  # the rules load once
        self._model_lock = threading.Lock()  # the model is connected once
        self._run = 0

    # -- proposals in view ---------------------------------------------------------------------

    def reload(self) -> None:
        """Read every proposal's summary from the store."""
        self._rows = {row.id: row for row in summaries(self.store)}

    def refresh(self, ids: Iterable[int]) -> None:
        """Re-read the summaries of `ids` (after a decision or a new proposal)."""
        for proposal_id in ids:
            row = summary(self.store, proposal_id)
            if row is None:
                self._rows.pop(proposal_id, None)
            else:
                self._rows[proposal_id] = row

    def row(self, proposal_id: int) -> ProposalSummary | None:
        return self._rows.get(proposal_id)

    @property
    def total(self) -> int:
        return len(self._rows)

    def view(self, wanted: ReviewFilter) -> list[ProposalSummary]:
        """The proposals `wanted` lets through, grouped by rule, then file, then line."""
        return sorted((r for r in self._rows.values() if wanted.matches(r)), key=sort_key)

    def counts(self) -> Counter[str]:
        """Proposals by status, over the whole store."""
        return Counter(row.status for row in self._rows.values())

    def rule_ids(self) -> list[str]:
        return sorted({rule for row in self._rows.values() for rule in row.rules})

    # -- decisions -----------------------------------------------------------------------------

    def accept(self, proposal_id: int) -> list[Decision]:
        return self._decide([proposal_id], "accepted")

    def reject(self, proposal_id: int) -> list[Decision]:
        return self._decide([proposal_id], "rejected")

    def accept_deterministic(self, rows: Sequence[ProposalSummary]) -> tuple[list[Decision], int]:
        """Accept every deterministic, validated, undecided proposal of `rows` as one decision
        (one undo reverts it). Also returns how many were left out for failing validation."""
        wanted = [r for r in rows if r.origin == "deterministic" and r.status == "proposed"]
        valid = [r.id for r in wanted if r.valid]
        if not valid:
            return [], len(wanted)
        decisions = self.store.decide(
            [(proposal_id, "accepted") for proposal_id in valid], remark="accepted in bulk"
        )
        self.refresh(valid)
        return decisions, len(wanted) - len(valid)

    def _decide(self, ids: Sequence[int], status: Status, remark: str = "") -> list[Decision]:
        for proposal_id in ids:
            row = self._rows.get(proposal_id)
            if row is not None and row.status == "applied":
                raise ReviewError(
                    f"proposal #{proposal_id} is already applied (committed)",
                    hint="undo it with git (git revert)",
                )
        decisions = self.store.decide([(i, status) for i in ids], remark=remark)
        self.refresh(ids)
        return decisions

    def undo(self) -> list[Decision]:
        """Revert the last decision (all of a bulk one); [] when there is nothing to undo."""
        decisions = self.store.undo_last()
        self.refresh(d.proposal for d in decisions)
        return decisions

    # -- where the reviewer was ----------------------------------------------------------------

    def position(self) -> tuple[int | None, ReviewFilter]:
        """The proposal under the cursor and the filter when the session was last saved."""
        saved = read_state(self.store, POSITION_KEY)
        return ReviewFilter.position_from_json(saved)

    def save_position(self, proposal_id: int | None, wanted: ReviewFilter) -> None:
        write_state(self.store, POSITION_KEY, wanted.position_to_json(proposal_id))

    # -- one proposal --------------------------------------------------------------------------

    def detail(self, proposal_id: int) -> ProposalDetail:
        proposal = self.store.get(proposal_id)
        incidents = tuple(sorted(self.store.incidents(proposal.incidents), key=lambda i: i.line))
        rules = self._ruleset
        index = {r.id: r for r in rules.rules} if rules is not None else {}
        first = min((i.line for i in incidents), default=1)
        return ProposalDetail(
            proposal=proposal,
            incidents=incidents,
            rules=tuple(index[r] for r in proposal.rules if r in index),
            history=tuple(self.store.history(proposal_id)),
            region_line=revise.region_line(proposal) or first,
        )

    # -- rules and model (worker threads) ------------------------------------------------------

    @property
    def rules_loaded(self) -> bool:
        return self._ruleset is not None

    def rules(self) -> RuleSet:
        """The rules, loaded on first use (slow: call from a worker thread)."""
        with self._rules_lock:
            if self._ruleset is None:
                self._ruleset = self._rules_loader()
            return self._ruleset

    def validator(self) -> Validator:
        """The validator of `fix`, over the same rules (worker thread)."""
        ruleset = self.rules()
        with self._rules_lock:
            if self._validator is None:
                scanner = Scanner(ruleset)
                for language in ruleset.languages() - {"text"}:
                    scanner.combined(language)  # compiled once, before threads share it
                self._validator = Validator(scanner)
            return self._validator

    @property
    def has_model(self) -> bool:
        """Whether a model is configured at all (`--no-model` says not)."""
        return self._connector is not None

    def model(self) -> ModelSetup:
        """The checked model, connected on first use (worker thread); raises when unreachable."""
        if self._connector is None:
            raise ReviewError(
                "no model configured: this review has deterministic proposals only",
                hint="start `migrator review` without --no-model to regenerate with a model",
            )
        with self._model_lock:
            if self._model is None:
                self._model = self._connector()
            return self._model

    def close(self) -> None:
        if self._model is not None:
            self._model.provider.close()
            if self._model.cache is not None:
                self._model.cache.close()
            self._model = None

    # -- edit and regenerate -------------------------------------------------------------------

    def check_edit(
        self, proposal: Proposal, incidents: Sequence[Incident], text: str
    ) -> revise.Revision:
        """Validate `text` as the proposal's new region (worker thread)."""
        return revise.check_edit(self.root, proposal, incidents, text, self.validator())

    def regenerate(self, proposal: Proposal, incidents: Sequence[Incident], remark: str) -> Solved:
        """Ask the model again for `proposal`'s incidents, with `remark` (worker thread)."""
        setup = self.model()
        ruleset = self.rules()
        work = ModelWork(setup, self.validator())
        index = {r.id: r for r in ruleset.rules}
        job = revise.job_for(self.root, proposal, incidents, work.validator.scanner, index)
        feedback = revise.feedback_for(proposal, job, remark, structured=setup.config.structured)
        return work.solve(job, feedback)

    def save_edit(self, original: Proposal, revision: revise.Revision) -> int:
        """Store a validated edit as a new accepted proposal that replaces `original`."""
        assert revision.proposal is not None
        new_id = self.store.add(self._review_run(), revision.proposal)
        self.store.decide(
            [(original.id, "rejected"), (new_id, "accepted")],
            remark=f"edited in review: #{original.id} -> #{new_id}",
        )
        self.refresh([original.id, new_id])
        return new_id

    def save_regenerated(self, original: Proposal, solved: Solved, remark: str) -> int | None:
        """Store the model's new proposal (and its failed attempts); the original is turned
        down when there is a new one. Returns the new proposal's id (None: no valid answer)."""
        run = self._review_run()
        for attempt in solved.attempts:
            self.store.add_attempt(run, attempt)
        if solved.proposal is None:
            return None
        new_id = self.store.add(run, revise.revising(solved.proposal, original))
        self.store.decide([(original.id, "rejected")], remark=f"regenerated as #{new_id}: {remark}")
        self.refresh([original.id, new_id])
        return new_id

    def _review_run(self) -> int:
        if not self._run:
            info = self._model.info if self._model is not None else None
            self._run = self.store.begin_run(
                str(self.root), model=info.name if info else "", digest=info.digest if info else ""
            )
        return self._run

    # -- commit (worker thread) ----------------------------------------------------------------

    def commit(self, notify: Notify | None = None) -> ApplyResult:
        """Apply and commit the accepted proposals as `migrator apply --accepted --yes` does:
        the same plan, dirty-file refusal, atomic writes, journal, messages and trailers. Runs
        on a worker thread with its own store connection; `reload()` afterwards."""
        ruleset = self.rules()
        repo = Repository.discover(self.root)
        if repo is None:
            raise ReviewError(
                f"{self.root} is not in a git repository: review commits what it applies",
                hint="put the tree under git, or use `migrator apply --accepted --yes`",
            )
        try:
            with ProposalStore(self.store.path) as store:
                model, selection = apply_model.select(store, accepted=True, include_model=False)
                if not model and not selection:
                    raise ReviewError("nothing accepted to commit", hint="accept proposals first")
                # One process: forking a scan pool from a UI worker thread is asking for trouble.
                plan = plan_fixes(ruleset, self.root, jobs=1, selection=selection)
                plan.model, skipped = apply_model.load(self.root, model)
                plan.skipped += skipped
                applier = Applier(ruleset, self.root, repo, notify, store)
                branch = self.branch(ruleset, plan)
                return applier.run(plan, commit_per="rule", branch=branch, allow_dirty=False)
        finally:
            repo.close()
