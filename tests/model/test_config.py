"""Model settings: precedence of flags, environment and files, and the loopback policy."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrator.errors import ConfigError
from migrator.model.config import is_loopback, load_config, normalise_host, require_local


def test_precedence_flags_env_migrator_toml_pyproject_defaults(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text(
        '[tool.migrator.model]\nname = "from-pyproject"\njobs = 4\ntimeout = 30\nnum_ctx = 4096\n'
    )
    (tmp_path / "migrator.toml").write_text('[model]\nname = "from-toml"\njobs = 3\n')
    sub = tmp_path / "pkg"
    sub.mkdir()
    env = {"MIGRATOR_MODEL": "from-env", "MIGRATOR_MODEL_JOBS": "6"}
    config = load_config(sub, flags={"name": "from-flag", "jobs": None}, env=env)
    assert (config.name, config.jobs, config.timeout, config.num_ctx) == ("from-flag", 6, 30, 4096)
    assert load_config(sub, env=env).name == "from-env"
    assert load_config(sub, env={}).name == "from-toml"
    assert load_config(sub, env={}).jobs == 3


def test_hosts_from_the_environment_follow_the_provider(tmp_path: Path) -> None:
    env = {"OLLAMA_HOST": ":5000", "OPENAI_BASE_URL": "http://127.0.0.1:8000/v1"}
    assert load_config(tmp_path, env=env).base_url() == "http://127.0.0.1:5000"
    openai = load_config(tmp_path, flags={"provider": "openai"}, env=env)
    assert openai.base_url() == "http://127.0.0.1:8000/v1"
    assert load_config(tmp_path, env={}).base_url() == "http://127.0.0.1:11434"


def test_bad_settings_are_config_errors(tmp_path: Path) -> None:
    (tmp_path / "migrator.toml").write_text("[model]\njobs = 0\n")
    with pytest.raises(ConfigError, match="jobs"):
        load_config(tmp_path, env={})
    with pytest.raises(ConfigError, match="unknown model provider"):
        load_config(tmp_path, flags={"provider": "bard"}, env={})


@pytest.mark.parametrize(
    ("host", "provider", "url"),
    [
        (None, "ollama", "http://127.0.0.1:11434"),
        (":5000", "ollama", "http://127.0.0.1:5000"),
        ("localhost", "openai", "http://localhost:8080/v1"),
        ("http://[::1]:8000", "openai", "http://[::1]:8000/v1"),
        ("https://127.0.0.1", "ollama", "https://127.0.0.1:443"),
    ],
)
def test_hosts_are_normalised(host: str | None, provider: str, url: str) -> None:
    assert normalise_host(host, provider) == url


@pytest.mark.parametrize(
    ("name", "local"),
    [
        ("localhost", True),
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("::ffff:127.0.0.1", True),
        ("0.0.0.0", True),
        ("192.168.1.20", False),
        ("10.0.0.1", False),
        ("gpu-box.example.com", False),
        ("localhost.evil.com", False),
    ],
)
def test_loopback(name: str, local: bool) -> None:
    assert is_loopback(name) is local


def test_remote_hosts_need_explicit_permission(tmp_path: Path) -> None:
    remote = load_config(tmp_path, flags={"host": "http://10.0.0.5:11434"}, env={})
    with pytest.raises(ConfigError, match="not this machine"):
        require_local(remote)
    allowed = load_config(tmp_path, flags={"host": "10.0.0.5"}, env={"MIGRATOR_ALLOW_REMOTE": "1"})
    require_local(allowed)
