"""Model settings: flags > environment > `migrator.toml` > pyproject `[tool.migrator.model]` >
defaults, and the loopback policy (code is sensitive: it goes to this machine only, unless the
user allows a remote host explicitly)."""

from __future__ import annotations

import ipaddress
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from migrator.errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

DEFAULT_MODEL = "qwen2.5-coder:7b"
DEFAULT_PORTS = {"ollama": 11434, "openai": 8080}
CONFIG_FILE = "migrator.toml"

# Environment variable -> setting; host variables depend on the provider (see _env_layer).
ENV_SETTINGS = {
    "MIGRATOR_MODEL": "name",
    "MIGRATOR_PROVIDER": "provider",
    "MIGRATOR_HOST": "host",
    "MIGRATOR_ALLOW_REMOTE": "allow_remote",
    "MIGRATOR_MODEL_TIMEOUT": "timeout",
    "MIGRATOR_MODEL_JOBS": "jobs",
    "MIGRATOR_NUM_CTX": "num_ctx",
    "MIGRATOR_KEEP_ALIVE": "keep_alive",
    "MIGRATOR_API_KEY": "api_key",
}
PROVIDER_HOST_ENV = {"ollama": "OLLAMA_HOST", "openai": "OPENAI_BASE_URL"}


class ModelConfig(BaseModel):
    """Every model setting, validated. Keys are the same in TOML, flags use dashes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    provider: Literal["ollama", "openai"] = "ollama"
    name: str = Field(default=DEFAULT_MODEL, min_length=1)
    host: str | None = None  # None: the provider's default on 127.0.0.1
    allow_remote: bool = False
    timeout: float = Field(default=120.0, gt=0)  # seconds for a whole request
    connect_timeout: float = Field(default=5.0, gt=0)
    retries: int = Field(default=2, ge=0)  # on refused or dropped connections
    jobs: int = Field(default=2, ge=1)  # requests in flight
    attempts: int = Field(default=3, ge=1)  # model answers per region, with feedback
    num_ctx: int = Field(default=8192, ge=512)
    temperature: float = Field(default=0.0, ge=0)
    seed: int = 42
    keep_alive: str = "10m"
    structured: bool = True  # ask for JSON-schema output where the server supports it
    stream: bool = True  # stream answers (a long answer then never hits the read timeout)
    api_key: str | None = None
    cache: bool = True

    def base_url(self) -> str:
        """The server's URL, normalised (`:5000` -> `http://127.0.0.1:5000`, `/v1` for openai)."""
        return normalise_host(self.host, self.provider)

    def is_local(self) -> bool:
        return is_loopback(urlsplit(self.base_url()).hostname or "")


def normalise_host(host: str | None, provider: str) -> str:
    default_port = DEFAULT_PORTS[provider]
    value = (host or "").strip() or f"127.0.0.1:{default_port}"
    explicit_scheme = "://" in value
    parts = urlsplit(value if explicit_scheme else f"http://{value}")
    if parts.scheme not in {"http", "https"}:
        raise ConfigError(f"model host {host!r}: only http:// and https:// are supported")
    try:
        port = parts.port
    except ValueError:
        raise ConfigError(f"model host {host!r} has an invalid port") from None
    if port is None:
        port = default_port if not explicit_scheme else (443 if parts.scheme == "https" else 80)
    name = parts.hostname or "127.0.0.1"
    netloc = f"[{name}]:{port}" if ":" in name else f"{name}:{port}"
    path = parts.path.rstrip("/")
    if provider == "openai" and not path:
        path = "/v1"
    return f"{parts.scheme}://{netloc}{path}"


def is_loopback(hostname: str) -> bool:
    """`localhost`, 127.0.0.0/8, ::1 (also IPv4-mapped), or the unspecified address, which a
    client reaches on this machine (`OLLAMA_HOST=0.0.0.0` is a common server setting)."""
    name = hostname.strip("[]").lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False  # a name: it could resolve anywhere, now or later
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback or address.is_unspecified


def require_local(config: ModelConfig) -> None:
    """Refuse a host that is not this machine unless remote hosts are allowed."""
    if config.allow_remote or config.is_local():
        return
    raise ConfigError(
        f"model host {config.base_url()} is not this machine: migrator sends your code to it",
        hint="pass --allow-remote (or allow_remote = true in migrator.toml) if you trust it",
    )


def find_config_files(start: Path) -> tuple[Path | None, Path | None]:
    """`migrator.toml` and `pyproject.toml` of the nearest folder (from `start` up) that has one
    of them or is a repository root."""
    folder = Path(start).resolve()
    if not folder.is_dir():
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        own, pyproject = candidate / CONFIG_FILE, candidate / "pyproject.toml"
        if own.is_file() or pyproject.is_file() or (candidate / ".git").exists():
            return (own if own.is_file() else None), (pyproject if pyproject.is_file() else None)
    return None, None


def _read_toml(path: Path, keys: tuple[str, ...]) -> dict[str, Any]:
    try:
        data: Any = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    for key in keys:
        data = data.get(key, {}) if isinstance(data, dict) else {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: [{'.'.join(keys)}] must be a table")
    return data


def _env_layer(env: Mapping[str, str], provider: str) -> dict[str, Any]:
    layer: dict[str, Any] = {}
    host_variable = PROVIDER_HOST_ENV[provider]
    if env.get(host_variable):
        layer["host"] = env[host_variable]
    if provider == "openai" and env.get("OPENAI_API_KEY"):
        layer["api_key"] = env["OPENAI_API_KEY"]
    for variable, key in ENV_SETTINGS.items():
        if env.get(variable):
            value: Any = env[variable]
            if key == "allow_remote":
                value = value.strip().lower() in {"1", "true", "yes", "on"}
            layer[key] = value
    return layer


def load_config(
    start: Path, *, flags: Mapping[str, Any] | None = None, env: Mapping[str, str] | None = None
) -> ModelConfig:
    """Merge the layers for the tree at `start`; `flags` holds only options the user gave."""
    own, pyproject = find_config_files(start)
    layers: list[tuple[str, dict[str, Any]]] = []
    if pyproject is not None:
        layers.append((str(pyproject), _read_toml(pyproject, ("tool", "migrator", "model"))))
    if own is not None:
        layers.append((str(own), _read_toml(own, ("model",))))
    merged: dict[str, Any] = {}
    for _, layer in layers:
        merged.update(layer)
    given = {k: v for k, v in (flags or {}).items() if v is not None}
    provider = given.get("provider") or (env or {}).get("MIGRATOR_PROVIDER")
    provider = provider or merged.get("provider", "ollama")
    if provider not in PROVIDER_HOST_ENV:
        raise ConfigError(f"unknown model provider {provider!r} (known: ollama, openai)")
    merged.update(_env_layer(env or {}, provider))
    merged.update(given)
    try:
        return ModelConfig.model_validate(merged)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        sources = ", ".join(name for name, _ in layers) or "flags and environment"
        raise ConfigError(f"model setting {where}: {first['msg']} (from {sources})") from None
