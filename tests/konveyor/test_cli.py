"""Konveyor rule sets through the CLI: `rules test`, `scan --format konveyor`, the selector."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from migrator.cli.main import main

RULES = Path(__file__).parent.parent / "data" / "konveyor" / "rules"
APP = RULES / "tests" / "data" / "app"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    out, _ = capsys.readouterr()
    return code, out


@pytest.fixture
def app(tmp_path: Path) -> Path:
    return Path(shutil.copytree(APP, tmp_path / "app"))


def test_rules_test_runs_every_case_and_lists_each(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "rules", "test", str(RULES))
    lines = out.splitlines()
    assert lines[-1] == "28 passed, 0 failed, 1 skipped"
    assert code == 0
    assert sum(line.startswith("PASSED ") for line in lines) == 28
    skipped = [line for line in lines if line.startswith("SKIPPED")]
    assert len(skipped) == 1 and "nodejs.referenced" in skipped[0]


def test_rules_test_reports_failures(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    copy = Path(shutil.copytree(RULES, tmp_path / "rules"))
    tests = copy / "tests" / "java.test.yaml"
    tests.write_text(tests.read_text().replace("exactly: 4", "exactly: 5"))
    code, out = run(capsys, "rules", "test", str(tests))
    assert code == 1
    assert "FAILED  java-type-00001 resolved-types-only" in out
    assert "expected exactly 5 incidents, got 4" in out
    assert out.splitlines()[-1] == "17 passed, 1 failed"


def test_label_selector_skips_rules(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "rules", "test", str(RULES), "-l", "!konveyor.io/include=never")
    assert code == 0
    assert "SKIPPED logic-selected-out-00001" in out
    assert out.splitlines()[-1] == "27 passed, 0 failed, 2 skipped"


def test_scan_writes_konveyor_output(app: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(
        capsys, "scan", str(app), "-r", str(RULES), "--format", "konveyor", "--fail-on", "never"
    )
    assert code == 0
    [ruleset] = yaml.safe_load(out)
    assert ruleset["name"] == "acme-checks"
    assert ruleset["tags"] == ["Persistence=JPA"]
    assert "builtin-file-00001" in ruleset["insights"]  # no effort: an insight
    violation = ruleset["violations"]["java-method-call-00001"]
    assert violation["category"] == "mandatory" and violation["effort"] == 1
    [incident] = violation["incidents"]
    assert incident["uri"] == (app / "src/main/java/com/acme/Service.java").as_uri()
    assert incident["lineNumber"] == 17
    assert incident["message"] == "JNDI lookup initial"
    assert incident["variables"]["call"] == "initial"
    assert "17  " in incident["codeSnip"]
    assert ruleset["unmatched"] == ["java-dependency-00002"]
    assert "nodejs.referenced" in ruleset["errors"]["logic-unsupported-00001"]


def test_scan_selector_and_other_formats(app: Path, capsys: pytest.CaptureFixture[str]) -> None:
    selector = "konveyor.io/target=quarkus"
    code, out = run(capsys, "scan", str(app), "-r", str(RULES), "-l", selector, "-f", "json")
    assert code == 0  # only an `optional` rule is selected: warnings
    document = json.loads(out)
    assert {i["rule"] for i in document["incidents"]} == {"java-package-00001"}
    assert any("logic-unsupported-00001" in e["message"] for e in document["errors"])


def test_rescan_from_cache_gives_the_same_output(
    app: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["scan", str(app), "-r", str(RULES), "-f", "konveyor", "--fail-on", "never"]
    first = run(capsys, *argv)[1]
    assert (app / ".migrator").is_dir()
    assert run(capsys, *argv)[1] == first
