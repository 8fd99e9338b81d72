"""How fast `migrator scan` is, against the cost of parsing alone and against ast-grep.

On one corpus (default: the running Python's standard library, without its `site-packages`) this
prints the number of files, lines and bytes the scan reads, then the wall time of

  (a) parse only: read, decode and parse every file with the same grammar, in a process pool of
      the same shape as the scan's (fork, same process count, `imap_unordered`, same chunk size),
      no queries: the floor any Tree-sitter scanner pays;
  (b) scan, cold: `migrator.services.scan.scan` with an empty result cache (it fills it);
  (c) scan, warm: the same scan again, every file unchanged, served from the cache;
  (d) ast-grep, when installed: `ast-grep scan` with the same rules (benchmarks/rules/astgrep)
      and as many threads as the scan has processes,

each as a ratio to (a), with incident counts (a reader can check that (b), (c) and (d) agree)
and the peak resident memory of the phase: of its main process, and of its largest worker.
Then it checks the targets: cold <= 1.3x parse only, warm <= 10% of cold, and peak RSS <= 300 MB
when the corpus has 3M+ lines (`--multiply 5` makes one from 5 copies of the stdlib's files).

Each phase runs in a fresh child process (this script with `--phase`), so that one phase's
memory or warm caches cannot help another, and so that `getrusage` sees only that phase. Times
are measured inside the child around the work itself: walk, pool, scan, collecting results. They
leave out interpreter start-up, imports and rule loading, which the "process" column includes.
The "cpu s" column is the CPU time of the same work over all its processes: when other programs
share the cores, wall times swing by tens of percent and its ratios are the steadier ones.
Every file is read once beforehand, so all phases find it in the OS page cache.

Run from the repository root:

    python benchmarks/scan_speed.py                  # the stdlib, -j os.cpu_count()
    python benchmarks/scan_speed.py --multiply 5     # 5 copies of it: the 3M+ line memory check
    python benchmarks/scan_speed.py ~/src/project -j 2 --repeat 3
    python benchmarks/scan_speed.py --profile        # cProfile of one serial cold scan
"""

from __future__ import annotations

import argparse
import cProfile
import json
import multiprocessing
import os
import pstats
import re
import resource
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tree_sitter import Parser

    from migrator.engine.files import SourceFile
    from migrator.engine.rules import RuleSet

HERE = Path(__file__).resolve().parent
DEFAULT_RULES = HERE / "rules" / "bench"
ASTGREP_CONFIG = HERE / "rules" / "astgrep" / "sgconfig.yml"
STDLIB_EXCLUDES = ("site-packages/",)  # third-party packages installed beside the stdlib

COLD_TARGET = 1.3  # cold scan / parse only
WARM_TARGET = 0.10  # warm scan / cold scan
RSS_TARGET_MB = 300.0
RSS_TARGET_LINES = 3_000_000
BUSY = 0.8  # a pool phase using less of its cores than this shared them with other programs

PHASES = ("parse", "cold", "warm", "ast-grep")
LABELS = {
    "parse": "(a) parse only",
    "cold": "(b) scan, cold",
    "warm": "(c) scan, warm",
    "ast-grep": "(d) ast-grep",
}


# -- the corpus ----------------------------------------------------------------------------------


@dataclass
class Corpus:
    root: Path
    excludes: tuple[str, ...]  # gitignore syntax, relative to root
    files: int = 0
    lines: int = 0
    size: int = 0
    not_utf8: int = 0  # files ast-grep cannot read (it knows no other encoding)


def scanned_files(ruleset: RuleSet, root: Path, excludes: Sequence[str]) -> list[SourceFile]:
    """The files a scan of `root` reads: the walk's, less those no rule applies to."""
    from migrator.engine.files import SourceFile, walk
    from migrator.engine.scanner import Scanner

    scanner = Scanner(ruleset)
    return [
        item
        for item in walk(root, extra_ignores=excludes)
        if isinstance(item, SourceFile) and scanner.wants(item.path)
    ]


def measure_corpus(corpus: Corpus, ruleset: RuleSet) -> list[SourceFile]:
    """Count files, lines and bytes; reading every file also puts it in the OS page cache."""
    files = scanned_files(ruleset, corpus.root, corpus.excludes)
    corpus.files, corpus.lines, corpus.size, corpus.not_utf8 = len(files), 0, 0, 0
    for item in files:
        data = Path(item.abspath).read_bytes()
        corpus.size += len(data)
        corpus.lines += data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            corpus.not_utf8 += 1
    return files


