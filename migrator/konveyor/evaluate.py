"""Phase two: evaluate each rule's `when` tree over the hits every file produced.

Semantics are Konveyor's engine's: a provider condition matches when it has incidents (after
scoping by `filepaths`, which may come from a chain); `not` flips the verdict but keeps the
incidents; `and` / `or` collect the incidents of every child not marked `ignore`; `as` saves a
child's files for the children that name it in `from`, which run after it whatever their order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from migrator.konveyor.model import Condition, Group, Leaf
from migrator.konveyor.paths import any_matches, path_matches, split_filepaths
from migrator.konveyor.templates import render


@dataclass(frozen=True)
class Raw:
    """An incident before messages and snippets: a file (or none), a line (0: none), variables."""

    path: str
    line: int
    variables: dict[str, Any]


@dataclass
class Response:
    matched: bool
    incidents: list[Raw] = field(default_factory=list)


class ChainError(ValueError):
    """A `from` that names no earlier `as`."""


@dataclass
class Context:
    """What one rule's evaluation sees: the hits by leaf, the tree's files, tags, chains."""

    hits: dict[int, list[Raw]]
    paths: Sequence[str]
    tags: set[str]
    chains: dict[str, list[str]] = field(default_factory=dict)

    def chain_values(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name, files in self.chains.items():
            listed = "[" + ", ".join(files) + "]" if files else "[]"
            values[name] = {"filepaths": listed, "Filepaths": listed, "Filepath": listed}
        return values


def _files_of(incidents: list[Raw]) -> list[str]:
    return list(dict.fromkeys(i.path for i in incidents if i.path))


def _scope(leaf: Leaf, context: Context) -> tuple[list[str], bool] | None:
    """The files a leaf is limited to by its `filepaths`, and whether they came from a chain
    (exact paths) rather than patterns; None when nothing limits it."""
    raw = leaf.param("filepaths", leaf.param("filePaths"))
    if raw is None:
        return None
    chained = isinstance(raw, str) and "{{" in raw
    if chained:
        raw = render(str(raw), context.chain_values())
    listed = split_filepaths(raw)
    return (listed, chained) if listed else None  # an empty chain scopes nothing, as in Konveyor


def _leaf_incidents(leaf: Leaf, context: Context) -> list[Raw]:
    if leaf.unsupported:
        return []
    if leaf.name == "builtin.hasTags":
        wanted = [str(t) for t in leaf.params]
        return [Raw("", 0, {"tags": wanted})] if all(t in context.tags for t in wanted) else []
    if leaf.name == "builtin.file":
        pattern = str(leaf.param("pattern"))
        return [Raw(p, 0, {}) for p in context.paths if path_matches(pattern, p)]
    return context.hits.get(leaf.index, [])


def _evaluate_leaf(leaf: Leaf, context: Context) -> Response:
    incidents = _leaf_incidents(leaf, context)
    scope = _scope(leaf, context)
    if scope is not None:
        files, chained = scope
        incidents = [
            i
            for i in incidents
            if i.path and (i.path in files if chained else any_matches(files, i.path))
        ]
    return Response(bool(incidents), incidents)


def _ordered(children: Sequence[Condition]) -> list[Condition]:
    """Children that start a chain first, each followed by the children that use it."""

    def chain(start: Condition) -> list[Condition]:
        out = [start]
        for child in children:
            if start.as_ and child.from_ == start.as_:
                out += chain(child)
        return out

    ordered: list[Condition] = []
    for child in children:
        if not child.from_:
            ordered += chain(child)
    # A `from` naming no `as` comes last and fails there, rather than vanishing unseen.
    return ordered + [child for child in children if child not in ordered]


def evaluate(condition: Condition, context: Context) -> Response:
    """The verdict and incidents of `condition` (a chain problem raises `ChainError`)."""
    if isinstance(condition, Leaf):
        response = _evaluate_leaf(condition, context)
    else:
        response = _evaluate_group(condition, context)
    if not response.incidents:
        response.matched = False
    if condition.negated:
        response.matched = not response.matched
    return response


def _evaluate_group(group: Group, context: Context) -> Response:
    response = Response(group.kind == "and")
    for child in _ordered(group.children):
        if child.from_ and child.from_ not in context.chains:
            raise ChainError(f"unable to find context value: {child.from_}")
        result = evaluate(child, context)
        if child.as_:
            context.chains[child.as_] = _files_of(result.incidents)
        if group.kind == "and" and not result.matched:
            response.matched = False
        if group.kind == "or" and result.matched:
            response.matched = True
        if not child.ignore:
            response.incidents += result.incidents
    return response
