"""Exit codes and the error hierarchy shared by every layer."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes; `migrator --help` lists them."""

    OK = 0
    FINDINGS = 1
    USAGE = 2
    ENVIRONMENT = 3
    INTERNAL = 4
    INTERRUPTED = 130


class MigratorError(Exception):
    """An error a user can act on: one line, an exit code and, where possible, a hint."""

    exit_code: ExitCode = ExitCode.INTERNAL

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(MigratorError):
    """A bad flag, argument or path."""

    exit_code = ExitCode.USAGE


class ConfigError(MigratorError):
    """Invalid configuration."""

    exit_code = ExitCode.USAGE


class RuleError(MigratorError):
    """An invalid rule or rule pack, located as `path:line`."""

    exit_code = ExitCode.USAGE

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        hint: str | None = None,
    ) -> None:
        location = f"{path}:{line}: " if path and line else f"{path}: " if path else ""
        super().__init__(f"{location}{message}", hint=hint)
        self.path = path
        self.line = line


class EnvironmentProblem(MigratorError):
    """Something outside migrator is missing or down (git, a model server)."""

    exit_code = ExitCode.ENVIRONMENT


class GitError(EnvironmentProblem):
    """git is missing or refused an operation."""
