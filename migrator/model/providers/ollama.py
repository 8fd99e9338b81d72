"""Ollama's native API (`/api/chat`, NDJSON streaming) through the official `ollama` client.

`options.num_ctx` is always sent: Ollama's default context is 4096 tokens on a CPU machine, and a
prompt longer than that is cut from the front without an error, which loses the instructions.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import httpx
import ollama
from pydantic import ValidationError

from migrator.model.chat import ChatReply, ChatRequest, ModelInfo
from migrator.model.config import ModelConfig
from migrator.model.errors import ModelUnavailable, ProviderError
from migrator.model.retry import with_retries

T = TypeVar("T")


class OllamaProvider:
    """An Ollama server at `config.base_url()`."""

    name = "ollama"

    def __init__(self, config: ModelConfig) -> None:
        self.config = config
        self.host = config.base_url()
        timeout = httpx.Timeout(config.timeout, connect=config.connect_timeout)
        self._client = ollama.Client(host=self.host, timeout=timeout)

    def close(self) -> None:
        self._client.close()  # type: ignore[no-untyped-call]

    # -- protocol --------------------------------------------------------------------------------

    def check(self) -> ModelInfo:
        listing = self._call(self._client.list)
        wanted = self.config.name
        names = {wanted, f"{wanted}:latest"} if ":" not in wanted else {wanted}
        entry = next((m for m in listing.models if m.model in names), None)
        if entry is None:
            pulled = ", ".join(sorted(m.model or "?" for m in listing.models)) or "none"
            raise ModelUnavailable(
                f"model {wanted} is not pulled on the Ollama server at {self.host} "
                f"(it has: {pulled})",
                hint=f"ollama pull {wanted}",
            )
        shown = self._call(lambda: self._client.show(entry.model or wanted))
        info = dict(shown.modelinfo or {})
        context = next(
            (int(v) for k, v in info.items() if k.endswith(".context_length") and v), None
        )
        details = shown.details.model_dump() if shown.details else {}
        return ModelInfo(
            name=wanted,
            digest=entry.digest or "",
            provider=self.name,
            host=self.host,
            context_length=context,
            details={**details, "capabilities": list(shown.capabilities or [])},
        )

    def chat(self, request: ChatRequest) -> ChatReply:
        return with_retries(lambda: self._chat_once(request), retries=self.config.retries)

    # -- one request -----------------------------------------------------------------------------

    def _chat_once(self, request: ChatRequest) -> ChatReply:
        started = time.monotonic()
        arguments: dict[str, Any] = {
            "model": self.config.name,
            "messages": [{"role": m.role, "content": m.content} for m in request.messages],
            "format": request.schema,
            "options": {
                "temperature": request.temperature,
                "seed": request.seed,
                "num_ctx": request.num_ctx,
                "num_predict": request.max_tokens,
            },
            "keep_alive": self.config.keep_alive,
        }
        if not self.config.stream:
            response = self._call(lambda: self._client.chat(**arguments, stream=False))
            return self._reply(
                response.message.content or "", response, started, request.schema is not None
            )
        parts: list[str] = []
        last: ollama.ChatResponse | None = None
        stream: Iterator[ollama.ChatResponse] = self._call(
            lambda: self._client.chat(**arguments, stream=True)
        )
        try:
            for part in self._guard(lambda: stream):
                parts.append(part.message.content or "")
                last = part
                if time.monotonic() - started > self.config.timeout:
                    raise ProviderError(self._timeout_message(), hint=_SLOW_HINT)
        finally:
            close = getattr(stream, "close", None)
            if close is not None:
                close()  # ends the HTTP response even when we stop reading early
        return self._reply("".join(parts), last, started, request.schema is not None)

    def _reply(
        self, text: str, last: ollama.ChatResponse | None, started: float, structured: bool
    ) -> ChatReply:
        return ChatReply(
            text=text,
            model=(last.model if last else None) or self.config.name,
            finish_reason=(last.done_reason if last else None) or ("" if last else "length"),
            structured=structured,
            output_tokens=(last.eval_count if last else None) or 0,
            seconds=time.monotonic() - started,
        )

    def _guard(self, source: Callable[[], Iterator[T]]) -> Iterator[T]:
        """Iterate a stream, translating errors raised while reading it."""
        iterator = source()
        while True:
            try:
                item = next(iterator)
            except StopIteration:
                return
            except Exception as exc:
                raise self._translate(exc) from exc
            yield item

    def _call(self, call: Callable[[], T]) -> T:
        try:
            return call()
        except Exception as exc:
            raise self._translate(exc) from exc

    # -- errors ----------------------------------------------------------------------------------

    def _timeout_message(self) -> str:
        return f"the Ollama server at {self.host} did not answer within {self.config.timeout:g} s"

    def _translate(self, exc: Exception) -> ProviderError:
        if isinstance(exc, ProviderError):
            return exc
        if isinstance(exc, ollama.ResponseError):
            if exc.status_code == 404 and re.search(r"model .* not found", str(exc.error)):
                return ModelUnavailable(
                    f"Ollama at {self.host}: {exc.error}", hint=f"ollama pull {self.config.name}"
                )
            if exc.status_code == 404:
                return ProviderError(
                    f"the server at {self.host} does not speak Ollama's API ({exc.error})",
                    hint="for llama-server, vLLM or Podman AI Lab use --provider openai",
                )
            return ProviderError(f"Ollama at {self.host}: {exc.error} (HTTP {exc.status_code})")
        if isinstance(exc, (ConnectionError, httpx.ConnectError, httpx.ConnectTimeout)):
            return ProviderError(
                f"cannot connect to the Ollama server at {self.host}",
                hint="start it with `ollama serve` (or set OLLAMA_HOST / --host)",
                transient=True,
            )
        if isinstance(exc, httpx.TimeoutException):
            return ProviderError(self._timeout_message(), hint=_SLOW_HINT)
        if isinstance(exc, httpx.TransportError):
            return ProviderError(
                f"the connection to {self.host} broke: {exc or type(exc).__name__}",
                hint="check the server's log (`journalctl -u ollama` or the `ollama serve` output)",
                transient=True,
            )
        if isinstance(exc, (ValidationError, ValueError, httpx.HTTPError)):
            return ProviderError(f"unexpected answer from Ollama at {self.host}: {exc}")
        raise exc


_SLOW_HINT = "raise --timeout, use a smaller model, or lower -j so the server is not overloaded"
