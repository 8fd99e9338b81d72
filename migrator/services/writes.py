"""Writing user files safely: atomic replacement, and a journal that survives a killed run.

`write_atomic` never leaves a half-written file: a reader (or the next run after a SIGKILL or
power loss) sees either the old content or the new one. The `Journal` records what an apply
run is about to write before it writes it, so the next run can tell its own uncommitted
changes from the user's.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import json
import os
import secrets
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from migrator.store import prepare_folder

JOURNAL_NAME = "apply-journal.json"
_JOURNAL_VERSION = 1
_TEMP_SUFFIX = ".migrator-tmp"


def write_atomic(path: Path, data: bytes) -> None:
    """Replace the content of `path` with `data` atomically, keeping its mode (and owner).

    A symlink is followed and its final target rewritten; the link itself stays a link.
    Hard links to the file are not preserved (the target becomes a new inode). On any error
    the temporary file is removed and the OSError propagates; `path` is then unchanged.
    """
    # realpath follows whole chains of links, including a dangling one (whose target is created).
    target = Path(os.path.realpath(path))
    try:
        original: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        original = None
    fd, temp = _create_temp(target)
    try:
        with open(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if original is not None:
                _copy_owner_and_mode(handle.fileno(), temp, original)
            # Without fsync, a crash after the rename can leave an empty file on ext4/xfs.
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise
    _fsync_directory(target.parent)


def remove_stale_temps(path: Path) -> int:
    """Delete temp files a killed `write_atomic` left beside `path`; returns how many."""
    target = path.resolve()
    removed = 0
    for stale in target.parent.glob(f".{glob.escape(target.name[:120])}.*{_TEMP_SUFFIX}"):
        with contextlib.suppress(OSError):
            stale.unlink()
            removed += 1
    return removed


def _create_temp(target: Path) -> tuple[int, Path]:
    """A new empty file beside `target` (same file system, so the rename is atomic), open."""
    # Mode 0o666 lets the umask decide, as for any new file; mkstemp would force 0o600. The
    # name is cut so that name + suffix stays within the 255-byte limit of most file systems.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    for _ in range(16):
        temp = target.with_name(f".{target.name[:120]}.{secrets.token_hex(4)}{_TEMP_SUFFIX}")
        try:
            return os.open(temp, flags, 0o666), temp
        except FileExistsError:
            continue
    raise FileExistsError(f"could not create a temporary file beside {target}")


def _copy_owner_and_mode(fd: int, temp: Path, original: os.stat_result) -> None:
    # Through the open descriptor where the platform allows, so that the fsync covers it.
    current = os.fstat(fd)
    owner = (original.st_uid, original.st_gid)
    if hasattr(os, "chown") and (current.st_uid, current.st_gid) != owner:
        # Works as root (and for a group the user belongs to); otherwise the file becomes the
        # writer's own, which is what any editor does too.
        with contextlib.suppress(PermissionError):
            os.chown(fd if os.chown in os.supports_fd else temp, *owner)
    # After chown, which clears set-user-ID and set-group-ID bits.
    os.chmod(fd if os.chmod in os.supports_fd else temp, stat.S_IMODE(original.st_mode))


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable (POSIX); best effort, the data is already in place."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class Journal:
    """Crash-safe record of an apply run in `.migrator/apply-journal.json`.

    Protocol: `record(step, files)` before writing a step's files, `done(step)` after its
    commit. A run killed in between leaves the step pending; the next run compares the dirty
    files' content with the recorded digests to recognise them as its own.
    """

    def __init__(self, state_dir: Path) -> None:
        self.path = state_dir / JOURNAL_NAME

    def record(self, step: str, files: Mapping[str, str]) -> None:
        """Record that `step` is about to write `files` (path -> sha256 hex of the new content)."""
        steps = self._load()
        steps.pop(step, None)  # re-recorded steps move to the end, keeping the order of the run
        steps[step] = dict(files)
        self._save(steps)

    def pending(self) -> dict[str, dict[str, str]]:
        """Steps recorded and not yet done, in the order they were recorded."""
        return self._load()

    def done(self, step: str) -> None:
        """Forget `step` once its changes are committed (unknown steps are ignored)."""
        steps = self._load()
        if steps.pop(step, None) is not None:
            self._save(steps)

    def clear(self) -> None:
        """Remove the journal file."""
        self.path.unlink(missing_ok=True)

    @staticmethod
    def digest(data: bytes) -> str:
        """The digest `record` expects for file content `data` (sha256, hex)."""
        return hashlib.sha256(data).hexdigest()

    def _load(self) -> dict[str, dict[str, str]]:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return {}
        try:
            document = json.loads(raw)
        except ValueError:  # JSONDecodeError and UnicodeDecodeError both derive from it
            return {}
        # A journal that is not what _save writes was damaged outside migrator: trusting part
        # of it could claim a user's change as ours, so it counts as empty.
        return _parse_steps(document) or {}

    def _save(self, steps: Mapping[str, Mapping[str, str]]) -> None:
        prepare_folder(self.path.parent)
        document = {"version": _JOURNAL_VERSION, "steps": steps}
        write_atomic(self.path, (json.dumps(document, indent=1) + "\n").encode("utf-8"))


def _parse_steps(document: Any) -> dict[str, dict[str, str]] | None:
    """The steps of a journal document, None unless it has exactly the shape `_save` writes."""
    if not isinstance(document, dict) or document.get("version") != _JOURNAL_VERSION:
        return None
    steps = document.get("steps")
    if not isinstance(steps, dict):
        return None
    parsed: dict[str, dict[str, str]] = {}
    for step, files in steps.items():
        if not isinstance(files, dict) or not all(
            isinstance(name, str) and isinstance(digest, str) for name, digest in files.items()
        ):
            return None
        parsed[step] = dict(files)
    return parsed
