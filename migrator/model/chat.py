"""The values that cross the provider boundary, and the `Provider` protocol itself."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True)
class Message:
    role: Role
    content: str


@dataclass(frozen=True)
class ChatRequest:
    """One chat call. `schema` asks for structured output (a JSON Schema) where supported."""

    messages: tuple[Message, ...]
    schema: dict[str, Any] | None = None
    temperature: float = 0.0
    seed: int = 42
    num_ctx: int = 8192
    max_tokens: int = 2048

    def options(self) -> dict[str, Any]:
        """What besides the messages changes the answer (part of the prompt hash)."""
        return {
            "temperature": self.temperature,
            "seed": self.seed,
            "num_ctx": self.num_ctx,
            "max_tokens": self.max_tokens,
        }


@dataclass(frozen=True)
class ChatReply:
    """The model's whole answer (streams are joined) and how it ended."""

    text: str
    model: str = ""
    # "stop" for a complete answer, "length" when the output limit cut it, "" if unknown.
    finish_reason: str = ""
    structured: bool = False  # whether the server was asked for schema-constrained output
    output_tokens: int = 0
    seconds: float = 0.0
    cached: bool = False

    @property
    def truncated(self) -> bool:
        return self.finish_reason == "length"


@dataclass(frozen=True)
class ModelInfo:
    """What `Provider.check()` learned: the model's exact identity and limits."""

    name: str
    digest: str  # content digest from the server; "" when the server does not say
    provider: str
    host: str
    context_length: int | None = None
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """`name@digest` (short digest), as commit trailers carry it."""
        short = self.digest.removeprefix("sha256:")[:12]
        return f"{self.name}@{short}" if short else self.name


class Provider(Protocol):
    """A model server behind one small interface. Implementations translate their library's
    exceptions into `ProviderError` / `ModelUnavailable` at the boundary."""

    name: str

    def check(self) -> ModelInfo:
        """Make sure the server answers and has the model; raise with a hint that fixes it."""
        ...

    def chat(self, request: ChatRequest) -> ChatReply:
        """Send one chat request and return the whole answer (streamed where possible)."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...
