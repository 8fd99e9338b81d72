"""`java.dependency` from a project's `pom.xml`: the dependencies it declares, with versions.

Without Maven there is no resolved tree, so only what a POM declares counts: `dependencies`,
`dependencyManagement` and the `parent`, with `${property}` references filled from the POM's
`properties`, `project.version` and `project.parent.version`, and managed versions applied to
dependencies that leave theirs out. A dependency's name is `groupId.artifactId`, as in Konveyor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from migrator.konveyor.versions import within

_PROPERTY = re.compile(r"\$\{([^}]+)\}")
_PARSER = etree.XMLParser(recover=True, resolve_entities=False, no_network=True)


@dataclass(frozen=True)
class Dependency:
    name: str  # groupId.artifactId
    version: str
    line: int


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _child(element: etree._Element, name: str) -> etree._Element | None:
    return next((c for c in element if _local(c) == name), None)


def _text(element: etree._Element | None, name: str) -> str:
    found = _child(element, name) if element is not None else None
    return (found.text or "").strip() if found is not None else ""


def _properties(project: etree._Element) -> dict[str, str]:
    values = {
        "project.version": _text(project, "version"),
        "project.groupId": _text(project, "groupId"),
        "project.parent.version": _text(_child(project, "parent"), "version"),
    }
    values.setdefault("version", values["project.version"])
    properties = _child(project, "properties")
    for item in properties if properties is not None else ():
        if _local(item):
            values[_local(item)] = (item.text or "").strip()
    return values


def _substitute(text: str, properties: dict[str, str]) -> str:
    for _ in range(5):  # properties may refer to properties
        replaced = _PROPERTY.sub(lambda m: properties.get(m.group(1), m.group(0)), text)
        if replaced == text:
            break
        text = replaced
    return text


def _line(entry: etree._Element) -> int:
    """Konveyor's line for a dependency: its groupId / artifactId, whichever comes first."""
    lines = [source_line(c) for c in entry if _local(c) in ("groupId", "artifactId")]
    lines = [line for line in lines if line]
    return min(lines) if lines else source_line(entry) or 1


def source_line(element: object) -> int:
    """lxml's `sourceline` (0 when unknown)."""
    value = getattr(element, "sourceline", None)
    return value if isinstance(value, int) else 0


def _entries(project: etree._Element) -> list[etree._Element]:
    found = []
    parent = _child(project, "parent")
    if parent is not None:
        found.append(parent)
    for container in (project, _child(project, "dependencyManagement")):
        dependencies = _child(container, "dependencies") if container is not None else None
        found.extend(c for c in (dependencies if dependencies is not None else ()) if _local(c))
    return found


def pom_dependencies(data: bytes) -> list[Dependency]:
    """The dependencies a POM declares; [] when it does not parse as one."""
    try:
        project = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError:
        return []
    if project is None or _local(project) != "project":
        return []
    properties = _properties(project)
    managed: dict[str, str] = {}
    out = []
    for entry in _entries(project):
        group = _substitute(_text(entry, "groupId"), properties)
        artifact = _substitute(_text(entry, "artifactId"), properties)
        version = _substitute(_text(entry, "version"), properties)
        name = f"{group}.{artifact}"
        if version:
            managed.setdefault(name, version)
        out.append(Dependency(name, version or managed.get(name, ""), _line(entry)))
    return out


def dependency_matches(dependency: Dependency, params: dict[str, object]) -> bool:
    name = str(params.get("name") or "")
    regex = str(params.get("nameregex") or "")
    if dependency.name != name and not (regex and re.search(regex, dependency.name)):
        return False
    return within(
        dependency.version,
        str(params.get("lowerbound") or ""),
        str(params.get("upperbound") or ""),
    )
