"""What is sent to the model: messages built from a region and its incidents, and a stable hash.

The contract is strict so that replies can be checked mechanically: the complete new text of the
region, as JSON `{"replacement": …}` where the server enforces a JSON Schema, else one fenced
code block. The rule's own before/after examples come first as few-shot turns in that format.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from migrator.model.chat import ChatReply, ChatRequest, Message

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "replacement": {
            "type": "string",
            "description": "the complete new text of the region, without line numbers",
        }
    },
    "required": ["replacement"],
    "additionalProperties": False,
}

SYSTEM = (
    "You migrate legacy code. You get one region of a source file, with line numbers, and the "
    "incidents to fix in it. Return the complete new text of the region: every line of it, "
    "fixed, without the line numbers. Change only what the incidents need and keep everything "
    "else as it is: comments, blank lines, names, indentation. Do not touch code outside the "
    "region and do not explain."
)
JSON_CONTRACT = 'Answer with a JSON object {"replacement": "<new text of the region>"} only.'
FENCE_CONTRACT = (
    "Answer with exactly one fenced code block (```{language} ... ```) that holds the new text "
    "of the region, and nothing else."
)


@dataclass(frozen=True)
class PromptIncident:
    rule: str
    line: int
    message: str
    hint: str | None = None


@dataclass(frozen=True)
class Example:
    """A rule's own before/after pair, shown to the model as a solved task."""

    rule: str
    before: str
    after: str


@dataclass(frozen=True)
class Task:
    """One request's worth of work: a region of a file and the incidents inside it."""

    path: str
    language: str
    kind: str  # "function_definition", "statement", "file"…
    start_line: int
    end_line: int
    text: str  # the region's exact text
    incidents: tuple[PromptIncident, ...]
    examples: tuple[Example, ...] = ()
    before: tuple[tuple[int, str], ...] = ()  # context lines just outside, (number, text)
    after: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class Feedback:
    """A rejected answer and why: sent back so that the next answer can do better."""

    answer: str
    reason: str


@dataclass(frozen=True)
class Prompt:
    request: ChatRequest
    hash: str


@dataclass(frozen=True)
class Limits:
    temperature: float = 0.0
    seed: int = 42
    num_ctx: int = 8192
    max_context: int | None = None  # the model's own limit, when the server says


def estimate_tokens(text: str) -> int:
    """A cheap upper-side estimate: code runs at about 3 characters per token."""
    return len(text) // 3 + 1


def numbered(text: str, first: int, width: int | None = None) -> str:
    lines = text.splitlines()
    width = width or len(str(first + max(len(lines) - 1, 0)))
    return "\n".join(f"{first + i:>{width}} | {line}" for i, line in enumerate(lines))


def _fenced(language: str, code: str) -> str:
    return f"```{language}\n{code.rstrip()}\n```"


def _answer(language: str, code: str, structured: bool) -> str:
    return json.dumps({"replacement": code}) if structured else _fenced(language, code)


def _task_text(task: Task) -> str:
    lines = [f"File: {task.path} ({task.language})"]
    lines.append(f"Region: lines {task.start_line}-{task.end_line} ({task.kind})")
    lines.append("")
    lines.append("Incidents to fix in this region:")
    for item in task.incidents:
        lines.append(f"- line {item.line} [{item.rule}] {item.message}")
        if item.hint:
            lines.append(f"  Hint: {' '.join(item.hint.split())}")
    width = len(str(max(task.end_line, *(n for n, _ in task.after), 1)))
    if task.before:
        lines += ["", "Context before the region (do not repeat or change it):"]
        lines += [f"{n:>{width}} | {text}" for n, text in task.before]
    lines += ["", "Region:", _fenced(task.language, numbered(task.text, task.start_line, width))]
    if task.after:
        lines += ["", "Context after the region (do not repeat or change it):"]
        lines += [f"{n:>{width}} | {text}" for n, text in task.after]
    return "\n".join(lines)


def messages(task: Task, *, structured: bool, feedback: tuple[Feedback, ...] = ()) -> list[Message]:
    """The chat: system rules and contract, few-shot examples, the task, earlier rejections."""
    contract = JSON_CONTRACT if structured else FENCE_CONTRACT.format(language=task.language)
    out = [Message("system", f"{SYSTEM}\n{contract}")]
    for example in task.examples:
        out.append(
            Message(
                "user",
                f"Example for rule {example.rule}. Region:\n"
                + _fenced(task.language, numbered(example.before, 1)),
            )
        )
        out.append(Message("assistant", _answer(task.language, example.after, structured)))
    out.append(Message("user", _task_text(task)))
    for item in feedback:
        out.append(Message("assistant", item.answer))
        out.append(
            Message(
                "user",
                f"That answer was rejected: {item.reason}. Answer again with the whole region "
                f"(lines {task.start_line}-{task.end_line}), fixed.",
            )
        )
    return out


def build(
    task: Task, limits: Limits, *, structured: bool, feedback: tuple[Feedback, ...] = ()
) -> Prompt:
    """The request for `task` and its hash. The context grows (by powers of two, up to the
    model's limit) when the prompt would not fit in `limits.num_ctx`."""
    chat = tuple(messages(task, structured=structured, feedback=feedback))
    prompt_tokens = sum(estimate_tokens(m.content) + 4 for m in chat)
    max_tokens = 2 * estimate_tokens(task.text) + 256
    num_ctx = limits.num_ctx
    while num_ctx < prompt_tokens + max_tokens:
        num_ctx *= 2
    if limits.max_context:
        num_ctx = min(num_ctx, limits.max_context)
    request = ChatRequest(
        messages=chat,
        schema=SCHEMA if structured else None,
        temperature=limits.temperature,
        seed=limits.seed,
        num_ctx=num_ctx,
        max_tokens=max_tokens,
    )
    return Prompt(request, prompt_hash(request))


def fits(prompt: Prompt) -> bool:
    """Whether the prompt and the longest expected answer fit in the context it asks for."""
    request = prompt.request
    used = sum(estimate_tokens(m.content) + 4 for m in request.messages)
    return used + request.max_tokens <= request.num_ctx


def prompt_hash(request: ChatRequest) -> str:
    """sha256 of everything that shapes the answer: messages, schema and sampling options."""
    payload = {
        "messages": [[m.role, m.content] for m in request.messages],
        "schema": request.schema,
        "options": request.options(),
    }
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def reply_for_feedback(reply: ChatReply, limit: int = 4000) -> str:
    """The rejected answer as it goes back to the model (long ones shortened)."""
    return reply.text if len(reply.text) <= limit else reply.text[:limit] + "\n…"
