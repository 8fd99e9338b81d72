"""`migrator scan` and `migrator rules` driven in-process through main([...])."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from migrator.cli.main import main
from tests.conftest import DEMO_PACK

PY2 = "d.has_key(k)\nx.iteritems()\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "m.py").write_text(PY2)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_findings_at_fail_on_exit_1(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "scan", str(repo), "--rules", str(DEMO_PACK))
    assert code == 1
    assert "demo-has-key" in out and "m.py:1:1" in out


@pytest.mark.parametrize(("fail_on", "expected"), [("error", 1), ("warning", 1), ("never", 0)])
def test_fail_on_levels(
    repo: Path, capsys: pytest.CaptureFixture[str], fail_on: str, expected: int
) -> None:
    assert run(capsys, "scan", str(repo), "-r", str(DEMO_PACK), "--fail-on", fail_on)[0] == expected


def test_warning_only_findings_pass_fail_on_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "m.py").write_text("x.iteritems()\n")
    assert run(capsys, "scan", str(tmp_path), "-r", str(DEMO_PACK))[0] == 0
    assert run(capsys, "scan", str(tmp_path), "-r", str(DEMO_PACK), "--fail-on", "info")[0] == 1


def test_json_output_to_a_file(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out" / "scan.json"
    code, out, _ = run(
        capsys,
        "scan",
        str(repo),
        "-r",
        str(DEMO_PACK),
        "-f",
        "json",
        "-o",
        str(target),
        "--fail-on",
        "never",
    )
    assert code == 0 and out == ""
    data = json.loads(target.read_text())
    assert [i["rule"] for i in data["incidents"]] == ["demo-has-key", "demo-iter-methods"]
    assert data["incidents"][0]["path"] == "m.py"
    assert data["incidents"][0]["fix"] == "deterministic"
    assert data["summary"]["incidents"] == 2


@pytest.mark.parametrize("fmt", ["sarif", "junit", "text"])
def test_every_format_renders(repo: Path, capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    code, out, _ = run(capsys, "scan", str(repo), "-r", str(DEMO_PACK), "-f", fmt)
    assert code == 1 and "demo-has-key" in out


def test_invalid_rule_exits_2_with_location(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rule = tmp_path / "bad.yaml"
    rule.write_text("id: x\nlanguage: python\nmessage: m\nseverity: error\nquery: (nope) @match\n")
    code, _, err = run(capsys, "scan", str(tmp_path), "--rules", str(rule))
    assert code == 2
    assert err.splitlines()[0] == (
        f"migrator: error: {rule}:5: invalid query: Invalid node type at row 0, column 1: nope"
    )
    assert "Traceback" not in err


def test_unknown_flag_and_pack_exit_2(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "scan", str(repo), "--frobnicate")
    assert code == 2 and "unrecognized arguments: --frobnicate" in err
    code, _, err = run(capsys, "scan", str(repo), "--rules", "no-such-pack")
    assert code == 2 and "no rule pack or path 'no-such-pack'" in err


def test_missing_path_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "scan", str(tmp_path / "missing"), "-r", str(DEMO_PACK))
    assert code == 2 and "no such file or directory" in err


def test_internal_error_exits_4_with_a_log(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("kaboom")

    monkeypatch.setenv("MIGRATOR_LOG_DIR", str(tmp_path))
    monkeypatch.setattr("migrator.cli.scan.scan", boom)
    code, _, err = run(capsys, "scan", str(repo), "-r", str(DEMO_PACK))
    assert code == 4
    assert "Traceback" not in err and "kaboom" in err
    logs = list(tmp_path.glob("migrator-crash-*.log"))
    assert len(logs) == 1 and "RuntimeError: kaboom" in logs[0].read_text()


def test_interrupt_exits_130(
    monkeypatch: pytest.MonkeyPatch, repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupt(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("migrator.cli.scan.scan", interrupt)
    assert run(capsys, "scan", str(repo), "-r", str(DEMO_PACK))[0] == 130


def test_help_lists_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    for line in (
        "0    success",
        "2    usage",
        "3    environment",
        "4    internal",
        "130  interrupted",
    ):
        assert line in out


def test_rules_test_prints_the_closing_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rules", "test", str(DEMO_PACK))
    assert code == 0
    assert out.splitlines()[-1] == "32 passed, 0 failed"


def test_rules_test_fails_on_a_wrong_case(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rule = tmp_path / "r.yaml"
    rule.write_text(
        "id: r\nlanguage: python\nmessage: m\nseverity: info\npattern: f($X)\n"
        "tests:\n  invalid: ['g(1)']\n  valid: ['f(2)', 'h()']\n"
    )
    code, out, _ = run(capsys, "rules", "test", str(rule))
    assert code == 1
    assert out.splitlines()[-1] == "1 passed, 2 failed"
    assert "FAILED  r invalid[0]" in out


def test_rules_list(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rules", "list", str(DEMO_PACK))
    assert code == 0
    assert "demo-has-key" in out and out.splitlines()[-1] == "12 rules in 1 packs"


def test_python_dash_m_entry_point(repo: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "migrator",
            "scan",
            str(repo),
            "-r",
            str(DEMO_PACK),
            "-f",
            "json",
            "--no-cache",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert len(json.loads(done.stdout)["incidents"]) == 2


def test_report_files_are_readable_by_others(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import os

    target = tmp_path / "scan.json"
    old = os.umask(0o022)
    try:
        run(capsys, "scan", str(repo), "-r", str(DEMO_PACK), "-f", "json", "-o", str(target))
    finally:
        os.umask(old)
    assert target.stat().st_mode & 0o777 == 0o644
