"""The tools that act on one incident or proposal, and the rule tests: explain, propose, apply,
test. Each takes the workspace and returns its output model."""

from __future__ import annotations

from collections.abc import Sequence

import yaml

from migrator.engine import languages
from migrator.engine.regions import enclosing
from migrator.engine.rules import Rule, load_rules
from migrator.engine.scanner import Scanner
from migrator.errors import UsageError
from migrator.mcp import convert, models
from migrator.mcp.workspace import Workspace
from migrator.services import agent, apply_one
from migrator.services.rule_tests import run_rule_tests
from migrator.services.validate import Verify


def _rule(ruleset_rules: Sequence[Rule], rule_id: str) -> Rule:
    rule = next((r for r in ruleset_rules if r.id == rule_id), None)
    if rule is None:  # a Konveyor rule: no pattern, fix or examples of migrator's own
        raise UsageError(
            f"rule {rule_id} is not a migrator rule: explain and propose_fix work on rule packs",
            hint="see the rule set's own documentation",
        )
    return rule


def explain(workspace: Workspace, fingerprint: str) -> models.Explanation:
    where = workspace.found(fingerprint)
    ruleset = workspace.ruleset(where.selectors)
    rule = _rule(ruleset.rules, where.rule)
    path = where.path
    located = agent.locate(ruleset, workspace.root, path, fingerprint)
    incident = located.incident
    language = languages.language_for_path(path)
    tree = Scanner(ruleset).find(path, located.text).tree if language else None
    region = enclosing(
        language, located.text.encode("utf-8"), tree, incident.start_byte, incident.end_byte
    )
    return convert.explanation(incident, rule, region, path)


def propose(workspace: Workspace, fingerprint: str, mode: agent.Mode) -> models.Proposal:
    where = workspace.found(fingerprint)
    ruleset = workspace.ruleset(where.selectors)
    _rule(ruleset.rules, where.rule)
    with workspace.writing() as (store, repo):
        located = agent.locate(ruleset, workspace.root, where.path, fingerprint)
        prefix = workspace.repo_prefix(repo)
        verify = None
        if workspace.settings.verify:
            if repo is None:
                raise UsageError("--verify needs a git repository (it runs in a scratch worktree)")
            verify = Verify(workspace.settings.verify, repo.root, prefix.rstrip("/") or ".")
        outcome = agent.propose(
            ruleset,
            located,
            store,
            root=workspace.root,
            mode=mode,
            model=workspace.model,
            verify=verify,
            repo_prefix=prefix,
        )
    if outcome.proposal is None:
        return convert.no_proposal(located.incident, outcome.failure, outcome.attempts)
    workspace.remember(outcome.proposal.id, where.selectors)
    return convert.proposal(outcome.proposal, outcome.attempts)


def apply(workspace: Workspace, proposal_id: int, *, commit: bool) -> models.Applied:
    with workspace.writing() as (store, repo):
        # The stored path is checked too: never read or write through a link out of the root.
        proposal = apply_one.applicable(
            store, workspace.root, proposal_id, confine=workspace.guard.relative
        )
        ruleset = workspace.ruleset(workspace.selectors_of(proposal_id))
        if proposal.origin == "deterministic" and proposal.rules[0] not in {
            r.id for r in ruleset.rules
        }:
            raise UsageError(
                f"proposal {proposal_id} was made with rules this server has not loaded",
                hint="call scan and propose_fix again",
            )
        done = apply_one.apply_proposal(
            ruleset, workspace.root, store, proposal, repo=repo, commit=commit
        )
    return models.Applied(
        proposal_id=proposal_id,
        written=list(done.written),
        commit=done.commit,
        subject=done.subject,
        branch=done.branch,
    )


def rules_test(workspace: Workspace, packs: Sequence[str] | None) -> models.RuleTests:
    selectors = workspace.selectors(packs)
    results = run_rule_tests(load_rules(selectors))
    counts = {"passed": 0, "failed": 0, "skipped": 0}
    for case in results:
        counts[case.outcome] += 1
    line = f"{counts['passed']} passed, {counts['failed']} failed"
    if counts["skipped"]:
        line += f", {counts['skipped']} skipped"
    return models.RuleTests(
        **counts,
        summary=line,
        failures=[
            models.CaseFailure(
                rule=c.rule, kind=c.kind, index=c.index, source=c.source, detail=c.detail
            )
            for c in results
            if c.outcome == "failed"
        ],
    )


def rule_yaml(workspace: Workspace, pack: str, rule_id: str | None) -> str:
    """A pack (its ruleset and rules) or one rule, as YAML, for the `rules://` resources."""
    ruleset = load_rules(workspace.selectors([pack]))
    rules = [r for r in ruleset.rules if r.pack == pack and (rule_id is None or r.id == rule_id)]
    if not rules:
        raise UsageError(f"no rule {rule_id!r} in pack {pack!r}")
    dumped = [r.spec.model_dump(mode="json", by_alias=True, exclude_defaults=True) for r in rules]
    if rule_id is not None:
        return yaml.safe_dump(dumped[0], sort_keys=False, allow_unicode=True)
    header = next((p.spec for p in ruleset.packs if p.name == pack and p.spec), None)
    document = {
        "ruleset": header.model_dump(mode="json", exclude_defaults=True)
        if header
        else {"name": pack},
        "rules": dumped,
    }
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True)
