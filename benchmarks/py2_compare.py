"""migrator's `python2-to-3` fixes against `python3 -m lib2to3`, side by side, on one project.

Point it at a Python 2 project (a folder; it is copied, never changed):

    python benchmarks/py2_compare.py fixtures/py2-inventory
    python benchmarks/py2_compare.py ~/src/py2project --tests 'tests/test*.py' --keep /tmp/cmp
    python benchmarks/py2_compare.py PROJECT --json results.json

PROJECT is copied twice (without `.git`, `.migrator`, `__pycache__`, `*.pyc`), into
`<tmp>/migrator/<name>` (A) and `<tmp>/lib2to3/<name>` (B); each copy becomes a fresh git
repository with one commit (a repository-local identity; no global git setting is read for it or
changed). Then, on Python 3 (the interpreter running this script, 3.11 or older, which still has
lib2to3):

  files          the `.py` files of the project (every one, also those a `.gitignore` hides)
  compile        how many fail `compile(source, path, "exec")`, the source read with
                 `tokenize.open` (BOM and PEP 263 coding cookie honoured): before any change, after
                 migrator (A), after lib2to3 (B); each failure listed with its message and line
  test imports   how many test modules (`--tests GLOB`, default `**/test*.py`) fail to import:
                 each in its own `python -c "importlib.import_module(NAME)"` subprocess, with a
                 timeout (5 s), `PYTHONDONTWRITEBYTECODE=1`, stdin and stdout closed, and its
                 import root first on `sys.path`; the first error line (the exception) of each
  time           wall time of `migrator apply A --rules python2-to-3 --yes --no-branch` (every
                 deterministic fix, committed) and of `python3 -m lib2to3 -w -n --no-diffs B`
                 (every default fixer), both with `-j JOBS`
  lines changed  `git diff --shortstat` from the initial commit: files, insertions, deletions
  incidents      `migrator scan --rules python2-to-3` incidents by `fix` kind (deterministic /
                 model / none) before, and after each tool: what is left needs a model or a person

A test module's name and import root come from its path: the root is the nearest folder above it
without an `__init__.py`, the name the dotted path from there (`tests/test_x.py` in a package
`tests/` is `tests.test_x` from the project root). `PYTHONPATH` holds the project root, its
`src/` and `lib/` folders when they exist, and every `--path DIR`. Test modules are imported, not
run: a module that imports is not a passing test. Nothing is sent anywhere; migrator runs only its
rules (no model).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tokenize
import warnings
from collections import Counter
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

SKIP_DIRS = frozenset({".git", ".hg", ".svn", ".migrator", "__pycache__", ".tox", ".nox", ".venv"})
FIX_KINDS = ("deterministic", "model", "none")
IMPORT_SNIPPET = (
    "import importlib, sys; sys.path.insert(0, sys.argv[1]); importlib.import_module(sys.argv[2])"
)
GIT_ENV = {"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_TERMINAL_PROMPT": "0"}


@dataclass
class Failure:
    """One file that does not compile, or one test module that does not import."""

    path: str
    error: str
    where: str = ""


@dataclass
class Scan:
    """Incidents of one `migrator scan`, by fix kind and by rule."""

    exit_code: int = 0
    incidents: int = 0
    by_fix: dict[str, int] = field(default_factory=dict)
    by_rule: dict[str, tuple[str, int]] = field(default_factory=dict)
    errors: int = 0
    version: str = ""
    rules: int = 0
    fixable_rules: int = 0


@dataclass
class Run:
    """One tool's run on its copy, and the state of the copy afterwards."""

    tool: str
    command: list[str]
    exit_code: int = 0
    seconds: float = 0.0
    output_tail: list[str] = field(default_factory=list)
    compile_failures: list[Failure] = field(default_factory=list)
    import_failures: list[Failure] = field(default_factory=list)
    diff: dict[str, int] = field(default_factory=dict)
    scan: Scan | None = None


@dataclass
class Result:
    """Everything measured on one project."""

    project: str
    files: int
    test_modules: int
    skipped_tests: list[str]
    before_compile: list[Failure]
    before_imports: list[Failure]
    before_scan: Scan | None
    runs: list[Run]


# ------------------------------------------------------------------ copies and git


