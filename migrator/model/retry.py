"""Retries with exponential backoff, for failures a provider marks as transient."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from migrator.model.errors import ProviderError

T = TypeVar("T")


def with_retries(
    call: Callable[[], T],
    *,
    retries: int,
    backoff: float = 0.25,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run `call`; on a transient ProviderError wait 0.25 s, 0.5 s, 1 s… and try again, at most
    `retries` more times. Other errors, and the last failure, propagate."""
    for attempt in range(retries + 1):
        try:
            return call()
        except ProviderError as exc:
            if not exc.transient or attempt == retries:
                raise
            sleep(backoff * 2**attempt)
    raise AssertionError("unreachable")  # pragma: no cover
