"""`migrator fix`: a validated proposal for every open incident, stored for review. No source
file is changed.

Deterministic proposals come from the rules' fixes (one per file and rule). The other incidents,
and those whose fix was refused as unsafe, go to the model: grouped by enclosing region (one
request fixes all incidents of a region), `jobs` requests in flight on threads (a request is
mostly waiting on the server, which releases the GIL), each answer parsed, validated and, on
failure, asked again with the reason, up to `attempts` times. Every failed answer is kept.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from migrator.engine.decoding import DecodeError, TextFormat, decode, encode
from migrator.engine.fixer import Fixer
from migrator.engine.results import FileError, Incident
from migrator.engine.rules import Rule, RuleSet
from migrator.engine.scanner import Scanner
from migrator.services.fix_model import ModelSetup, ModelWork, RegionJob, Solved, region_jobs
from migrator.services.plan import unified_diff
from migrator.services.scan import ScanOptions, scan
from migrator.services.validate import Validator, Verify
from migrator.store.proposals import NewProposal, ProposalStore

Progress = Callable[[str, int, int], None]  # phase ("scan", "rules", "model"), done, total


@dataclass(frozen=True)
class FixOptions:
    root: Path
    scan_jobs: int | None = None
    use_scan_cache: bool = True
    verify: Verify | None = None
    repo_prefix: str = ""  # the root's path inside its repository ("sub/"), for --verify


@dataclass
class RuleTally:
    incidents: int = 0
    proposed: int = 0  # incidents covered by a stored proposal
    validated: int = 0  # ... by one that passed every check
    failed: int = 0  # incidents left without a valid proposal after trying
    skipped: int = 0  # incidents nobody tried (--no-model, unreadable file)


@dataclass
class FixSummary:
    run: int
    by_rule: dict[str, RuleTally] = field(default_factory=dict)
    proposals: int = 0
    requests: int = 0  # model calls made
    cache_hits: int = 0
    errors: list[FileError] = field(default_factory=list)
    failures: list[tuple[Incident, str]] = field(default_factory=list)

    def tally(self, rule: str) -> RuleTally:
        return self.by_rule.setdefault(rule, RuleTally())


@dataclass
class _File:
    path: str
    data: bytes
    text: str
    fmt: TextFormat
    incidents: list[Incident]

    @property
    def base_hash(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def _read(root: Path, path: str, incidents: list[Incident]) -> _File | str:
    abspath = root / path if root.is_dir() else root
    try:
        data = abspath.read_bytes()
        text, fmt = decode(data, path=path)
    except (OSError, DecodeError) as exc:
        return str(exc)
    return _File(path, data, text, fmt, incidents)


def minimal_edit(before: str, after: str) -> tuple[int, int, str, str]:
    """The smallest whole-line byte range of `before` that `after` changes, and both texts of
    it: (start, end, old text, new text)."""
    old, new = before.encode("utf-8"), after.encode("utf-8")
    prefix = 0
    limit = min(len(old), len(new))
    while prefix < limit and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    start = old.rfind(b"\n", 0, prefix) + 1
    end_old = len(old) - suffix
    newline = old.find(b"\n", end_old)
    end = len(old) if newline < 0 else newline + 1
    tail = len(old) - end  # bytes after the range, the same in both texts
    return start, end, old[start:end].decode("utf-8"), new[start : len(new) - tail].decode("utf-8")


class FixRun:
    """One `fix` run: computes, validates and stores proposals."""

    def __init__(
        self,
        ruleset: RuleSet,
        options: FixOptions,
        store: ProposalStore,
        *,
        model: ModelSetup | None = None,
        progress: Progress | None = None,
    ) -> None:
        self.ruleset = ruleset
        self.options = options
        self.store = store
        self.model = model
        self.progress = progress or (lambda phase, done, total: None)
        self.scanner = Scanner(ruleset)
        self.fixer = Fixer(self.scanner)
        self.validator = Validator(self.scanner, options.verify)
        self.rules: dict[str, Rule] = {r.id: r for r in ruleset.rules}

    def run(self) -> FixSummary:
        root = self.options.root
        found = scan(
            self.ruleset,
            ScanOptions(root, jobs=self.options.scan_jobs, use_cache=self.options.use_scan_cache),
            progress=lambda done, total: self.progress("scan", done, total),
        )
        info = self.model.info if self.model else None
        run = self.store.begin_run(
            str(root), model=info.name if info else "", digest=info.digest if info else ""
        )
        summary = FixSummary(run, errors=list(found.errors))
        self.store.record_incidents(run, found.incidents)
        by_path: dict[str, list[Incident]] = {}
        for incident in found.incidents:
            by_path.setdefault(incident.path, []).append(incident)
            summary.tally(incident.rule).incidents += 1
        for language in self.ruleset.languages() - {"text"}:
            self.scanner.combined(language)  # compiled once, before threads share it
        jobs: list[RegionJob] = []
        for done, (path, incidents) in enumerate(sorted(by_path.items()), start=1):
            jobs += self._file(run, root, path, incidents, summary)
            self.progress("rules", done, len(by_path))
        self._model_phase(run, jobs, summary)
        self.store.prune(run, by_path)
        self.store.finish_run(run, _summary_json(summary))
        return summary

    # -- deterministic -------------------------------------------------------------------------

    def _file(
        self, run: int, root: Path, path: str, incidents: list[Incident], summary: FixSummary
    ) -> list[RegionJob]:
        file = _read(root, path, incidents)
        if isinstance(file, str):
            summary.errors.append(FileError(path, file))
            for incident in incidents:
                summary.tally(incident.rule).skipped += 1
            return []
        left = self._deterministic(run, file, summary)
        for incident in left:
            if self.model is None or incident.fix == "none":  # no model, or a person decides
                summary.tally(incident.rule).skipped += 1
        left = [i for i in left if i.fix != "none"]
        if not left or self.model is None:
            return []
        return region_jobs(
            file.path, file.text, file.fmt, file.base_hash, left, self.scanner, self.rules
        )

    def _deterministic(self, run: int, file: _File, summary: FixSummary) -> list[Incident]:
        """Store one proposal per fixable rule; return the incidents left for the model."""
        full = self.fixer.fix_text(file.path, file.text)
        found = self.scanner.find(file.path, full.after)
        # What the fixer could not fix is still there afterwards: count it by rule and text.
        remaining = Counter(
            (m.rule.id, _norm(found.source[m.start : m.end])) for m in found.matches
        )
        source = file.text.encode("utf-8")
        left: list[Incident] = []
        fixed: dict[str, list[Incident]] = {}
        for incident in file.incidents:
            key = (incident.rule, _norm(source[incident.start_byte : incident.end_byte]))
            if incident.fix == "deterministic" and remaining[key] == 0:
                fixed.setdefault(incident.rule, []).append(incident)
            else:
                remaining[key] = max(remaining[key] - 1, 0)
                left.append(incident)
        for rule_id, targets in fixed.items():
            result = self.fixer.fix_text(file.path, file.text, rules={rule_id})
            if result.changed:
                self._store_deterministic(run, file, rule_id, result.after, targets, summary)
            else:
                left += targets
        return left

    def _store_deterministic(
        self,
        run: int,
        file: _File,
        rule_id: str,
        after: str,
        targets: list[Incident],
        summary: FixSummary,
    ) -> None:
        start, end, old, new = minimal_edit(file.text, after)
        validation = self.validator.check(
            file.path,
            file.text,
            after,
            targets,
            repo_path=self.options.repo_prefix + file.path,
            after_bytes=self._encoded(file, after),
        )
        self.store.add(
            run,
            NewProposal(
                path=file.path,
                start=start,
                end=end,
                old_text=old,
                new_text=new,
                diff=unified_diff(file.path, file.text, after),
                origin="deterministic",
                rules=(rule_id,),
                incidents=tuple(i.fingerprint for i in targets),
                base_hash=file.base_hash,
                valid=validation.passed,
                validation=validation.to_json(),
            ),
        )
        summary.proposals += 1
        tally = summary.tally(rule_id)
        tally.proposed += len(targets)
        if validation.passed:
            tally.validated += len(targets)
        else:
            tally.failed += len(targets)
            summary.failures += [(i, validation.failure()) for i in targets]

    @staticmethod
    def _encoded(file: _File, after: str) -> bytes | None:
        try:
            return encode(after, file.fmt)
        except DecodeError:
            return None

    # -- model ---------------------------------------------------------------------------------

    def _model_phase(self, run: int, jobs: list[RegionJob], summary: FixSummary) -> None:
        if not jobs or self.model is None:
            return
        work = ModelWork(self.model, self.validator, self.options.repo_prefix)
        pool = ThreadPoolExecutor(max_workers=self.model.config.jobs, thread_name_prefix="model")
        futures = [pool.submit(work.solve, job) for job in jobs]
        try:
            for done, future in enumerate(as_completed(futures), start=1):
                self._store_solved(run, future.result(), summary)
                self.progress("model", done, len(jobs))
        finally:
            # On an error or Ctrl-C nothing new starts; requests in flight end by their timeout.
            pool.shutdown(wait=True, cancel_futures=True)

    def _store_solved(self, run: int, solved: Solved, summary: FixSummary) -> None:
        summary.requests += solved.requests
        summary.cache_hits += solved.cache_hits
        for attempt in solved.attempts:
            self.store.add_attempt(run, attempt)
        incidents = solved.job.incidents
        if solved.proposal is not None:
            self.store.add(run, solved.proposal)
            summary.proposals += 1
        for incident in incidents:
            tally = summary.tally(incident.rule)
            if solved.proposal is not None:
                tally.proposed += 1
                tally.validated += 1
            else:
                tally.failed += 1
                summary.failures.append((incident, solved.reason))


def _norm(text: bytes) -> str:
    return "".join(text.decode("utf-8", "replace").split())


def _summary_json(summary: FixSummary) -> dict[str, object]:
    return {
        "proposals": summary.proposals,
        "requests": summary.requests,
        "cache_hits": summary.cache_hits,
        "by_rule": {rule: vars(tally) for rule, tally in sorted(summary.by_rule.items())},
    }
