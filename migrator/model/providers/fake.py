"""A scripted provider shipped in the package, for tests and benchmarks (like httpx's
`MockTransport`): no network, replies taken from a script, every request recorded."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable

from migrator.model.chat import ChatReply, ChatRequest, ModelInfo
from migrator.model.errors import ModelUnavailable, ProviderError

Scripted = str | ChatReply | Exception | Callable[[ChatRequest], str | ChatReply]


class FakeProvider:
    """Answers each `chat()` with the next item of `script` (then `default`, if given).

    An item is the reply text, a whole `ChatReply`, an exception to raise, or a function of the
    request returning either. `delay` seconds pass before each answer (for benchmarks).
    """

    name = "fake"

    def __init__(
        self,
        script: Iterable[Scripted] = (),
        *,
        default: Scripted | None = None,
        model: str = "fake-coder:1b",
        digest: str = "sha256:" + "f" * 64,
        available: bool = True,
        delay: float = 0.0,
    ) -> None:
        self.model = model
        self.digest = digest
        self.available = available
        self.delay = delay
        self.requests: list[ChatRequest] = []
        self._script = list(script)
        self._default = default
        self._lock = threading.Lock()

    def check(self) -> ModelInfo:
        if not self.available:
            raise ModelUnavailable(f"model {self.model} is not available", hint="script it")
        return ModelInfo(self.model, self.digest, self.name, "fake://", context_length=32768)

    def chat(self, request: ChatRequest) -> ChatReply:
        with self._lock:
            self.requests.append(request)
            item = self._script.pop(0) if self._script else self._default
        if self.delay:
            time.sleep(self.delay)
        if item is None:
            raise ProviderError("fake provider: no scripted reply left")
        if isinstance(item, Exception):
            raise item
        if callable(item):
            item = item(request)
        if isinstance(item, ChatReply):
            return item
        return ChatReply(item, self.model, "stop", structured=request.schema is not None)

    def close(self) -> None:
        pass
