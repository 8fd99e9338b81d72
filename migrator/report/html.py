"""One self-contained HTML page for `migrator report`: a dashboard, rules, files and incidents.

The page needs nothing but a browser: its stylesheet, script and data are inlined, and a Content
Security Policy (`default-src 'none'`, the inline script and style allowed by their hashes) makes
the browser refuse any request a future change might add by mistake. The scan travels as JSON in a
`<script type="application/json">` element; the script renders what is on screen from it, so a scan
of 50,000 incidents stays one file of a few megabytes that filters in milliseconds.

Strings repeated across incidents (paths, messages, snippets) are stored once and referenced by
index, which roughly halves the file for real scans, where one import line recurs in every file.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from importlib import resources
from string import Template
from typing import Any

import migrator
from migrator.engine.results import Incident, RuleMeta, ScanResult
from migrator.report.json import rule_json
from migrator.report.summary import active_rules, plural, sorted_errors, sorted_incidents

SEVERITIES = ("error", "warning", "info")
CATEGORIES = ("mandatory", "optional", "potential")
FIXES = ("deterministic", "model", "none")
PROPOSAL_STATUSES = ("proposed", "accepted", "rejected", "applied")
# The page's script is these files concatenated in this order, as one script sharing its names.
SCRIPTS = ("charts.js", "model.js", "views.js", "tables.js", "incidents.js", "report.js")
ASSETS = "html_assets"


@dataclass(frozen=True)
class ProposalView:
    """What the report shows of a proposed fix from the proposal store (see docs/report.md)."""

    id: str
    status: str  # one of PROPOSAL_STATUSES; anything else is shown as it is
    path: str = ""
    line: int = 0  # where the edit starts, 0 when unknown
    rules: tuple[str, ...] = ()
    fingerprints: tuple[str, ...] = ()  # of the incidents it fixes: links them to it
    origin: str = ""  # "deterministic", or "model" and the model's name
    diff: str = ""


class HtmlReport:
    """The HTML report. Not a `--format` of `scan`: `migrator report` writes it.

    `generated` (a timestamp) and `proposals` come from outside the scan, so the caller passes
    them; with the same arguments and result, `render` gives the same text.
    """

    name: str = "html"

    def __init__(
        self,
        *,
        title: str | None = None,
        generated: str = "",
        proposals: Sequence[ProposalView] = (),
    ) -> None:
        self.title = title
        self.generated = generated
        self.proposals = tuple(proposals)

    def render(self, result: ScanResult) -> str:
        """The whole page, ending with a newline."""
        title = self.title or f"Migration report: {_root_name(result.root)}"
        data = report_data(result, title=title, generated=self.generated, proposals=self.proposals)
        return page(data, title=title)


def page(data: dict[str, Any], *, title: str) -> str:
    """Fill the template with the inlined stylesheet, script and data."""
    css = _asset("report.css")
    script = "\n".join(_asset(name) for name in SCRIPTS)
    policy = "; ".join(
        [
            "default-src 'none'",
            f"script-src {_csp_hash(script)}",
            f"style-src {_csp_hash(css)}",
            "img-src data:",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )
    template = Template(_asset("template.html"))
    return template.substitute(
        title=escape(title),
        version=escape(migrator.__version__),
        csp=policy,
        css=css,
        script=script,
        data=embed_json(data),
        summary=escape(_plain_summary(data)),
    )


def embed_json(value: object) -> str:
    """JSON that is safe inside a `<script>` element.

    Every `<` becomes `\\u003c` (same string to a JSON parser), so neither `</script>` nor `<!--`
    in scanned code can end the element or switch the HTML parser into another state.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c")


def report_data(
    result: ScanResult,
    *,
    title: str,
    generated: str = "",
    proposals: Sequence[ProposalView] = (),
) -> dict[str, Any]:
    """The page's data: rules, interned strings and one compact row per incident.

    An incident row is `[rule, path, line, column, end_line, end_column, message, snippet,
    severity, category, effort, fix, fingerprint]`, where rule, path, message, snippet and
    fingerprint index the tables of the same name and severity, category and fix index
    `SEVERITIES`, `CATEGORIES` and `FIXES`. Fingerprints are kept only when proposals need them.
    """
    rules = active_rules(result)
    rule_index = {rule.id: position for position, rule in enumerate(rules)}
    tables: dict[str, _Table] = {
        name: _Table() for name in ("paths", "messages", "snippets", "fingerprints")
    }
    with_fingerprints = bool(proposals)
    rows = [
        _row(incident, rule_index, tables, with_fingerprints=with_fingerprints)
        for incident in sorted_incidents(result.incidents)
    ]
    return {
        "meta": {
            "title": title,
            "root": result.root,
            "prefix": result.path_prefix,
            "files": result.files,
            "generated": generated,
            "version": migrator.__version__,
        },
        "enums": {"severity": SEVERITIES, "category": CATEGORIES, "fix": FIXES},
        "rules": [_rule(rule) for rule in rules],
        **{name: table.values for name, table in tables.items()},
        "incidents": rows,
        "errors": [{"path": e.path, "message": e.message} for e in sorted_errors(result.errors)],
        "proposals": [_proposal(p) for p in proposals],
        "proposalStatuses": PROPOSAL_STATUSES,
    }


class _Table:
    """Distinct strings in order of first use, each with its index."""

    def __init__(self) -> None:
        self.values: list[str] = []
        self._index: dict[str, int] = {}

    def add(self, value: str) -> int:
        position = self._index.get(value)
        if position is None:
            position = self._index[value] = len(self.values)
            self.values.append(value)
        return position


def _row(
    incident: Incident,
    rule_index: dict[str, int],
    tables: dict[str, _Table],
    *,
    with_fingerprints: bool,
) -> list[int]:
    fingerprint = incident.fingerprint if with_fingerprints else ""
    return [
        rule_index[incident.rule],
        tables["paths"].add(incident.path),
        incident.line,
        incident.column,
        incident.end_line,
        incident.end_column,
        tables["messages"].add(incident.message),
        tables["snippets"].add(incident.snippet),
        SEVERITIES.index(incident.severity),
        CATEGORIES.index(incident.category),
        incident.effort,
        FIXES.index(incident.fix),
        tables["fingerprints"].add(fingerprint),
    ]


def _rule(rule: RuleMeta) -> dict[str, Any]:
    return {**rule_json(rule), "hint": rule.hint or ""}


def _proposal(proposal: ProposalView) -> dict[str, Any]:
    return {
        "id": proposal.id,
        "status": proposal.status,
        "path": proposal.path,
        "line": proposal.line,
        "rules": list(proposal.rules),
        "fingerprints": list(proposal.fingerprints),
        "origin": proposal.origin,
        "diff": proposal.diff,
    }


def _plain_summary(data: dict[str, Any]) -> str:
    """One line for readers without JavaScript (and for search engines of intranets)."""
    rows = data["incidents"]
    effort = sum(row[10] for row in rows)
    return (
        f"{plural(len(rows), 'incident')}, effort {effort}, "
        f"in {plural(len(data['paths']), 'file')} of {data['meta']['files']} scanned."
    )


def _root_name(root: str) -> str:
    name = root.rstrip("/\\").replace("\\", "/").rsplit("/", 1)[-1]
    return name if name not in ("", ".") else "current folder"


def _asset(name: str) -> str:
    return resources.files("migrator.report").joinpath(f"{ASSETS}/{name}").read_text("utf-8")


def _csp_hash(text: str) -> str:
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
    return f"'sha256-{digest}'"
