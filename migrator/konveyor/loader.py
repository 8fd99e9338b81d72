"""Load Konveyor rule sets as they are: a folder with `ruleset.yaml` and rule files, or a tree.

Konveyor's shape is told apart from migrator's own packs by its rule files: YAML lists of mappings
keyed `ruleID` (migrator's rules are mappings keyed `id`). Each folder holding a `ruleset.yaml` is
one rule set made of the rule files beside it; sub-folders are rule sets of their own, and `tests`
folders and `*.test.yaml` files are never rules.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from migrator.errors import RuleError
from migrator.konveyor.conditions import ConditionBuilder
from migrator.konveyor.model import Catalogue, CustomVariable, Link, Rule, RuleSet
from migrator.konveyor.patterns import compile_go_regex

RULESET_FILE = "ruleset.yaml"
_RULE_ID_LINE = re.compile(r"^[ \t-]*ruleID:\s*[\"']?([^\"'\s#]+)", re.MULTILINE)
_CATEGORIES = ("mandatory", "optional", "potential")


def _is_rule_file(path: Path) -> bool:
    name = path.name
    return (
        path.suffix in (".yaml", ".yml")
        and name != RULESET_FILE
        and not name.endswith((".test.yaml", ".test.yml"))
        and name != "testing-config.yaml"
        and path.is_file()
    )


def _looks_konveyor(path: Path) -> bool:
    try:
        head = path.read_text(encoding="utf-8", errors="replace")[:20_000]
    except OSError:
        return False
    return _RULE_ID_LINE.search(head) is not None


def is_konveyor_path(path: Path) -> bool:
    """True when `path` (a rules file, a rule set folder or a tree of them) holds Konveyor rules."""
    if path.is_file():
        return _is_rule_file(path) and _looks_konveyor(path)
    for ruleset in sorted(path.rglob(RULESET_FILE))[:50]:
        if any(_is_rule_file(p) and _looks_konveyor(p) for p in ruleset.parent.iterdir()):
            return True
    return False


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(f"cannot read rule file: {exc}", path=str(path)) from None
    try:
        # libyaml when present: Konveyor's catalogue is thousands of rules.
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        return yaml.load(text, Loader=loader), text
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        message = f"invalid YAML: {str(exc).splitlines()[0]}"
        raise RuleError(message, path=str(path), line=line) from None


def _strings(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value if v is not None)


def _links(value: Any) -> tuple[Link, ...]:
    out = []
    for item in value or ():
        if isinstance(item, dict) and item.get("url"):
            out.append(Link(str(item["url"]), str(item.get("title") or "")))
    return tuple(out)


def _custom_variables(value: Any, where: str) -> tuple[CustomVariable, ...]:
    out = []
    for item in value or ():
        if not isinstance(item, dict) or "name" not in item:
            continue
        try:
            pattern = compile_go_regex(str(item.get("pattern") or ""))
        except re.error as exc:
            path, _, line = where.rpartition(":")
            message = f"customVariables: invalid regex: {exc}"
            raise RuleError(message, path=path, line=int(line)) from None
        out.append(
            CustomVariable(
                name=str(item["name"]),
                pattern=pattern,
                default=str(item.get("defaultValue") or ""),
                group=str(item.get("nameOfCaptureGroup") or ""),
            )
        )
    return tuple(out)


def _effort(value: Any) -> int | None:
    if value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _rule(data: dict[str, Any], ruleset: str, where: str, builder: ConditionBuilder) -> Rule:
    rule_id = str(data.get("ruleID") or "")
    path, _, line = where.rpartition(":")
    if not rule_id:
        raise RuleError("a Konveyor rule needs a ruleID", path=path, line=int(line))
    if not isinstance(data.get("when"), dict):
        raise RuleError(f"rule {rule_id}: `when` must be a mapping", path=path, line=int(line))
    category = data.get("category")
    message = data.get("message")
    return Rule(
        id=rule_id,
        ruleset=ruleset,
        when=builder.condition(data["when"]),
        source=where,
        description=str(data.get("description") or ""),
        message=None if message is None else str(message),
        category=category if category in _CATEGORIES else None,
        effort=_effort(data.get("effort")),
        labels=_strings(data.get("labels")),
        links=_links(data.get("links")),
        tags=_strings(data.get("tag")),
        custom_variables=_custom_variables(data.get("customVariables"), where),
    )


def load_rule_file(path: Path, ruleset: str, builder: ConditionBuilder) -> list[Rule]:
    """The rules of one Konveyor rules file (a YAML list of rule mappings)."""
    data, text = _read_yaml(path)
    if data is None:
        return []
    if not isinstance(data, list):
        raise RuleError("a Konveyor rules file must hold a list of rules", path=str(path), line=1)
    lines = [text.count("\n", 0, m.start()) + 1 for m in _RULE_ID_LINE.finditer(text)]
    rules = []
    for index, item in enumerate(data):
        if not isinstance(item, dict):
            raise RuleError("a Konveyor rule must be a mapping", path=str(path))
        line = lines[index] if index < len(lines) else 1
        rules.append(_rule(item, ruleset, f"{path}:{line}", builder))
    return rules


def _ruleset_meta(folder: Path) -> tuple[str, str, tuple[str, ...]]:
    meta_path = folder / RULESET_FILE
    if not meta_path.is_file():
        return folder.name, "", ()
    meta, _ = _read_yaml(meta_path)
    if not isinstance(meta, dict):
        raise RuleError("ruleset.yaml must hold a mapping", path=str(meta_path), line=1)
    name = str(meta.get("name") or folder.name)
    return name, str(meta.get("description") or ""), _strings(meta.get("labels"))


def load_ruleset(folder: Path, builder: ConditionBuilder, files: Iterable[Path] = ()) -> RuleSet:
    """One rule set: `folder`'s `ruleset.yaml` and its rule files (or just `files`, if given)."""
    name, description, labels = _ruleset_meta(folder)
    chosen = list(files) or sorted(p for p in folder.iterdir() if _is_rule_file(p))
    rules = [rule for path in chosen for rule in load_rule_file(path, name, builder)]
    return RuleSet(name, str(folder), description, labels, tuple(rules))


def _folders(root: Path) -> list[Path]:
    if (root / RULESET_FILE).is_file():
        nested = [p.parent for p in root.rglob(RULESET_FILE) if p.parent != root]
        return [root, *sorted(nested)]
    return sorted(p.parent for p in root.rglob(RULESET_FILE) if "tests" not in p.parts)


def load_catalogue(paths: Iterable[Path]) -> Catalogue:
    """Every Konveyor rule set under `paths` (folders, trees or single rule files)."""
    builder = ConditionBuilder()
    rulesets: list[RuleSet] = []
    for path in paths:
        if path.is_file():
            rulesets.append(load_ruleset(path.parent, builder, [path]))
            continue
        for folder in _folders(path):
            ruleset = load_ruleset(folder, builder)
            if ruleset.rules:
                rulesets.append(ruleset)
    return Catalogue(tuple(rulesets), tuple(builder.leaves), _digest(rulesets))


def _digest(rulesets: list[RuleSet]) -> str:
    """Changes with any rule: a hash of each rule's source location and content."""
    h = hashlib.blake2b(digest_size=16)
    for ruleset in rulesets:
        h.update(f"{ruleset.name}\0{ruleset.labels}\0".encode())
        for rule in ruleset.rules:
            h.update(repr((rule.id, rule.when, rule.message, rule.custom_variables)).encode())
    return h.hexdigest()
