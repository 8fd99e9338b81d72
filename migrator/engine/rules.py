"""Compile rule specs into rules, and load rule packs from disk.

`--rules NAME` names a shipped pack; `--rules PATH` a pack folder, a single rule file or a tree of
packs. Every problem is a `RuleError` located as `path:line`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

import pathspec
from pydantic import ValidationError

from migrator import __version__
from migrator.engine import languages
from migrator.engine.matching import Constraint, Relation
from migrator.engine.patterns import (
    METAVAR_REF,
    PatternError,
    PatternNode,
    compile_pattern,
    ref_transform,
)
from migrator.engine.queries import QuerySyntaxError, mark_match
from migrator.engine.results import Link, RuleMeta
from migrator.engine.rulespec import ConstraintSpec, RelationSpec, RuleSetSpec, RuleSpec
from migrator.engine.yamldoc import Document, load_documents
from migrator.errors import RuleError, UsageError
from migrator.konveyor.loader import is_konveyor_path, load_catalogue
from migrator.konveyor.model import Catalogue
from migrator.konveyor.selector import LabelSelector, parse_selector

RULESET_FILE = "ruleset.yaml"
RULE_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Rule:
    spec: RuleSpec
    pack: str
    meta: RuleMeta
    source: str  # "path:line" of the rule's document
    query: str | None = None  # Tree-sitter source whose patterns capture @match
    pattern_count: int = 0
    pattern: PatternNode | None = None
    regex: re.Pattern[str] | None = None
    constraints: dict[str, Constraint] = field(default_factory=dict)
    inside: Relation | None = None
    not_inside: Relation | None = None
    has: Relation | None = None
    not_has: Relation | None = None
    files: pathspec.GitIgnoreSpec | None = None
    ignores: pathspec.GitIgnoreSpec | None = None
    anchor: bytes | None = None  # a literal every match contains (see engine/combined.py)

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def language(self) -> str:
        return self.spec.language

    def applies_to(self, path: str) -> bool:
        if self.files is not None and not self.files.match_file(path):
            return False
        return self.ignores is None or not self.ignores.match_file(path)


@dataclass(frozen=True)
class Pack:
    name: str
    description: str
    path: str
    spec: RuleSetSpec | None = None


@dataclass
class RuleSet:
    rules: list[Rule]
    packs: list[Pack]
    # Konveyor rule sets loaded as they are, and the --label-selector that filters them.
    konveyor: Catalogue = field(default_factory=Catalogue)
    label_selector: LabelSelector | None = None

    def digest(self) -> str:
        """Changes whenever a rule or migrator itself changes: the scan cache keys on it."""
        h = hashlib.blake2b(__version__.encode(), digest_size=16)
        for rule in self.rules:
            h.update(rule.pack.encode() + b"\0" + rule.spec.model_dump_json().encode())
        h.update(self.konveyor.digest.encode())
        return h.hexdigest()

    def languages(self) -> set[str]:
        return {rule.language for rule in self.rules}

    def restricted_to(self, present: set[str]) -> RuleSet:
        """Only packs with a rule for a language in `present` (text rules always count)."""
        keep = {r.pack for r in self.rules if r.language in present or r.language == "text"}
        return replace(
            self,
            rules=[r for r in self.rules if r.pack in keep],
            packs=[p for p in self.packs if p.name in keep],
        )


# -- compiling ---------------------------------------------------------------------------------


def _regex(pattern: str, doc: Document, loc: tuple[str | int, ...]) -> re.Pattern[str]:
    try:
        return re.compile(pattern, re.MULTILINE)
    except re.error as exc:
        raise RuleError(
            f"invalid regex {pattern!r}: {exc}", path=doc.path, line=doc.line_of(loc)
        ) from None


def _constraint(spec: ConstraintSpec, doc: Document, loc: tuple[str | int, ...]) -> Constraint:
    negated = _constraint(spec.not_, doc, (*loc, "not")) if spec.not_ else None
    regex = _regex(spec.regex, doc, (*loc, "regex")) if spec.regex else None
    return Constraint(regex, spec.kinds(), negated)


def _relation(
    spec: RelationSpec | None, language: str, doc: Document, loc: tuple[str | int, ...]
) -> Relation | None:
    if spec is None:
        return None
    node = None
    if spec.pattern is not None:
        try:
            node = compile_pattern(language, spec.pattern).root
        except PatternError as exc:
            raise RuleError(str(exc), path=doc.path, line=doc.line_of((*loc, "pattern"))) from None
    regex = _regex(spec.regex, doc, (*loc, "regex")) if spec.regex else None
    return Relation(
        node,
        spec.kinds(),
        regex,
        spec.nearest,
        inside=_relation(spec.inside, language, doc, (*loc, "inside")),
        not_inside=_relation(spec.not_inside, language, doc, (*loc, "not-inside")),
        has=_relation(spec.has, language, doc, (*loc, "has")),
        not_has=_relation(spec.not_has, language, doc, (*loc, "not-has")),
    )


def _globs(patterns: list[str]) -> pathspec.GitIgnoreSpec | None:
    return pathspec.GitIgnoreSpec.from_lines(patterns) if patterns else None


def _query_line(doc: Document, key: str, row: int | None) -> int:
    line = doc.line_of((key,))
    raw = doc.data.get(key, "") if isinstance(doc.data, dict) else ""
    # A block scalar (`query: |`) starts on the next line; a plain one on the key's own line.
    block = isinstance(raw, str) and "\n" in raw.strip("\n")
    return line + (row or 0) + (1 if block else 0)


def _check_templates(spec: RuleSpec, doc: Document) -> None:
    """A `${X/regex/replacement/}` in the message or fix must be a valid regex and replacement."""
    for key, template in (("message", spec.message), ("fix", spec.fix_template or "")):
        for ref in METAVAR_REF.finditer(template):
            rewrite = ref_transform(ref)
            if rewrite is None:
                continue
            try:
                compiled = re.compile(rewrite[0])
            except re.error as exc:
                raise RuleError(
                    f"invalid regex in {ref.group(0)}: {exc}",
                    path=doc.path,
                    line=doc.line_of((key,)),
                ) from None
            for group in re.findall(r"\\(\d+)|\\g<(\w+)>", rewrite[1]):
                name = group[0] or group[1]
                known = (
                    int(name) <= compiled.groups
                    if name.isdigit()
                    else (name in compiled.groupindex)
                )
                if not known:
                    raise RuleError(
                        f"{ref.group(0)} refers to group {name}, which its regex lacks",
                        path=doc.path,
                        line=doc.line_of((key,)),
                    )


def compile_rule(spec: RuleSpec, pack: str, doc: Document) -> Rule:
    try:
        info = languages.get_language(spec.language)
    except UsageError as exc:
        raise RuleError(exc.message, path=doc.path, line=doc.line_of(("language",))) from None
    if not info.has_grammar and not spec.regex:
        raise RuleError(
            f"language {spec.language!r} has no grammar: use regex",
            path=doc.path,
            line=doc.line_of(("language",)),
        )
    if spec.language == "text" and not spec.files:
        raise RuleError("a text rule needs files: globs", path=doc.path, line=doc.line)
    constraints = {name: _constraint(c, doc, ("where", name)) for name, c in spec.where.items()}
    query, count, node, regex = None, 0, None, None
    anchor: bytes | None = None
    try:
        if spec.pattern is not None:
            pushed = {
                n: (c.regex if c.not_ is None else None, c.kinds()) for n, c in spec.where.items()
            }
            compiled = compile_pattern(info.name, spec.pattern, pushed)
            unknown = set(spec.where) - compiled.metavars
            if unknown:
                raise RuleError(
                    f"where names ${sorted(unknown)[0]}, which the pattern lacks",
                    path=doc.path,
                    line=doc.line_of(("where", sorted(unknown)[0])),
                )
            query, count, node = compiled.query, 1, compiled.root
            anchor = pattern_anchor(compiled.root)
        elif spec.query is not None:
            query, count = mark_match(info.name, spec.query)
        else:
            regex = _regex(spec.regex or "", doc, ("regex",))
    except PatternError as exc:
        raise RuleError(str(exc), path=doc.path, line=doc.line_of(("pattern",))) from None
    except QuerySyntaxError as exc:
        raise RuleError(str(exc), path=doc.path, line=_query_line(doc, "query", exc.row)) from None
    _check_templates(spec, doc)
    meta = RuleMeta(
        id=spec.id,
        pack=pack,
        language=info.name,
        message=spec.message,
        severity=spec.severity,
        category=spec.category,
        effort=spec.effort,
        description=spec.description,
        labels=tuple(spec.labels),
        links=tuple(Link(link.url, link.title) for link in spec.links),
        hint=spec.hint,
        fixable=spec.fix is not None,
    )
    return Rule(
        spec=spec.model_copy(update={"language": info.name}),
        pack=pack,
        meta=meta,
        source=f"{doc.path}:{doc.line}",
        query=query,
        pattern_count=count,
        pattern=node,
        regex=regex,
        constraints=constraints,
        inside=_relation(spec.inside, info.name, doc, ("inside",)),
        not_inside=_relation(spec.not_inside, info.name, doc, ("not-inside",)),
        has=_relation(spec.has, info.name, doc, ("has",)),
        not_has=_relation(spec.not_has, info.name, doc, ("not-has",)),
        files=_globs(spec.files),
        ignores=_globs(spec.ignores),
        anchor=anchor,
    )


def pattern_anchor(root: PatternNode) -> bytes | None:
    """The longest literal of a pattern (a named leaf, or a keyword token): any match holds it."""
    best = b""
    stack = [root]
    while stack:
        node = stack.pop()
        stack.extend(node.children)
        if node.metavar is not None or node.children:
            continue
        text = node.text if node.named else node.kind
        if not node.named and not (text.isidentifier() and len(text) >= 3):
            continue
        encoded = text.encode()
        if len(encoded) > len(best) and b"\n" not in encoded:
            best = encoded
    return best or None


def _validation_error(exc: ValidationError, doc: Document) -> RuleError:
    first = exc.errors()[0]
    loc = tuple(first["loc"])
    where = ".".join(str(part) for part in loc)
    if first["type"] == "extra_forbidden":
        message = f"unknown key {loc[-1]!r}"
    else:
        message = f"{where}: {first['msg']}" if where else first["msg"]
    return RuleError(message, path=doc.path, line=doc.line_of(loc))


# -- loading -----------------------------------------------------------------------------------


def shipped_rules_dir() -> Path:
    """Packs shipped in the wheel (migrator/rules) or, in a checkout, the top-level rules/."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "rules", here.parent / "rules"):
        if candidate.is_dir():
            return candidate
    return here / "rules"