@contextmanager
def multiplied(files: list[SourceFile], copies: int) -> Iterator[Path]:
    """A temporary tree holding `copies` copies of `files` (hard links where possible)."""
    base = Path(tempfile.mkdtemp(prefix="scan-speed-corpus-"))
    try:
        for copy in range(copies):
            for item in files:
                target = base / f"copy{copy}" / item.path
                target.parent.mkdir(parents=True, exist_ok=True)
                try:
                    os.link(item.abspath, target)
                except OSError:  # another file system, or links not allowed
                    shutil.copyfile(item.abspath, target)
        yield base
    finally:
        shutil.rmtree(base, ignore_errors=True)


# -- the phases, each run in a child process -----------------------------------------------------


@dataclass
class Measure:
    """What one run of a phase reports to the parent (one JSON line on stdout)."""

    seconds: float
    files: int
    incidents: int | None = None
    errors: int | None = None
    main_kb: int = 0
    worker_kb: int = 0
    cpu_seconds: float = 0.0  # of the same work, over all its processes
    process_seconds: float = 0.0  # the child's whole life, set by the parent
    note: str = ""
    by_rule: dict[str, int] = field(default_factory=dict)


_parsers: dict[str, Parser] = {}


def _parse_one(job: tuple[str, str]) -> tuple[str, bool]:
    """Parse-only worker: read, decode, parse; no hashing, no query, nothing but a flag back."""
    from migrator.engine import languages

    path, abspath = job
    with open(abspath, "rb") as handle:
        data = handle.read()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:  # a scanner must hand the parser UTF-8, whatever the file holds
        data = data.decode("latin-1").encode("utf-8")
    language = languages.language_for_path(path) or "python"
    if language not in _parsers:
        _parsers[language] = languages.parser(language)
    return path, _parsers[language].parse(data).root_node.has_error


