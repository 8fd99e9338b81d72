"""Raw incidents into Konveyor incidents: code snippet, custom variables, message, de-duplication.

As in Konveyor's engine: the snippet is the incident's line with `context` lines either side,
numbered and padded; custom variables run their regex on the incident's line (first group, or the
named one, or the whole match); the message is the rule's Mustache template over the incident's
variables plus `lineNumber`; incidents with the same file, message and line count once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from migrator.konveyor.evaluate import Raw
from migrator.konveyor.model import CustomVariable, Rule
from migrator.konveyor.output import KonveyorIncident
from migrator.konveyor.templates import render

Reader = Callable[[str], list[str] | None]  # relative path -> the file's lines (None: unreadable)


def code_snip(lines: list[str], line: int, context: int) -> str:
    first = max(1, line - context)
    last = min(len(lines), line + context)
    width = len(str(line + context))
    return "\n".join(f"{n:>{width}}  {lines[n - 1]}" for n in range(first, last + 1))


def custom_values(variables: tuple[CustomVariable, ...], text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for variable in variables:
        match = variable.pattern.search(text)
        if match is None:
            out[variable.name] = variable.default
        elif variable.group and variable.group in variable.pattern.groupindex:
            out[variable.name] = (match.group(variable.group) or "").strip()
        elif variable.pattern.groups == 0:
            out[variable.name] = match.group(0).strip()
        elif variable.pattern.groups == 1:
            out[variable.name] = (match.group(1) or "").strip()
    return out


class IncidentBuilder:
    """Builds the incidents of matched rules, reading each file at most once."""

    def __init__(self, root_uri: str, reader: Reader, context: int) -> None:
        self.root_uri = root_uri.rstrip("/")
        self.reader = reader
        self.context = context
        self._lines: dict[str, list[str] | None] = {}

    def lines(self, path: str) -> list[str] | None:
        if path not in self._lines:
            self._lines[path] = self.reader(path)
        return self._lines[path]

    def build(self, rule: Rule, raws: list[Raw]) -> list[KonveyorIncident]:
        out: list[KonveyorIncident] = []
        seen: set[tuple[str, str, int]] = set()
        for raw in raws:
            incident = self._one(rule, raw)
            key = (incident.uri, incident.message, incident.line or -1)
            if key not in seen:
                seen.add(key)
                out.append(incident)
        return out

    def _one(self, rule: Rule, raw: Raw) -> KonveyorIncident:
        uri = f"{self.root_uri}/{raw.path}" if raw.path else ""
        variables: dict[str, Any] = dict(raw.variables)
        if "file" in variables:
            variables["file"] = uri
        lines = self.lines(raw.path) if raw.path and raw.line else None
        snip, text = "", ""
        if lines is not None and 0 < raw.line <= len(lines):
            snip = code_snip(lines, raw.line, self.context)
            text = lines[raw.line - 1].strip()
        variables.update(custom_values(rule.custom_variables, text))
        message = ""
        if rule.message is not None:
            scope = {**variables, **({"lineNumber": raw.line} if raw.line else {})}
            message = render(rule.message, scope)
        return KonveyorIncident(
            uri=uri,
            message=message,
            line=raw.line or None,
            code_snip=snip,
            variables=variables,
            path=raw.path,
            text=text,
        )
