"""Load YAML documents and remember the line of every key, so errors can say `path:line`."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

from migrator.errors import RuleError

Loc = tuple[str | int, ...]


class DuplicateKeyError(Exception):
    def __init__(self, key: str, line: int) -> None:
        super().__init__(key)
        self.key = key
        self.line = line


@dataclass
class Document:
    data: Any
    path: str
    line: int  # first line of the document
    lines: dict[Loc, int] = field(default_factory=dict)

    def line_of(self, loc: Loc) -> int:
        """The line of the deepest known key on `loc` (pydantic error locations fit here)."""
        for end in range(len(loc), 0, -1):
            found = self.lines.get(tuple(loc[:end]))
            if found is not None:
                return found
        return self.line


def _record(node: yaml.Node, loc: Loc, lines: dict[Loc, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            if str(key.value) in seen:  # YAML keeps the last one silently: say so instead
                raise DuplicateKeyError(str(key.value), key.start_mark.line + 1)
            seen.add(str(key.value))
            child = (*loc, str(key.value))
            lines[child] = key.start_mark.line + 1
            _record(value, child, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = (*loc, index)
            lines[child] = item.start_mark.line + 1
            _record(item, child, lines)


def load_documents(text: str, path: str) -> Iterator[Document]:
    """Every non-empty document of a (multi-document) YAML text, with its key lines."""
    loader = yaml.SafeLoader(text)
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                continue
            data = loader.construct_document(node)
            if data is None:
                continue
            lines: dict[Loc, int] = {}
            try:
                _record(node, (), lines)
            except DuplicateKeyError as exc:
                raise RuleError(f"duplicate key {exc.key!r}", path=path, line=exc.line) from None
            yield Document(data, path, node.start_mark.line + 1, lines)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        raise RuleError(f"invalid YAML: {problem}", path=path, line=line) from None
    except yaml.YAMLError as exc:
        raise RuleError(f"invalid YAML: {exc}".splitlines()[0], path=path) from None
    finally:
        loader.dispose()
