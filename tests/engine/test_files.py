"""The walk that decides which files a scan reads, on real trees built in tmp_path."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import pytest

from migrator.engine.files import Skipped, SourceFile, walk


def make_tree(root: Path, files: dict[str, str]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    return root


def read_paths(root: Path, *, extra_ignores: Sequence[str] = ()) -> list[str]:
    items = walk(root, extra_ignores=extra_ignores)
    return [item.path for item in items if isinstance(item, SourceFile)]


def test_files_come_sorted_by_path_without_vcs_and_cache_dirs(tmp_path: Path) -> None:
    make_tree(
        tmp_path,
        {
            "b.txt": "b",
            "a/x.py": "x",
            "a.txt": "a",
            "a-b.txt": "ab",
            ".git/config": "",
            ".hg/store": "",
            ".svn/entries": "",
            ".migrator/state.db": "",
            "pkg/__pycache__/m.cpython-311.pyc": "",
            "pkg/m.py": "m = 1\n",
        },
    )

    assert list(walk(tmp_path)) == [
        SourceFile("a-b.txt", str(tmp_path / "a-b.txt"), 2),
        SourceFile("a.txt", str(tmp_path / "a.txt"), 1),
        SourceFile("a/x.py", str(tmp_path / "a" / "x.py"), 1),
        SourceFile("b.txt", str(tmp_path / "b.txt"), 1),
        SourceFile("pkg/m.py", str(tmp_path / "pkg" / "m.py"), 6),
    ]


def test_nested_gitignores_follow_git_semantics(tmp_path: Path) -> None:
    make_tree(
        tmp_path,
        {
            ".gitignore": "*.log\nbuild/\n!build/keep.txt\n/only_top.txt\n",
            "app.log": "",
            "app.py": "",
            "only_top.txt": "",
            "build/out.o": "",
            "build/keep.txt": "",
            "x.tmp": "",
            "sub/.gitignore": "!important.log\n*.tmp\n",
            "sub/important.log": "",
            "sub/other.log": "",
            "sub/only_top.txt": "",
            "sub/build": "a file, which a directory-only pattern does not match",
            "sub/x.tmp": "",
        },
    )

    assert read_paths(tmp_path) == [
        ".gitignore",
        "app.py",
        "sub/.gitignore",
        "sub/build",
        "sub/important.log",
        "sub/only_top.txt",
        "x.tmp",
    ]


def test_a_whitelist_gitignore_keeps_directories_but_not_their_other_files(tmp_path: Path) -> None:
    make_tree(
        tmp_path,
        {
            ".gitignore": "*\n!*/\n!*.py\n",
            "setup.py": "",
            "README": "",
            "src/a.py": "",
            "src/a.txt": "",
            "src/deep/b.py": "",
            "src/deep/b.cfg": "",
        },
    )

    assert read_paths(tmp_path) == ["setup.py", "src/a.py", "src/deep/b.py"]


def test_a_trailing_double_star_ignores_the_contents_so_one_file_can_be_taken_back(
    tmp_path: Path,
) -> None:
    make_tree(
        tmp_path,
        {
            ".gitignore": "out/**\n!out/keep.txt\n",
            "out/a.o": "",
            "out/keep.txt": "",
            "out/d/b.o": "",
        },
    )

    assert read_paths(tmp_path) == [".gitignore", "out/keep.txt"]


def test_migratorignore_and_extra_ignores(tmp_path: Path) -> None:
    make_tree(
        tmp_path,
        {
            ".gitignore": "vendor.js\n",
            ".migratorignore": "generated/\n!vendor.js\n",
            "vendor.js": "",
            "generated/models.py": "",
            "lib/.migratorignore": "*.bak\n",
            "lib/a.py": "",
            "lib/a.py.bak": "",
            "a.py.bak": "",
            "docs/index.md": "",
            "notes.txt": "",
        },
    )

    paths = read_paths(tmp_path, extra_ignores=["docs/", "*.txt", "!keep.txt"])

    assert paths == [
        ".gitignore",
        ".migratorignore",
        "a.py.bak",
        "lib/.migratorignore",
        "lib/a.py",
        "vendor.js",
    ]


def test_git_info_exclude_applies_with_the_lowest_precedence(tmp_path: Path) -> None:
    make_tree(
        tmp_path,
        {
            ".git/info/exclude": "*.secret\n",
            ".gitignore": "!keep.secret\n",
            "a.secret": "",
            "keep.secret": "",
            "main.py": "",
        },
    )

    assert read_paths(tmp_path) == [".gitignore", "keep.secret", "main.py"]


def test_an_ignored_directory_is_not_entered(tmp_path: Path) -> None:
    repo = make_tree(tmp_path / "repo", {".gitignore": "build/\n", "build/x.o": "", "main.py": ""})
    outside = make_tree(tmp_path, {"outside.txt": "secret"}) / "outside.txt"
    (repo / "build" / "escape").symlink_to(outside)

    assert list(walk(repo)) == [
        SourceFile(".gitignore", str(repo / ".gitignore"), 7),
        SourceFile("main.py", str(repo / "main.py"), 0),
    ]


def test_a_malformed_pattern_is_dropped_and_the_rest_still_apply(tmp_path: Path) -> None:
    make_tree(tmp_path, {".gitignore": "trailing\\\n!\n*.log\n", "a.log": "", "a.py": ""})

    assert read_paths(tmp_path) == [".gitignore", "a.py"]


def test_symlinks_are_read_only_inside_the_root_and_never_descended(tmp_path: Path) -> None:
    repo = make_tree(tmp_path / "repo", {"real.py": "x = 1\n", "pkg/mod.py": "y = 2\n"})
    outside = make_tree(tmp_path, {"outside.txt": "secret", "outside_dir/f.txt": ""}).resolve()
    (repo / "alias.py").symlink_to("real.py")
    (repo / "escape.txt").symlink_to("../outside.txt")
    (repo / "escape_dir").symlink_to(outside / "outside_dir")
    (repo / "dangling.py").symlink_to("missing.py")
    (repo / "pkg_link").symlink_to("pkg")
    (repo / "pkg" / "loop").symlink_to("..")

    assert list(walk(repo)) == [
        SourceFile("alias.py", str(repo / "alias.py"), 6),
        Skipped("dangling.py", "broken symlink (-> missing.py)"),
        Skipped("escape.txt", f"symlink leaves the repository (-> {outside / 'outside.txt'})"),
        Skipped("escape_dir", f"symlink leaves the repository (-> {outside / 'outside_dir'})"),
        SourceFile("pkg/mod.py", str(repo / "pkg" / "mod.py"), 6),
        SourceFile("real.py", str(repo / "real.py"), 6),
    ]


def test_a_symlink_to_a_system_file_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "hosts").symlink_to("/etc/hosts")

    assert list(walk(tmp_path)) == [
        Skipped("hosts", "symlink leaves the repository (-> /etc/hosts)")
    ]


def test_a_self_referencing_symlink_is_skipped_not_followed(tmp_path: Path) -> None:
    (tmp_path / "self").symlink_to("self")

    (item,) = walk(tmp_path)

    assert isinstance(item, Skipped)
    assert item.path == "self"
    assert item.reason.startswith("unreadable (")


def test_files_over_the_size_limit_are_skipped(tmp_path: Path) -> None:
    make_tree(tmp_path, {"ten.txt": "0123456789", "eleven.txt": "0123456789A"})
    with open(tmp_path / "huge.bin", "wb") as handle:
        handle.truncate(2_000_001)

    assert list(walk(tmp_path, max_file_size=10)) == [
        Skipped("eleven.txt", "larger than 10 bytes (size limit; raise it with --max-file-size)"),
        Skipped("huge.bin", "larger than 10 bytes (size limit; raise it with --max-file-size)"),
        SourceFile("ten.txt", str(tmp_path / "ten.txt"), 10),
    ]
    assert [item for item in walk(tmp_path) if isinstance(item, Skipped)] == [
        Skipped("huge.bin", "larger than 2 MB (size limit; raise it with --max-file-size)")
    ]


def test_a_special_file_is_skipped(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")

    assert list(walk(tmp_path)) == [Skipped("pipe", "not a regular file")]


def test_a_file_root_yields_that_file_alone(tmp_path: Path) -> None:
    make_tree(tmp_path, {"one.py": "print(1)\n", ".gitignore": "*.py\n"})

    assert list(walk(tmp_path / "one.py")) == [SourceFile("one.py", str(tmp_path / "one.py"), 9)]
    assert list(walk(tmp_path / "one.py", max_file_size=4)) == [
        Skipped("one.py", "larger than 4 bytes (size limit; raise it with --max-file-size)")
    ]


def test_a_missing_root_raises(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        list(walk(tmp_path / "nowhere"))


def test_an_unreadable_directory_is_skipped(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("running as root: chmod cannot make a directory unreadable")
    make_tree(tmp_path, {"locked/a.py": "", "open.py": ""})
    (tmp_path / "locked").chmod(0)
    try:
        result = list(walk(tmp_path))
    finally:
        (tmp_path / "locked").chmod(0o755)

    assert result == [
        Skipped("locked", "unreadable directory (permission denied)"),
        SourceFile("open.py", str(tmp_path / "open.py"), 0),
    ]
