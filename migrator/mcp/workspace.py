"""The repository an MCP server works on: its root, rules, model, and the scans it remembers.

Each method backs one tool and returns its model (migrator.mcp.models); errors are
`MigratorError`s carrying the CLI's one-line messages. Tools run on worker threads: scans run
side by side, while proposing and applying (which write the store, files and git) take turns.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from migrator.engine.files import walk
from migrator.engine.results import SEVERITY_RANK, Incident
from migrator.engine.rules import RuleSet, load_rules, shipped_packs
from migrator.errors import GitError, UsageError
from migrator.mcp import convert, models
from migrator.mcp.paths import RootGuard
from migrator.services.fix_model import ModelSetup
from migrator.services.scan import ScanOptions, present_languages, scan
from migrator.store.proposals import ProposalStore
from migrator.vcs.repository import Repository

KEPT_SCANS = 8  # results a cursor can still page through


@dataclass(frozen=True)
class Settings:
    """What `migrator mcp` was started with."""

    root: Path
    rules: tuple[str, ...] = ()  # --rules: the default packs (names or paths)
    model: Callable[[], ModelSetup] | None = None  # builds the model on first use; None: no model
    verify: str | None = None  # --verify CMD
    scan_jobs: int | None = None


@dataclass(frozen=True)
class Found:
    """Where a scan found an incident, and with which rules."""

    path: str
    rule: str
    selectors: tuple[str, ...]


@dataclass(frozen=True)
class ScanRecord:
    """A scan's kept incidents, for paging, for later tools and for the last-scan resource."""

    id: str
    incidents: list[Incident]
    packs_by_rule: dict[str, str]
    summary: models.ScanSummary
    selectors: tuple[str, ...]
    scope: dict[str, object]


