"""Scan a tree: walk it, reuse cached results, parse the rest in a process pool.

Tree-sitter's parse holds the GIL, so parallel work needs processes. Each worker builds one
`Scanner` (its combined queries compile once per process) and returns plain values.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from migrator.engine import languages
from migrator.engine.files import Skipped, SourceFile, walk
from migrator.engine.results import FileError, ScanResult
from migrator.engine.rules import RuleSet, load_rules
from migrator.engine.scanner import FileScan, Scanner
from migrator.errors import UsageError
from migrator.konveyor import bridge
from migrator.konveyor.facts import FileEvaluator
from migrator.store import state_dir
from migrator.store.cache import ScanCache

Progress = Callable[[int, int], None]
SERIAL_BELOW = 48  # files; below this a pool costs more than it saves


@dataclass(frozen=True)
class ScanOptions:
    root: Path
    jobs: int | None = None
    use_cache: bool = True
    max_file_size: int = 2_000_000
    ignores: tuple[str, ...] = ()
    only: frozenset[str] | None = None  # scan just these paths (relative to root), if given
    cache_dir: Path | None = None  # default: .migrator/ beside the tree
    # Keep only the packs with a language that occurs in the tree (when no --rules was given).
    present_packs_only: bool = False


_scanner: Scanner | None = None
_konveyor: FileEvaluator | None = None


def _init_worker(ruleset: RuleSet) -> None:
    global _scanner, _konveyor
    _scanner = Scanner(ruleset)
    _konveyor = FileEvaluator(ruleset.konveyor) if ruleset.konveyor else None


Outcome = tuple[str, str, FileScan | None]  # path, content hash, scan (None: cache still valid)


def _scan_one(job: tuple[str, str, str | None]) -> Outcome:
    """Read, hash and (unless the cached hash still holds) scan one file."""
    path, abspath, cached_hash = job
    assert _scanner is not None
    try:
        with open(abspath, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        return path, "", FileScan(path, error=f"cannot read: {exc.strerror or exc}")
    digest = hashlib.blake2b(data, digest_size=16).hexdigest()
    if digest == cached_hash:
        return path, digest, None
    scan = _scanner.scan_bytes(path, data)
    if _konveyor is not None and _konveyor.wants(path):
        scan.facts = _konveyor.scan(path, data)
    return path, digest, scan


def _jobs(requested: int | None, files: int) -> int:
    if requested is not None and requested < 1:
        raise UsageError("-j must be at least 1")
    count = requested or os.cpu_count() or 1
    return 1 if files < SERIAL_BELOW and requested is None else min(count, max(files, 1))


def _run(jobs: int, work: list[tuple[str, str, str | None]], ruleset: RuleSet) -> Iterator[Outcome]:
    if jobs == 1:
        _init_worker(ruleset)
        yield from map(_scan_one, work)
        return
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    chunk = max(1, min(64, len(work) // (jobs * 8)))
    with context.Pool(jobs, initializer=_init_worker, initargs=(ruleset,)) as pool:
        yield from pool.imap_unordered(_scan_one, work, chunksize=chunk)


def _languages_of(items: Iterable[SourceFile | Skipped]) -> set[str]:
    found = {languages.language_for_path(i.path) for i in items if isinstance(i, SourceFile)}
    return {language for language in found if language}


def present_languages(root: Path) -> set[str]:
    """Languages of the files under root (cheap: names only)."""
    return _languages_of(walk(root))


def rules_for_tree(selectors: Sequence[str], root: Path) -> RuleSet:
    """The packs `selectors` name or, without any, every shipped pack whose language occurs
    under `root` (the default of every command)."""
    ruleset = load_rules(selectors)
    return ruleset if selectors else ruleset.restricted_to(present_languages(root))


def scan(ruleset: RuleSet, options: ScanOptions, progress: Progress | None = None) -> ScanResult:
    """Scan `options.root` with `ruleset`; never raises for a bad file, only for bad set-up."""
    root = options.root
    if not root.exists():
        raise UsageError(f"no such file or directory: {root}")
    items = list(walk(root, max_file_size=options.max_file_size, extra_ignores=options.ignores))
    if options.present_packs_only:  # the default packs, chosen from this walk: no second one
        ruleset = ruleset.restricted_to(_languages_of(items))
    scanner = Scanner(ruleset)
    konveyor = FileEvaluator(ruleset.konveyor) if ruleset.konveyor else None
    for language in ruleset.languages() - {"text"}:
        scanner.combined(language)  # a broken query fails here, once, with its rule's location
    result = ScanResult(
        rules={rule.id: rule.meta for rule in ruleset.rules}, root=str(root), scope=options.only
    )
    files: list[SourceFile] = []
    paths: list[str] = []  # every file of the tree, read or not (Konveyor's builtin.file)
    for item in items:
        if options.only is not None and item.path not in options.only:
            continue
        paths.append(item.path)
        if isinstance(item, Skipped):
            result.errors.append(FileError(item.path, item.reason))
        elif scanner.wants(item.path) or (konveyor is not None and konveyor.wants(item.path)):
            files.append(item)
    folder = options.cache_dir or state_dir(root)
    cache = ScanCache(folder / "cache.db", ruleset.digest()) if options.use_cache else None
    work = [(f.path, f.abspath, cache.hash_for(f.path) if cache else None) for f in files]
    fresh: list[tuple[str, FileScan]] = []
    scans: list[FileScan] = []
    outcomes = _run(_jobs(options.jobs, len(work)), work, ruleset)
    for done, (path, digest, outcome) in enumerate(outcomes, start=1):
        if outcome is None:
            assert cache is not None
            outcome = cache.result(path)
        elif digest:
            fresh.append((digest, outcome))
        scans.append(outcome)
        if progress:
            progress(done, len(work))
    if cache is not None:
        cache.store(fresh)
    if ruleset.konveyor:
        _konveyor_phase(result, ruleset, scans, paths, root)
    return _collect(result, scans)


def _konveyor_phase(
    result: ScanResult, ruleset: RuleSet, scans: list[FileScan], paths: list[str], root: Path
) -> None:
    """Konveyor rules over every file's facts: their incidents, metadata and output shape."""
    facts = [(scan.path, scan.facts) for scan in scans if scan.facts]
    outcome, incidents, metas = bridge.evaluate_scan(
        ruleset.konveyor, facts, paths, root, ruleset.label_selector
    )
    result.incidents.extend(incidents)
    result.rules.update(metas)
    result.errors.extend(bridge.unsupported_errors(ruleset.konveyor))
    result.extras["konveyor"] = outcome


def _collect(result: ScanResult, scans: list[FileScan]) -> ScanResult:
    for outcome in scans:
        result.files += 1
        result.incidents.extend(outcome.incidents)
        if outcome.error:
            result.errors.append(FileError(outcome.path, outcome.error))
    result.incidents.sort(key=lambda i: (i.path, i.line, i.column, i.rule))
    result.errors.sort(key=lambda e: e.path)
    return result
