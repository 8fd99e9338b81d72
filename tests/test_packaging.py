"""The wheel ships the rule packs, and every subpackage is listed in pyproject.toml."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO

tomllib = pytest.importorskip("tomllib")  # Python 3.11+


def test_every_subpackage_is_listed() -> None:
    listed = set(
        tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    found = {
        ".".join(p.parent.relative_to(REPO).parts) for p in (REPO / "migrator").rglob("__init__.py")
    }
    assert found | {"migrator.rules"} == listed


def test_wheel_ships_rules_and_runs_from_elsewhere(tmp_path: Path) -> None:
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path / "dist"),
            str(REPO),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert build.returncode == 0, build.stderr
    [wheel] = (tmp_path / "dist").glob("migrator-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "migrator/rules/python2-to-3/ruleset.yaml" in names
    assert "migrator/report/sarif-schema.json" in names
    target = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(target)
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target)}
    listing = subprocess.run(
        [sys.executable, "-m", "migrator", "rules", "list"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert listing.returncode == 0, listing.stderr
    assert "py2-dict-has-key" in listing.stdout
    assert "jakarta-javax-import" in listing.stdout