class Workspace:
    """State shared by the tools of one server; close it when the server stops."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.guard = RootGuard(settings.root)
        self.root = self.guard.root
        # Packs given on the command line, by name: an agent names them like shipped ones.
        self._server = load_rules(settings.rules).packs if settings.rules else []
        self.server_packs = {p.name: p.path for p in self._server}
        self._scans: OrderedDict[str, ScanRecord] = OrderedDict()
        self._found: dict[str, Found] = {}
        self._proposed: dict[int, tuple[str, ...]] = {}  # proposal id -> selectors of its rules
        self._rulesets: dict[tuple[str, ...], RuleSet] = {}
        self._state = threading.Lock()
        self._turn = threading.Lock()  # one proposal or apply at a time
        self._connect = threading.Lock()
        self._model: ModelSetup | None = None

    def close(self) -> None:
        if self._model is not None:
            self._model.provider.close()
            if self._model.cache is not None:
                self._model.cache.close()
            self._model = None

    # -- rules -------------------------------------------------------------------------------

    def selectors(self, packs: Sequence[str] | None) -> tuple[str, ...]:
        """Packs as `load_rules` takes them: shipped names, the server's packs, or paths inside
        the root (absolute). None: the server's --rules (empty: shipped packs, by language)."""
        if packs is None:
            return self.settings.rules
        out = []
        for name in packs:
            if name in shipped_packs():
                out.append(name)
            elif name in self.server_packs:
                out.append(self.server_packs[name])
            elif self.guard.relative(name, must_exist=False) and (self.root / name).exists():
                out.append(str(self.guard.absolute(name)))
            else:
                known = ", ".join(sorted(shipped_packs())) or "none"
                raise UsageError(
                    f"no rule pack or path {name!r} (shipped packs: {known})",
                    hint="call list_rule_packs to see the packs",
                )
        return tuple(out)

    def ruleset(self, selectors: tuple[str, ...]) -> RuleSet:
        """The rules to scan with; shipped packs stay loaded, folders load fresh each time (an
        agent may be editing them)."""
        cacheable = all(s in shipped_packs() for s in selectors)
        with self._state:
            ruleset = self._rulesets.get(selectors) if cacheable else None
        if ruleset is None:
            ruleset = load_rules(selectors)
            if cacheable:
                with self._state:
                    self._rulesets[selectors] = ruleset
        return ruleset if selectors else ruleset.restricted_to(present_languages(self.root))

    def pack_names(self) -> list[str]:
        """Every pack an agent can name (cheap: no rule is loaded)."""
        return sorted({*shipped_packs(), *self.server_packs})

    def packs(self, *, detailed: bool) -> models.RulePackList:
        shipped = self.ruleset(tuple(shipped_packs()))
        server = load_rules(tuple(self.server_packs.values())) if self.server_packs else None
        listed = [
            convert.pack(p, shipped.rules, shipped=True, detailed=detailed) for p in shipped.packs
        ]
        if server is not None:
            listed += [
                convert.pack(p, server.rules, shipped=False, detailed=detailed)
                for p in server.packs
                if p.name not in shipped_packs()
            ]
        return models.RulePackList(packs=listed, default=list(self.server_packs))

    # -- scanning ----------------------------------------------------------------------------

    def scan(
        self,
        *,
        path: str,
        files: Sequence[str] | None,
        packs: Sequence[str] | None,
        severity: str | None,
        limit: int,
        cursor: str | None,
    ) -> models.ScanPage:
        if cursor is not None:
            record, offset = self._page(cursor)
        else:
            record, offset = self._scan(path, files, packs, severity), 0
        page = record.incidents[offset : offset + limit]
        after = offset + len(page)
        token = base64.urlsafe_b64encode(f"{record.id}:{after}".encode()).decode()
        return models.ScanPage(
            incidents=[convert.incident(i, record.packs_by_rule.get(i.rule, "")) for i in page],
            offset=offset,
            total=len(record.incidents),
            next_cursor=token if after < len(record.incidents) else None,
            summary=record.summary,
        )

    def _only(self, path: str, files: Sequence[str] | None) -> frozenset[str] | None:
        if files:
            return frozenset(self._file(name) for name in files)
        where = self.guard.relative(path)
        if where == ".":
            return None
        if (self.root / where).is_file():
            return frozenset({where})
        return frozenset(item.path for item in walk(self.root) if item.path.startswith(where + "/"))

    def _file(self, name: str) -> str:
        relative = self.guard.relative(name)
        if (self.root / relative).is_dir():
            raise UsageError(f"not a file: {name}", hint="pass folders as `path`, files as `files`")
        return relative

    def _scan(
        self,
        path: str,
        files: Sequence[str] | None,
        packs: Sequence[str] | None,
        severity: str | None,
    ) -> ScanRecord:
        selectors = self.selectors(packs)
        only = self._only(path, files)
        ruleset = self.ruleset(selectors)
        options = ScanOptions(self.root, jobs=self.settings.scan_jobs, only=only)
        result = scan(ruleset, options)
        floor = SEVERITY_RANK[severity] if severity else 0
        kept = [i for i in result.incidents if SEVERITY_RANK[i.severity] >= floor]
        names = [p.name for p in ruleset.packs]
        record = ScanRecord(
            id=secrets.token_hex(6),
            incidents=kept,
            packs_by_rule={rule: meta.pack for rule, meta in result.rules.items()},
            summary=convert.summary(kept, result.files, names, result.errors),
            selectors=selectors,
            scope={"path": path, "files": list(files or []), "packs": names, "severity": severity},
        )
        with self._state:
            self._scans[record.id] = record
            while len(self._scans) > KEPT_SCANS:
                self._scans.popitem(last=False)
            for incident in kept:
                self._found[incident.fingerprint] = Found(incident.path, incident.rule, selectors)
        return record

    def _page(self, cursor: str) -> tuple[ScanRecord, int]:
        try:
            scan_id, _, offset = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
            start = int(offset)
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise UsageError(
                "invalid cursor", hint="pass next_cursor exactly as scan returned it"
            ) from None
        with self._state:
            record = self._scans.get(scan_id)
        if record is None or start < 0:
            raise UsageError("this cursor has expired", hint="call scan again without a cursor")
        return record, start

    def last_scan(self) -> str:
        """The newest scan's summary and scope, as JSON (the `scan://last` resource)."""
        with self._state:
            record = next(reversed(self._scans.values()), None)
        if record is None:
            return json.dumps({"scan": None, "hint": "call the scan tool first"})
        return json.dumps(
            {"scope": record.scope, "summary": record.summary.model_dump(mode="json")}, indent=1
        )

    # -- one incident ------------------------------------------------------------------------

    def found(self, fingerprint: str) -> Found:
        """Where a scan found `fingerprint` (the file checked to be still inside the root)."""
        with self._state:
            where = self._found.get(fingerprint)
        if where is None:
            raise UsageError(
                f"unknown incident {fingerprint!r}",
                hint="call scan and pass a fingerprint it returned",
            )
        self.guard.relative(where.path)  # gone, or replaced by a link out of the root
        return where

    def remember(self, proposal: int, selectors: tuple[str, ...]) -> None:
        with self._state:
            self._proposed[proposal] = selectors

    def selectors_of(self, proposal: int) -> tuple[str, ...]:
        """The rules a proposal was made with (the server's default after a restart)."""
        with self._state:
            return self._proposed.get(proposal, self.settings.rules)

    def model(self) -> ModelSetup | None:
        """The model, connected on first use (a server down then is a tool error, not a crash)."""
        if self.settings.model is None:
            return None
        with self._connect:
            if self._model is None:
                self._model = self.settings.model()
            return self._model

    @contextmanager
    def writing(self) -> Iterator[tuple[ProposalStore, Repository | None]]:
        """The proposal store and the git repository, for one proposal or apply at a time."""
        with self._turn:
            try:
                repo = Repository.discover(self.root)
            except GitError:
                repo = None
            try:
                with ProposalStore.open(self.root, repo) as store:
                    yield store, repo
            finally:
                if repo is not None:
                    repo.close()

    def repo_prefix(self, repo: Repository | None) -> str:
        """The root's place in its repository ("sub/"), for paths git and --verify see."""
        where = repo.relative(self.root) if repo is not None else "."
        return "" if where == "." else where + "/"
