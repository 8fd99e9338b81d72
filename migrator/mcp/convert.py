"""Engine and store values to the tools' output models."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from migrator.engine.regions import Region
from migrator.engine.results import FileError, Incident
from migrator.engine.rules import Pack, Rule
from migrator.mcp import models
from migrator.store.proposals import Proposal

MAX_ERRORS = 50


def incident(found: Incident, pack: str) -> models.Incident:
    return models.Incident(pack=pack, **found.to_json())  # type: ignore[arg-type]


def summary(
    incidents: Sequence[Incident], files: int, packs: Sequence[str], errors: Sequence[FileError]
) -> models.ScanSummary:
    return models.ScanSummary(
        files=files,
        incidents=len(incidents),
        by_rule=dict(sorted(Counter(i.rule for i in incidents).items())),
        by_severity=dict(Counter(i.severity for i in incidents)),
        by_fix=dict(Counter(i.fix for i in incidents)),
        packs=list(packs),
        errors=[models.FileProblem(path=e.path, message=e.message) for e in errors[:MAX_ERRORS]],
    )


def rule_info(rule: Rule) -> models.RuleInfo:
    spec = rule.spec
    return models.RuleInfo(
        id=rule.id,
        language=rule.language,
        severity=spec.severity,
        fixable=spec.fix is not None,
        message=spec.message,
    )


def pack(found: Pack, rules: Sequence[Rule], *, shipped: bool, detailed: bool) -> models.RulePack:
    spec = found.spec
    own = [rule for rule in rules if rule.pack == found.name]
    return models.RulePack(
        name=found.name,
        description=found.description,
        source=spec.source if spec else None,
        target=spec.target if spec else None,
        languages=list(spec.languages)
        if spec and spec.languages
        else sorted({r.language for r in own}),
        rule_count=len(own),
        fixable_count=sum(1 for rule in own if rule.spec.fix is not None),
        origin="shipped" if shipped else "server",
        uri=f"rules://{found.name}",
        rules=[rule_info(rule) for rule in own] if detailed else None,
    )


def explanation(found: Incident, rule: Rule, region: Region, path: str) -> models.Explanation:
    spec = rule.spec
    if found.fix == "none":
        step = "a person decides: change the code by hand, following the hint and examples"
    else:
        step = "call propose_fix with this fingerprint for a validated fix"
    return models.Explanation(
        incident=incident(found, rule.pack),
        rule_message=spec.message,
        description=spec.description,
        hint=spec.hint,
        links=[models.Link(url=link.url, title=link.title) for link in spec.links],
        labels=list(spec.labels),
        fix_template=spec.fix_template,
        examples=[models.Example(before=c.before, after=c.after) for c in spec.tests.fixes],
        region=models.CodeRegion(
            path=path,
            start_line=region.start_line,
            end_line=region.end_line,
            kind=region.kind,
            text=region.text,
        ),
        next_step=step,
    )


def proposal(stored: Proposal, attempts: int) -> models.Proposal:
    checks = [
        models.Check(name=name, status=check["status"], detail=check.get("detail", ""))
        for name, check in stored.validation.items()
    ]
    model = f"{stored.model}@{stored.model_digest}" if stored.model else None
    return models.Proposal(
        proposal_id=stored.id,
        valid=stored.valid,
        origin=stored.origin,
        path=stored.path,
        rules=list(stored.rules),
        incidents=list(stored.incidents),
        diff=stored.diff,
        validation=checks,
        status=stored.status,
        model=model,
        prompt_hash=stored.prompt_hash or None,
        attempts=attempts,
        failure=None
        if stored.valid
        else next((c.detail for c in checks if c.status == "failed"), ""),
    )


def no_proposal(found: Incident, failure: str, attempts: int) -> models.Proposal:
    return models.Proposal(
        proposal_id=None,
        valid=False,
        origin="model",
        path=found.path,
        rules=[found.rule],
        incidents=[found.fingerprint],
        diff="",
        validation=[],
        status=None,
        model=None,
        prompt_hash=None,
        attempts=attempts,
        failure=failure or "no valid answer",
    )
