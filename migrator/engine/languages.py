"""The languages migrator parses, each backed by an official per-language grammar wheel.

A language knows its file suffixes, how to load its grammar, and the snippets that wrap a
pattern so that it parses (a Java expression is not a program on its own).
"""

from __future__ import annotations

import functools
import importlib
from dataclasses import dataclass

from tree_sitter import Language, Parser

from migrator.errors import UsageError


@dataclass(frozen=True)
class LanguageInfo:
    name: str
    suffixes: tuple[str, ...]
    module: str | None  # grammar module; None for text (regex rules only)
    entry: str = "language"
    # (prefix, suffix) pairs tried in order until the pattern parses without errors.
    contexts: tuple[tuple[str, str], ...] = (("", ""),)
    filenames: tuple[str, ...] = ()

    @property
    def has_grammar(self) -> bool:
        return self.module is not None


_C_LIKE = (("", ""), ("", ";"))

LANGUAGES: dict[str, LanguageInfo] = {
    info.name: info
    for info in (
        LanguageInfo(
            "python",
            (".py", ".pyw"),
            "tree_sitter_python",
            contexts=(("", ""), ("class __MigratorC:\n    ", "\n")),
        ),
        LanguageInfo(
            "java",
            (".java",),
            "tree_sitter_java",
            contexts=(
                *_C_LIKE,
                ("class __MigratorC { ", " }"),
                ("class __MigratorC { void __m() { ", " } }"),
                ("class __MigratorC { void __m() { ", "; } }"),
            ),
        ),
        LanguageInfo(
            "javascript",
            (".js", ".mjs", ".cjs", ".jsx"),
            "tree_sitter_javascript",
            contexts=_C_LIKE,
        ),
        LanguageInfo(
            "typescript",
            (".ts", ".mts", ".cts"),
            "tree_sitter_typescript",
            entry="language_typescript",
            contexts=_C_LIKE,
        ),
        LanguageInfo(
            "tsx", (".tsx",), "tree_sitter_typescript", entry="language_tsx", contexts=_C_LIKE
        ),
        LanguageInfo(
            "go",
            (".go",),
            "tree_sitter_go",
            contexts=(("", ""), ("package p\n", ""), ("package p\nfunc f() {\n", "\n}")),
        ),
        LanguageInfo(
            "xml",
            (".xml", ".xsd", ".xhtml", ".tld", ".wsdl", ".jsp", ".xmi"),
            "tree_sitter_xml",
            entry="language_xml",
        ),
        LanguageInfo("text", (), None),
    )
}

ALIASES = {"py": "python", "js": "javascript", "ts": "typescript", "golang": "go"}


def get_language(name: str) -> LanguageInfo:
    """Look a language up by name or alias; a one-line UsageError for unknown names."""
    info = LANGUAGES.get(ALIASES.get(name, name))
    if info is None:
        known = ", ".join(sorted(LANGUAGES))
        raise UsageError(f"unknown language {name!r} (known: {known})")
    return info


@functools.cache
def grammar(name: str) -> Language:
    """The tree-sitter Language of a language with a grammar (loaded once per process)."""
    info = get_language(name)
    if info.module is None:
        raise UsageError(f"language {name!r} has no grammar; use a regex rule")
    module = importlib.import_module(info.module)
    return Language(getattr(module, info.entry)())


def parser(name: str) -> Parser:
    return Parser(grammar(name))


@functools.cache
def _suffix_table() -> dict[str, str]:
    return {suffix: info.name for info in LANGUAGES.values() for suffix in info.suffixes}


def language_for_path(path: str) -> str | None:
    """The grammar language for a file path, by suffix; None when no grammar applies."""
    dot = path.rfind(".")
    if dot < 0 or "/" in path[dot:]:
        return None
    return _suffix_table().get(path[dot:].lower())
