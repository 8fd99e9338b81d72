"""Atomic writes (mode, symlinks, temp files, SIGKILL) and the apply journal."""

from __future__ import annotations

import json
import os
import random
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from migrator.services.writes import JOURNAL_NAME, Journal, write_atomic

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX modes, symlinks and signals")


def _leftovers(directory: Path, keep: set[str]) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name not in keep)


def test_write_atomic_creates_and_replaces(tmp_path: Path) -> None:
    target = tmp_path / "m.py"
    write_atomic(target, b"one\n")
    write_atomic(target, b"two\r\n")
    assert target.read_bytes() == b"two\r\n"
    assert _leftovers(tmp_path, {"m.py"}) == []


@posix_only
@pytest.mark.parametrize("mode", [0o755, 0o600, 0o644, 0o444])
def test_write_atomic_keeps_mode(tmp_path: Path, mode: int) -> None:
    target = tmp_path / "script.sh"
    target.write_bytes(b"#!/bin/sh\n")
    target.chmod(mode)
    write_atomic(target, b"#!/bin/sh\necho hi\n")
    assert stat.S_IMODE(target.stat().st_mode) == mode
    assert target.read_bytes() == b"#!/bin/sh\necho hi\n"


@posix_only
def test_new_file_gets_the_umask_mode_not_mkstemp_0600(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "new.txt", b"x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o644


@posix_only
def test_write_atomic_writes_through_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (real / "m.py").write_bytes(b"old")
    link = tmp_path / "link.py"
    link.symlink_to(real / "m.py")
    chain = tmp_path / "chain.py"
    chain.symlink_to(link)

    write_atomic(chain, b"new")

    assert chain.is_symlink() and link.is_symlink()
    assert (real / "m.py").read_bytes() == b"new"
    assert _leftovers(tmp_path, {"real", "link.py", "chain.py"}) == []
    assert _leftovers(real, {"m.py"}) == []


@pytest.mark.parametrize("failing", ["replace", "fsync"])
def test_failure_leaves_original_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    target = tmp_path / "m.py"
    target.write_bytes(b"original")

    def boom(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, failing, boom)
    with pytest.raises(OSError, match="No space left"):
        write_atomic(target, b"new")
    monkeypatch.undo()
    assert target.read_bytes() == b"original"
    assert _leftovers(tmp_path, {"m.py"}) == []


@posix_only
@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes anywhere")
def test_unwritable_directory_raises_and_leaves_file(tmp_path: Path) -> None:
    directory = tmp_path / "ro"
    directory.mkdir()
    (directory / "m.py").write_bytes(b"original")
    directory.chmod(0o555)
    try:
        with pytest.raises(PermissionError):
            write_atomic(directory / "m.py", b"new")
    finally:
        directory.chmod(0o755)
    assert (directory / "m.py").read_bytes() == b"original"
    assert _leftovers(directory, {"m.py"}) == []


_WRITER = """
import sys
from pathlib import Path
from migrator.services.writes import write_atomic

target = Path(sys.argv[1])
contents = (b"A" * 5_000_000, b"B" * 5_000_000)
write_atomic(target, contents[0])
print("ready", flush=True)
n = 1
while True:
    write_atomic(target, contents[n % 2])
    n += 1
"""


@posix_only
def test_sigkill_mid_write_leaves_old_or_new_content(tmp_path: Path) -> None:
    target = tmp_path / "big.bin"
    whole = {b"A" * 5_000_000, b"B" * 5_000_000}
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    rng = random.Random(20240611)
    deadline = time.monotonic() + 6
    rounds = 0
    while rounds < 5 and (rounds < 2 or time.monotonic() < deadline):
        child = subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(target)], stdout=subprocess.PIPE, env=env
        )
        try:
            assert child.stdout is not None
            assert child.stdout.readline() == b"ready\n"
            time.sleep(rng.uniform(0.0, 0.25))
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait(timeout=10)
            if child.stdout is not None:
                child.stdout.close()
        assert child.returncode == -signal.SIGKILL
        assert target.read_bytes() in whole
        rounds += 1
    # A temp file may remain after SIGKILL (nothing can remove it); the target never tears.


def test_journal_round_trip(tmp_path: Path) -> None:
    state = tmp_path / ".migrator"
    journal = Journal(state)
    assert journal.pending() == {}
    digest = Journal.digest(b"print(1)\n")
    assert len(digest) == 64

    journal.record("PY2-HAS-KEY", {"a.py": digest, "b/c.py": Journal.digest(b"")})
    journal.record("PY2-PRINT", {"d.py": digest})
    assert list(journal.pending()) == ["PY2-HAS-KEY", "PY2-PRINT"]
    assert journal.pending()["PY2-HAS-KEY"]["a.py"] == digest

    reloaded = Journal(state)  # a new run after a crash
    assert reloaded.pending() == journal.pending()

    reloaded.done("PY2-HAS-KEY")
    reloaded.done("NEVER-RECORDED")
    assert Journal(state).pending() == {"PY2-PRINT": {"d.py": digest}}

    journal.clear()
    journal.clear()  # idempotent
    assert not (state / JOURNAL_NAME).exists()
    assert Journal(state).pending() == {}


def test_pending_is_a_copy(tmp_path: Path) -> None:
    journal = Journal(tmp_path)
    journal.record("R", {"a.py": "0" * 64})
    journal.pending()["R"]["a.py"] = "changed"
    assert journal.pending() == {"R": {"a.py": "0" * 64}}


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"{not json",
        b"\xff\xfe\x00garbage",
        b"[]",
        b'{"version": 99, "steps": {}}',
        b'{"version": 1, "steps": []}',
        b'{"version": 1, "steps": {"R": {"a.py": 3}}}',
        b'{"version": 1, "steps": {"R": ["a.py"]}}',
        b'{"version": 1, "steps": {"R": {"a.py": "ok"}, "S": null}}',
    ],
)
def test_corrupt_journal_counts_as_empty(tmp_path: Path, content: bytes) -> None:
    (tmp_path / JOURNAL_NAME).write_bytes(content)
    journal = Journal(tmp_path)
    assert journal.pending() == {}
    journal.record("R", {"a.py": "ab"})  # and a new run can start over it
    assert journal.pending() == {"R": {"a.py": "ab"}}
    assert json.loads((tmp_path / JOURNAL_NAME).read_text())["steps"] == {"R": {"a.py": "ab"}}


def test_stale_temp_files_are_removed(tmp_path: Path) -> None:
    from migrator.services.writes import remove_stale_temps

    target = tmp_path / "m.py"
    target.write_text("x\n")
    (tmp_path / ".m.py.0a1b2c3d.migrator-tmp").write_text("half")
    (tmp_path / ".other.py.0a1b2c3d.migrator-tmp").write_text("keep")
    assert remove_stale_temps(target) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == [".other.py.0a1b2c3d.migrator-tmp", "m.py"]
