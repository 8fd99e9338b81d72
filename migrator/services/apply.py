"""Apply planned fixes (services/plan.py): write and commit them safely.

Safety, in order: a file with uncommitted changes is never touched; every write is atomic and
keeps the file's encoding, BOM, line endings and mode; each step (a rule, a file, or everything)
is recorded in a journal before its files are written and committed right after, so a run killed
at any point is resumed by the next one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from migrator import __version__
from migrator.engine.fixer import Fixer
from migrator.engine.rules import Rule, RuleSet
from migrator.engine.scanner import Scanner
from migrator.errors import UsageError
from migrator.services import apply_model
from migrator.services.plan import FileChange, Plan, fix_file, plan_fixes
from migrator.services.writes import Journal, remove_stale_temps, write_atomic
from migrator.store import STATE_DIR, state_dir
from migrator.store.proposals import Proposal, ProposalStore
from migrator.vcs.repository import Repository

CommitPer = Literal["rule", "file", "all"]
Notify = Callable[[str], None]


@dataclass
class Commit:
    sha: str
    subject: str
    files: list[str]


@dataclass
class ApplyResult:
    plan: Plan
    branch: str | None = None
    commits: list[Commit] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    resumed: list[str] = field(default_factory=list)


class Applier:
    """Writes and commits a plan. One instance per run."""

    def __init__(
        self,
        ruleset: RuleSet,
        root: Path,
        repo: Repository | None,
        notify: Notify | None = None,
        store: ProposalStore | None = None,
    ) -> None:
        self.ruleset = ruleset
        self.root = root
        self.repo = repo
        self.notify = notify or (lambda message: None)
        self.store = store  # proposals are marked applied there
        self.journal = Journal(state_dir(root))
        self.fixer = Fixer(Scanner(RuleSet([r for r in ruleset.rules if r.spec.fix], [])))

    def label(self, change: FileChange) -> str:
        return self.repo.relative(change.abspath) if self.repo else change.path

    def _label_path(self, abspath: Path) -> str:
        return self.repo.relative(abspath) if self.repo else abspath.name

    # -- dirty files ---------------------------------------------------------------------------

    def ours(self) -> dict[str, str]:
        """Files a killed earlier run wrote and did not commit: repo path -> expected digest."""
        pending: dict[str, str] = {}
        for files in self.journal.pending().values():
            pending.update(files)
        return pending

    def dirty(self) -> set[str]:
        """Repository paths with uncommitted changes that are the user's, not ours."""
        if self.repo is None:
            return set()
        ours = self.ours()
        dirty = set()
        for path in self.repo.dirty_paths():
            target = self.repo.root / path
            expected = ours.get(path)
            if expected and target.is_file() and Journal.digest(target.read_bytes()) == expected:
                continue
            dirty.add(path)
        return dirty

    def refuse_or_skip_dirty(self, plan: Plan, *, allow_dirty: bool) -> None:
        dirty = self.dirty()
        stale = [f for f in plan.model if self._label_path(f.abspath) in dirty]
        for model_file in stale:
            plan.model.remove(model_file)
            plan.skipped.append((model_file.path, "model proposals: uncommitted changes"))
        if stale and not allow_dirty:
            raise UsageError(
                f"{len(stale)} file(s) with model proposals have uncommitted changes: "
                + ", ".join(self._label_path(f.abspath) for f in stale[:5]),
                hint="commit or stash them first, or pass --allow-dirty to leave them untouched",
            )
        touched = [c for c in plan.changes if self.label(c) in dirty]
        if not touched:
            return
        if not allow_dirty:
            names = ", ".join(self.label(c) for c in touched[:5])
            more = f" and {len(touched) - 5} more" if len(touched) > 5 else ""
            raise UsageError(
                f"{len(touched)} file(s) to fix have uncommitted changes: {names}{more}",
                hint="commit or stash them first, or pass --allow-dirty to leave them untouched",
            )
        for change in touched:
            plan.changes.remove(change)
            plan.skipped.append((change.path, "has uncommitted changes (left untouched)"))

    # -- applying ------------------------------------------------------------------------------

    def resume(self, result: ApplyResult) -> None:
        """Commit what a killed earlier run had written but not committed."""
        if self.repo is None:
            self.journal.clear()
            return
        for step, files in self.journal.pending().items():
            for path in files:
                remove_stale_temps(self.repo.root / path)
            present = [
                p
                for p, digest in files.items()
                if (self.repo.root / p).is_file()
                and Journal.digest((self.repo.root / p).read_bytes()) == digest
            ]
            dirty = self.repo.dirty_paths()  # once per step: a commit below changes it
            changed = [p for p in present if p in dirty]
            if changed:
                sha = self.repo.commit(changed, _resume_message(step), self._resume_trailers(step))
                result.commits.append(Commit(sha, f"resume {step}", changed))
                result.resumed.extend(changed)
            self.journal.done(step)

    def run(
        self, plan: Plan, *, commit_per: CommitPer, branch: str | None, allow_dirty: bool
    ) -> ApplyResult:
        result = ApplyResult(plan)
        self.refuse_or_skip_dirty(plan, allow_dirty=allow_dirty)  # before anything moves
        if self.repo is not None:
            self.repo.add_exclude(f"/{STATE_DIR}/")
            if branch:
                created = self.repo.switch_branch(branch)
                result.branch = branch
                self.notify(f"{'created' if created else 'on'} branch {branch}")
        self.resume(result)
        if result.resumed:  # the tree moved on: plan again from what is on disk
            plan = plan_fixes(self.ruleset, self.root, selection=plan.selection)
            result.plan = plan
            self.refuse_or_skip_dirty(plan, allow_dirty=allow_dirty)
        if plan.model:
            # Model proposals first: they apply to the content `fix` saw. The deterministic
            # fixes are then computed again on top of them.
            self._model_steps(plan, result, commit_per)
            replanned = plan_fixes(self.ruleset, self.root, selection=plan.selection)
            replanned.skipped = plan.skipped + replanned.skipped
            plan = result.plan = replanned
        if commit_per == "rule":
            self._per_rule(plan, result)
        else:
            groups = [[c] for c in plan.changes] if commit_per == "file" else [plan.changes]
            for group in groups:
                if group:
                    self._step(group, result)
        self.journal.clear()
        return result

    def _per_rule(self, plan: Plan, result: ApplyResult) -> None:
        """One commit per rule: re-fix each candidate file with that rule alone, in order."""
        candidates = {c.path: c for c in plan.changes}
        order = [r.id for r in self.ruleset.rules if r.id in plan.rules()]
        for rule_id in order:
            group = []
            for path, original in candidates.items():
                if plan.selection is not None and rule_id not in plan.selection.get(path, ()):
                    continue
                change, _, problem = fix_file(self.fixer, self.root, path, {rule_id})
                if change and not problem:
                    change.abspath = original.abspath
                    group.append(change)
            if group:
                self._step(group, result, rule_id)

    def _model_steps(self, plan: Plan, result: ApplyResult, commit_per: CommitPer) -> None:
        files = {f.path: f for f in plan.model}
        for proposals in apply_model.groups(plan.model, commit_per):
            changes = []
            for path in dict.fromkeys(p.path for p in proposals):
                model_file = files[path]
                mine = [p for p in proposals if p.path == path]
                before, after = model_file.apply(mine)
                applied: dict[str, int] = {}
                for proposal in mine:
                    for rule in proposal.rules:
                        applied[rule] = applied.get(rule, 0) + 1
                changes.append(
                    FileChange(path, model_file.abspath, before, after, model_file.fmt, applied)
                )
            self._step(changes, result, proposals=proposals)

    def _mark_applied(
        self, group: list[FileChange], rules: list[str], proposals: list[Proposal], sha: str
    ) -> None:
        if self.store is None:
            return
        remark = f"commit {sha}" if sha else "written (no git)"
        if not proposals:  # deterministic: the stored proposals of these files and rules
            proposals = [
                p
                for c in group
                for p in self.store.proposals(
                    path=c.path, origin="deterministic", status=("proposed", "accepted")
                )
                if set(p.rules) & set(rules)
            ]
        for proposal in proposals:
            self.store.set_status(proposal.id, "applied", remark=remark)

    def _resume_trailers(self, step: str) -> dict[str, str]:
        if not step.startswith("model:") or self.store is None:
            return _trailers(step.removeprefix("model:").split(","))
        proposals = []
        for number in step.removeprefix("model:").split(","):
            try:
                proposals.append(self.store.get(int(number)))
            except (KeyError, ValueError):
                continue
        rules = sorted({r for p in proposals for r in p.rules}) or ["unknown"]
        return {**_trailers(rules), **(apply_model.trailers(proposals) if proposals else {})}

    def _step(
        self,
        group: list[FileChange],
        result: ApplyResult,
        rule_id: str | None = None,
        *,
        proposals: list[Proposal] | None = None,
    ) -> None:
        rules = [rule_id] if rule_id else sorted({r for c in group for r in c.applied})
        step = ",".join(rules)
        if proposals:  # resume finds their provenance in the store by id
            step = "model:" + ",".join(str(p.id) for p in proposals)
        labels = [self.label(c) for c in group]
        self.journal.record(
            step, {label: Journal.digest(c.after) for label, c in zip(labels, group, strict=True)}
        )
        for change, label in zip(group, labels, strict=True):
            write_atomic(change.abspath, change.after)
            result.written.append(label)
        sha = ""
        if self.repo is not None:
            if proposals:
                subject, body = apply_model.message(rules, proposals)
                trailers = {**_trailers(rules), **apply_model.trailers(proposals)}
            else:
                subject, body = _message(rules, group, self.rule_index())
                trailers = _trailers(rules)
            sha = self.repo.commit(labels, f"{subject}\n\n{body}", trailers)
            result.commits.append(Commit(sha, subject, labels))
            self.notify(f"committed {sha[:10]} {subject}")
        self.journal.done(step)
        self._mark_applied(group, rules, proposals or [], sha)

    def rule_index(self) -> dict[str, Rule]:
        return {r.id: r for r in self.ruleset.rules}


def _trailers(rules: Iterable[str]) -> dict[str, str]:
    return {"Migrator-Rule": ", ".join(rules), "Migrator-Tool": f"migrator {__version__}"}


def _resume_message(step: str) -> str:
    return (
        f"migrator: finish interrupted fixes ({step})\n\n"
        "An earlier `migrator apply` wrote these files and stopped before committing them.\n"
    )


def _message(rules: list[str], group: list[FileChange], index: dict[str, Rule]) -> tuple[str, str]:
    count = sum(c.applied.get(r, 0) for c in group for r in rules) or sum(
        sum(c.applied.values()) for c in group
    )
    files = f"{len(group)} file{'s' if len(group) != 1 else ''}"
    if len(rules) == 1:
        rule = index.get(rules[0])
        what = rule.spec.description or rule.spec.message if rule else rules[0]
        subject = f"fix({rules[0]}): {count} incident{'s' if count != 1 else ''} in {files}"
        body = f"{what}\n\nApplied the rule's deterministic fix; see `migrator rules list`.\n"
    else:
        subject = f"fix: {count} migration incidents in {files}"
        body = "Rules applied:\n" + "".join(f"- {r}\n" for r in rules)
    return subject, body
