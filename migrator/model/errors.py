"""Errors of the model layer: what a user sees when the model server or the model is missing."""

from __future__ import annotations

from migrator.errors import EnvironmentProblem


class ProviderError(EnvironmentProblem):
    """The model server failed a request: down, unreachable, too slow, or a bad answer.

    `transient` marks failures worth a retry (a refused or dropped connection); a timeout or an
    error status is not retried, because asking again would most likely fail the same way.
    """

    def __init__(self, message: str, *, hint: str | None = None, transient: bool = False) -> None:
        super().__init__(message, hint=hint)
        self.transient = transient


class ModelUnavailable(ProviderError):
    """The server answers but does not have the model (not pulled, or another name)."""
