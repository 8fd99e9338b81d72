"""Aware datetimes: datetime.now(timezone.utc) instead of utcnow()."""

import datetime as dt
import time
from datetime import datetime, timezone


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def from_epoch(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, tz=timezone.utc)


def naive_utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def elapsed(start: float) -> float:
    return time.perf_counter() - start


def cpu_time() -> float:
    return time.process_time()


def stamp() -> str:
    return utc_now().isoformat()
