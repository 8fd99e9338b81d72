"""Both providers through their real client libraries against protocol-faithful fake servers,
and one contract every provider (the shipped fake too) must keep."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from migrator.model.chat import ChatRequest, Message, Provider
from migrator.model.config import ModelConfig
from migrator.model.errors import ModelUnavailable, ProviderError
from migrator.model.prompt import SCHEMA
from migrator.model.providers import create
from migrator.model.providers.fake import FakeProvider
from tests.model.fakes import DIGEST, FakeOllama, FakeOpenAI, FakeServer, Reply, Script, free_port

REQUEST = ChatRequest(
    (Message("system", "be brief"), Message("user", "fix it")), schema=SCHEMA, num_ctx=16384
)


@dataclass
class Case:
    provider: str
    stream: bool

    def server(self, script: Script, **kwargs: object) -> FakeServer:
        cls = FakeOllama if self.provider == "ollama" else FakeOpenAI
        return cls(script, **kwargs).start()  # type: ignore[arg-type]

    def connect(self, server: FakeServer, **settings: object) -> Provider:
        config = ModelConfig(
            provider=self.provider,  # type: ignore[arg-type]
            host=server.url,
            stream=self.stream,
            timeout=0.5,
            retries=1,
            **settings,  # type: ignore[arg-type]
        )
        return create(config)


CASES = [Case(p, s) for p in ("ollama", "openai") for s in (True, False)]


@pytest.fixture(params=CASES, ids=lambda c: f"{c.provider}-{'stream' if c.stream else 'whole'}")
def case(request: pytest.FixtureRequest) -> Case:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def served(case: Case) -> Iterator[tuple[Provider, Script, FakeServer]]:
    script = Script()
    server = case.server(script)
    provider = case.connect(server)
    yield provider, script, server
    provider.close()
    server.stop()


def test_check_names_the_model_and_its_digest(served: tuple[Provider, Script, FakeServer]) -> None:
    provider, _, _ = served
    info = provider.check()
    assert info.name == "qwen2.5-coder:7b" and info.digest
    if provider.name == "ollama":
        assert info.digest == DIGEST.removeprefix("sha256:") and info.context_length == 32768


def test_a_reply_is_joined_and_the_request_carries_every_setting(
    served: tuple[Provider, Script, FakeServer], case: Case
) -> None:
    provider, script, _ = served
    script.replies.append(Reply('{"replacement": "print(x)\\n"}'))
    reply = provider.chat(REQUEST)
    assert reply.text == '{"replacement": "print(x)\\n"}' and not reply.truncated
    [body] = script.requests
    assert body["messages"] == [
        {"role": "system", "content": "be brief"},
        {"role": "user", "content": "fix it"},
    ]
    assert body.get("stream", False) == case.stream
    if case.provider == "ollama":
        assert body["options"] == {
            "temperature": 0.0,
            "seed": 42,
            "num_ctx": 16384,
            "num_predict": 2048,
        }
        assert body["format"] == SCHEMA and body["keep_alive"] == "10m" and body["tools"] == []
    else:
        assert body["response_format"]["json_schema"]["schema"] == SCHEMA
        assert (body["temperature"], body["seed"], body["max_tokens"]) == (0.0, 42, 2048)


def test_truncated_answers_say_so(served: tuple[Provider, Script, FakeServer]) -> None:
    provider, script, _ = served
    script.replies.append(Reply("def f(:", finish="length"))
    assert provider.chat(REQUEST).truncated


def test_a_slow_answer_times_out(served: tuple[Provider, Script, FakeServer]) -> None:
    provider, script, _ = served
    script.replies.append(Reply("late", delay=3))
    with pytest.raises(ProviderError, match=r"did not answer within 0\.5 s") as caught:
        provider.chat(REQUEST)
    assert not caught.value.transient and "--timeout" in (caught.value.hint or "")


def test_a_dropped_connection_is_retried(served: tuple[Provider, Script, FakeServer]) -> None:
    provider, script, _ = served
    script.replies += [Reply("x" * 40, drop=True), Reply("second try")]
    assert provider.chat(REQUEST).text == "second try"
    assert len(script.requests) == 2


def test_a_connection_that_keeps_dropping_fails(
    served: tuple[Provider, Script, FakeServer],
) -> None:
    provider, script, _ = served
    script.replies += [Reply("x" * 40, drop=True)] * 2
    with pytest.raises(ProviderError) as caught:
        provider.chat(REQUEST)
    assert caught.value.transient and len(script.requests) == 2


def test_a_missing_model_is_named_with_the_command_that_fixes_it(case: Case) -> None:
    with case.server(Script()) as server:
        provider = case.connect(server, name="llama3.3:70b")
        try:
            with pytest.raises(ModelUnavailable) as caught:
                provider.check()
            with pytest.raises(ModelUnavailable):
                provider.chat(REQUEST)  # the server's own 404
        finally:
            provider.close()
    if case.provider == "ollama":
        assert caught.value.hint == "ollama pull llama3.3:70b"
    else:
        assert "qwen2.5-coder:7b" in (caught.value.hint or "")


def test_a_server_that_is_down(case: Case) -> None:
    config = ModelConfig(
        provider=case.provider,  # type: ignore[arg-type]
        host=f"127.0.0.1:{free_port()}",
        retries=1,
        stream=case.stream,
    )
    provider = create(config)
    try:
        with pytest.raises(ProviderError) as caught:
            provider.check()
    finally:
        provider.close()
    assert caught.value.transient and "cannot connect" in caught.value.message
    assert "serve" in (caught.value.hint or "")


def test_openai_falls_back_to_plain_text_without_schema_support() -> None:
    script = Script([Reply("```python\nprint(x)\n```")])
    with FakeOpenAI(script, structured=False) as server:
        provider = create(ModelConfig(provider="openai", host=server.url, retries=0))
        try:
            reply = provider.chat(REQUEST)
        finally:
            provider.close()
    assert reply.text.startswith("```python") and not reply.structured
    assert "response_format" in script.requests[0] and "response_format" not in script.requests[1]


def test_ollama_refuses_a_server_that_speaks_only_openai() -> None:
    with FakeOpenAI(Script()) as server:
        provider = create(ModelConfig(provider="ollama", host=server.url))
        try:
            with pytest.raises(ProviderError, match="does not speak Ollama"):
                provider.check()
        finally:
            provider.close()


@pytest.mark.parametrize("kind", ["ollama", "openai", "fake"])
def test_contract_every_provider_keeps(kind: str) -> None:
    """check() names model and digest; chat() returns the whole text; a missing model raises
    ModelUnavailable, a subclass of ProviderError and so an environment error (exit 3)."""
    server: FakeServer | None = None
    if kind == "fake":
        provider: Provider = FakeProvider(["hello"])
        missing: Provider = FakeProvider(available=False)
    else:
        server = (FakeOllama if kind == "ollama" else FakeOpenAI)(Script([Reply("hello")])).start()
        provider = create(ModelConfig(provider=kind, host=server.url))  # type: ignore[arg-type]
        missing = create(ModelConfig(provider=kind, host=server.url, name="nope"))  # type: ignore[arg-type]
    try:
        info = provider.check()
        assert info.name and info.digest and info.provider == provider.name
        assert provider.chat(REQUEST).text == "hello"
        with pytest.raises(ModelUnavailable) as caught:
            missing.check()
        assert int(caught.value.exit_code) == 3 and caught.value.hint
    finally:
        provider.close()
        missing.close()
        if server is not None:
            server.stop()
