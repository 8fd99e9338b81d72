"""Checks a proposed change passes before anyone sees it.

In order, stopping at the first failure: the result parses with no new ERROR or MISSING node;
the incidents it targets are gone; no new incident of the active rules appears; it compiles
where the language allows (Python: `compile()`); and, when the user gave one, a test command
passes in a scratch git worktree with the change applied.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from tree_sitter import Node

from migrator.engine import languages
from migrator.engine.results import Incident
from migrator.engine.scanner import Scanner, first_error

Status = Literal["passed", "failed", "skipped"]
_COMPILE_LOCK = threading.Lock()  # warnings.catch_warnings is process-wide
_WORKTREE_LOCK = threading.Lock()  # git serialises worktree bookkeeping badly under load
VERIFY_OUTPUT_LINES = 15


@dataclass(frozen=True)
class Check:
    name: str  # parses | incident_gone | no_new_incident | compiles | verify
    status: Status
    detail: str = ""


@dataclass(frozen=True)
class Validation:
    checks: tuple[Check, ...]

    @property
    def passed(self) -> bool:
        return all(check.status != "failed" for check in self.checks)

    def failure(self) -> str:
        """The first failed check's explanation ("" when all passed)."""
        return next((c.detail for c in self.checks if c.status == "failed"), "")

    def to_json(self) -> dict[str, Any]:
        return {c.name: {"status": c.status, "detail": c.detail} for c in self.checks}


@dataclass(frozen=True)
class Verify:
    """`--verify CMD`: run CMD in a scratch worktree of `repo_root`, from `cwd` (relative)."""

    command: str
    repo_root: Path
    cwd: str  # the scan root relative to the repository root, "." for the root itself
    timeout: float = 900.0


def error_count(root: Node) -> int:
    count = 0
    stack = [root]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            count += 1
        if node.has_error:
            stack.extend(node.children)
    return count


def _key(source: bytes, start: int, end: int) -> str:
    # Spacing does not count: the same code reformatted is the same incident.
    return "".join(source[start:end].decode("utf-8", "replace").split())


class Validator:
    """Validates edits with the active rules. Safe to share between threads."""

    def __init__(self, scanner: Scanner, verify: Verify | None = None) -> None:
        self.scanner = scanner
        self.verify = verify

    def check(
        self,
        path: str,
        before: str,
        after: str,
        targets: Sequence[Incident],
        *,
        repo_path: str | None = None,
        after_bytes: bytes | None = None,
    ) -> Validation:
        """Validate replacing `before` (a file's text) with `after`; `targets` must go.

        `repo_path` and `after_bytes` (the file as it would be written) are needed for --verify.
        """
        found_before = self.scanner.find(path, before)
        found_after = self.scanner.find(path, after)
        checks = [self._parses(path, found_before.tree, found_after.tree, after)]
        old = Counter(
            (m.rule.id, _key(found_before.source, m.start, m.end)) for m in found_before.matches
        )
        new = Counter(
            (m.rule.id, _key(found_after.source, m.start, m.end)) for m in found_after.matches
        )
        source = before.encode("utf-8")
        wanted = Counter((i.rule, _key(source, i.start_byte, i.end_byte)) for i in targets)
        checks.append(_gone(wanted, old, new, targets))
        checks.append(_no_new(wanted, old, new))
        if all(c.status != "failed" for c in checks):
            checks.append(_compiles(path, before, after))
        if self.verify is not None and all(c.status != "failed" for c in checks):
            if repo_path is None or after_bytes is None:
                checks.append(Check("verify", "skipped", "not in a git repository"))
            else:
                checks.append(run_verify(self.verify, repo_path, after_bytes))
        return Validation(tuple(checks))

    def _parses(self, path: str, old: Any, new: Any, after: str) -> Check:
        language = languages.language_for_path(path)
        if language is None:
            return Check("parses", "skipped", "no grammar for this file")
        if new is None:
            new = languages.parser(language).parse(after.encode("utf-8"))
        if old is None:
            return Check(
                "parses",
                "passed" if not new.root_node.has_error else "failed",
                "" if not new.root_node.has_error else "the result has a syntax error",
            )
        before_errors, after_errors = error_count(old.root_node), error_count(new.root_node)
        if after_errors > before_errors:
            return Check(
                "parses",
                "failed",
                f"the result does not parse: {after_errors - before_errors} new syntax error(s)"
                f"{_where(new.root_node)}",
            )
        return Check("parses", "passed")


