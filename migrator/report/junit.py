"""JUnit XML for CI systems that show test reports (GitLab, Jenkins, Azure DevOps, and others).

Layout: `<testsuites name="migrator">` holds one `<testsuite>` per rule pack (sorted by name) and
one `<testcase classname="<pack>" name="<rule id>">` per rule that ran (sorted by id). A rule with
incidents fails: `<failure message="N incidents" type="<severity>">` whose text lists each
`path:line:column message`. A rule without incidents passes.

File errors: when some files could not be scanned, a last suite named `migrator.errors` holds one
testcase per such file (`classname="migrator.errors"`, `name="<path>"`) with an `<error>` whose
message is the reason. One testcase per file, rather than one testcase with many `<error>` elements,
because the common JUnit schemas allow a single error per testcase and CI UIs list testcases.

Characters XML 1.0 cannot carry (most control characters, lone surrogates) are written as
`\\xNN`/`\\uNNNN` escapes so the document always parses; the caller must write the text as UTF-8,
as the XML declaration says.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from migrator.engine.results import FileError, Incident, RuleMeta, ScanResult
from migrator.report.summary import active_rules, incidents_by_rule, plural, sorted_errors

ERRORS_SUITE = "migrator.errors"
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
# Everything outside XML 1.0's Char production: C0 controls but tab/LF/CR, surrogates, U+FFFE/F.
_NOT_XML_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class JunitReport:
    """`--format junit`."""

    name: str = "junit"

    def render(self, result: ScanResult) -> str:
        """The scan as a JUnit XML document, indented by 2, ending with a newline."""
        groups = incidents_by_rule(result)
        packs: dict[str, list[RuleMeta]] = {}
        for rule in active_rules(result):
            packs.setdefault(rule.pack, []).append(rule)
        suites = [_pack_suite(pack, packs[pack], groups) for pack in sorted(packs)]
        if result.errors:
            suites.append(_errors_suite(sorted_errors(result.errors)))
        root = ET.Element("testsuites", name="migrator")
        root.extend(suites)
        _count(root)
        ET.indent(root, space="  ")
        return XML_DECLARATION + ET.tostring(root, encoding="unicode") + "\n"


def _pack_suite(pack: str, rules: list[RuleMeta], groups: dict[str, list[Incident]]) -> ET.Element:
    suite = ET.Element("testsuite", name=xml_safe(pack))
    for rule in rules:
        case = ET.SubElement(suite, "testcase", classname=xml_safe(pack), name=xml_safe(rule.id))
        incidents = groups.get(rule.id, [])
        if incidents:
            failure = ET.SubElement(
                case,
                "failure",
                message=plural(len(incidents), "incident"),
                type=rule.severity,
            )
            failure.text = xml_safe("\n".join(_incident_line(i) for i in incidents))
    _count(suite)
    return suite


def _errors_suite(errors: list[FileError]) -> ET.Element:
    suite = ET.Element("testsuite", name=ERRORS_SUITE)
    for error in errors:
        case = ET.SubElement(suite, "testcase", classname=ERRORS_SUITE, name=xml_safe(error.path))
        ET.SubElement(case, "error", message=xml_safe(error.message), type="FileError")
    _count(suite)
    return suite


def _count(element: ET.Element) -> None:
    """Set tests/failures/errors from the testcases anywhere below `element`."""
    cases = list(element.iter("testcase"))
    element.set("tests", str(len(cases)))
    element.set("failures", str(sum(1 for case in cases if case.find("failure") is not None)))
    element.set("errors", str(sum(1 for case in cases if case.find("error") is not None)))


def _incident_line(incident: Incident) -> str:
    return f"{incident.path}:{incident.line}:{incident.column} {incident.message}"


def xml_safe(text: str) -> str:
    """`text` with every character XML 1.0 forbids replaced by a visible Python-style escape."""
    return _NOT_XML_CHAR.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)
