"""SARIF 2.1.0 in the subset GitHub code scanning reads, for `--format sarif`.

One run; `tool.driver.rules` holds every rule that ran (sorted by id, so `ruleIndex` is stable);
file errors become `toolExecutionNotifications`. Paths are relative URIs against `%SRCROOT%` so
alerts keep their identity wherever the repository is checked out, and each result carries the
incident's fingerprint in `partialFingerprints`, which GitHub uses to match alerts across runs.
`sarif-schema.json` next to this module describes what this renderer promises to emit.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

import migrator
from migrator.engine.results import FileError, Incident, RuleMeta, ScanResult
from migrator.report.summary import active_rules, sorted_errors, sorted_incidents

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "migratorFingerprint/v1"
# The project has no public home yet; `informationUri` is emitted once this is set.
INFORMATION_URI = ""
# GitHub rejects a rule with more than 20 tags (and shows 10), so the category goes first.
MAX_TAGS = 20
LEVELS = {"error": "error", "warning": "warning", "info": "note"}

Json = dict[str, Any]


class SarifReport:
    """`--format sarif`, for GitHub code scanning and other SARIF viewers."""

    name: str = "sarif"

    def render(self, result: ScanResult) -> str:
        """The scan as a SARIF log, indented by 2, ending with a newline."""
        return json.dumps(sarif_log(result), indent=2, ensure_ascii=False) + "\n"


def schema() -> Json:
    """The JSON Schema (draft 2020-12) for what this module emits, shipped in the package."""
    text = resources.files("migrator.report").joinpath("sarif-schema.json").read_text("utf-8")
    loaded: Json = json.loads(text)
    return loaded


def sarif_log(result: ScanResult) -> Json:
    """The SARIF log as a JSON value."""
    rules = active_rules(result)
    index = {rule.id: position for position, rule in enumerate(rules)}
    run: Json = {
        "tool": {"driver": _driver(rules)},
        "invocations": [_invocation(result.errors)],
        "originalUriBaseIds": {SRCROOT: _base_uri(result.root)},
        # Incident columns count code points; SARIF's default would be UTF-16 code units.
        "columnKind": "unicodeCodePoints",
        "results": [_result(i, index[i.rule]) for i in sorted_incidents(result.incidents)],
    }
    return {"$schema": SARIF_SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}


def _driver(rules: list[RuleMeta]) -> Json:
    driver: Json = {"name": "migrator"}
    if INFORMATION_URI:
        driver["informationUri"] = INFORMATION_URI
    driver.update(
        version=migrator.__version__,
        semanticVersion=migrator.__version__,
        rules=[_descriptor(rule) for rule in rules],
    )
    return driver


def _descriptor(rule: RuleMeta) -> Json:
    descriptor: Json = {
        "id": rule.id,
        "name": _pascal_case(rule.id),
        "shortDescription": {"text": rule.message or rule.id},
        "fullDescription": {"text": rule.description or rule.message or rule.id},
    }
    if rule.links:
        descriptor["helpUri"] = rule.links[0].url
    descriptor["help"] = _help(rule)
    descriptor["defaultConfiguration"] = {"level": LEVELS[rule.severity]}
    tags = list(dict.fromkeys([rule.category, *rule.labels]))[:MAX_TAGS]
    descriptor["properties"] = {"tags": tags, "effort": rule.effort, "pack": rule.pack}
    return descriptor


def _help(rule: RuleMeta) -> Json:
    text = [rule.description or rule.message or rule.id]
    markdown = list(text)
    if rule.hint:
        text.append(rule.hint)
        markdown.append(rule.hint)
    facts = f"Category: {rule.category}. Effort: {rule.effort}."
    text.append(facts)
    markdown.append(facts)
    if rule.links:
        text.extend(f"{link.title or link.url}: {link.url}" for link in rule.links)
        markdown.append(
            "\n".join(f"- [{link.title or link.url}]({link.url})" for link in rule.links)
        )
    return {"text": "\n\n".join(text), "markdown": "\n\n".join(markdown)}


def _result(incident: Incident, rule_index: int) -> Json:
    region: Json = {
        "startLine": incident.line,
        "startColumn": incident.column,
        "endLine": incident.end_line,
        "endColumn": incident.end_column,
    }
    if incident.snippet:
        region["snippet"] = {"text": incident.snippet}
    result: Json = {
        "ruleId": incident.rule,
        "ruleIndex": rule_index,
        "level": LEVELS[incident.severity],
        # SARIF requires a non-empty message; the rule id is the least surprising stand-in.
        "message": {"text": incident.message or incident.rule},
        "locations": [
            {"physicalLocation": {"artifactLocation": _artifact(incident.path), "region": region}}
        ],
    }
    # Without a fingerprint GitHub computes its own; an empty one would merge unrelated alerts.
    if incident.fingerprint:
        result["partialFingerprints"] = {FINGERPRINT_KEY: incident.fingerprint}
    result["properties"] = {
        "category": incident.category,
        "effort": incident.effort,
        "fix": incident.fix,
    }
    return result


def _invocation(errors: list[FileError]) -> Json:
    notifications = [
        {
            "level": "warning",
            "message": {"text": error.message or "could not be scanned"},
            "locations": [{"physicalLocation": {"artifactLocation": _artifact(error.path)}}],
        }
        for error in sorted_errors(errors)
    ]
    # A file that could not be read does not make the scan fail; it is reported beside the results.
    return {"executionSuccessful": True, "toolExecutionNotifications": notifications}


def _artifact(path: str) -> Json:
    # A SARIF uri must be a valid URI reference: spaces, `#`, `%` and non-ASCII are percent-encoded.
    return {"uri": quote(path, safe="/"), "uriBaseId": SRCROOT}


def _base_uri(root: str) -> Json:
    # SARIF wants an absolute URI here; a relative root (the usual ".") is described instead, since
    # resolving it would put this machine's paths into a file meant to be uploaded.
    path = Path(root)
    if path.is_absolute():
        uri = path.as_uri()
        return {"uri": uri if uri.endswith("/") else uri + "/"}
    return {"description": {"text": f"The directory migrator scanned ({root})."}}


def _pascal_case(rule_id: str) -> str:
    """`py2-dict-has-key` -> `Py2DictHasKey`, the form SARIF suggests for `name`."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^0-9A-Za-z]+", rule_id))
