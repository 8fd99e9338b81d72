"""Model providers: one module per kind of server, all behind `migrator.model.chat.Provider`.

The registry maps a provider name to a factory that imports its client library only when used,
so `migrator fix --no-model` never loads `ollama` or `openai`.
"""

from __future__ import annotations

from collections.abc import Callable

from migrator.errors import ConfigError
from migrator.model.chat import Provider
from migrator.model.config import ModelConfig


def _ollama(config: ModelConfig) -> Provider:
    from migrator.model.providers.ollama import OllamaProvider

    return OllamaProvider(config)


def _openai(config: ModelConfig) -> Provider:
    from migrator.model.providers.openai import OpenAIProvider

    return OpenAIProvider(config)


PROVIDERS: dict[str, Callable[[ModelConfig], Provider]] = {"ollama": _ollama, "openai": _openai}


def create(config: ModelConfig) -> Provider:
    """The provider `config` names, connected to its host (nothing is sent yet)."""
    factory = PROVIDERS.get(config.provider)
    if factory is None:
        known = ", ".join(sorted(PROVIDERS))
        raise ConfigError(f"unknown model provider {config.provider!r} (known: {known})")
    return factory(config)
