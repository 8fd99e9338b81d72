"""CI features: baselines, --changed-since, GitHub annotations, several outputs in one run."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from migrator.cli.main import main
from tests.conftest import DEMO_PACK
from tests.gitrepo import git, isolated_git, make_repo  # noqa: F401


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def scan_json(capsys: pytest.CaptureFixture[str], root: Path, *extra: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    code, out, _ = run(capsys, "scan", str(root), "-r", str(DEMO_PACK), "-f", "json", *extra)
    return code, json.loads(out)


def test_baseline_hides_known_incidents_and_lists_fixed_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.py").write_text("x = d.has_key(k)\ny = e.has_key(j)\n")
    base = tmp_path / "base.json"
    code, out, _ = run(capsys, "baseline", str(tmp_path), "-r", str(DEMO_PACK), "-o", str(base))
    assert code == 0 and "Recorded 2 incident(s)" in out
    assert len(json.loads(base.read_text())["incidents"]) == 2
    # Lines move, one incident is fixed, one is new: only the new one fails the build.
    (tmp_path / "a.py").write_text("import os\n\n\ny = e.has_key( j )\nz = f.has_key(i)\n")
    code, data = scan_json(capsys, tmp_path, "--baseline", str(base))
    assert code == 1
    assert [(i["line"], i["message"][:15]) for i in data["incidents"]] == [(5, "dict.has_key(i)")]
    assert data["baseline"]["known"] == 1
    assert [(e["line"], e["rule"]) for e in data["baseline"]["fixed"]] == [(1, "demo-has-key")]


def test_baseline_alone_passes_when_nothing_is_new(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.py").write_text("x = d.has_key(k)\n")
    base = tmp_path / "b.json"
    run(capsys, "baseline", str(tmp_path), "-r", str(DEMO_PACK), "-o", str(base))
    code, out, _ = run(capsys, "scan", str(tmp_path), "-r", str(DEMO_PACK), "--baseline", str(base))
    assert code == 0
    assert "1 known incident not shown, 0 fixed" in out


def test_bad_baseline_file_is_a_configuration_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.py").write_text("x = 1\n")
    code, _, err = run(
        capsys,
        "scan",
        str(tmp_path),
        "-r",
        str(DEMO_PACK),
        "--baseline",
        str(tmp_path / "missing.json"),
    )
    assert code == 2 and "baseline file not found" in err
    (tmp_path / "bad.json").write_text("{not json")
    code, _, err = run(
        capsys,
        "scan",
        str(tmp_path),
        "-r",
        str(DEMO_PACK),
        "--baseline",
        str(tmp_path / "bad.json"),
    )
    assert code == 2 and "cannot read baseline" in err


def test_changed_since_scans_only_changed_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path / "r", {"old.py": "x = d.has_key(k)\n", "same.py": "y = 1\n"})
    git(repo, "switch", "-q", "-c", "feature")
    (repo / "same.py").write_text("y = e.has_key(j)\n")
    git(repo, "commit", "-qam", "change")
    (repo / "new.py").write_text("z = f.has_key(i)\n")  # untracked counts too
    code, data = scan_json(capsys, repo, "--changed-since", "main")
    assert code == 1
    assert sorted(i["path"] for i in data["incidents"]) == ["new.py", "same.py"]
    assert data["summary"]["files"] == 2


def test_changed_since_with_a_baseline_does_not_call_unscanned_files_fixed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path / "r", {"old.py": "x = d.has_key(k)\n", "b.py": "y = 1\n"})
    base = tmp_path / "base.json"
    run(capsys, "baseline", str(repo), "-r", str(DEMO_PACK), "-o", str(base))
    (repo / "b.py").write_text("y = 2\n")
    code, data = scan_json(capsys, repo, "--changed-since", "HEAD", "--baseline", str(base))
    assert code == 0 and data["baseline"]["fixed"] == []


def test_changed_since_unknown_ref(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo(tmp_path / "r", {"a.py": "x = 1\n"})
    code, _, err = run(capsys, "scan", str(repo), "-r", str(DEMO_PACK), "--changed-since", "nope")
    assert code == 2 and "unknown git ref 'nope'" in err


def test_github_annotations_use_repository_paths(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path / "r", {"svc/api/m.py": "x = d.has_key(k)\ny = a.iteritems()\n"})
    code, out, _ = run(capsys, "scan", str(repo / "svc"), "-r", str(DEMO_PACK), "-f", "github")
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == (
        "::error file=svc/api/m.py,line=1,col=5,endLine=1,endColumn=17,title=demo-has-key"
        "::dict.has_key(k) was removed in Python 3; use the in operator"
    )
    assert lines[1].startswith("::warning file=svc/api/m.py,line=2,col=5,")


def test_several_formats_in_one_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.py").write_text("x = d.has_key(k)\n")
    sarif, junit = tmp_path / "out.sarif", tmp_path / "out.xml"
    code, out, _ = run(
        capsys,
        "scan",
        str(tmp_path),
        "-r",
        str(DEMO_PACK),
        "--format",
        f"sarif:{sarif}",
        "--format",
        "text",
        "-f",
        f"junit:{junit}",
    )
    assert code == 1
    assert "demo-has-key" in out
    assert json.loads(sarif.read_text())["runs"][0]["results"][0]["ruleId"] == "demo-has-key"
    assert "<testsuites" in junit.read_text()


def test_two_formats_on_stdout_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "scan", str(tmp_path), "-f", "text", "-f", "json")
    assert code == 2 and "only one format can go to standard output" in err


def test_several_files_are_scanned_from_the_current_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.py").write_text("x = d.has_key(k)\n")
    (tmp_path / "b.py").write_text("x = e.has_key(k)\n")
    (tmp_path / "c.py").write_text("x = f.has_key(k)\n")
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(
        capsys, "scan", "a.py", "c.py", "-r", str(DEMO_PACK), "-f", "json", "--no-cache"
    )
    data = json.loads(out)
    assert code == 1
    assert [i["path"] for i in data["incidents"]] == ["a.py", "c.py"]
    assert os.getcwd() == str(tmp_path)