def _where(root: Node) -> str:
    node = first_error(root)
    return f" (first at line {node.start_point[0] + 1})" if node is not None else ""


def _gone(
    wanted: Counter[tuple[str, str]],
    old: Counter[tuple[str, str]],
    new: Counter[tuple[str, str]],
    targets: Sequence[Incident],
) -> Check:
    for (rule, text), count in wanted.items():
        if new[(rule, text)] > old[(rule, text)] - count:
            line = next((i.line for i in targets if i.rule == rule), 0)
            return Check(
                "incident_gone", "failed", f"the incident is still there: {rule} (line {line})"
            )
    return Check("incident_gone", "passed" if wanted else "skipped")


def _no_new(
    wanted: Counter[tuple[str, str]], old: Counter[tuple[str, str]], new: Counter[tuple[str, str]]
) -> Check:
    for (rule, text), count in new.items():
        if (rule, text) not in wanted and count > old[(rule, text)]:
            return Check(
                "no_new_incident", "failed", f"the change adds a new incident: {rule} ({text[:60]})"
            )
    return Check("no_new_incident", "passed")


def _compile_error(text: str, path: str) -> SyntaxError | None:
    with _COMPILE_LOCK, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SyntaxWarning for odd escapes is not our business
        try:
            compile(text, path, "exec", dont_inherit=True)
        except SyntaxError as exc:
            return exc
        except ValueError as exc:  # null bytes
            return SyntaxError(str(exc))
    return None


def _compiles(path: str, before: str, after: str) -> Check:
    if languages.language_for_path(path) != "python":
        return Check("compiles", "skipped", "no compiler check for this language")
    error = _compile_error(after, path)
    if error is None:
        return Check("compiles", "passed")
    if _compile_error(before, path) is None:
        return Check(
            "compiles", "failed", f"the result does not compile: {error.msg} (line {error.lineno})"
        )
    # Legacy code (Python 2) often did not compile before either: not the proposal's fault.
    return Check("compiles", "skipped", "the file did not compile before the change either")


def run_verify(verify: Verify, repo_path: str, data: bytes) -> Check:
    """Run the user's command in a scratch worktree of HEAD with the changed file written."""
    scratch = Path(tempfile.mkdtemp(prefix="migrator-verify-"))
    tree = scratch / "tree"
    git = ["git", "-C", str(verify.repo_root)]
    try:
        with _WORKTREE_LOCK:
            added = subprocess.run(
                [*git, "worktree", "add", "--detach", "--quiet", str(tree), "HEAD"],
                capture_output=True,
                text=True,
                check=False,
            )
        if added.returncode != 0:
            return Check("verify", "failed", f"git worktree add failed: {added.stderr.strip()}")
        target = tree / repo_path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        original = verify.repo_root / repo_path
        if original.exists():
            os.chmod(target, original.stat().st_mode & 0o7777)
        try:
            done = subprocess.run(
                verify.command,
                shell=True,
                cwd=tree / verify.cwd,
                capture_output=True,
                text=True,
                errors="replace",
                timeout=verify.timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return Check("verify", "failed", f"`{verify.command}` ran past {verify.timeout:g} s")
        if done.returncode == 0:
            return Check("verify", "passed", f"`{verify.command}` passed")
        tail = (done.stdout + done.stderr).strip().splitlines()[-VERIFY_OUTPUT_LINES:]
        return Check(
            "verify",
            "failed",
            f"`{verify.command}` failed (exit {done.returncode}):\n" + "\n".join(tail),
        )
    finally:
        with _WORKTREE_LOCK:
            subprocess.run(
                [*git, "worktree", "remove", "--force", str(tree)],
                capture_output=True,
                check=False,
            )
        shutil.rmtree(scratch, ignore_errors=True)
