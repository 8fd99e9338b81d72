"""One Tree-sitter query per language, run only where it can match.

Every rule of a language joins one combined query (pattern index -> rule). Most pattern rules
contain a literal that any match must contain verbatim (`has_key` in `$D.has_key($K)`): the
rule's anchor. Those rules form the anchored query, which runs only over byte ranges around the
anchors' occurrences in the file (a `bytes.find` is far cheaper than walking the whole tree);
the rest form a query that walks the whole tree.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from tree_sitter import Node, Query, QueryCursor

from migrator.engine.queries import QuerySyntaxError, compile_query
from migrator.engine.rules import Rule
from migrator.errors import RuleError

MATCH_LIMIT = 10_000
MAX_RANGES = 256  # beyond this many separate ranges one walk of the whole tree is cheaper
# Anchors are searched one by one with bytes.find (a fast memchr-based search); Python's re does
# not optimise an alternation of literals, so one regex only wins for very many anchors.
_FIND_LOOP_LIMIT = 160


@dataclass
class CombinedQuery:
    query: Query
    rules: list[Rule]  # indexed by pattern index
    anchors: tuple[bytes, ...] = ()  # empty: run over the whole tree
    _pattern: re.Pattern[bytes] | None = None

    def ranges(self, source: bytes) -> list[tuple[int, int]] | None:
        """Merged byte ranges of anchor occurrences; None means the whole tree."""
        if not self.anchors:
            return None
        hits: list[tuple[int, int]] = []
        if len(self.anchors) <= _FIND_LOOP_LIMIT:
            for anchor in self.anchors:
                start = source.find(anchor)
                while start >= 0:
                    hits.append((start, start + len(anchor)))
                    start = source.find(anchor, start + 1)
        else:
            if self._pattern is None:
                alternatives = sorted(self.anchors, key=len, reverse=True)
                self._pattern = re.compile(b"|".join(re.escape(a) for a in alternatives))
            hits = [m.span() for m in self._pattern.finditer(source)]
        hits.sort()
        merged: list[tuple[int, int]] = []
        for start, end in hits:
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        return None if len(merged) > MAX_RANGES else merged

    def matches(self, root: Node, source: bytes) -> Iterator[tuple[Rule, dict[str, list[Node]]]]:
        ranges = self.ranges(source)
        cursor = QueryCursor(self.query, match_limit=MATCH_LIMIT)
        if ranges is None:
            for index, captures in cursor.matches(root):
                yield self.rules[index], captures
            return
        for start, end in ranges:
            cursor.set_byte_range(start, end)
            for index, captures in cursor.matches(root):
                yield self.rules[index], captures


def _compile(language: str, rules: list[Rule], anchors: tuple[bytes, ...]) -> CombinedQuery:
    text = "\n".join(rule.query or "" for rule in rules)
    owners = [rule for rule in rules for _ in range(rule.pattern_count)]
    try:
        query = compile_query(language, text)
    except QuerySyntaxError:
        for rule in rules:  # find the culprit to say where it is
            try:
                compile_query(language, rule.query or "")
            except QuerySyntaxError as exc:
                path, _, line = rule.source.rpartition(":")
                raise RuleError(f"rule {rule.id}: {exc}", path=path, line=int(line)) from None
        raise
    if query.pattern_count != len(owners):
        raise RuleError(
            f"{language}: combined query has {query.pattern_count} patterns, expected {len(owners)}"
        )
    return CombinedQuery(query, owners, anchors)


def combine(language: str, rules: list[Rule]) -> list[CombinedQuery]:
    """The anchored query and the whole-tree query of a language (either may be absent)."""
    anchored = [r for r in rules if r.query and r.anchor]
    whole = [r for r in rules if r.query and not r.anchor]
    out = []
    if anchored:
        anchors = tuple(sorted({r.anchor for r in anchored if r.anchor}))
        out.append(_compile(language, anchored, anchors))
    if whole:
        out.append(_compile(language, whole, ()))
    return out
