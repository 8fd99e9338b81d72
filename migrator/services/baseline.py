"""Baselines: record today's incidents so that CI fails only on new ones.

An incident's identity is its fingerprint (rule + path + matched code without spacing +
occurrence), so it survives moved lines and unrelated edits.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import asdict, replace
from pathlib import Path

from migrator import __version__
from migrator.engine.results import BaselineComparison, BaselineEntry, ScanResult
from migrator.errors import ConfigError

FORMAT_VERSION = 1


def entries(result: ScanResult) -> list[BaselineEntry]:
    return [
        BaselineEntry(i.fingerprint, i.rule, i.path, i.line, i.message) for i in result.incidents
    ]


def render(result: ScanResult) -> str:
    """The baseline document for `result` (sorted, so it diffs well in review)."""
    document = {
        "version": FORMAT_VERSION,
        "tool": f"migrator {__version__}",
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "incidents": [
            asdict(e) for e in sorted(entries(result), key=lambda e: (e.path, e.line, e.rule))
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def load(path: Path) -> list[BaselineEntry]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            f"baseline file not found: {path}", hint=f"create it with `migrator baseline -o {path}`"
        ) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"cannot read baseline {path}: {exc}".splitlines()[0]) from None
    if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
        raise ConfigError(f"{path} is not a migrator baseline (version {FORMAT_VERSION})")
    try:
        return [BaselineEntry(**item) for item in data["incidents"]]
    except (KeyError, TypeError) as exc:
        raise ConfigError(f"{path}: malformed baseline entry ({exc})") from None


def compare(result: ScanResult, baseline: list[BaselineEntry], file: str) -> ScanResult:
    """Only the incidents the baseline does not know; the baseline entries no longer seen."""
    known = {entry.fingerprint for entry in baseline}
    seen = {incident.fingerprint for incident in result.incidents}
    new = [i for i in result.incidents if i.fingerprint not in known]
    fixed = tuple(
        e
        for e in baseline
        if e.fingerprint not in seen and (result.scope is None or e.path in result.scope)
    )
    comparison = BaselineComparison(file, len(result.incidents) - len(new), fixed)
    return replace(result, incidents=new, baseline=comparison)
