"""Konveyor's pattern dialects, compiled to Python regexes.

- Provider regexes (`builtin.filecontent`, `customVariables`, file patterns) are Go RE2 / regexp2
  syntax; the few spellings Python lacks are rewritten.
- `java.referenced` patterns follow Eclipse JDT search patterns as the Java provider uses them: a
  dotted name where `*` is any run of characters (dots included), `?` one character, `(A|B)` an
  alternation (`(A|B)?` optional), an optional parameter list `(T1, T2)` and, after a space, a
  type (`* java.lang.String` is "any name, of type String"). Generic arguments are ignored, as
  erasure matching does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NAMED_GROUP = re.compile(r"\(\?<(?![=!])")
_QUOTED = re.compile(r"\\Q(.*?)(?:\\E|$)", re.DOTALL)
_POSIX = {
    "[:alpha:]": "a-zA-Z",
    "[:digit:]": "0-9",
    "[:alnum:]": "a-zA-Z0-9",
    "[:space:]": r"\s",
    "[:upper:]": "A-Z",
    "[:lower:]": "a-z",
    "[:word:]": r"\w",
}


def go_regex_source(pattern: str) -> str:
    """Rewrite Go/regexp2-only spellings (`\\z`, `(?<name>`, `\\Q..\\E`, POSIX classes)."""
    text = _QUOTED.sub(lambda m: re.escape(m.group(1)), pattern)
    text = _NAMED_GROUP.sub("(?P<", text)
    text = text.replace(r"\z", r"\Z")
    for posix, python in _POSIX.items():
        text = text.replace(posix, python)
    return text


def compile_go_regex(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """A Go-syntax regex compiled for Python; raises `re.error` when it cannot be."""
    return re.compile(go_regex_source(pattern), flags)


@dataclass(frozen=True)
class JavaPattern:
    """A compiled `java.referenced` pattern.

    `regex` full-matches a qualified name (a type, `Type.method`, a package); `prefix` is the
    literal text every match starts with (to skip most candidates cheaply); `params` is the
    parameter list when one is given (None: any); `type_regex` matches the declared/return type
    written after a space (METHOD and FIELD patterns).
    """

    raw: str
    regex: re.Pattern[str]
    prefix: str
    params: tuple[str, ...] | None = None
    type_regex: re.Pattern[str] | None = None

    def matches(self, name: str) -> bool:
        return name.startswith(self.prefix) and self.regex.fullmatch(name) is not None

    def arity_ok(self, count: int | None) -> bool:
        """Whether a call with `count` arguments fits the parameter list (unknown fits)."""
        if self.params is None or count is None:
            return True
        if self.params and all(p == "*" for p in self.params):
            return True  # `m(*)`: Konveyor's rulesets mean "whatever the arguments"
        return count == len(self.params)


def _strip_generics(text: str) -> str:
    out, depth = [], 0
    for char in text:
        if char == "<":
            depth += 1
        elif char == ">":
            depth = max(0, depth - 1)
        elif depth == 0:
            out.append(char)
    return "".join(out)


def _split_type(text: str) -> tuple[str, str]:
    """`name type` (outside parentheses and generics) into its two parts."""
    depth = 0
    for index, char in enumerate(text):
        if char in "(<":
            depth += 1
        elif char in ")>":
            depth -= 1
        elif char == " " and depth == 0:
            return text[:index], text[index + 1 :].strip()
    return text, ""


def _split_params(text: str) -> tuple[str, tuple[str, ...] | None]:
    """`a.B.m(T1, T2)` into `a.B.m` and its parameters; `(A|B)` alternations are not params."""
    if not text.endswith(")") and not text.endswith(")*"):
        return text, None
    close = text.rfind(")")
    depth = 0
    for index in range(close, -1, -1):
        if text[index] == ")":
            depth += 1
        elif text[index] == "(":
            depth -= 1
            if depth == 0:
                inner = text[index + 1 : close]
                if "|" in inner or index == 0 or text[index - 1] == ".":
                    return text, None
                params = tuple(p.strip() for p in _strip_generics(inner).split(",") if p.strip())
                return text[:index], params
    return text, None


def _name_regex(text: str) -> str:
    out = []
    for index, char in enumerate(text):
        if char == "*":
            out.append(".*")
        elif char == "?":
            out.append("?" if index and text[index - 1] == ")" else ".")
        elif char in "()|":
            out.append(char)
        else:
            out.append(re.escape(char))
    return "".join(out)


def _literal_prefix(text: str) -> str:
    match = re.match(r"[^*?()|\[\]]*", text)
    prefix = match.group(0) if match else ""
    # An alternation may start right after the prefix: `java.io.(File|...)` keeps `java.io.`.
    return prefix


def compile_java_pattern(pattern: str) -> JavaPattern:
    """Compile a `java.referenced` pattern; raises `re.error` if it cannot be."""
    text = " ".join(pattern.split())
    head, tail = _split_type(text)
    head, params = _split_params(head.strip())
    head = _strip_generics(head).replace("$", ".")
    type_regex = re.compile(_name_regex(_strip_generics(tail))) if tail else None
    return JavaPattern(
        raw=pattern,
        regex=re.compile(_name_regex(head)),
        prefix=_literal_prefix(head),
        params=params,
        type_regex=type_regex,
    )
