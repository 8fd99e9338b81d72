"""Applying one stored proposal, for agents (`migrator mcp`), with `migrator apply`'s machinery:
the plan, the dirty-file refusal, the atomic writes, the journal and the commit trailers.

A proposal applies only to the exact content it was computed on, only when it passed validation,
and never to a file with uncommitted changes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from migrator.engine.decoding import DecodeError, decode, encode
from migrator.engine.rules import RuleSet
from migrator.errors import UsageError
from migrator.services import apply_model
from migrator.services.apply import Applier
from migrator.services.plan import Plan, plan_fixes
from migrator.store.proposals import Proposal, ProposalStore
from migrator.vcs.repository import Repository


@dataclass(frozen=True)
class Applied:
    proposal: Proposal
    written: tuple[str, ...]
    commit: str | None = None
    subject: str | None = None
    branch: str | None = None


def apply_proposal(
    ruleset: RuleSet,
    root: Path,
    store: ProposalStore,
    proposal: Proposal,
    *,
    repo: Repository | None,
    commit: bool,
) -> Applied:
    """Apply `proposal` (from `applicable`) as `migrator apply` does: refused when the file has
    uncommitted changes; written atomically with the journal; committed with the provenance
    trailers when `commit` (else left in the work tree, and the file then counts as changed)."""
    if commit and repo is None:
        raise UsageError(
            "commit=true needs a git repository",
            hint="call apply_fix with commit=false, or put the tree under git",
        )
    plan = _plan(ruleset, root, proposal)
    checker = Applier(ruleset, root, repo, store=store)
    checker.refuse_or_skip_dirty(plan, allow_dirty=False)  # raises before anything moves
    if commit:
        result = checker.run(plan, commit_per="rule", branch=None, allow_dirty=False)
        first = result.commits[-1] if result.commits else None
        return Applied(
            store.get(proposal.id),
            (proposal.path,) if result.written else (),
            first.sha if first else None,
            first.subject if first else None,
            repo.current_branch() if repo is not None else None,
        )
    if checker.journal.pending():
        raise UsageError(
            "an interrupted `migrator apply` left written fixes to commit",
            hint="call apply_fix with commit=true (it commits them first) or run `migrator apply`",
        )
    # Without git's part: the same writes and journal; the status is set here, for this one.
    result = Applier(ruleset, root, None).run(
        plan, commit_per="rule", branch=None, allow_dirty=False
    )
    store.set_status(proposal.id, "applied", remark="written by migrator mcp, not committed")
    return Applied(store.get(proposal.id), (proposal.path,) if result.written else ())


def applicable(
    store: ProposalStore, root: Path, proposal_id: int, *, confine: Callable[[str], object]
) -> Proposal:
    """The stored proposal `proposal_id`, if it may be applied to the file as it is now.
    `confine` checks the stored path (raising if it leaves the root) before anything reads it."""
    try:
        proposal = store.get(proposal_id)
    except KeyError:
        raise UsageError(
            f"no proposal {proposal_id} in {store.path}", hint="call propose_fix first"
        ) from None
    if proposal.status in ("applied", "rejected"):
        raise UsageError(
            f"proposal {proposal_id} is {proposal.status}", hint="call propose_fix for a new one"
        )
    if not proposal.valid:
        failed = next(
            (
                c.get("detail", "")
                for c in proposal.validation.values()
                if c.get("status") == "failed"
            ),
            "",
        )
        raise UsageError(
            f"proposal {proposal_id} did not pass validation: {failed or 'see its checks'}",
            hint="fix the incident by hand, or ask again with propose_fix mode=model",
        )
    confine(proposal.path)
    try:
        data = (root / proposal.path).read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {proposal.path}: {exc}") from None
    if hashlib.sha256(data).hexdigest() != proposal.base_hash:
        raise UsageError(
            f"{proposal.path} changed since proposal {proposal_id} was made",
            hint="call propose_fix again for the file as it is now",
        )
    return proposal


def _plan(ruleset: RuleSet, root: Path, proposal: Proposal) -> Plan:
    """A plan holding this one proposal and nothing else."""
    if proposal.origin == "model":
        plan = Plan(root, selection={})  # an empty selection: no deterministic fix rides along
        plan.model, skipped = apply_model.load(root, [proposal])
        if skipped:
            raise UsageError(skipped[0][1], hint="call propose_fix again")
        return plan
    plan = plan_fixes(ruleset, root, selection={proposal.path: set(proposal.rules)})
    changes = [c for c in plan.changes if c.path == proposal.path]
    if len(plan.changes) != 1 or not changes or changes[0].after != _expected(root, proposal):
        raise UsageError(
            f"the fix of proposal {proposal.id} comes out differently now",
            hint="call propose_fix again",
        )
    return plan


def _expected(root: Path, proposal: Proposal) -> bytes | None:
    """The file's bytes with the proposal applied, in the file's own encoding."""
    try:
        text, fmt = decode((root / proposal.path).read_bytes(), path=proposal.path)
        source = text.encode("utf-8")
        if source[proposal.start : proposal.end] != proposal.old_text.encode("utf-8"):
            return None
        after = (
            source[: proposal.start] + proposal.new_text.encode("utf-8") + source[proposal.end :]
        )
        return encode(after.decode("utf-8"), fmt)
    except (OSError, DecodeError):
        return None
