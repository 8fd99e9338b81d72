"""Raw Tree-sitter queries written in rules: checking them and marking the incident node."""

from __future__ import annotations

import re

from tree_sitter import Query, QueryError

from migrator.engine import languages

# Predicates py-tree-sitter evaluates itself. Any other one would be ignored silently (so every
# node would match), and #set!/#is? after a text predicate corrupt the heap on 0.26.1.
ALLOWED_PREDICATES = frozenset(
    [
        "eq?",
        "not-eq?",
        "any-eq?",
        "any-not-eq?",
        "match?",
        "not-match?",
        "any-match?",
        "any-not-match?",
        "any-of?",
    ]
)
_PREDICATE = re.compile(r'"(?:\\.|[^"\\])*"|;[^\n]*|#([A-Za-z_][\w-]*[?!])')
_ROW = re.compile(r"row (\d+)")


class QuerySyntaxError(ValueError):
    """A query that does not compile; `row` is 0-based within the query text when known."""

    def __init__(self, message: str, row: int | None) -> None:
        super().__init__(message)
        self.row = row


def check_predicates(text: str) -> None:
    for m in _PREDICATE.finditer(text):
        name = m.group(1)
        if name and name not in ALLOWED_PREDICATES:
            if name == "not-any-of?":
                hint = ' (broken in tree-sitter 0.26; use #not-match? @x "^(a|b)$")'
            else:
                hint = ""
            row = text.count("\n", 0, m.start())
            raise QuerySyntaxError(f"unsupported predicate #{name}{hint}", row)


def compile_query(language: str, text: str) -> Query:
    check_predicates(text)
    try:
        query: Query = Query(languages.grammar(language), text)
        return query
    except QueryError as exc:
        message = str(exc).splitlines()[0] if str(exc) else "invalid query"
        found = _ROW.search(message)
        raise QuerySyntaxError(
            f"invalid query: {message}", int(found.group(1)) if found else None
        ) from None


def _pattern_end(text: str, start: int) -> int:
    """Index just after the top-level bracketed expression starting at or after `start`."""
    depth = 0
    i = start
    while i < len(text):
        ch = text[i]
        if ch == '"':
            i += 1
            while i < len(text) and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
        elif ch == ";":
            while i < len(text) and text[i] != "\n":
                i += 1
        elif ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return len(text)


def mark_match(language: str, text: str) -> tuple[str, int]:
    """Capture each top-level pattern as @match unless it captures @match itself.

    Returns the rewritten query and its pattern count. Positions come from the compiled query,
    so comments and strings cannot confuse the rewrite.
    """
    query = compile_query(language, text)
    out: list[str] = []
    cursor = 0
    for index in range(query.pattern_count):
        start = query.start_byte_for_pattern(index)
        end = query.end_byte_for_pattern(index)
        chunk = text.encode()[start:end].decode()
        out.append(text.encode()[cursor:start].decode())
        if re.search(r"@match\b", chunk):
            out.append(chunk)
        else:
            close = _pattern_end(chunk, 0)
            out.append(chunk[:close] + " @match" + chunk[close:])
        cursor = end
    out.append(text.encode()[cursor:].decode())
    return "".join(out), query.pattern_count
