"""The GitHub Action (its steps' commands) and the pre-commit hook (through pre-commit itself)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import DEMO_PACK, REPO
from tests.gitrepo import git, isolated_git, make_repo  # noqa: F401

INPUT = re.compile(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}")
STEP_OUTPUT = re.compile(r"\$\{\{\s*steps\.(\w+)\.outputs\.([\w-]+)\s*\}\}")


def action_steps() -> list[dict]:  # type: ignore[type-arg]
    action = yaml.safe_load((REPO / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    return action["runs"]["steps"]  # type: ignore[no-any-return]


def run_action(workdir: Path, inputs: dict[str, str], tmp_path: Path) -> dict[str, str]:
    """Run the action's shell steps as the runner would; return the step outputs."""
    defaults = yaml.safe_load((REPO / "action.yml").read_text())["inputs"]
    values = {name: str(spec.get("default", "")) for name, spec in defaults.items()} | inputs
    outputs: dict[str, dict[str, str]] = {}
    bindir = Path(sys.executable).parent
    for step in action_steps():
        if "run" not in step:
            assert step["uses"].startswith("github/codeql-action/upload-sarif@")
            assert (
                INPUT.sub(lambda m: values[m.group(1)], step["with"]["sarif_file"])
                == values["sarif-file"]
            )
            continue
        out_file = tmp_path / f"out-{step.get('id', 'x')}"
        out_file.write_text("")

        def expand(text: str) -> str:
            text = INPUT.sub(lambda m: values[m.group(1)], text)
            return STEP_OUTPUT.sub(lambda m: outputs[m.group(1)][m.group(2)], text)

        env = {
            **os.environ,
            "GITHUB_ACTION_PATH": str(REPO),
            "GITHUB_OUTPUT": str(out_file),
            "PATH": f"{bindir}{os.pathsep}{os.environ['PATH']}",
            # Keep the install step real but cheap: resolve, build metadata, install nothing.
            "PIP_DRY_RUN": "1",
            "PIP_NO_DEPS": "1",
            "PIP_NO_BUILD_ISOLATION": "0",
        }
        env |= {k: expand(str(v)) for k, v in step.get("env", {}).items()}
        done = subprocess.run(
            ["bash", "-e", "-c", expand(step["run"])],
            cwd=workdir,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        outputs[step.get("id", "")] = dict(
            line.split("=", 1) for line in out_file.read_text().splitlines() if "=" in line
        )
        if done.returncode != 0:
            outputs["failed"] = {
                "step": step["name"],
                "code": str(done.returncode),
                "stdout": done.stdout,
            }
            break
    return {k: str(v) for k, v in outputs.get("scan", {}).items()} | outputs.get("failed", {})


def test_action_scans_annotates_writes_sarif_and_fails(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", {"app/m.py": "x = d.has_key(k)\n"})
    result = run_action(repo, {"rules": str(DEMO_PACK)}, tmp_path)
    assert result["exit-code"] == "1"
    assert result["step"] == "Fail on incidents" and result["code"] == "1"
    assert (repo / "migrator.sarif").is_file()


def test_action_passes_with_a_baseline(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", {"app/m.py": "x = d.has_key(k)\n"})
    subprocess.run(
        [
            sys.executable,
            "-m",
            "migrator",
            "baseline",
            str(repo),
            "-r",
            str(DEMO_PACK),
            "-o",
            str(repo / "base.json"),
        ],
        check=True,
        capture_output=True,
    )
    result = run_action(repo, {"rules": str(DEMO_PACK), "baseline": "base.json"}, tmp_path)
    assert result == {"exit-code": "0"}


@pytest.mark.skipif(
    shutil.which("pre-commit", path=str(Path(sys.executable).parent)) is None,
    reason="pre-commit is not installed (pip install -e '.[test]' installs it)",
)
def test_pre_commit_hook_fails_on_staged_incidents_only(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", {"clean.py": "x = 1\n", "later.py": "y = 2\n"})
    (repo / "staged.py").write_text("x = d.has_key(k)\n")
    (repo / "later.py").write_text("y = e.has_key(j)\n")  # modified but not staged
    git(repo, "add", "staged.py")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    pre_commit = str(Path(sys.executable).parent / "pre-commit")
    done = subprocess.run(
        [pre_commit, "try-repo", str(REPO), "migrator"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "staged.py:1:5" in done.stdout
    assert "later.py" not in done.stdout
