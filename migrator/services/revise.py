"""Review's second opinions on a proposal: the reviewer's own edit, validated like a model
answer, and the model asked again with the reviewer's remark. Both read the file the proposal
was computed on and refuse when it has changed since (`migrator fix` must run again).

These functions do file I/O, validation and model calls: run them on a worker thread.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from migrator.engine.decoding import DecodeError, TextFormat, decode, encode
from migrator.engine.regions import context, region_of
from migrator.engine.results import Incident
from migrator.engine.rules import Rule
from migrator.engine.scanner import Scanner
from migrator.errors import MigratorError
from migrator.model import prompt as prompts
from migrator.services.fix_model import RegionJob, region_jobs
from migrator.services.plan import unified_diff
from migrator.services.validate import Validation, Validator
from migrator.store.proposals import NewProposal, Proposal

_HUNK = re.compile(r"^@@ -(\d+)(?:,\d+)? \+\d+(?:,\d+)? @@")


class StaleProposalError(MigratorError):
    """The file changed since the proposal was computed."""


@dataclass(frozen=True)
class Revision:
    """A validated edit (`proposal`), or why the edit cannot be stored (`reason`)."""

    proposal: NewProposal | None
    validation: Validation | None = None
    reason: str = ""


def read_base(root: Path, proposal: Proposal) -> tuple[str, TextFormat]:
    """The text the proposal was computed on; raises when the file is gone or changed."""
    abspath = root / proposal.path if root.is_dir() else root
    hint = "run `migrator fix` again for fresh proposals"
    try:
        data = abspath.read_bytes()
        text, fmt = decode(data, path=proposal.path)
    except (OSError, DecodeError) as exc:
        raise StaleProposalError(f"cannot read {proposal.path}: {exc}", hint=hint) from exc
    if hashlib.sha256(data).hexdigest() != proposal.base_hash:
        raise StaleProposalError(f"{proposal.path} changed since `migrator fix`", hint=hint)
    return text, fmt


def check_edit(
    root: Path,
    proposal: Proposal,
    incidents: Sequence[Incident],
    new_region: str,
    validator: Validator,
) -> Revision:
    """Validate `new_region` as the replacement of the proposal's region, with the same checks
    as `migrator fix`; a valid edit becomes a new proposal that revises this one."""
    if new_region == proposal.new_text:
        return Revision(None, reason="nothing changed: this is the proposal's own text")
    text, fmt = read_base(root, proposal)
    source = text.encode("utf-8")
    after = (source[: proposal.start] + new_region.encode("utf-8") + source[proposal.end :]).decode(
        "utf-8"
    )
    try:
        after_bytes = encode(after, fmt)
    except DecodeError as exc:
        return Revision(None, reason=f"the result cannot be saved in the file's encoding: {exc}")
    validation = validator.check(proposal.path, text, after, incidents, after_bytes=after_bytes)
    if not validation.passed:
        return Revision(None, validation, validation.failure())
    edited = replace(
        _as_new(proposal),
        new_text=new_region,
        diff=unified_diff(proposal.path, text, after),
        origin="model",  # applied by splicing its text in, as model proposals are
        valid=True,
        validation=validation.to_json(),
        revises=proposal.id,
        revision="edited",
    )
    return Revision(edited, validation)


def job_for(
    root: Path,
    proposal: Proposal,
    incidents: Sequence[Incident],
    scanner: Scanner,
    rules: Mapping[str, Rule],
) -> RegionJob:
    """One model request for the proposal's incidents: their enclosing region, widened to
    cover the whole proposal (a deterministic proposal may span several functions)."""
    if not incidents:
        raise MigratorError(f"the incidents of proposal #{proposal.id} are not in the store")
    missing = sorted({i.rule for i in incidents} - set(rules))
    if missing:
        raise MigratorError(
            f"rule {missing[0]} is not loaded", hint="pass the rules `migrator fix` used (--rules)"
        )
    text, fmt = read_base(root, proposal)
    jobs = region_jobs(proposal.path, text, fmt, proposal.base_hash, incidents, scanner, rules)
    if len(jobs) == 1 and jobs[0].region.contains(proposal.start, proposal.end):
        return jobs[0]
    source = text.encode("utf-8")
    start = min([j.region.start for j in jobs] + [proposal.start])
    end = max([j.region.end for j in jobs] + [proposal.end])
    region = region_of(source, start, end, "merged")
    before, after = context(source, region)
    task = replace(
        jobs[0].task,
        kind="merged",
        start_line=region.start_line,
        end_line=region.end_line,
        text=region.text,
        incidents=tuple(item for job in jobs for item in job.task.incidents),
        examples=tuple(dict.fromkeys(e for job in jobs for e in job.task.examples)),
        before=tuple(before),
        after=tuple(after),
    )
    return RegionJob(proposal.path, text, fmt, proposal.base_hash, region, tuple(incidents), task)


def feedback_for(
    proposal: Proposal, job: RegionJob, remark: str, *, structured: bool
) -> tuple[prompts.Feedback, ...]:
    """The proposal, as the answer it would have been for `job`'s region, and the remark as
    the reason it was turned down."""
    region = job.region
    source = job.text.encode("utf-8")[region.start : region.end]
    start, end = proposal.start - region.start, proposal.end - region.start
    after = (source[:start] + proposal.new_text.encode("utf-8") + source[end:]).decode("utf-8")
    if structured:
        answer = json.dumps({"replacement": after})
    else:
        answer = f"```{job.task.language}\n{after.rstrip()}\n```"
    reason = "the reviewer asks for another version"
    return (prompts.Feedback(answer, f"{reason}: {remark}" if remark.strip() else reason),)


def revising(new: NewProposal, original: Proposal) -> NewProposal:
    """A regenerated proposal, marked as the successor of `original`."""
    return replace(new, revises=original.id, revision="regenerated")


def region_line(proposal: Proposal) -> int:
    """The file line where the proposal's region starts, read off its diff (0 if unknown)."""
    old_lines, new_lines = proposal.old_text.splitlines(), proposal.new_text.splitlines()
    same = 0
    while same < min(len(old_lines), len(new_lines)) and old_lines[same] == new_lines[same]:
        same += 1
    line = 0
    for text in proposal.diff.splitlines():
        hunk = _HUNK.match(text)
        if hunk:
            line = int(hunk.group(1)) or 1
        elif not line:
            continue  # the file header
        elif text.startswith(("-", "+")):
            return max(line - same, 1)
        elif text.startswith(" "):
            line += 1
    return 0


def _as_new(proposal: Proposal) -> NewProposal:
    names = NewProposal.__dataclass_fields__
    return NewProposal(**{name: getattr(proposal, name) for name in names})
