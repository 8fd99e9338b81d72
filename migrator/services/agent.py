"""One incident at a time, for agents (`migrator mcp`): find it again and propose a fix for it.

The machinery of `migrator fix` narrowed to one incident: the rule's fixer, the validator and
the model work, and the same proposal store. Applying one proposal is `services/apply_one.py`.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from migrator.engine.decoding import DecodeError, TextFormat, decode, encode
from migrator.engine.fixer import Fixer
from migrator.engine.results import Incident
from migrator.engine.rules import RuleSet
from migrator.engine.scanner import Scanner
from migrator.errors import UsageError
from migrator.services.fix import minimal_edit
from migrator.services.fix_model import ModelSetup, ModelWork, region_jobs
from migrator.services.plan import unified_diff
from migrator.services.validate import Validator, Verify
from migrator.store.proposals import NewProposal, Proposal, ProposalStore

Mode = Literal["auto", "deterministic", "model"]


@dataclass(frozen=True)
class Located:
    """An incident found again in its file as the file is now."""

    incident: Incident
    text: str
    fmt: TextFormat
    data: bytes
    incidents: tuple[Incident, ...]  # every incident of the file

    @property
    def base_hash(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class Outcome:
    """What `propose` stored: a proposal, or why there is none."""

    proposal: Proposal | None
    failure: str = ""
    attempts: int = 0


def locate(ruleset: RuleSet, root: Path, path: str, fingerprint: str) -> Located:
    """Scan `path` (relative to `root`) again and find the incident with `fingerprint`."""
    try:
        data = (root / path).read_bytes()
        text, fmt = decode(data, path=path)
    except (OSError, DecodeError) as exc:
        raise UsageError(f"cannot read {path}: {exc}") from None
    found = Scanner(ruleset).scan_bytes(path, data).incidents
    incident = next((i for i in found if i.fingerprint == fingerprint), None)
    if incident is None:
        raise UsageError(
            f"incident {fingerprint} is no longer in {path}",
            hint="the file changed since the scan: call scan again",
        )
    return Located(incident, text, fmt, data, tuple(found))


def _norm(text: bytes) -> str:
    return "".join(text.decode("utf-8", "replace").split())


def propose(
    ruleset: RuleSet,
    located: Located,
    store: ProposalStore,
    *,
    root: Path,
    mode: Mode = "auto",
    model: Callable[[], ModelSetup | None] = lambda: None,
    verify: Verify | None = None,
    repo_prefix: str = "",
) -> Outcome:
    """Propose, validate and store a fix for `located.incident`: the rule's own fix when it has
    one (for every incident of that rule in the file, as `migrator fix` does), else the model's.
    `model` is called only when the model is needed (it may connect to a server).
    """
    scanner = Scanner(ruleset)
    validator = Validator(scanner, verify)
    incident = located.incident
    reason = ""
    if mode != "model" and incident.fix == "deterministic":
        new, reason = _deterministic(scanner, validator, located, repo_prefix)
        if new is not None:
            fixed = [i for i in located.incidents if i.fingerprint in new.incidents]
            return Outcome(_store(store, root, new, fixed))
    if mode == "deterministic":
        raise UsageError(
            reason or f"rule {incident.rule} has no deterministic fix",
            hint="call propose_fix with mode=auto or mode=model",
        )
    if incident.fix == "none":
        raise UsageError(
            f"rule {incident.rule} is left to a person: no model proposal for it",
            hint="fix it by hand; explain_incident shows the rule's guidance",
        )
    setup = model()
    if setup is None:
        raise UsageError(
            f"no deterministic fix for this incident ({reason or incident.rule}) and the server "
            "runs without a model",
            hint="restart `migrator mcp` without --no-model, or fix it by hand",
        )
    return _model(scanner, validator, ruleset, located, store, root, setup, repo_prefix)


def _deterministic(
    scanner: Scanner, validator: Validator, located: Located, repo_prefix: str
) -> tuple[NewProposal | None, str]:
    """The rule's fix for every incident of the rule in the file, or why it does not apply."""
    path, rule = located.incident.path, located.incident.rule
    result = Fixer(scanner).fix_text(path, located.text, rules={rule})
    unsafe = next((u.reason for u in result.unsafe if u.rule == rule), "")
    if not result.changed:
        return None, f"the fix of {rule} does not apply here: {unsafe or 'nothing changes'}"
    found = scanner.find(path, result.after)
    # What the fix could not fix is still there afterwards: count it by rule and text.
    remaining = Counter(
        _norm(found.source[m.start : m.end]) for m in found.matches if m.rule.id == rule
    )
    source = located.text.encode("utf-8")
    fixed = []
    for other in (i for i in located.incidents if i.rule == rule):
        key = _norm(source[other.start_byte : other.end_byte])
        if remaining[key]:
            remaining[key] -= 1
        else:
            fixed.append(other)
    if located.incident not in fixed:
        return None, f"the fix of {rule} does not apply here: {unsafe or 'it stays'}"
    try:
        after_bytes: bytes | None = encode(result.after, located.fmt)
    except DecodeError:
        after_bytes = None
    validation = validator.check(
        path,
        located.text,
        result.after,
        fixed,
        repo_path=repo_prefix + path,
        after_bytes=after_bytes,
    )
    start, end, old, new = minimal_edit(located.text, result.after)
    proposal = NewProposal(
        path=path,
        start=start,
        end=end,
        old_text=old,
        new_text=new,
        diff=unified_diff(path, located.text, result.after),
        origin="deterministic",
        rules=(rule,),
        incidents=tuple(i.fingerprint for i in fixed),
        base_hash=located.base_hash,
        valid=validation.passed,
        validation=validation.to_json(),
    )
    return proposal, ""


def _model(
    scanner: Scanner,
    validator: Validator,
    ruleset: RuleSet,
    located: Located,
    store: ProposalStore,
    root: Path,
    model: ModelSetup,
    repo_prefix: str,
) -> Outcome:
    """Ask the model for the region around the incident, with the other incidents there that
    no rule fixes (one request fixes them all, as in `migrator fix`)."""
    target = located.incident
    candidates = [
        i
        for i in located.incidents
        if i == target or i.fix == "model"  # deterministic ones get their rule's fix
    ]
    rules = {rule.id: rule for rule in ruleset.rules}
    jobs = region_jobs(
        target.path, located.text, located.fmt, located.base_hash, candidates, scanner, rules
    )
    job = next(j for j in jobs if target in j.incidents)
    solved = ModelWork(model, validator, repo_prefix).solve(job)
    run = store.begin_run(str(root), model=model.info.name, digest=model.info.digest)
    for attempt in solved.attempts:
        store.add_attempt(run, attempt)
    stored = None
    if solved.proposal is not None:
        stored = _store(store, root, solved.proposal, list(job.incidents), run=run)
    else:
        store.finish_run(run, {"proposals": 0, "requests": solved.requests})
    tried = len(solved.attempts) + (stored is not None)
    return Outcome(stored, solved.reason if stored is None else "", tried)


def _store(
    store: ProposalStore,
    root: Path,
    proposal: NewProposal,
    incidents: Sequence[Incident],
    *,
    run: int | None = None,
) -> Proposal:
    if run is None:
        run = store.begin_run(str(root))
    store.record_incidents(run, incidents)
    number = store.add(run, proposal)
    store.finish_run(run, {"proposals": 1, "source": "mcp"})
    return store.get(number)
