"""Model proposals for `migrator apply --include-model` / `--accepted`: which to apply, in what
groups, with what commit message and provenance trailers.

A proposal is applied only to the exact file content it was computed on (its base hash): a file
changed since `migrator fix` is skipped, never patched blindly. Proposals of one file that
overlap are applied first come, first served; the others wait for the next `fix`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from migrator.engine.decoding import DecodeError, TextFormat, decode, encode
from migrator.store.proposals import Proposal, ProposalStore

Selection = dict[str, set[str]]  # path -> deterministic rules accepted there


@dataclass
class ModelFile:
    """One file's model proposals, applied step by step (later offsets shift accordingly)."""

    path: str
    abspath: Path
    text: str
    fmt: TextFormat
    proposals: list[Proposal]
    _shifts: list[tuple[int, int]] = field(default_factory=list)  # (original end, delta)

    def _moved(self, offset: int) -> int:
        return offset + sum(delta for end, delta in self._shifts if end <= offset)

    def apply(self, proposals: Sequence[Proposal]) -> tuple[bytes, bytes]:
        """Splice `proposals` (of this file) into the current text: (bytes before, after)."""
        before = encode(self.text, self.fmt)
        source = self.text.encode("utf-8")
        for proposal in sorted(proposals, key=lambda p: p.start, reverse=True):
            start, end = self._moved(proposal.start), self._moved(proposal.end)
            if source[start:end] != proposal.old_text.encode("utf-8"):
                raise ValueError(f"proposal {proposal.id} no longer matches {self.path}")
            source = source[:start] + proposal.new_text.encode("utf-8") + source[end:]
        for proposal in proposals:
            delta = len(proposal.new_text.encode("utf-8")) - (proposal.end - proposal.start)
            self._shifts.append((proposal.end, delta))
        self.text = source.decode("utf-8")
        return before, encode(self.text, self.fmt)


def select(
    store: ProposalStore, *, accepted: bool, include_model: bool
) -> tuple[list[Proposal], Selection | None]:
    """The model proposals to apply, and (with `accepted`) the deterministic (path, rule) pairs;
    None means every deterministic fix, as plain `apply` does."""
    statuses = ["accepted", "proposed"] if include_model else ["accepted"]
    model = store.proposals(origin="model", valid=True, status=statuses)  # type: ignore[arg-type]
    if not accepted:
        return model, None
    selection: Selection = {}
    for proposal in store.proposals(origin="deterministic", status="accepted"):
        selection.setdefault(proposal.path, set()).update(proposal.rules)
    return model, selection


def load(
    root: Path, proposals: Sequence[Proposal]
) -> tuple[list[ModelFile], list[tuple[str, str]]]:
    """Model files ready to apply, and (path, why) for proposals left out."""
    by_path: dict[str, list[Proposal]] = {}
    for proposal in proposals:
        by_path.setdefault(proposal.path, []).append(proposal)
    files: list[ModelFile] = []
    skipped: list[tuple[str, str]] = []
    for path, group in sorted(by_path.items()):
        abspath = root / path if root.is_dir() else root
        try:
            data = abspath.read_bytes()
            text, fmt = decode(data, path=path)
        except (OSError, DecodeError) as exc:
            skipped.append((path, f"model proposal not applied: {exc}"))
            continue
        digest = hashlib.sha256(data).hexdigest()
        kept: list[Proposal] = []
        for proposal in sorted(group, key=lambda p: (p.start, p.id)):
            if proposal.base_hash != digest:
                skipped.append((path, f"proposal {proposal.id}: file changed since `migrator fix`"))
            elif kept and proposal.start < kept[-1].end:
                skipped.append((path, f"proposal {proposal.id} overlaps {kept[-1].id}"))
            else:
                kept.append(proposal)
        if kept:
            files.append(ModelFile(path, abspath, text, fmt, kept))
    return files, skipped


def groups(files: Sequence[ModelFile], commit_per: str) -> list[list[Proposal]]:
    """Proposals per commit: by rules (the default), by file, or all in one."""
    ordered = [p for f in files for p in f.proposals]
    if commit_per == "all":
        return [ordered] if ordered else []
    key = (lambda p: p.path) if commit_per == "file" else (lambda p: ",".join(p.rules))
    grouped: dict[str, list[Proposal]] = {}
    for proposal in ordered:
        grouped.setdefault(key(proposal), []).append(proposal)
    return list(grouped.values())


def trailers(proposals: Sequence[Proposal]) -> dict[str, str]:
    """`Migrator-Model: name@digest` and `Migrator-Prompt: hash` (comma-separated if several).
    A reviewer's edit of a deterministic proposal has no model, hence no such trailer."""
    models = dict.fromkeys(
        f"{p.model}@{p.model_digest.removeprefix('sha256:')}" for p in proposals if p.model
    )
    prompts = dict.fromkeys(p.prompt_hash for p in proposals if p.prompt_hash)
    out = {"Migrator-Model": ", ".join(models)} if models else {}
    if prompts:
        out["Migrator-Prompt"] = ", ".join(prompts)
    return out


def message(rules: Sequence[str], proposals: Sequence[Proposal]) -> tuple[str, str]:
    files = len({p.path for p in proposals})
    count = sum(len(p.incidents) for p in proposals)
    what = rules[0] if len(rules) == 1 else "migration"
    models = ", ".join(dict.fromkeys(p.model for p in proposals if p.model))
    subject = (
        f"fix({what}): {count} incident{'s' if count != 1 else ''} in "
        f"{files} file{'s' if files != 1 else ''} ({'model' if models else 'edited in review'})"
    )
    source = f"Proposed by {models} through `migrator fix`" if models else "Written in review"
    body = (
        f"{source}, validated (parses, incidents gone, no new incident, compiles) before it was "
        "applied.\n\nRules: " + ", ".join(rules) + "\n"
    )
    edited = [p for p in proposals if p.revision == "edited"]
    if edited:
        body += (
            "Edited by the reviewer in `migrator review`: "
            + ", ".join(f"#{p.id} (from #{p.revises})" for p in edited)
            + "\n"
        )
    return subject, body
