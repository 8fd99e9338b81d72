"""`migrator fix` and `migrator apply --include-model / --accepted` end to end, in-process,
against a fake Ollama server on 127.0.0.1 driven through the real `ollama` client."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrator.cli.main import main
from migrator.store.proposals import ProposalStore
from tests.gitrepo import git, isolated_git, make_repo  # noqa: F401
from tests.model.fakes import FakeOllama, Reply, Script, free_port
from tests.model.minipack import GREET_FIXED, SOURCE, write_pack


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OLLAMA_HOST", "MIGRATOR_MODEL", "MIGRATOR_HOST", "MIGRATOR_PROVIDER"):
        monkeypatch.delenv(name, raising=False)


def fix(repo: Path, pack: Path, host: str, *extra: str) -> int:
    return main(["fix", str(repo), "--rules", str(pack), "--host", host, *extra])


def test_fix_then_apply_include_model_commits_with_provenance(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pack = write_pack(tmp_path / "pack")
    repo = make_repo(tmp_path / "repo", {"app/greet.py": SOURCE})
    with FakeOllama(Script([Reply(f"Here you go:\n```python\n{GREET_FIXED}```\n")])) as server:
        assert fix(repo, pack, server.url) == 0
        requests = list(server.requests)
    out = capsys.readouterr().out
    assert "mini-print" in out and "1 model request(s), 0 answer(s) from the cache" in out
    assert requests[0]["options"]["num_ctx"] >= 8192 and requests[0]["stream"] is True
    assert (repo / "app/greet.py").read_text() == SOURCE  # fix changes no file
    assert "/.migrator/" in (repo / ".git/info/exclude").read_text()
    assert git(repo, "status", "--porcelain") == ""

    assert main(["apply", str(repo), "--rules", str(pack), "--include-model", "--yes"]) == 0
    text = (repo / "app/greet.py").read_text()
    assert GREET_FIXED in text and "return k in d" in text
    fmt = "--format=%s" + "".join(
        f"|%(trailers:key=Migrator-{key},valueonly,separator=%x2C)"
        for key in ("Model", "Prompt", "Rule")
    )
    log = git(repo, "log", fmt, "main..HEAD").strip().splitlines()
    assert len(log) == 2
    model_commit = next(line for line in log if "(model)" in line)
    _, model, prompt, rule = model_commit.split("|")
    assert model.startswith("qwen2.5-coder:7b@ab12ab12") and len(prompt) == 64
    assert rule == "mini-print"
    with ProposalStore.open(repo) as store:
        assert {p.status for p in store.proposals()} == {"applied"}
        assert all(d.remark.startswith("commit ") for d in store.history())


def test_apply_accepted_applies_only_what_was_accepted(tmp_path: Path) -> None:
    pack = write_pack(tmp_path / "pack")
    repo = make_repo(tmp_path / "repo", {"app/greet.py": SOURCE})
    with FakeOllama(Script([Reply(GREET_FIXED)])) as server:
        assert fix(repo, pack, server.url) == 0
    with ProposalStore.open(repo) as store:
        model = store.proposals(origin="model")[0]
        store.set_status(model.id, "accepted", remark="looks right")
        deterministic = store.proposals(origin="deterministic")[0]
        store.set_status(deterministic.id, "rejected")
    assert main(["apply", str(repo), "-r", str(pack), "--accepted", "--yes", "--no-branch"]) == 0
    text = (repo / "app/greet.py").read_text()
    assert GREET_FIXED in text and "d.has_key(k)" in text  # the rejected fix stays out
    assert git(repo, "rev-list", "--count", "HEAD").strip() == "2"


def test_dry_run_with_model_proposals_prints_the_combined_diff(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pack = write_pack(tmp_path / "pack")
    repo = make_repo(tmp_path / "repo", {"app/greet.py": SOURCE})
    with FakeOllama(Script([Reply(GREET_FIXED)])) as server:
        assert fix(repo, pack, server.url) == 0
    capsys.readouterr()
    assert main(["apply", str(repo), "-r", str(pack), "--include-model", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert '+    print("hello", name)' in out and "+    return k in d" in out
    assert out.count("--- a/app/greet.py") == 1
    assert (repo / "app/greet.py").read_text() == SOURCE


def test_a_file_changed_since_fix_is_not_patched(tmp_path: Path) -> None:
    pack = write_pack(tmp_path / "pack")
    repo = make_repo(tmp_path / "repo", {"app/greet.py": SOURCE})
    with FakeOllama(Script([Reply(GREET_FIXED)])) as server:
        assert fix(repo, pack, server.url) == 0
    (repo / "app/greet.py").write_text(SOURCE + "# more\n")
    git(repo, "commit", "-qam", "more")
    assert main(["apply", str(repo), "-r", str(pack), "--include-model", "--yes"]) == 0
    assert GREET_FIXED not in (repo / "app/greet.py").read_text()


def test_server_down_exits_3_with_the_command_that_fixes_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pack = write_pack(tmp_path / "pack")
    repo = make_repo(tmp_path / "repo", {"a.py": SOURCE})
    assert fix(repo, pack, f"127.0.0.1:{free_port()}") == 3
    err = capsys.readouterr().err
    assert "cannot connect to the Ollama server" in err and "ollama serve" in err


def test_missing_model_exits_3_with_ollama_pull(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pack = write_pack(tmp_path / "pack")
    repo = make_repo(tmp_path / "repo", {"a.py": SOURCE})
    with FakeOllama(Script()) as server:
        assert fix(repo, pack, server.url, "--model", "qwen2.5-coder:1.5b") == 3
    assert "hint: ollama pull qwen2.5-coder:1.5b" in capsys.readouterr().err


def test_a_remote_host_is_refused_unless_allowed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pack = write_pack(tmp_path / "pack")
    repo = make_repo(tmp_path / "repo", {"a.py": SOURCE})
    assert fix(repo, pack, "http://gpu-box.example.com:11434") == 2
    err = capsys.readouterr().err
    assert "not this machine" in err and "--allow-remote" in err


def test_no_model_needs_no_server(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pack = write_pack(tmp_path / "pack")
    repo = make_repo(tmp_path / "repo", {"a.py": SOURCE})
    assert main(["fix", str(repo), "-r", str(pack), "--no-model"]) == 0
    assert "1 proposal(s) stored" in capsys.readouterr().out
