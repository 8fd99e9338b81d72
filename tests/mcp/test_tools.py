"""`migrator mcp` over stdio with the SDK's client: the tools, their schemas, scan paging,
explain, propose and apply (deterministic and model), rule tests and resources."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from mcp import ClientSession

from migrator.cli.main import main
from migrator.store.proposals import ProposalStore
from tests.conftest import DEMO_PACK
from tests.gitrepo import git, isolated_git, make_repo  # noqa: F401
from tests.mcp.client import drive, error, fake_model, ok
from tests.model.minipack import GREET, GREET_FIXED, SOURCE, write_pack

UTIL = (
    'def lookup(d, k):\n    if d.has_key(k):\n        return sorted(d, cmp=k)\n    print "no", k\n'
)
TOOLS = {"list_rule_packs", "scan", "explain_incident", "propose_fix", "apply_fix", "rules_test"}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    files = {f"pkg/m{n}.py": "x = d.has_key(k)\ny = e.has_key(j)\n" for n in range(4)}
    return make_repo(tmp_path / "repo", {"app/util.py": UTIL, **files})


def fingerprint(page: dict[str, Any], rule: str, path: str = "app/util.py") -> str:
    return next(
        i["fingerprint"] for i in page["incidents"] if i["rule"] == rule and i["path"] == path
    )


def test_tools_and_resources_are_described_with_schemas(repo: Path) -> None:
    async def scenario(session: ClientSession) -> None:
        tools = {tool.name: tool for tool in (await session.list_tools()).tools}
        assert set(tools) == TOOLS
        for tool in tools.values():
            assert tool.description and len(tool.description) > 80, tool.name
            assert tool.output_schema is not None, tool.name
        scan = tools["scan"].input_schema["properties"]
        assert set(scan) == {"path", "files", "packs", "severity", "limit", "cursor"}
        assert scan["limit"]["maximum"] == 1000 and scan["limit"]["default"] == 100
        assert tools["propose_fix"].input_schema["required"] == ["fingerprint"]
        assert "next_cursor" in tools["scan"].output_schema["properties"]
        templates = {
            t.uri_template for t in (await session.list_resource_templates()).resource_templates
        }
        assert templates == {"rules://{pack}", "rules://{pack}/{rule_id}"}
        uris = {str(r.uri) for r in (await session.list_resources()).resources}
        assert {"scan://last", "rules://demo", "rules://python2-to-3"} <= uris

    drive(repo, scenario)


def test_scan_pages_match_the_cli(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    async def scenario(session: ClientSession) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        seen: list[dict[str, Any]] = []
        page = ok(await session.call_tool("scan", {"limit": 3}))
        summary = page["summary"]
        while True:
            assert len(page["incidents"]) <= 3
            seen += page["incidents"]
            if page["next_cursor"] is None:
                break
            page = ok(await session.call_tool("scan", {"cursor": page["next_cursor"], "limit": 3}))
        errors = ok(await session.call_tool("scan", {"severity": "error", "path": "app"}))
        assert {i["rule"] for i in errors["incidents"]} == {"demo-has-key", "demo-sort-cmp"}
        one = ok(await session.call_tool("scan", {"files": ["pkg/m1.py"]}))
        assert [i["path"] for i in one["incidents"]] == ["pkg/m1.py", "pkg/m1.py"]
        return seen, summary

    seen, summary = drive(repo, scenario)
    assert summary["incidents"] == len(seen) == 11 and summary["files"] == 5
    assert summary["by_fix"] == {"deterministic": 10, "model": 1}
    assert main(["scan", str(repo), "-r", str(DEMO_PACK), "-f", "json"]) == 1
    cli = json.loads(capsys.readouterr().out)["incidents"]
    assert [i["fingerprint"] for i in seen] == [i["fingerprint"] for i in cli]
    assert {k: v for k, v in seen[0].items() if k != "pack"} == cli[0]
    assert seen[0]["pack"] == "demo"


def test_explain_gives_the_rules_guidance_and_the_code(repo: Path) -> None:
    async def scenario(session: ClientSession) -> dict[str, Any]:
        page = ok(await session.call_tool("scan", {"path": "app"}))
        return ok(
            await session.call_tool(
                "explain_incident", {"fingerprint": fingerprint(page, "demo-has-key")}
            )
        )

    found = drive(repo, scenario)
    assert found["incident"]["line"] == 2 and found["rule_message"].startswith("dict.has_key($KEY)")
    assert found["links"] == [{"url": "https://docs.python.org/3/whatsnew/3.0.html", "title": ""}]
    assert found["examples"][0] == {"before": "r = d.has_key(a or b)", "after": "r = (a or b) in d"}
    assert found["fix_template"] == "$KEY in $DICT"
    assert found["region"]["text"] == UTIL and found["region"]["kind"] == "file"
    assert "propose_fix" in found["next_step"]


def test_propose_and_apply_a_deterministic_fix_with_a_commit(repo: Path) -> None:
    async def scenario(session: ClientSession) -> tuple[dict[str, Any], dict[str, Any]]:
        page = ok(await session.call_tool("scan", {"path": "app"}))
        proposal = ok(
            await session.call_tool(
                "propose_fix", {"fingerprint": fingerprint(page, "demo-sort-cmp")}
            )
        )
        applied = ok(
            await session.call_tool(
                "apply_fix", {"proposal_id": proposal["proposal_id"], "commit": True}
            )
        )
        again = await session.call_tool("apply_fix", {"proposal_id": proposal["proposal_id"]})
        assert error(again).startswith(f"proposal {proposal['proposal_id']} is applied")
        return proposal, applied

    proposal, applied = drive(repo, scenario)
    assert proposal["valid"] and proposal["origin"] == "deterministic"
    assert "+import functools" in proposal["diff"]
    assert {c["name"] for c in proposal["validation"]} >= {"parses", "incident_gone"}
    assert applied["written"] == ["app/util.py"] and applied["branch"] == "main"
    assert applied["subject"] == "fix(demo-sort-cmp): 1 incident in 1 file"
    message = git(repo, "log", "-1", "--format=%B")
    assert "Migrator-Rule: demo-sort-cmp" in message and "Migrator-Tool: migrator" in message
    assert git(repo, "rev-parse", "HEAD").strip() == applied["commit"]
    assert "key=functools.cmp_to_key(k)" in (repo / "app/util.py").read_text()
    assert git(repo, "status", "--porcelain") == ""
    with ProposalStore(repo / ".migrator" / "state.db") as store:
        assert store.get(proposal["proposal_id"]).status == "applied"


def test_apply_without_commit_leaves_the_change_then_refuses_the_dirty_file(repo: Path) -> None:
    head = git(repo, "rev-parse", "HEAD")

    async def scenario(session: ClientSession) -> str:
        page = ok(await session.call_tool("scan", {"path": "app"}))
        first = ok(
            await session.call_tool(
                "propose_fix", {"fingerprint": fingerprint(page, "demo-has-key")}
            )
        )
        applied = ok(await session.call_tool("apply_fix", {"proposal_id": first["proposal_id"]}))
        assert applied["commit"] is None and applied["written"] == ["app/util.py"]
        page = ok(await session.call_tool("scan", {"path": "app"}))
        second = ok(
            await session.call_tool(
                "propose_fix", {"fingerprint": fingerprint(page, "demo-sort-cmp")}
            )
        )
        return error(
            await session.call_tool(
                "apply_fix", {"proposal_id": second["proposal_id"], "commit": True}
            )
        )

    refused = drive(repo, scenario)
    assert refused.splitlines()[0] == "1 file(s) to fix have uncommitted changes: app/util.py"
    assert refused.splitlines()[1].startswith("hint: commit or stash them first")
    assert git(repo, "rev-parse", "HEAD") == head
    text = (repo / "app/util.py").read_text()
    assert "if k in d:" in text and "cmp=k" in text


def test_a_model_proposal_applies_with_provenance(tmp_path: Path) -> None:
    pack = write_pack(tmp_path / "pack")
    root = make_repo(tmp_path / "repo", {"app/greet.py": SOURCE})
    env = fake_model(tmp_path, ["print 'still python 2'", f"```python\n{GREET_FIXED}```"])

    async def scenario(session: ClientSession) -> tuple[dict[str, Any], dict[str, Any]]:
        page = ok(await session.call_tool("scan", {}))
        target = fingerprint(page, "mini-print", "app/greet.py")
        proposal = ok(await session.call_tool("propose_fix", {"fingerprint": target}))
        applied = ok(
            await session.call_tool(
                "apply_fix", {"proposal_id": proposal["proposal_id"], "commit": True}
            )
        )
        return proposal, applied

    proposal, applied = drive(root, scenario, "--rules", str(pack), "--no-cache", env=env)
    assert proposal["origin"] == "model" and proposal["valid"] and proposal["attempts"] == 2
    assert proposal["model"].startswith("fake-coder:1b@sha256:")
    assert f"-{GREET.splitlines()[1]}" in proposal["diff"]
    message = git(root, "log", "-1", "--format=%B")
    assert "Migrator-Rule: mini-print" in message
    assert "Migrator-Model: fake-coder:1b@" + "f" * 64 in message
    assert f"Migrator-Prompt: {proposal['prompt_hash']}" in message
    assert GREET_FIXED in (root / "app/greet.py").read_text()
    assert applied["subject"].endswith("(model)")


def test_no_valid_model_answer_says_why(tmp_path: Path) -> None:
    pack = write_pack(tmp_path / "pack")
    root = make_repo(tmp_path / "repo", {"app/greet.py": SOURCE})
    env = fake_model(tmp_path, [GREET, GREET])

    async def scenario(session: ClientSession) -> dict[str, Any]:
        page = ok(await session.call_tool("scan", {}))
        target = fingerprint(page, "mini-print", "app/greet.py")
        return ok(await session.call_tool("propose_fix", {"fingerprint": target, "mode": "model"}))

    outcome = drive(root, scenario, "--rules", str(pack), "--attempts", "2", "--no-cache", env=env)
    assert outcome["proposal_id"] is None and not outcome["valid"]
    assert outcome["attempts"] == 2 and outcome["failure"]


def test_rules_test_and_resources(repo: Path) -> None:
    broken = repo / "packs" / "mine"
    broken.mkdir(parents=True)
    (broken / "ruleset.yaml").write_text("name: mine\n")
    (broken / "r.yaml").write_text(
        "id: mine-x\nlanguage: python\nmessage: m\nseverity: info\npattern: foo($A)\n"
        "tests:\n  invalid: ['bar(1)']\n"
    )

    async def scenario(session: ClientSession) -> None:
        passing = ok(await session.call_tool("rules_test", {"packs": ["demo"]}))
        assert (
            passing["failed"] == 0 and passing["summary"] == f"{passing['passed']} passed, 0 failed"
        )
        failing = ok(await session.call_tool("rules_test", {"packs": ["packs/mine"]}))
        assert failing["summary"] == "0 passed, 1 failed"
        assert (
            failing["failures"][0]["rule"] == "mine-x"
            and "bar(1)" in failing["failures"][0]["detail"]
        )
        rule = await session.read_resource("rules://demo/demo-has-key")
        assert yaml.safe_load(rule.contents[0].text)["fix"] == "$KEY in $DICT"  # type: ignore[union-attr]
        listing = await session.read_resource("rules://demo")
        document = yaml.safe_load(listing.contents[0].text)  # type: ignore[union-attr]
        assert document["ruleset"]["name"] == "demo" and len(document["rules"]) == 12
        ok(await session.call_tool("scan", {"severity": "warning"}))
        last = await session.read_resource("scan://last")
        summary = json.loads(last.contents[0].text)  # type: ignore[union-attr]
        assert summary["scope"]["severity"] == "warning" and summary["summary"]["incidents"] == 11
        packs = ok(await session.call_tool("list_rule_packs", {"include_rules": True}))
        demo = next(p for p in packs["packs"] if p["name"] == "demo")
        assert (
            demo["origin"] == "server"
            and demo["fixable_count"] == 3
            and packs["default"] == ["demo"]
        )

    drive(repo, scenario)
