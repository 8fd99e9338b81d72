"""The MCP server: migrator's tools and resources for coding agents, on the official SDK.

The typical session: `scan` (what must change), `explain_incident` (the rule's guidance and the
code), `propose_fix` (a validated diff), `apply_fix` (written, and committed when asked).
Every error a user could act on comes back as a tool error whose first line is the CLI's
message, followed by the CLI's hint.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Annotated, Literal, ParamSpec, TypeVar

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceNotFoundError
from mcp.server.mcpserver.resources import FunctionResource
from mcp_types import CallToolResult, TextContent, ToolAnnotations
from pydantic import Field

from migrator import __version__
from migrator.errors import MigratorError
from migrator.mcp import actions, models
from migrator.mcp.workspace import Workspace

P = ParamSpec("P")
R = TypeVar("R")

INSTRUCTIONS = """\
migrator finds what must change to migrate this repository (Python 2 to 3, javax to jakarta, \
Java 17, ...) and fixes it safely. Call scan for the incidents; explain_incident for a rule's \
guidance and the code around an incident; propose_fix for a validated fix (a unified diff); \
apply_fix to write it (and commit it with provenance trailers when asked). Paths are relative \
to the repository root; nothing outside it is read or written, and files with uncommitted \
changes are never touched."""


def tool_errors(function: Callable[P, R]) -> Callable[P, R | CallToolResult]:
    """Return a migrator error as a tool error: the CLI's one line, then its hint."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R | CallToolResult:
        try:
            return function(*args, **kwargs)
        except MigratorError as exc:
            text = exc.message + (f"\nhint: {exc.hint}" if exc.hint else "")
            return CallToolResult(content=[TextContent(type="text", text=text)], is_error=True)

    return wrapper


def build_server(workspace: Workspace) -> MCPServer:
    """An MCP server whose tools work on `workspace`."""
    app: MCPServer = MCPServer(
        "migrator", instructions=INSTRUCTIONS, version=__version__, log_level="WARNING"
    )
    _tools(app, workspace)
    _resources(app, workspace)
    return app


READ_ONLY = ToolAnnotations(read_only_hint=True, open_world_hint=False)
Packs = Annotated[
    list[str] | None,
    Field(
        description="rule packs: names from list_rule_packs, or pack folders inside the "
        "repository; default: the server's packs (or every shipped pack for the languages "
        "present)"
    ),
]
Fingerprint = Annotated[str, Field(description="an incident's fingerprint, as scan returns it")]


def _tools(app: MCPServer, workspace: Workspace) -> None:
    @app.tool(annotations=READ_ONLY)
    @tool_errors
    def list_rule_packs(
        include_rules: Annotated[
            bool, Field(description="also list each pack's rules (id, severity, fixable)")
        ] = False,
    ) -> models.RulePackList:
        """The rule packs available to scan with: name, what they migrate from and to, how
        many rules and how many of them fix themselves. Pass a name in scan's `packs`."""
        return workspace.packs(detailed=include_rules)

    @app.tool(annotations=READ_ONLY)
    @tool_errors
    def scan(
        path: Annotated[
            str, Field(description="folder or file to scan, relative to the repository root")
        ] = ".",
        files: Annotated[
            list[str] | None, Field(description="scan just these files (instead of `path`)")
        ] = None,
        packs: Packs = None,
        severity: Annotated[
            Literal["error", "warning", "info"] | None,
            Field(description="lowest severity to return (warning: warnings and errors)"),
        ] = None,
        limit: Annotated[int, Field(ge=1, le=1000, description="incidents per page")] = 100,
        cursor: Annotated[
            str | None,
            Field(
                description="next_cursor of the previous page; the other arguments are then ignored"
            ),
        ] = None,
    ) -> models.ScanPage:
        """Find what must change: incidents (rule, location, message, severity, fixability and
        a fingerprint), sorted by file and line, one page at a time, with a summary of the
        whole result. Next: explain_incident or propose_fix with a fingerprint; for more
        incidents, call scan again with next_cursor."""
        return workspace.scan(
            path=path, files=files, packs=packs, severity=severity, limit=limit, cursor=cursor
        )

    @app.tool(annotations=READ_ONLY)
    @tool_errors
    def explain_incident(fingerprint: Fingerprint) -> models.Explanation:
        """Everything about one incident: the rule's message, description, hint and links,
        the rule's own before/after examples, its deterministic fix if it has one, and the
        code region around the incident (its function, class or statement) as it is now.
        Next: propose_fix, or edit the code yourself following the hint."""
        return actions.explain(workspace, fingerprint)

    @app.tool(annotations=ToolAnnotations(read_only_hint=False, destructive_hint=False))
    @tool_errors
    def propose_fix(
        fingerprint: Fingerprint,
        mode: Annotated[
            Literal["auto", "deterministic", "model"],
            Field(
                description="auto: the rule's own fix when it has one, else the model; "
                "deterministic: the rule's fix only; model: ask the model"
            ),
        ] = "auto",
    ) -> models.Proposal:
        """Compute a fix for one incident and validate it as `migrator fix` does (the result
        parses, the incident is gone, no new incident appears, it compiles, and the server's
        test command passes if it has one). Returns the unified diff, every check, and a
        proposal_id, stored in .migrator/state.db; changes no file. A rule's own fix covers
        every incident of that rule in the file. When no valid proposal is found,
        proposal_id is null and `failure` says why. Next: apply_fix with the proposal_id."""
        return actions.propose(workspace, fingerprint, mode)

    @app.tool(annotations=ToolAnnotations(read_only_hint=False, destructive_hint=False))
    @tool_errors
    def apply_fix(
        proposal_id: Annotated[int, Field(description="as propose_fix returned it")],
        commit: Annotated[
            bool,
            Field(
                description="commit the change (trailers Migrator-Rule, Migrator-Tool, and "
                "Migrator-Model/Migrator-Prompt for a model's fix); false: leave it in the work "
                "tree, where the file then counts as changed"
            ),
        ] = False,
    ) -> models.Applied:
        """Write one valid proposal to its file, as `migrator apply` does: refused when the
        file has uncommitted changes or changed since the proposal, written atomically
        (encoding, line endings and mode kept), and committed on the current branch when
        `commit` is true. To fix several incidents of one file, commit each fix, or call
        propose_fix again after committing: a file with uncommitted changes is never touched."""
        return actions.apply(workspace, proposal_id, commit=commit)

    @app.tool(annotations=READ_ONLY)
    @tool_errors
    def rules_test(packs: Packs = None) -> models.RuleTests:
        """Run the test cases written inside the rules (`valid` must not match, `invalid` must
        match, `fixes` must turn `before` into `after`), as `migrator rules test` does. Use it
        after editing a rule pack."""
        return actions.rules_test(workspace, packs)


def _resources(app: MCPServer, workspace: Workspace) -> None:
    def read(pack: str, rule_id: str | None) -> str:
        try:
            return actions.rule_yaml(workspace, pack, rule_id)
        except MigratorError as exc:
            raise ResourceNotFoundError(exc.message) from None

    for name in workspace.pack_names():
        app.add_resource(
            FunctionResource.from_function(
                functools.partial(read, name, None),
                uri=f"rules://{name}",
                name=name,
                description=f"Rule pack {name}: its ruleset.yaml and every rule, as YAML.",
                mime_type="application/yaml",
            )
        )

    @app.resource("rules://{pack}", mime_type="application/yaml")
    def rule_pack(pack: str) -> str:
        """A rule pack: its ruleset.yaml and every rule, as YAML."""
        return read(pack, None)

    @app.resource("rules://{pack}/{rule_id}", mime_type="application/yaml")
    def rule(pack: str, rule_id: str) -> str:
        """One rule as YAML: matcher, message, fix, hint, links and its own tests."""
        return read(pack, rule_id)

    @app.resource("scan://last", mime_type="application/json")
    def last_scan() -> str:
        """The last scan's scope and summary: files, incidents by rule, severity and fixability."""
        return workspace.last_scan()
