"""Protocol-faithful fake model servers on 127.0.0.1, driven by the real client libraries.

`FakeOllama` speaks Ollama's native API (`/`, `/api/version`, `/api/tags`, `/api/show`,
`/api/chat` with NDJSON chunked streaming or one JSON body); `FakeOpenAI` the OpenAI-compatible
one (`/v1/models`, `/v1/chat/completions` with SSE or one JSON body). Replies come from a
script: content, a delay, a dropped connection, a finish reason, an error status. `slots` caps
concurrent answers like a server's parallel slots (for the benchmark).
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

DIGEST = "sha256:" + "ab12" * 16


@dataclass
class Reply:
    """One scripted answer."""

    content: str = ""
    delay: float = 0.0  # seconds before the answer starts
    drop: bool = False  # close the connection half-way through the answer
    finish: str = "stop"  # "length": cut off at the output limit
    status: int = 200
    error: str = ""  # error message for a non-200 status


@dataclass
class Script:
    replies: list[Reply] = field(default_factory=list)
    default: Reply | None = None
    requests: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next(self, body: dict[str, Any]) -> Reply:
        with self.lock:
            self.requests.append(body)
            if self.replies:
                return self.replies.pop(0)
        return self.default or Reply(content="")


def free_port() -> int:
    """A port nothing listens on (for the server-is-down case)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _pieces(text: str, size: int = 7) -> Iterator[str]:
    for start in range(0, len(text), size):
        yield text[start : start + size]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # chunked transfer needs it
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # silence the default stderr log
        pass

    # -- helpers -------------------------------------------------------------------------------

    def body(self) -> dict[str, Any]:
        length = int(self.headers.get("Content-Length") or 0)
        data = self.rfile.read(length) if length else b"{}"
        parsed: dict[str, Any] = json.loads(data or b"{}")
        return parsed

    def send_json(self, status: int, payload: Any) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def start_chunked(self, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

    def chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def end_chunked(self) -> None:
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def drop(self) -> None:
        """Cut the connection without finishing the response, as a crashed server does."""
        self.wfile.flush()
        self.close_connection = True
        self.connection.shutdown(socket.SHUT_RDWR)

    def wait(self, reply: Reply) -> None:
        self.server.stopping.wait(reply.delay)  # ends early when the test stops the server

    def answer(self, body: dict[str, Any]) -> None:
        model = body.get("model", "")
        if model not in self.server.models:
            self.model_missing(model)
            return
        reply = self.server.script.next(body)
        with self.server.slots:
            self.wait(reply)
            if reply.status != 200:
                self.error(reply.status, reply.error or "boom")
            elif body.get("stream", self.server.stream_default):
                self.stream(model, reply)
            elif reply.drop:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "1000")
                self.end_headers()
                self.wfile.write(b'{"model": "')
                self.drop()
            else:
                self.send_json(200, self.whole(model, reply))

    # Subclasses: model_missing, error, stream, whole.
    def model_missing(self, model: str) -> None:
        raise NotImplementedError

    def error(self, status: int, message: str) -> None:
        raise NotImplementedError

    def stream(self, model: str, reply: Reply) -> None:
        raise NotImplementedError

    def whole(self, model: str, reply: Reply) -> dict[str, Any]:
        raise NotImplementedError