def shipped_packs() -> dict[str, Path]:
    base = shipped_rules_dir()
    if not base.is_dir():
        return {}
    return {p.parent.name: p.parent for p in sorted(base.glob(f"*/{RULESET_FILE}"))}


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(f"cannot read rule file: {exc}", path=str(path)) from None


def _load_pack_spec(folder: Path) -> RuleSetSpec:
    path = folder / RULESET_FILE
    docs = list(load_documents(_read(path), str(path)))
    if len(docs) != 1 or not isinstance(docs[0].data, dict):
        raise RuleError("ruleset.yaml must hold one mapping", path=str(path), line=1)
    try:
        return RuleSetSpec.model_validate(docs[0].data)
    except ValidationError as exc:
        raise _validation_error(exc, docs[0]) from None


def load_rule_file(path: Path, pack: str) -> list[Rule]:
    rules = []
    for doc in load_documents(_read(path), str(path)):
        if not isinstance(doc.data, dict):
            raise RuleError("a rule must be a mapping", path=doc.path, line=doc.line)
        try:
            spec = RuleSpec.model_validate(doc.data)
        except ValidationError as exc:
            raise _validation_error(exc, doc) from None
        rules.append(compile_rule(spec, pack, doc))
    return rules


def _rule_files(folder: Path) -> list[Path]:
    return sorted(
        p
        for p in folder.rglob("*")
        if p.suffix in RULE_SUFFIXES
        and p.name != RULESET_FILE
        and p.is_file()
        and "tests" not in p.relative_to(folder).parts[:-1]
    )


