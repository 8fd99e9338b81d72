"""Reading a model's answer: tolerant of form, strict about scope.

Tolerated: prose around the code, a fence with or without a language, JSON in a fence, our own
line numbers echoed back, tabs for spaces (or the reverse), the whole snippet dedented or
indented, trailing whitespace, other line endings. Rejected, with a reason the model is told on
the next attempt: an empty, truncated or unchanged answer, and one that reaches outside its
region or names another file.
"""

from __future__ import annotations

import json
import re

from migrator.model.chat import ChatReply
from migrator.model.prompt import Task

_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})[ \t]*([^\n`]*)\n(.*?)\n[ \t]*\1[ \t]*$", re.S | re.M)
_OPEN_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})", re.M)
_NUMBERED = re.compile(r"^[ \t]*(\d+) \|(?: |$)")
_DIFF_PATH = re.compile(r"^(?:\+\+\+|---) (?:[ab]/)?(\S+)", re.M)


class ReplyRejected(Exception):
    """An answer that cannot become a proposal; `reason` goes back to the model."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_reply(reply: ChatReply, task: Task) -> str:
    """The region's new text from `reply`, normalised to the region's conventions."""
    if reply.truncated:
        raise ReplyRejected("the answer was cut off at the output limit (truncated)")
    raw = reply.text.replace("\r\n", "\n").replace("\r", "\n")
    if not raw.strip():
        raise ReplyRejected("the answer was empty")
    code = _extract(raw, task, structured=reply.structured)
    if not code.strip():
        raise ReplyRejected("the answer held no code")
    code = _strip_numbers(code, task)
    code = normalise(code, task.text)
    _check_scope(code, task)
    if code == task.text:
        raise ReplyRejected("the answer left the region unchanged")
    return code


# -- extracting the code -------------------------------------------------------------------------


def _extract(raw: str, task: Task, *, structured: bool) -> str:
    stripped = raw.strip()
    candidates = [stripped] + [m.group(3) for m in _FENCE.finditer(raw)]
    for text in candidates:
        if text.lstrip().startswith("{"):
            found = _from_json(text, task)
            if found is not None:
                return found
    if structured and stripped.startswith("{"):
        raise ReplyRejected("the JSON answer was malformed or cut off (truncated)")
    _check_paths(raw, task)
    blocks = list(_FENCE.finditer(raw))
    if blocks:
        # With several blocks, models show the old code first and the fixed code last.
        return blocks[-1].group(3)
    if _OPEN_FENCE.search(raw):
        raise ReplyRejected("a code fence was opened and never closed (truncated)")
    # Blank lines around the code go, the first line's indentation stays.
    lines = raw.split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    return "\n".join(lines).rstrip()


def _from_json(text: str, task: Task) -> str | None:
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end < start:
        return None
    try:
        data = json.loads(text[start : end + 1])
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("replacement"), str):
        return None
    path = data.get("path") or data.get("file")
    if isinstance(path, str) and path.strip() and path.strip() != task.path:
        raise ReplyRejected(f"the answer edits another file ({path.strip()}), not {task.path}")
    return str(data["replacement"])


def _check_paths(raw: str, task: Task) -> None:
    for match in _DIFF_PATH.finditer(raw):
        path = match.group(1)
        if path not in {task.path, "/dev/null"} and not task.path.endswith("/" + path):
            raise ReplyRejected(f"the answer edits another file ({path}), not {task.path}")


def _strip_numbers(code: str, task: Task) -> str:
    """Remove our own `12 | ` prefixes if every line carries one; numbers must be in the region."""
    lines = code.split("\n")
    matches = [_NUMBERED.match(line) for line in lines if line.strip()]
    if not matches or not all(matches):
        return code
    for match in matches:
        assert match is not None
        number = int(match.group(1))
        if not task.start_line <= number <= task.end_line:
            raise ReplyRejected(
                f"the answer changes line {number}, outside the region "
                f"(lines {task.start_line}-{task.end_line})"
            )
    return "\n".join(_NUMBERED.sub("", line, count=1) for line in lines)


# -- normalising ---------------------------------------------------------------------------------


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def _unit(lines: list[str]) -> str:
    """The region's indentation step: a tab, or the smallest run of spaces (default four)."""
    indents = [_indent(line) for line in lines if line.strip()]
    if any("\t" in indent for indent in indents):
        return "\t"
    sizes = sorted({len(indent) for indent in indents if indent})
    steps = [b - a for a, b in zip([0, *sizes], sizes, strict=False) if b > a]
    return " " * (min(steps) if steps else 4)


def _convert_tabs(lines: list[str], unit: str) -> list[str]:
    out = []
    for line in lines:
        indent = _indent(line)
        if unit == "\t":
            spaces = indent.replace("\t", "    ")
            new = "\t" * (len(spaces) // 4) + " " * (len(spaces) % 4)
        else:
            new = indent.replace("\t", unit)
        out.append(new + line[len(indent) :])
    return out


def normalise(code: str, region: str) -> str:
    """Give `code` the region's indentation style and offset, line ending and final newline;
    drop trailing whitespace (but keep the region's own on lines left as they were)."""
    newline = "\r\n" if "\r\n" in region else "\n"
    region_lines = region.replace("\r\n", "\n").split("\n")
    if region_lines and region_lines[-1] == "":
        region_lines.pop()
    lines = [line.rstrip() for line in code.replace("\r\n", "\n").split("\n")]
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    lines = _convert_tabs(lines, _unit(region_lines))
    lines = _shift(lines, region_lines)
    kept = {line.rstrip(): line for line in region_lines}  # the region's own trailing spaces
    lines = [kept.get(line, line) for line in lines]
    ending = newline if region.endswith(("\n", "\r")) else ""
    return newline.join(lines) + ending


def _shift(lines: list[str], region_lines: list[str]) -> list[str]:
    """Move the whole snippet so its first line starts where the region's first line does."""
    want = next((_indent(line) for line in region_lines if line.strip()), "")
    have = next((_indent(line) for line in lines if line.strip()), "")
    if want == have:
        return lines
    if len(have) < len(want):
        extra = want[len(have) :]
        return [extra + line if line.strip() else line for line in lines]
    cut = len(have) - len(want)
    if any(line.strip() and len(_indent(line)) < cut for line in lines):
        return lines  # not a uniform offset: leave it to validation
    return [line[cut:] if line.strip() else line for line in lines]


# -- scope ---------------------------------------------------------------------------------------


def _check_scope(code: str, task: Task) -> None:
    """Context lines shown around the region must not appear in the answer (unless the region
    itself has the same line): the answer would duplicate or change code outside it."""
    region = {line.strip() for line in task.text.splitlines()}
    answer = {line.strip() for line in code.splitlines()}
    for number, text in (*task.before, *task.after):
        line = text.strip()
        if len(line) > 3 and line not in region and line in answer:
            raise ReplyRejected(
                f"the answer reaches outside the region: it contains line {number} "
                f"({line[:60]!r}), which is not part of lines {task.start_line}-{task.end_line}"
            )
