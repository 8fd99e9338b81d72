"""What the MCP tools return: pydantic models, so the SDK publishes precise output schemas.

Field descriptions are written for the agent reading the schema: what a value means and what
to do with it next.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Severity = Literal["error", "warning", "info"]
Fixability = Literal["deterministic", "model", "none"]


class RuleInfo(BaseModel):
    """One rule of a pack, briefly."""

    id: str
    language: str
    severity: Severity
    fixable: bool = Field(description="true when the rule has a deterministic fix")
    message: str


class RulePack(BaseModel):
    """A rule pack the server can scan with."""

    name: str = Field(description="pass it in `packs` to scan with this pack")
    description: str
    source: str | None = Field(description="what the pack migrates from, e.g. python2")
    target: str | None = Field(description="what it migrates to, e.g. python3")
    languages: list[str]
    rule_count: int
    fixable_count: int = Field(description="rules with a deterministic fix")
    origin: Literal["shipped", "server"] = Field(
        description="shipped with migrator, or given to the server with --rules"
    )
    uri: str = Field(description="resource with the pack's rules as YAML")
    rules: list[RuleInfo] | None = Field(
        default=None, description="the pack's rules (only with include_rules=true)"
    )


class RulePackList(BaseModel):
    packs: list[RulePack]
    default: list[str] = Field(
        description="the packs `scan` uses when `packs` is not given (empty: every shipped pack "
        "for the languages present in the repository)"
    )


class Incident(BaseModel):
    """One place where a rule matched."""

    fingerprint: str = Field(
        description="stable id of the incident: pass it to explain_incident and propose_fix"
    )
    rule: str
    pack: str
    path: str = Field(description="file, relative to the repository root (POSIX)")
    line: int = Field(description="1-based")
    column: int = Field(description="1-based, in characters")
    end_line: int
    end_column: int
    message: str
    severity: Severity
    category: Literal["mandatory", "optional", "potential"]
    effort: int
    snippet: str = Field(description="the matched lines")
    fix: Fixability = Field(
        description="deterministic: the rule fixes it; model: propose_fix asks the model; "
        "none: a person decides"
    )


class FileProblem(BaseModel):
    path: str
    message: str


class ScanSummary(BaseModel):
    """Counts over every incident the scan kept (all pages)."""

    files: int = Field(description="files scanned")
    incidents: int
    by_rule: dict[str, int]
    by_severity: dict[str, int]
    by_fix: dict[str, int] = Field(description="incidents by fixability")
    packs: list[str] = Field(description="the packs the scan used")
    errors: list[FileProblem] = Field(description="files that could not be scanned (first 50)")


class ScanPage(BaseModel):
    """One page of a scan's incidents, sorted by path and position."""

    incidents: list[Incident]
    offset: int = Field(description="index of this page's first incident")
    total: int = Field(description="incidents in the whole result")
    next_cursor: str | None = Field(
        description="pass it as `cursor` to scan for the next page; null on the last page"
    )
    summary: ScanSummary


class Link(BaseModel):
    url: str
    title: str = ""


class Example(BaseModel):
    """A before/after pair from the rule's own tests: how the rule wants the code changed."""

    before: str
    after: str


class CodeRegion(BaseModel):
    """The code around the incident: its enclosing function, class or statement."""

    path: str
    start_line: int
    end_line: int
    kind: str = Field(description="the syntax node it came from, `file` or `lines`")
    text: str


class Explanation(BaseModel):
    incident: Incident
    rule_message: str = Field(description="the rule's message template")
    description: str
    hint: str | None = Field(description="how to fix it, written for a model or a person")
    links: list[Link]
    labels: list[str]
    fix_template: str | None = Field(description="the rule's deterministic fix, if any")
    examples: list[Example]
    region: CodeRegion
    next_step: str = Field(description="what to call next")


class Check(BaseModel):
    """One validation check of a proposal."""

    name: str = Field(
        description="parses | incident_gone | no_new_incident | compiles | verify (the server's "
        "test command)"
    )
    status: Literal["passed", "failed", "skipped"]
    detail: str = ""


class Proposal(BaseModel):
    """A proposed fix, validated and stored in .migrator/state.db."""

    proposal_id: int | None = Field(
        description="pass it to apply_fix; null when no valid proposal was found"
    )
    valid: bool = Field(description="true when every check passed; only valid ones apply")
    origin: Literal["deterministic", "model"]
    path: str
    rules: list[str]
    incidents: list[str] = Field(description="fingerprints of the incidents it fixes")
    diff: str = Field(description="unified diff of the change (empty when none was found)")
    validation: list[Check]
    status: Literal["proposed", "accepted", "rejected", "applied"] | None
    model: str | None = Field(description="name@digest of the model that proposed it")
    prompt_hash: str | None
    attempts: int = Field(description="model answers tried (0 for a deterministic fix)")
    failure: str | None = Field(description="why no valid proposal was found, if none was")


class Applied(BaseModel):
    """What apply_fix wrote and committed."""

    proposal_id: int
    written: list[str] = Field(description="files written, relative to the repository root")
    commit: str | None = Field(description="sha of the new commit; null with commit=false")
    subject: str | None = Field(description="the commit's subject line")
    branch: str | None = Field(description="the branch committed on")


class CaseFailure(BaseModel):
    rule: str
    kind: str = Field(description="valid | invalid | fix")
    index: int
    source: str = Field(description="path:line of the rule")
    detail: str


class RuleTests(BaseModel):
    passed: int
    failed: int
    skipped: int
    summary: str = Field(description="`N passed, N failed`, as `migrator rules test` ends")
    failures: list[CaseFailure]