def load_pack(folder: Path) -> tuple[Pack, list[Rule]]:
    spec = _load_pack_spec(folder) if (folder / RULESET_FILE).is_file() else None
    name = spec.name if spec else folder.name
    pack = Pack(name, spec.description if spec else "", str(folder), spec)
    rules = [rule for path in _rule_files(folder) for rule in load_rule_file(path, name)]
    return pack, rules


def _folders_for(selector: str) -> list[Path]:
    shipped = shipped_packs()
    if selector in shipped:
        return [shipped[selector]]
    path = Path(selector)
    if not path.exists():
        names = ", ".join(sorted(shipped)) or "none"
        raise UsageError(
            f"no rule pack or path {selector!r} (shipped packs: {names})",
            hint="run `migrator rules list` to see the shipped packs",
        )
    if path.is_file():
        return [path]
    if (path / RULESET_FILE).is_file():
        return [path]
    nested = sorted(p.parent for p in path.rglob(RULESET_FILE))
    return nested or [path]


def load_rules(selectors: Iterable[str] = (), label_selector: str | None = None) -> RuleSet:
    """Load the packs named by `selectors`, or every shipped pack when there are none.

    A path holding Konveyor rule sets (told by its shape) loads into `RuleSet.konveyor`;
    `label_selector` filters those rules with Konveyor's label syntax.
    """
    folders: list[Path] = []
    konveyor: list[Path] = []
    for selector in selectors or list(shipped_packs()):
        if selector not in shipped_packs() and is_konveyor_path(Path(selector)):
            konveyor.append(Path(selector))
        else:
            folders.extend(_folders_for(selector))
    packs: list[Pack] = []
    rules: list[Rule] = []
    for folder in dict.fromkeys(folders):
        if folder.is_file():
            owner = folder.parent
            spec = _load_pack_spec(owner) if (owner / RULESET_FILE).is_file() else None
            name = spec.name if spec else folder.stem
            pack, found = Pack(name, "", str(folder), spec), load_rule_file(folder, name)
        else:
            pack, found = load_pack(folder)
        packs.append(pack)
        rules.extend(found)
    seen: dict[str, str] = {}
    for rule in rules:
        if rule.id in seen:
            path, _, line = rule.source.rpartition(":")
            raise RuleError(
                f"duplicate rule id {rule.id!r} (first defined at {seen[rule.id]})",
                path=path,
                line=int(line),
            )
        seen[rule.id] = rule.source
    chosen = parse_selector(label_selector) if label_selector else None
    return RuleSet(rules, packs, load_catalogue(konveyor), chosen)
