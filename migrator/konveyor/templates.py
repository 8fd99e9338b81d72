"""The Mustache subset Konveyor's rules use: `{{name}}`, `{{{name}}}`, `{{ a.b }}`, sections.

Messages interpolate an incident's variables (custom variables, provider variables such as
`matchingText`); conditions interpolate chained results (`{{poms.filepaths}}`). A missing name
renders as nothing; a template that does not parse is used as written, as Konveyor does.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_TAG = re.compile(r"\{\{(\{?)\s*([#^/&]?)\s*([^{}]*?)\s*\}?\}\}")


class TemplateError(ValueError):
    """A template that does not parse."""


def _lookup(name: str, scopes: list[Any]) -> Any:
    if name == ".":
        return scopes[-1]
    head, *rest = name.split(".")
    for scope in reversed(scopes):
        if isinstance(scope, Mapping) and head in scope:
            value = scope[head]
            for part in rest:
                value = value.get(part) if isinstance(value, Mapping) else None
            return value
    return None


def _text(value: Any) -> str:
    if value is None or value is False:
        return ""
    if isinstance(value, (list, tuple)):
        return " ".join(_text(v) for v in value)
    return str(value)


def _section_end(template: str, start: int, name: str) -> tuple[int, int]:
    depth = 1
    for match in _TAG.finditer(template, start):
        if match.group(3) == name and match.group(2) in ("#", "^"):
            depth += 1
        elif match.group(3) == name and match.group(2) == "/":
            depth -= 1
            if depth == 0:
                return match.start(), match.end()
    raise TemplateError(f"unclosed section {name!r}")


def _render(template: str, scopes: list[Any]) -> str:
    out: list[str] = []
    position = 0
    while True:
        match = _TAG.search(template, position)
        if match is None:
            out.append(template[position:])
            return "".join(out)
        out.append(template[position : match.start()])
        sigil, name = match.group(2), match.group(3)
        if not name:
            raise TemplateError("empty tag")
        if sigil in ("#", "^"):
            inner_end, after = _section_end(template, match.end(), name)
            body = template[match.end() : inner_end]
            value = _lookup(name, scopes)
            items = value if isinstance(value, (list, tuple)) else [value] if value else []
            if sigil == "^":
                out.append(_render(body, scopes) if not items else "")
            else:
                out.extend(_render(body, [*scopes, item]) for item in items)
            position = after
            continue
        if sigil == "/":
            raise TemplateError(f"unopened section {name!r}")
        out.append(_text(_lookup(name, scopes)))
        position = match.end()


def render(template: str, variables: Mapping[str, Any]) -> str:
    """`template` with its tags filled from `variables`; as written if it does not parse."""
    if "{{" not in template:
        return template
    try:
        return _render(template, [variables])
    except TemplateError:
        return template
