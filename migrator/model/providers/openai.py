"""OpenAI-compatible servers (`/v1/chat/completions`, SSE streaming) through the official `openai`
client: llama.cpp's llama-server, vLLM, Podman AI Lab and Ollama's own `/v1`.

The client's own retries are switched off (`max_retries=0`) so that every provider retries the
same way (`migrator.model.retry`). The context size cannot be set through this API: it is the
server's (`llama-server -c`, `vllm serve --max-model-len`, `OLLAMA_CONTEXT_LENGTH`).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from typing import Any, TypeVar

import openai

from migrator.model.chat import ChatReply, ChatRequest, ModelInfo
from migrator.model.config import ModelConfig
from migrator.model.errors import ModelUnavailable, ProviderError
from migrator.model.retry import with_retries

T = TypeVar("T")
_SLOW_HINT = "raise --timeout, use a smaller model, or lower -j so the server is not overloaded"
_VOLATILE = {"created"}  # llama-server reports the time of the request here


class OpenAIProvider:
    """An OpenAI-compatible server at `config.base_url()` (which ends in `/v1`)."""

    name = "openai"

    def __init__(self, config: ModelConfig) -> None:
        self.config = config
        self.host = config.base_url()
        self._structured = config.structured
        self._client = openai.OpenAI(
            base_url=self.host,
            # Local servers need no key but the client insists on one.
            api_key=config.api_key or "not-needed",
            timeout=openai.Timeout(config.timeout, connect=config.connect_timeout),
            max_retries=0,
        )

    def close(self) -> None:
        self._client.close()

    def check(self) -> ModelInfo:
        models = self._call(lambda: list(self._client.models.list()))
        entry = next((m for m in models if m.id == self.config.name), None)
        if entry is None:
            served = ", ".join(sorted(m.id for m in models)) or "none"
            raise ModelUnavailable(
                f"the server at {self.host} does not serve model {self.config.name} "
                f"(it serves: {served})",
                hint=f"pass --model with one of: {served}"
                if models
                else f"load it on the server (Ollama: `ollama pull {self.config.name}`)",
            )
        raw = entry.model_dump()
        # No server says which weights it loaded, so the entry itself stands in for a digest:
        # llama-server's `meta` and vLLM's `root` and `max_model_len` change with the weights.
        stable = {k: v for k, v in raw.items() if k not in _VOLATILE}
        digest = hashlib.sha256(json.dumps(stable, sort_keys=True).encode()).hexdigest()
        context = raw.get("max_model_len") or (raw.get("meta") or {}).get("n_ctx_train")
        return ModelInfo(
            name=self.config.name,
            digest=f"sha256:{digest}",
            provider=self.name,
            host=self.host,
            context_length=int(context) if context else None,
            details={"owned_by": raw.get("owned_by", "")},
        )

    def chat(self, request: ChatRequest) -> ChatReply:
        return with_retries(lambda: self._chat_once(request), retries=self.config.retries)

    def _chat_once(self, request: ChatRequest) -> ChatReply:
        structured = self._structured and request.schema is not None
        try:
            return self._send(request, structured=structured)
        except ProviderError as exc:
            if not (structured and isinstance(exc.__cause__, openai.BadRequestError)):
                raise
            # A server without JSON-schema support refuses the request: ask in plain text from
            # now on; the prompt's fallback contract (one fenced snippet) still holds.
            self._structured = False
            return self._send(request, structured=False)

    def _send(self, request: ChatRequest, *, structured: bool) -> ChatReply:
        started = time.monotonic()
        arguments: dict[str, Any] = {
            "model": self.config.name,
            "messages": [{"role": m.role, "content": m.content} for m in request.messages],
            "temperature": request.temperature,
            "seed": request.seed,
            "max_tokens": request.max_tokens,
        }
        if structured and request.schema is not None:
            arguments["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "replacement", "schema": request.schema, "strict": True},
            }
        if not self.config.stream:
            completion = self._call(lambda: self._client.chat.completions.create(**arguments))
            choice = completion.choices[0] if completion.choices else None
            return ChatReply(
                text=(choice.message.content if choice else None) or "",
                model=completion.model or self.config.name,
                finish_reason=(choice.finish_reason if choice else None) or "",
                structured=structured,
                output_tokens=completion.usage.completion_tokens if completion.usage else 0,
                seconds=time.monotonic() - started,
            )
        return self._stream(arguments, started, structured)

    def _stream(self, arguments: dict[str, Any], started: float, structured: bool) -> ChatReply:
        parts: list[str] = []
        finish, model = "", self.config.name
        stream = self._call(lambda: self._client.chat.completions.create(**arguments, stream=True))
        try:
            iterator = iter(stream)
            while True:
                chunk = self._call(lambda: next(iterator, None))
                if chunk is None:
                    break
                model = chunk.model or model
                for choice in chunk.choices:
                    parts.append(choice.delta.content or "")
                    finish = choice.finish_reason or finish
                if time.monotonic() - started > self.config.timeout:
                    raise ProviderError(self._timeout_message(), hint=_SLOW_HINT)
        finally:
            stream.close()
        return ChatReply(
            text="".join(parts),
            model=model,
            finish_reason=finish,
            structured=structured,
            seconds=time.monotonic() - started,
        )

    def _call(self, call: Callable[[], T]) -> T:
        try:
            return call()
        except ProviderError:
            raise
        except Exception as exc:
            raise self._translate(exc) from exc

    def _timeout_message(self) -> str:
        return f"the server at {self.host} did not answer within {self.config.timeout:g} s"

    def _translate(self, exc: Exception) -> ProviderError:
        if isinstance(exc, openai.NotFoundError):
            return ModelUnavailable(
                f"the server at {self.host} answered 404 for model {self.config.name}: "
                f"{_message(exc)}",
                hint="check --host (it should end in /v1) and --model",
            )
        if isinstance(exc, openai.APITimeoutError):
            return ProviderError(self._timeout_message(), hint=_SLOW_HINT)
        if isinstance(exc, openai.APIConnectionError):
            return ProviderError(
                f"cannot connect to the model server at {self.host}",
                hint="start it (`llama-server -m MODEL.gguf --port 8080`, `vllm serve MODEL`, "
                "`ollama serve`) or fix --host",
                transient=True,
            )
        if isinstance(exc, openai.APIStatusError):
            return ProviderError(
                f"the server at {self.host} refused the request: {_message(exc)} "
                f"(HTTP {exc.status_code})"
            )
        if _is_transport_error(exc, {"TimeoutException"}):
            return ProviderError(self._timeout_message(), hint=_SLOW_HINT)
        if _is_transport_error(exc, {"TransportError"}):
            return ProviderError(
                f"the connection to {self.host} broke: {exc or type(exc).__name__}",
                hint="check the server's log",
                transient=True,
            )
        if isinstance(exc, (openai.OpenAIError, ValueError)):
            return ProviderError(f"unexpected answer from {self.host}: {exc}")
        raise exc


def _message(exc: openai.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict):
            return str(error.get("message", error))
        return str(error)
    return str(exc.message)


def _is_transport_error(exc: Exception, names: set[str]) -> bool:
    # The stream is read by the client's HTTP library (httpx2 today, httpx before); a connection
    # dropped mid-stream surfaces as that library's own error, which openai does not wrap. Known
    # by class name so that either library works.
    return any(cls.__name__ in names for cls in type(exc).__mro__)
