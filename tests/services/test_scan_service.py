"""The scan service over real trees: walking, the cache, the process pool, bad files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from migrator.engine.rules import RuleSet
from migrator.engine.scanner import Scanner
from migrator.services.scan import ScanOptions, scan


def tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Paths actually parsed (serial runs only: workers are other processes)."""
    seen: list[str] = []
    original = Scanner.scan_bytes

    def spy(self: Scanner, path: str, data: bytes, **kw: object):  # type: ignore[no-untyped-def]
        seen.append(path)
        return original(self, path, data, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(Scanner, "scan_bytes", spy)
    return seen


def test_scan_reports_incidents_with_relative_posix_paths(
    tmp_path: Path, demo_rules: RuleSet
) -> None:
    tree(
        tmp_path,
        {
            "pkg/a.py": "d.has_key(k)\n",
            "pkg/sub/b.py": "x.iteritems()\n",
            "README.md": "d.has_key(k)\n",
        },
    )
    result = scan(demo_rules, ScanOptions(tmp_path, jobs=1))
    assert [(i.path, i.rule) for i in result.incidents] == [
        ("pkg/a.py", "demo-has-key"),
        ("pkg/sub/b.py", "demo-iter-methods"),
    ]
    assert result.files == 2


def test_gitignore_and_migratorignore_are_honoured(tmp_path: Path, demo_rules: RuleSet) -> None:
    tree(
        tmp_path,
        {
            ".gitignore": "build/\n",
            ".migratorignore": "vendor/*.py\n!vendor/keep.py\n",
            "build/gen.py": "d.has_key(k)\n",
            "vendor/x.py": "d.has_key(k)\n",
            "vendor/keep.py": "d.has_key(k)\n",
            "src/m.py": "d.has_key(k)\n",
        },
    )
    result = scan(demo_rules, ScanOptions(tmp_path, jobs=1))
    assert sorted(i.path for i in result.incidents) == ["src/m.py", "vendor/keep.py"]


def test_extra_ignores_from_the_command_line(tmp_path: Path, demo_rules: RuleSet) -> None:
    tree(tmp_path, {"a/m.py": "d.has_key(k)\n", "b/m.py": "d.has_key(k)\n"})
    result = scan(demo_rules, ScanOptions(tmp_path, jobs=1, ignores=("b/",)))
    assert [i.path for i in result.incidents] == ["a/m.py"]


def test_large_file_is_skipped_and_reported(tmp_path: Path, demo_rules: RuleSet) -> None:
    tree(tmp_path, {"big.py": "d.has_key(k)\n" + "x = 1\n" * 2000, "small.py": "d.has_key(k)\n"})
    result = scan(demo_rules, ScanOptions(tmp_path, jobs=1, max_file_size=1000))
    assert [i.path for i in result.incidents] == ["small.py"]
    assert [e.path for e in result.errors] == ["big.py"]


def test_symlink_leaving_the_root_is_skipped(tmp_path: Path, demo_rules: RuleSet) -> None:
    outside = tmp_path / "outside.py"
    outside.write_text("d.has_key(k)\n")
    root = tree(tmp_path / "repo", {"m.py": "x = 1\n"})
    os.symlink(outside, root / "link.py")
    result = scan(demo_rules, ScanOptions(root, jobs=1))
    assert result.incidents == []
    assert [e.path for e in result.errors] == ["link.py"]


def test_bad_files_are_reported_and_the_rest_is_scanned(
    tmp_path: Path, demo_rules: RuleSet
) -> None:
    tree(
        tmp_path,
        {
            "bad.py": b"# coding: utf-8\nx = '\xff'\n",
            "bin.py": b"\x00\x01binary",
            "broken.py": "def f(:\n",
            "ok.py": "d.has_key(k)\n",
        },
    )
    result = scan(demo_rules, ScanOptions(tmp_path, jobs=1))
    assert [i.path for i in result.incidents] == ["ok.py"]
    assert [e.path for e in result.errors] == ["bad.py", "broken.py"]


def test_warm_scan_parses_nothing_and_a_changed_file_is_rescanned(
    tmp_path: Path, demo_rules: RuleSet, counted: list[str]
) -> None:
    tree(tmp_path, {"a.py": "d.has_key(k)\n", "b.py": "x = 1\n"})
    first = scan(demo_rules, ScanOptions(tmp_path, jobs=1))
    assert sorted(counted) == ["a.py", "b.py"]
    counted.clear()
    second = scan(demo_rules, ScanOptions(tmp_path, jobs=1))
    assert counted == []
    assert second.incidents == first.incidents
    (tmp_path / "b.py").write_text("e.has_key(j)\n")
    third = scan(demo_rules, ScanOptions(tmp_path, jobs=1))
    assert counted == ["b.py"]
    assert [i.path for i in third.incidents] == ["a.py", "b.py"]


def test_no_cache_parses_everything_and_writes_no_cache(
    tmp_path: Path, demo_rules: RuleSet, counted: list[str]
) -> None:
    tree(tmp_path, {"a.py": "d.has_key(k)\n"})
    scan(demo_rules, ScanOptions(tmp_path, jobs=1, use_cache=False))
    scan(demo_rules, ScanOptions(tmp_path, jobs=1, use_cache=False))
    assert counted == ["a.py", "a.py"]
    assert not (tmp_path / ".migrator").exists()


def test_changed_rules_invalidate_the_cache(
    tmp_path: Path, demo_rules: RuleSet, counted: list[str]
) -> None:
    tree(tmp_path, {"a.py": "d.has_key(k)\n"})
    scan(demo_rules, ScanOptions(tmp_path, jobs=1))
    fewer = RuleSet(demo_rules.rules[1:], demo_rules.packs)
    scan(fewer, ScanOptions(tmp_path, jobs=1))
    assert counted == ["a.py", "a.py"]


def test_corrupt_cache_is_ignored(tmp_path: Path, demo_rules: RuleSet) -> None:
    tree(tmp_path, {"a.py": "d.has_key(k)\n", ".migrator/cache.db": b"not a database"})
    result = scan(demo_rules, ScanOptions(tmp_path, jobs=1))
    assert [i.path for i in result.incidents] == ["a.py"]


def test_process_pool_gives_the_same_result_as_serial(tmp_path: Path, demo_rules: RuleSet) -> None:
    files = {f"p{i:03}/m.py": f"d.has_key({i})\nx.iteritems()\n" for i in range(120)}
    tree(tmp_path, files)
    serial = scan(demo_rules, ScanOptions(tmp_path, jobs=1, use_cache=False))
    pooled = scan(demo_rules, ScanOptions(tmp_path, jobs=2, use_cache=False))
    assert len(serial.incidents) == 240
    assert pooled.incidents == serial.incidents
    warm = scan(demo_rules, ScanOptions(tmp_path, jobs=2))
    warm_again = scan(demo_rules, ScanOptions(tmp_path, jobs=2))
    assert warm.incidents == warm_again.incidents == serial.incidents


def test_single_file_root(tmp_path: Path, demo_rules: RuleSet) -> None:
    tree(tmp_path, {"m.py": "d.has_key(k)\n"})
    result = scan(demo_rules, ScanOptions(tmp_path / "m.py", jobs=1, use_cache=False))
    assert [(i.path, i.line) for i in result.incidents] == [("m.py", 1)]