def parse_phase(ruleset: RuleSet, root: Path, jobs: int, excludes: Sequence[str]) -> Measure:
    """(a): the pool of `migrator.services.scan._run`, same shape, parsing only."""
    start = time.perf_counter()
    work = [(f.path, f.abspath) for f in scanned_files(ruleset, root, excludes)]
    jobs = min(jobs, max(len(work), 1))  # as scan's _jobs() when -j is given
    if jobs == 1:
        results = list(map(_parse_one, work))
    else:
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        chunk = max(1, min(64, len(work) // (jobs * 8)))  # keep in step with scan._run
        with context.Pool(jobs) as pool:
            results = list(pool.imap_unordered(_parse_one, work, chunksize=chunk))
    seconds = time.perf_counter() - start
    broken = sum(1 for _, has_error in results if has_error)
    return Measure(seconds, len(results), errors=broken, note="errors = files with a syntax error")


def scan_phase(
    ruleset: RuleSet, root: Path, jobs: int, excludes: Sequence[str], state: Path
) -> Measure:
    """(b) and (c): the real scan, its cache kept under `state` rather than in the corpus."""
    import migrator.store
    from migrator.services import scan as scan_service

    # The corpus (the stdlib) must not get a `.migrator/`: the cache goes into `state`.
    cache_home = state / migrator.store.STATE_DIR
    polluted = root / migrator.store.STATE_DIR
    existed = polluted.exists()
    options = scan_service.ScanOptions(
        root=root, jobs=jobs, use_cache=True, ignores=tuple(excludes), cache_dir=cache_home
    )
    start = time.perf_counter()
    result = scan_service.scan(ruleset, options)
    seconds = time.perf_counter() - start
    if polluted.exists() and not existed:
        raise SystemExit(f"the scan wrote {polluted}")
    cached = sum(item.stat().st_size for item in cache_home.glob("cache.db*"))
    note = f"cache {cached / 1e3:,.0f} kB" if cached else "NO CACHE WRITTEN: warm is not warm"
    incidents, errors = len(result.incidents), len(result.errors)
    return Measure(seconds, result.files, incidents, errors, note=note, by_rule=result.by_rule())


def astgrep_command(executable: str, root: Path, jobs: int, excludes: Sequence[str]) -> list[str]:
    from migrator.engine import languages

    # Only the files the scan reads: its suffixes (sgconfig maps .pyw to python), its excludes.
    globs = [f"*{suffix}" for suffix in languages.get_language("python").suffixes]
    globs += [f"!{pattern}" for pattern in excludes]
    return [
        executable,
        "scan",
        "-c",
        str(ASTGREP_CONFIG),
        "--json=stream",
        "--threads",
        str(jobs),
        "--inspect=summary",
        *(f"--globs={glob}" for glob in globs),
        str(root),
    ]


def astgrep_phase(executable: str, root: Path, jobs: int, excludes: Sequence[str]) -> Measure:
    """(d): ast-grep on the equivalent rules, counting the matches it streams as JSON lines."""
    command = astgrep_command(executable, root, jobs, excludes)
    start = time.perf_counter()
    by_rule: dict[str, int] = {}
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        for line in proc.stdout:
            if line.strip():
                rule = json.loads(line)["ruleId"]
                by_rule[rule] = by_rule.get(rule, 0) + 1
        stderr = proc.stderr.read().decode(errors="replace")
    seconds = time.perf_counter() - start
    if proc.returncode not in (0, 1):  # 1: it found error-level matches
        raise SystemExit(f"ast-grep failed ({proc.returncode}): {stderr[-500:]}")
    found = re.search(r"scannedFileCount=(\d+)", stderr)  # from --inspect=summary
    matches = sum(by_rule.values())
    return Measure(seconds, int(found.group(1)) if found else 0, matches, by_rule=by_rule)


def run_phase(args: argparse.Namespace) -> None:
    """The child's side: run one phase, print its Measure as JSON."""
    root, excludes = Path(args.corpus), tuple(args.exclude or ())
    if args.phase == "ast-grep":
        cpu = _cpu_seconds()
        measure = astgrep_phase(args.ast_grep, root, args.jobs, excludes)
    else:
        from migrator.engine.rules import load_rules

        ruleset = load_rules([str(args.rules)])
        cpu = _cpu_seconds()
        if args.phase == "parse":
            measure = parse_phase(ruleset, root, args.jobs, excludes)
        else:
            measure = scan_phase(ruleset, root, args.jobs, excludes, Path(args.state_dir))
    measure.cpu_seconds = _cpu_seconds() - cpu
    # ru_maxrss: kB on Linux, bytes on macOS. RUSAGE_CHILDREN: the largest reaped child, i.e. the
    # largest pool worker (their pages shared with the parent by fork count in each).
    scale = 1024 if sys.platform == "darwin" else 1
    measure.main_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // scale
    measure.worker_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // scale
    print(json.dumps(measure.__dict__))


def _cpu_seconds() -> float:
    """User and system time of this process and of its finished children (pool, ast-grep)."""
    own, children = (
        resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


# -- the parent: orchestrate, print ----------------------------------------------------------------


@dataclass
class Outcome:
    """`--repeat` runs of one phase: the least time counts, and the largest memory."""

    phase: str
    runs: list[Measure] = field(default_factory=list)

    @property
    def best(self) -> Measure:
        return min(self.runs, key=lambda m: m.seconds)

    @property
    def cpu(self) -> float:
        return min(m.cpu_seconds for m in self.runs)

    @property
    def peak_mb(self) -> float:
        return max(max(m.main_kb, m.worker_kb) for m in self.runs) / 1024

    @property
    def main_mb(self) -> float:
        return max(m.main_kb for m in self.runs) / 1024

    @property
    def worker_mb(self) -> float:
        return max(m.worker_kb for m in self.runs) / 1024


def child(phase: str, corpus: Corpus, args: argparse.Namespace, state: Path | None) -> Measure:
    command = [sys.executable, str(Path(__file__).resolve()), "--phase", phase, str(corpus.root)]
    command += ["-j", str(args.jobs), "--rules", str(args.rules)]
    command += [f"--exclude={pattern}" for pattern in corpus.excludes]
    if args.ast_grep:
        command += ["--ast-grep", args.ast_grep]
    if state is not None:
        command += ["--state-dir", str(state)]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"phase {phase} failed:\n{done.stderr[-2000:]}")
    measure = Measure(**json.loads(done.stdout.strip().splitlines()[-1]))
    measure.process_seconds = time.perf_counter() - start
    return measure


def find_astgrep() -> str | None:
    beside = Path(sys.executable).parent / "ast-grep"  # a venv's own, even when not activated
    return str(beside) if beside.is_file() else shutil.which("ast-grep")


def run_all(corpus: Corpus, args: argparse.Namespace) -> dict[str, Outcome]:
    outcomes = {phase: Outcome(phase) for phase in PHASES}
    with tempfile.TemporaryDirectory(prefix="scan-speed-state-") as tmp:
        for _ in range(args.repeat):
            outcomes["parse"].runs.append(child("parse", corpus, args, None))
        for run in range(args.repeat):  # a fresh, empty cache each time
            outcomes["cold"].runs.append(child("cold", corpus, args, Path(tmp, f"cold{run}")))
        warm_state = Path(tmp, f"cold{args.repeat - 1}")
        for _ in range(args.repeat):
            outcomes["warm"].runs.append(child("warm", corpus, args, warm_state))
        if args.ast_grep:
            for _ in range(args.repeat):
                outcomes["ast-grep"].runs.append(child("ast-grep", corpus, args, None))
    return {phase: outcome for phase, outcome in outcomes.items() if outcome.runs}


def report(corpus: Corpus, outcomes: dict[str, Outcome], args: argparse.Namespace) -> None:
    excluded = f"  (excluding {', '.join(corpus.excludes)})" if corpus.excludes else ""
    print(f"corpus  {corpus.root}{excluded}")
    print(
        f"files {corpus.files:,}   lines {corpus.lines:,}   bytes {corpus.size / 1e6:,.1f} MB"
        f"   -j {args.jobs}   rules {args.rules}   best of {args.repeat}"
    )
    print()
    print(
        f"{'phase':<16} {'seconds':>8} {'x (a)':>6} {'cpu s':>7} {'x (a)':>6} {'process':>8} "
        f"{'files':>7} {'incidents':>9} {'errors':>6}  {'RSS MB main/worker':>18}"
    )
    base, base_cpu = outcomes["parse"].best.seconds, outcomes["parse"].cpu
    for phase, outcome in outcomes.items():
        m = outcome.best
        incidents = "-" if m.incidents is None else f"{m.incidents:,}"
        errors = "-" if m.errors is None else f"{m.errors:,}"
        memory = f"{outcome.main_mb:.0f} / {outcome.worker_mb:.0f}"
        print(
            f"{LABELS[phase]:<16} {m.seconds:>8.2f} {m.seconds / base:>6.2f} "
            f"{outcome.cpu:>7.2f} {outcome.cpu / base_cpu:>6.2f} {m.process_seconds:>8.2f} "
            f"{m.files:>7,} {incidents:>9} {errors:>6}  {memory:>14}"
        )
    notes = [f"{LABELS[p]}: {o.best.note}" for p, o in outcomes.items() if o.best.note]
    if "ast-grep" not in outcomes:
        notes.append("(d) skipped: ast-grep is not installed")
    else:
        notes += _differences(outcomes["cold"].best, outcomes["ast-grep"].best, corpus)
    for note in notes:
        print(f"  {note}")
    scan_peak = max(outcomes["cold"].peak_mb, outcomes["warm"].peak_mb)
    print(f"\npeak RSS of the scan (largest process, cold or warm): {scan_peak:.0f} MB")
    print()
    cold = outcomes["cold"].best.seconds / base
    warm = outcomes["warm"].best.seconds / outcomes["cold"].best.seconds
    cold_cpu = outcomes["cold"].cpu / base_cpu
    cores = min(args.jobs, max(corpus.files, 1))
    starved = [
        f"{LABELS[p]} {o.cpu / (o.best.seconds * cores):.0%}"
        for p, o in outcomes.items()
        if p in ("parse", "cold") and o.cpu < BUSY * o.best.seconds * cores
    ]
    if starved:  # other programs took the cores: wall-time ratios mean little
        print(f"(wall times unreliable, share of {cores} cores used: {', '.join(starved)};")
        print(" the cold verdict below uses CPU time)\n")
    ratio = cold_cpu if starved else cold
    print(
        f"{_verdict(ratio <= COLD_TARGET)}  cold scan <= {COLD_TARGET}x parse only: {cold:.2f}x"
        f" (CPU time: {cold_cpu:.2f}x)"
    )
    print(f"{_verdict(warm <= WARM_TARGET)}  warm scan <= {WARM_TARGET:.0%} of cold: {warm:.1%}")
    rss = f"peak RSS <= {RSS_TARGET_MB:.0f} MB on {RSS_TARGET_LINES / 1e6:.0f}M+ lines: "
    if corpus.lines >= RSS_TARGET_LINES:
        print(f"{_verdict(scan_peak <= RSS_TARGET_MB)}  {rss}{scan_peak:.0f} MB")
    else:
        need = -(-RSS_TARGET_LINES // max(corpus.lines, 1))
        print(
            f"n/a   {rss}{scan_peak:.0f} MB on {corpus.lines:,} lines "
            f"(run with --multiply {need} to check)"
        )


def _differences(scan: Measure, astgrep: Measure, corpus: Corpus) -> list[str]:
    """Where the scan's and ast-grep's counts differ, by rule, with the causes known so far."""
    rules = sorted(set(scan.by_rule) | set(astgrep.by_rule))
    differ = [r for r in rules if scan.by_rule.get(r, 0) != astgrep.by_rule.get(r, 0)]
    if not differ:
        return ["(b) and (d) agree on every rule"]
    counts = ", ".join(
        f"{r} {scan.by_rule.get(r, 0):,} vs {astgrep.by_rule.get(r, 0):,}" for r in differ
    )
    return [
        f"(b) vs (d) differ on: {counts}. Causes seen so far: ast-grep reads UTF-8 only"
        f" ({corpus.not_utf8:,} files here declare another encoding, which the scan decodes);"
        " in ast-grep a `$$$A` after a comma needs the comma, so `apply($F, $$$A)` misses"
        " `apply(f)`, which the scan matches"
    ]


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def profile(corpus: Corpus, args: argparse.Namespace) -> None:
    """One serial cold scan under cProfile; the functions with the most time of their own."""
    from migrator.engine.rules import load_rules

    ruleset = load_rules([str(args.rules)])
    with tempfile.TemporaryDirectory(prefix="scan-speed-state-") as tmp:
        profiler = cProfile.Profile()
        profiler.enable()
        scan_phase(ruleset, corpus.root, 1, corpus.excludes, Path(tmp))
        profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("tottime").print_stats(25)


# -- command line ----------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time migrator's scan against parsing alone and against ast-grep.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "corpus",
        nargs="?",
        type=Path,
        help="folder to scan (default: this Python's standard library, without site-packages)",
    )
    parser.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        help="processes for (a)-(c), threads for (d) (default: %(default)s)",
    )
    parser.add_argument("--repeat", type=int, default=1, help="runs per phase; the best counts")
    parser.add_argument(
        "--rules",
        type=Path,
        default=DEFAULT_RULES,
        help="rule pack (default: benchmarks/rules/bench)",
    )
    parser.add_argument(
        "--multiply",
        type=int,
        default=1,
        metavar="K",
        help="scan K copies of the corpus's files, in a temporary folder",
    )
    parser.add_argument(
        "--exclude",
        action="append",
        metavar="GLOB",
        help="leave out paths matching GLOB (gitignore syntax; repeatable; "
        "default for the stdlib: site-packages/)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="instead of timing, profile one serial cold scan with cProfile",
    )
    # Internal: how the parent runs one phase in a child process.
    parser.add_argument("--phase", choices=PHASES, help=argparse.SUPPRESS)
    parser.add_argument("--state-dir", help=argparse.SUPPRESS)
    parser.add_argument("--ast-grep", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.jobs < 1 or args.repeat < 1 or args.multiply < 1:
        parser.error("-j, --repeat and --multiply must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    if args.phase:
        run_phase(args)
        return
    from migrator.engine.rules import load_rules

    default = args.corpus is None
    root = Path(sysconfig.get_paths()["stdlib"]) if default else args.corpus.resolve()
    excludes = tuple(args.exclude) if args.exclude else STDLIB_EXCLUDES if default else ()
    corpus = Corpus(root, excludes)
    ruleset = load_rules([str(args.rules)])
    files = measure_corpus(corpus, ruleset)
    args.ast_grep = find_astgrep()
    if args.multiply == 1:
        (profile if args.profile else _time)(corpus, args)
        return
    with multiplied(files, args.multiply) as copies:
        bigger = Corpus(copies, ())
        measure_corpus(bigger, ruleset)
        print(
            f"{args.multiply} copies of {corpus.root}{' less ' if excludes else ''}"
            f"{', '.join(excludes)}, in {copies}"
        )
        (profile if args.profile else _time)(bigger, args)


def _time(corpus: Corpus, args: argparse.Namespace) -> None:
    report(corpus, run_all(corpus, args), args)


if __name__ == "__main__":
    main()
