"""Planning fixes: every deterministic fix for a tree (and selected model proposals), computed in
memory as whole-file changes, with the unified diff `git apply` accepts. Writes nothing."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from migrator.engine.decoding import DecodeError, TextFormat, decode, encode
from migrator.engine.fixer import Fixer, Unsafe
from migrator.engine.results import Incident
from migrator.engine.rules import RuleSet
from migrator.engine.scanner import Scanner
from migrator.services import apply_model
from migrator.services.scan import ScanOptions, scan


@dataclass
class FileChange:
    path: str  # relative to the scan root
    abspath: Path
    before: bytes
    after: bytes
    fmt: TextFormat
    applied: dict[str, int] = field(default_factory=dict)

    def diff(self, label: str) -> str:
        return unified_diff(
            label,
            self.before.decode(self.fmt.encoding, "replace"),
            self.after.decode(self.fmt.encoding, "replace"),
        )


@dataclass
class Plan:
    root: Path
    changes: list[FileChange] = field(default_factory=list)
    unsafe: list[tuple[str, Unsafe]] = field(default_factory=list)  # (path, why)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, why)
    incidents: list[Incident] = field(default_factory=list)  # fixable ones found by the scan
    model: list[apply_model.ModelFile] = field(default_factory=list)  # model proposals to apply
    # Deterministic fixes limited to these (path -> rules), for `apply --accepted`.
    selection: apply_model.Selection | None = None

    def rules(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for change in self.changes:
            for rule, count in change.applied.items():
                counts[rule] = counts.get(rule, 0) + count
        return dict(sorted(counts.items()))

    def diff(self, label: Callable[[FileChange], str] | None = None) -> str:
        return "".join(c.diff(label(c) if label else c.path) for c in self.changes)


def unified_diff(path: str, before: str, after: str) -> str:
    """A unified diff that `git apply` accepts, including files without a final newline."""
    lines = difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True), f"a/{path}", f"b/{path}"
    )
    out = []
    for line in lines:
        out.append(line)
        if not line.endswith("\n"):
            out.append("\n\\ No newline at end of file\n")
    return "".join(out)


def fix_file(
    fixer: Fixer, root: Path, path: str, rules: set[str] | None
) -> tuple[FileChange | None, list[Unsafe], str | None]:
    abspath = root / path if root.is_dir() else root
    data = abspath.read_bytes()
    try:
        text, fmt = decode(data, path=path)
        result = fixer.fix_text(path, text, rules=rules)
        after = encode(result.after, fmt) if result.changed else data
    except DecodeError as exc:
        return None, [], str(exc)
    if not result.converged:
        return None, result.unsafe, "fixes did not settle after 10 rounds"
    change = FileChange(path, abspath, data, after, fmt, result.applied) if after != data else None
    return change, result.unsafe, None


def plan_fixes(
    ruleset: RuleSet,
    root: Path,
    *,
    jobs: int | None = None,
    rules: set[str] | None = None,
    selection: apply_model.Selection | None = None,
) -> Plan:
    """Every deterministic fix for the tree (or those `selection` names), computed in memory."""
    fixable = RuleSet([r for r in ruleset.rules if r.spec.fix is not None], ruleset.packs)
    found = scan(fixable, ScanOptions(root, jobs=jobs))
    plan = Plan(
        root,
        incidents=[
            i
            for i in found.incidents
            if (rules is None or i.rule in rules)
            and (selection is None or i.rule in selection.get(i.path, ()))
        ],
        selection=selection,
    )
    fixer = Fixer(Scanner(fixable))
    for path in sorted({i.path for i in plan.incidents}):
        wanted = rules if selection is None else selection[path] & (rules or selection[path])
        change, unsafe, problem = fix_file(fixer, root, path, wanted)
        plan.unsafe.extend((path, u) for u in unsafe)
        if problem:
            plan.skipped.append((path, problem))
        elif change:
            plan.changes.append(change)
    return plan


def preview(plan: Plan, ruleset: RuleSet) -> list[FileChange]:
    """Each file's end result, as `Applier.run` would leave it: the model proposals, then the
    deterministic fixes computed on top of them (for --dry-run, --patch and --check)."""
    if not plan.model:
        return plan.changes
    fixer = Fixer(Scanner(RuleSet([r for r in ruleset.rules if r.spec.fix], [])))
    by_path = {change.path: change for change in plan.changes}
    for model_file in plan.model:
        copy = apply_model.ModelFile(
            model_file.path, model_file.abspath, model_file.text, model_file.fmt, []
        )
        before, _ = copy.apply(model_file.proposals)
        rules = None if plan.selection is None else plan.selection.get(model_file.path, set())
        text = (
            copy.text if rules == set() else fixer.fix_text(copy.path, copy.text, rules=rules).after
        )
        applied = {r: 1 for p in model_file.proposals for r in p.rules}
        by_path[copy.path] = FileChange(
            copy.path, copy.abspath, before, encode(text, copy.fmt), copy.fmt, applied
        )
    return [by_path[path] for path in sorted(by_path)]
