"""What the noise tests share: the allowlist entry and the scan of the standard library."""

from __future__ import annotations

import sysconfig
import time
from dataclasses import dataclass
from pathlib import Path

from migrator.engine.results import Incident, ScanResult
from migrator.engine.rules import RuleSet
from migrator.services.scan import ScanOptions, scan

STDLIB = Path(sysconfig.get_paths()["stdlib"])


@dataclass(frozen=True)
class Allowed:
    """Incidents of `rules` (all rules when empty) in files whose path starts with `paths`."""

    paths: tuple[str, ...]
    rules: frozenset[str]
    reason: str

    def covers(self, incident: Incident) -> bool:
        in_rules = not self.rules or incident.rule in self.rules
        return in_rules and incident.path.startswith(self.paths)


def allow(paths: str | tuple[str, ...], rules: str | tuple[str, ...], reason: str) -> Allowed:
    paths = (paths,) if isinstance(paths, str) else paths
    rules = (rules,) if isinstance(rules, str) else rules
    return Allowed(paths, frozenset(rules), reason)


def scan_stdlib(ruleset: RuleSet) -> tuple[ScanResult, float]:
    """The running interpreter's standard library, scanned without a cache; and the seconds."""
    started = time.perf_counter()
    # site-packages sits inside the stdlib directory but is third-party code.
    options = ScanOptions(root=STDLIB, use_cache=False, ignores=("site-packages/",))
    result = scan(ruleset, options)
    return result, time.perf_counter() - started