def _ignore(_directory: str, names: list[str]) -> set[str]:
    return {n for n in names if n in SKIP_DIRS or n.endswith((".pyc", ".pyo"))}


def git(root: Path, *args: str) -> str:
    """Run git in ROOT, ignoring the user's and the system's git configuration."""
    env = {**os.environ, **GIT_ENV}
    done = subprocess.run(
        ["git", *args], cwd=root, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


def make_copy(project: Path, destination: Path) -> str:
    """Copy PROJECT to DESTINATION as a fresh git repository; return its initial commit."""
    shutil.copytree(project, destination, symlinks=True, ignore=_ignore)
    git(destination, "init", "-q")
    git(destination, "config", "user.name", "py2-compare")
    git(destination, "config", "user.email", "py2-compare@localhost")
    git(destination, "config", "commit.gpgsign", "false")
    git(destination, "config", "core.autocrlf", "false")
    git(destination, "add", "-A")
    git(destination, "commit", "-q", "--no-verify", "-m", "initial: copy of " + project.name)
    return git(destination, "rev-parse", "HEAD").strip()


def restore(root: Path) -> None:
    """Undo whatever importing test modules wrote into the tracked tree."""
    git(root, "reset", "-q", "--hard")
    git(root, "clean", "-q", "-fd")


def diff_stat(root: Path, base: str) -> dict[str, int]:
    """`git diff --shortstat BASE` of the work tree: files, insertions, deletions."""
    text = git(root, "diff", "--shortstat", base)
    stat = {"files": 0, "insertions": 0, "deletions": 0}
    for number, word in re.findall(r"(\d+) (file|insertion|deletion)", text):
        stat["files" if word == "file" else word + "s"] = int(number)
    return stat


# ------------------------------------------------------------------ compile


def python_files(root: Path) -> list[str]:
    """Every `.py` file under ROOT (relative, sorted), outside version-control and cache folders."""
    found = []
    for directory, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
        for name in names:
            path = Path(directory, name)
            if name.endswith(".py") and path.is_file():
                found.append(path.relative_to(root).as_posix())
    return sorted(found)


def compile_error(path: Path) -> tuple[str, str] | None:
    """Why PATH does not compile under this Python (message, `line N: code`), or None."""
    try:
        with tokenize.open(path) as handle:
            source = handle.read()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(source, str(path), "exec", dont_inherit=True)
    except SyntaxError as error:  # also IndentationError, TabError
        code = (error.text or "").strip()[:70]
        return f"{type(error).__name__}: {error.msg}", f"line {error.lineno}: {code}"
    except (UnicodeDecodeError, ValueError, RecursionError, MemoryError) as error:
        return f"{type(error).__name__}: {str(error)[:100]}", ""
    return None


def compile_failures(root: Path, files: Iterable[str]) -> list[Failure]:
    failures = []
    for rel in files:
        error = compile_error(root / rel)
        if error is not None:
            failures.append(Failure(rel, *error))
    return failures


# ------------------------------------------------------------------ test imports


def test_modules(root: Path, globs: Sequence[str]) -> tuple[list[tuple[str, str, str]], list[str]]:
    """Test modules matching GLOBS: (path, import root, dotted name), and paths with no name.

    Paths and import roots are relative to ROOT (the same modules are imported in each copy).
    """
    paths = sorted(
        {
            p.relative_to(root).as_posix()
            for pattern in globs
            for p in root.glob(pattern)
            if p.is_file()
            and p.suffix == ".py"
            and not SKIP_DIRS.intersection(p.relative_to(root).parts)
        }
    )
    modules, skipped = [], []
    for rel in paths:
        path = root / rel
        parts = [path.stem] if path.stem != "__init__" else []
        folder = path.parent
        while (folder / "__init__.py").is_file() and folder != folder.parent:
            parts.insert(0, folder.name)
            folder = folder.parent
        if parts and all(part.isidentifier() for part in parts):
            modules.append((rel, Path(os.path.relpath(folder, root)).as_posix(), ".".join(parts)))
        else:
            skipped.append(rel)
    return modules, skipped


def _error_line(stderr: str, root: Path) -> tuple[str, str]:
    """The exception line of a traceback, and the innermost frame inside ROOT."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    error = lines[-1] if lines else "(no output)"
    where = ""
    prefix = str(root) + os.sep
    for line in lines:
        match = re.match(r'File "(.+)", line (\d+)', line)
        if match and match.group(1).startswith(prefix):
            where = f"{match.group(1)[len(prefix) :]}:{match.group(2)}"
    return error[:160], where


def import_module(
    python: str, root: Path, module: tuple[str, str, str], env: dict[str, str], timeout: float
) -> Failure | None:
    """Import one test module in a subprocess of its own; a Failure when it does not import."""
    rel, import_root, name = module
    process = subprocess.Popen(
        [python, "-c", IMPORT_SNIPPET, str(root / import_root), name],
        cwd=root,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        errors="replace",
        start_new_session=True,
    )
    try:
        _, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        return Failure(rel, f"timeout after {timeout:g} s")
    if process.returncode == 0:
        return None
    return Failure(rel, *_error_line(stderr, root))


def import_failures(
    python: str,
    root: Path,
    modules: Sequence[tuple[str, str, str]],
    extra_paths: Sequence[str],
    timeout: float,
    jobs: int,
) -> list[Failure]:
    paths = [str(root)] + [str(root / d) for d in ("src", "lib") if (root / d).is_dir()]
    paths += [str(root / p) for p in extra_paths]
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONSTARTUP", "PYTHONHOME")}
    env.update(PYTHONPATH=os.pathsep.join(paths), PYTHONDONTWRITEBYTECODE="1")
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        results = pool.map(lambda m: import_module(python, root, m, env, timeout), modules)
        return [failure for failure in results if failure is not None]


# ------------------------------------------------------------------ tools


def run_timed(command: list[str], cwd: Path) -> tuple[int, float, str]:
    """Run COMMAND; its exit code, wall time and combined output."""
    start = time.perf_counter()
    done = subprocess.run(
        command,
        cwd=cwd,
        env={**os.environ, **GIT_ENV},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        errors="replace",
    )
    return done.returncode, time.perf_counter() - start, done.stdout + done.stderr


def migrator_scan(migrator: list[str], root: Path, rules: str, jobs: int) -> Scan:
    """`migrator scan --format json` of ROOT (no cache, nothing written into ROOT)."""
    with tempfile.TemporaryDirectory(prefix="py2-compare-scan-") as scratch:
        out = Path(scratch, "scan.json")
        command = [*migrator, "scan", str(root), "--rules", rules, "--no-cache"]
        command += ["--fail-on", "never", "-j", str(jobs), "--format", f"json:{out}"]
        code, _, output = run_timed(command, root)
        if not out.is_file():
            print(f"  migrator scan failed (exit {code}): {output.strip()[-500:]}")
            return Scan(exit_code=code)
        data = json.loads(out.read_text(encoding="utf-8"))
    by_fix = Counter(incident["fix"] for incident in data["incidents"])
    by_rule: Counter[tuple[str, str]] = Counter(
        (incident["rule"], incident["fix"]) for incident in data["incidents"]
    )
    return Scan(
        exit_code=code,
        incidents=len(data["incidents"]),
        by_fix={kind: by_fix.get(kind, 0) for kind in FIX_KINDS},
        by_rule={rule: (fix, n) for (rule, fix), n in by_rule.most_common()},
        errors=len(data.get("errors", [])),
        version=str(data.get("version", "")),
        rules=len(data.get("rules", [])),
        fixable_rules=sum(1 for rule in data.get("rules", []) if rule.get("fixable")),
    )


def migrator_command() -> list[str]:
    """The migrator next to this interpreter, else on PATH, else `python -m migrator`."""
    beside = Path(sys.executable).with_name("migrator")
    if beside.is_file():
        return [str(beside)]
    found = shutil.which("migrator")
    return [found] if found else [sys.executable, "-m", "migrator"]


# ------------------------------------------------------------------ report


def kinds(failures: Sequence[Failure]) -> Counter[str]:
    """Failures grouped by message, with names, numbers and quoted text kept."""
    return Counter(f.error for f in failures)


def print_failures(title: str, failures: Sequence[Failure], limit: int) -> None:
    print(f"\n{title}: {len(failures)}")
    for error, count in kinds(failures).most_common():
        print(f"  {count:4d}  {error}")
    shown = failures if limit <= 0 else failures[:limit]
    for failure in shown:
        where = f"  [{failure.where}]" if failure.where else ""
        print(f"        {failure.path}: {failure.error}{where}")
    if len(shown) < len(failures):
        print(f"        … {len(failures) - len(shown)} more (--list 0 shows all)")


def print_rules(title: str, scan: Scan | None, limit: int = 25) -> None:
    if scan is None or not scan.by_rule:
        return
    print(f"\n{title}:")
    for rule, (fix, count) in list(scan.by_rule.items())[:limit]:
        print(f"  {count:5d}  {rule} ({fix})")


def _fix_counts(scan: Scan | None) -> str:
    if scan is None or scan.exit_code not in (0, 1):
        return "scan failed"
    d, m, n = (scan.by_fix.get(kind, 0) for kind in FIX_KINDS)
    return f"{scan.incidents} ({d} / {m} / {n})"


def table(result: Result) -> str:
    """The side-by-side table, in Markdown."""
    a, b = result.runs
    n = result.files

    def share(failures: Sequence[Failure], total: int) -> str:
        return f"{len(failures)} / {total}" if total else "-"

    def diff(run: Run) -> str:
        d = run.diff
        return f"{d['files']} files, +{d['insertions']} −{d['deletions']}" if d else "-"

    def exit_note(run: Run) -> str:
        return "" if run.exit_code == 0 else f" (exit {run.exit_code})"

    t = result.test_modules
    rows = [
        ("`.py` files", str(n), str(n), str(n)),
        (
            "files that fail to compile",
            share(result.before_compile, n),
            share(a.compile_failures, n),
            share(b.compile_failures, n),
        ),
        (
            "test modules that fail to import",
            share(result.before_imports, t),
            share(a.import_failures, t),
            share(b.import_failures, t),
        ),
        ("wall time", "", f"{a.seconds:.2f} s{exit_note(a)}", f"{b.seconds:.2f} s{exit_note(b)}"),
        ("lines changed (git diff --shortstat)", "", diff(a), diff(b)),
        (
            "migrator incidents (deterministic / model / none)",
            _fix_counts(result.before_scan),
            _fix_counts(a.scan),
            _fix_counts(b.scan),
        ),
    ]
    lines = [
        f"| {result.project} | before | after migrator | after lib2to3 |",
        "|---|---:|---:|---:|",
    ]
    lines += [f"| {label} | {x} | {y} | {z} |" for label, x, y, z in rows]
    return "\n".join(lines)


# ------------------------------------------------------------------ main


def compare(args: argparse.Namespace, scratch: Path) -> Result:
    project = Path(args.project).resolve()
    migrator = migrator_command()
    jobs = str(args.jobs)
    copies = {tool: scratch / tool / project.name for tool in ("migrator", "lib2to3")}
    bases = {tool: make_copy(project, path) for tool, path in copies.items()}
    a_root, b_root = copies["migrator"], copies["lib2to3"]

    files = python_files(a_root)
    modules, skipped = test_modules(a_root, args.tests)
    globs = ", ".join(args.tests)
    print(f"{project}: {len(files)} .py files, {len(modules)} test modules ({globs})")
    print(f"copies: {a_root}  {b_root}")
    before_compile = compile_failures(a_root, files)
    before_imports = import_failures(
        args.python, a_root, modules, args.path, args.timeout, args.jobs
    )
    restore(a_root)
    before_scan = migrator_scan(migrator, a_root, args.rules, args.jobs)
    print(
        f"migrator {before_scan.version}, --rules {args.rules}: {before_scan.rules} rules, "
        f"{before_scan.fixable_rules} with a deterministic fix"
    )

    apply = ["apply", str(a_root), "--rules", args.rules, "--yes", "--no-branch", "-j", jobs]
    lib2to3 = ["-m", "lib2to3", "-w", "-n", "--no-diffs", "-j", jobs, str(b_root)]
    commands = {
        "migrator": [*migrator, *apply],
        "lib2to3": [args.python, "-W", "ignore::DeprecationWarning", *lib2to3],
    }
    runs = []
    for tool, root in copies.items():
        run = Run(tool, commands[tool])
        run.exit_code, run.seconds, output = run_timed(commands[tool], root)
        run.output_tail = [line for line in output.splitlines() if line.strip()][-8:]
        print(f"\n[{tool}] exit {run.exit_code} in {run.seconds:.2f} s: {' '.join(run.command)}")
        for line in run.output_tail:
            print(f"  | {line[:150]}")
        run.diff = diff_stat(root, bases[tool])
        run.compile_failures = compile_failures(root, files)
        run.import_failures = import_failures(
            args.python, root, modules, args.path, args.timeout, args.jobs
        )
        run.scan = migrator_scan(migrator, root, args.rules, args.jobs)
        runs.append(run)
    return Result(
        project=project.name,
        files=len(files),
        test_modules=len(modules),
        skipped_tests=skipped,
        before_compile=before_compile,
        before_imports=before_imports,
        before_scan=before_scan,
        runs=runs,
    )


def report(result: Result, limit: int) -> None:
    a, b = result.runs
    if result.skipped_tests:
        print(f"\ntest files with no importable name (skipped): {', '.join(result.skipped_tests)}")
    print_failures("compile failures before", result.before_compile, limit)
    print_failures("compile failures after migrator", a.compile_failures, limit)
    print_failures("compile failures after lib2to3", b.compile_failures, limit)
    print_failures("test import failures before", result.before_imports, limit)
    print_failures("test import failures after migrator", a.import_failures, limit)
    print_failures("test import failures after lib2to3", b.import_failures, limit)
    failed_before = {f.path for f in result.before_compile}
    only_a = sorted({f.path for f in a.compile_failures} - {f.path for f in b.compile_failures})
    only_b = sorted({f.path for f in b.compile_failures} - {f.path for f in a.compile_failures})
    print(f"\ncompile failures only after migrator ({len(only_a)}): {', '.join(only_a) or '-'}")
    print(f"compile failures only after lib2to3 ({len(only_b)}): {', '.join(only_b) or '-'}")
    new = sorted({f.path for r in result.runs for f in r.compile_failures} - failed_before)
    print(f"files that compiled before and fail after a tool: {', '.join(new) or '-'}")
    packs = {(s.rules, s.fixable_rules) for s in (result.before_scan, a.scan, b.scan) if s}
    if len(packs) > 1:
        print(f"warning: the rule pack changed during the run (rules, fixable): {sorted(packs)}")
    print_rules("migrator incidents before, by rule (fix kind)", result.before_scan)
    print_rules("migrator incidents left after migrator apply", a.scan)
    print_rules("migrator incidents left after lib2to3", b.scan)
    print()
    print(table(result))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0] if __doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("project", help="the Python 2 project folder (copied, never changed)")
    parser.add_argument(
        "--tests",
        action="append",
        metavar="GLOB",
        help="test modules, relative to the project (repeatable; default **/test*.py)",
    )
    parser.add_argument("--keep", metavar="DIR", help="make the two copies in DIR and keep them")
    parser.add_argument("--rules", default="python2-to-3", help="migrator rule pack")
    parser.add_argument("--python", default=sys.executable, help="Python 3 for lib2to3, imports")
    parser.add_argument(
        "--path", action="append", default=[], metavar="DIR", help="add to PYTHONPATH (relative)"
    )
    parser.add_argument("--timeout", type=float, default=5.0, help="seconds per test import")
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--list", type=int, default=0, help="list at most N files per phase")
    parser.add_argument("--json", metavar="FILE", help="also write every measurement as JSON")
    args = parser.parse_args(argv)
    args.tests = args.tests or ["**/test*.py"]
    if not Path(args.project).is_dir():
        parser.error(f"not a folder: {args.project}")

    if args.keep:
        scratch = Path(args.keep).resolve()
        taken = [p for p in (scratch / "migrator", scratch / "lib2to3") if p.exists()]
        if taken:
            parser.error(f"already exists: {taken[0]}")
        result = compare(args, scratch)
    else:
        with tempfile.TemporaryDirectory(prefix="py2-compare-") as scratch_name:
            result = compare(args, Path(scratch_name))
    report(result, args.list)
    if args.json:
        Path(args.json).write_text(json.dumps(asdict(result), indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