class _OllamaHandler(_Handler):
    def do_GET(self) -> None:
        if self.path == "/":
            data = b"Ollama is running"
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        elif self.path == "/api/version":
            self.send_json(200, {"version": "0.12.3"})
        elif self.path == "/api/tags":
            self.send_json(200, {"models": [self.tag(n, d) for n, d in self.server.models.items()]})
        else:
            self.send_json(404, {"error": "404 page not found"})

    def do_POST(self) -> None:
        body = self.body()
        if self.path == "/api/show":
            model = body.get("model", "")
            if model not in self.server.models:
                self.model_missing(model)
            else:
                self.send_json(200, self.show())
        elif self.path == "/api/chat":
            self.answer(body)
        else:
            self.send_json(404, {"error": "404 page not found"})

    @staticmethod
    def tag(name: str, digest: str) -> dict[str, Any]:
        return {
            "name": name,
            "model": name,
            "modified_at": "2026-11-01T10:00:00.000000000Z",
            "size": 4_683_087_332,
            "digest": digest.removeprefix("sha256:"),
            "details": {
                "parent_model": "",
                "format": "gguf",
                "family": "qwen2",
                "families": ["qwen2"],
                "parameter_size": "7.6B",
                "quantization_level": "Q4_K_M",
            },
        }

    @staticmethod
    def show() -> dict[str, Any]:
        return {
            "modelfile": "FROM qwen2.5-coder",
            "parameters": 'stop "<|im_end|>"',
            "template": "{{ .Prompt }}",
            "details": {"format": "gguf", "family": "qwen2", "parameter_size": "7.6B"},
            "model_info": {"general.architecture": "qwen2", "qwen2.context_length": 32768},
            "capabilities": ["completion", "tools", "insert"],
            "modified_at": "2026-11-01T10:00:00Z",
        }

    def model_missing(self, model: str) -> None:
        self.send_json(404, {"error": f"model '{model}' not found"})

    def error(self, status: int, message: str) -> None:
        self.send_json(status, {"error": message})

    def part(self, model: str, content: str, done: bool, reason: str = "") -> dict[str, Any]:
        part: dict[str, Any] = {
            "model": model,
            "created_at": "2026-11-29T12:00:00.000000Z",
            "message": {"role": "assistant", "content": content},
            "done": done,
        }
        if done:
            part.update(
                done_reason=reason,
                total_duration=1_000_000,
                load_duration=1000,
                prompt_eval_count=100,
                prompt_eval_duration=1000,
                eval_count=max(1, len(content) // 3),
                eval_duration=1000,
            )
        return part

    def stream(self, model: str, reply: Reply) -> None:
        self.start_chunked("application/x-ndjson")
        pieces = list(_pieces(reply.content))
        for index, piece in enumerate(pieces):
            if reply.drop and index == len(pieces) // 2:
                self.drop()
                return
            self.chunk(json.dumps(self.part(model, piece, False)).encode() + b"\n")
        self.chunk(json.dumps(self.part(model, "", True, reply.finish)).encode() + b"\n")
        self.end_chunked()

    def whole(self, model: str, reply: Reply) -> dict[str, Any]:
        answer = self.part(model, reply.content, True, reply.finish)
        answer["eval_count"] = max(1, len(reply.content) // 3)
        return answer


class _OpenAIHandler(_Handler):
    def do_GET(self) -> None:
        if self.path == "/v1/models":
            data = [
                {"id": name, "object": "model", "created": int(time.time()), "owned_by": "fake"}
                for name in self.server.models
            ]
            self.send_json(200, {"object": "list", "data": data})
        else:
            self.send_json(404, {"error": {"message": "not found", "type": "not_found_error"}})

    def do_POST(self) -> None:
        body = self.body()
        if self.path != "/v1/chat/completions":
            self.send_json(404, {"error": {"message": "not found", "type": "not_found_error"}})
        elif "response_format" in body and not self.server.structured:
            self.server.script.requests.append(body)
            self.error(400, "response_format is not supported")
        else:
            self.answer(body)

    def model_missing(self, model: str) -> None:
        self.send_json(
            404,
            {
                "error": {
                    "message": f"The model `{model}` does not exist.",
                    "type": "invalid_request_error",
                    "code": "model_not_found",
                }
            },
        )

    def error(self, status: int, message: str) -> None:
        self.send_json(status, {"error": {"message": message, "type": "server_error"}})

    def chunk_event(self, model: str, delta: dict[str, Any], finish: str | None) -> bytes:
        event = {
            "id": "chatcmpl-1",
            "object": "chat.completion.chunk",
            "created": 1,
            "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }
        return f"data: {json.dumps(event)}\n\n".encode()

    def stream(self, model: str, reply: Reply) -> None:
        self.start_chunked("text/event-stream")
        self.chunk(self.chunk_event(model, {"role": "assistant", "content": ""}, None))
        pieces = list(_pieces(reply.content))
        for index, piece in enumerate(pieces):
            if reply.drop and index == len(pieces) // 2:
                self.drop()
                return
            self.chunk(self.chunk_event(model, {"content": piece}, None))
        self.chunk(self.chunk_event(model, {}, reply.finish))
        self.chunk(b"data: [DONE]\n\n")
        self.end_chunked()

    def whole(self, model: str, reply: Reply) -> dict[str, Any]:
        return {
            "id": "chatcmpl-1",
            "object": "chat.completion",
            "created": 1,
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": reply.content},
                    "finish_reason": reply.finish,
                }
            ],
            "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
        }


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, handler: type[_Handler], fake: FakeServer) -> None:
        super().__init__(("127.0.0.1", 0), handler)
        self.script = fake.script
        self.models = fake.models
        self.structured = fake.structured
        self.stream_default = fake.stream_default
        self.slots = threading.BoundedSemaphore(fake.slots)
        self.stopping = threading.Event()

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that timed out or hung up: nothing to report


class FakeServer:
    """A fake server in a background thread; `url` once started. Use as a context manager."""

    handler: type[_Handler] = _Handler
    stream_default = False

    def __init__(
        self,
        script: Script | None = None,
        *,
        models: dict[str, str] | None = None,
        slots: int = 64,
        structured: bool = True,
    ) -> None:
        self.script = script or Script()
        self.models = models if models is not None else {"qwen2.5-coder:7b": DIGEST}
        self.slots = slots
        self.structured = structured
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def requests(self) -> list[dict[str, Any]]:
        return self.script.requests

    def start(self) -> FakeServer:
        self._server = _Server(self.handler, self)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.stopping.set()
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(5)

    def __enter__(self) -> FakeServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class FakeOllama(FakeServer):
    handler = _OllamaHandler
    stream_default = True  # Ollama streams unless told not to


class FakeOpenAI(FakeServer):
    handler = _OpenAIHandler

    @property
    def base_url(self) -> str:
        return self.url + "/v1"
