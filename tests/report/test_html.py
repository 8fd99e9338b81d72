"""The HTML report without a browser: what the file holds, `migrator report` and `--from`, and the
optional proposal store. tests/report/test_html_browser.py opens the page in Chromium."""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import json
import re
import shutil
import sqlite3
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from migrator.cli import report as report_command
from migrator.cli.main import main
from migrator.engine.results import Incident, RuleMeta, ScanResult
from migrator.report import Report
from migrator.report.html import ASSETS, SCRIPTS, HtmlReport, ProposalView, report_data
from tests.conftest import FIXTURES, REPO

RULE = RuleMeta(
    id="demo-rule",
    pack="demo",
    language="python",
    message="demo message",
    severity="error",
    category="mandatory",
    effort=2,
)
BREAKOUT = "x = '</script><script>window.pwned = 1</script><!-- <script>'"


def incident(path: str, line: int, snippet: str = "d.has_key(k)", **extra: Any) -> Incident:
    fields: dict[str, Any] = {
        "rule": RULE.id,
        "path": path,
        "line": line,
        "column": 1,
        "end_line": line,
        "end_column": 5,
        "message": RULE.message,
        "severity": "error",
        "category": "mandatory",
        "effort": 2,
        "snippet": snippet,
        "fix": "model",
        "fingerprint": f"fp-{path}-{line}",
    }
    fields.update(extra)
    return Incident(**fields)


def sample() -> ScanResult:
    return ScanResult(
        incidents=[
            incident("b.py", 3),
            incident("a.py", 9, snippet=BREAKOUT, message="<img src=x onerror=alert(1)>"),
            incident("a.py", 1),
        ],
        files=4,
        rules={RULE.id: RULE},
        root="demo",
    )


class _Scripts(HTMLParser):
    """Each <script>, <style>, <link>, <img> and <iframe> with its attributes and text, as a
    browser's HTML parser sees them."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None], str]] = []
        self._open: tuple[str, dict[str, str | None]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "link", "img", "iframe"):
            self._open = (tag, dict(attrs))
            self.elements.append((tag, dict(attrs), ""))

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            tag, attrs, text = self.elements[-1]
            self.elements[-1] = (tag, attrs, text + data)

    def handle_endtag(self, tag: str) -> None:
        self._open = None


def parsed(page: str) -> list[tuple[str, dict[str, str | None], str]]:
    parser = _Scripts()
    parser.feed(page)
    return parser.elements


def embedded(page: str) -> dict[str, Any]:
    [data] = [text for tag, attrs, text in parsed(page) if attrs.get("type") == "application/json"]
    loaded: dict[str, Any] = json.loads(data)
    return loaded


def csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


# The page


def test_is_a_report_and_deterministic() -> None:
    report: Report = HtmlReport(generated="2024-01-01 10:00 UTC")
    first = report.render(sample())
    assert first == report.render(sample())
    assert first.endswith("\n")
    assert first.startswith("<!DOCTYPE html>")


def test_everything_is_inline_and_the_policy_allows_only_that() -> None:
    page = HtmlReport().render(sample())
    elements = parsed(page)
    assert [tag for tag, _, _ in elements] == ["style", "script", "script"]
    assert all("src" not in attrs and "href" not in attrs for _, attrs, _ in elements)
    [policy] = re.findall(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'none'"
    [(_, _, style)] = [e for e in elements if e[0] == "style"]
    [code] = [text for tag, attrs, text in elements if tag == "script" and not attrs]
    assert directives["style-src"] == csp_hash(style)
    assert directives["script-src"] == csp_hash(code)
    assert "http" not in policy


def test_code_cannot_close_the_data_element() -> None:
    page = HtmlReport().render(sample())
    # The HTML parser sees exactly the two script elements of the template...
    assert [tag for tag, _, _ in parsed(page)].count("script") == 2
    assert "</script><script>window.pwned" not in page
    # ...and the data survives intact.
    data = embedded(page)
    assert BREAKOUT in data["snippets"]
    assert "<img src=x onerror=alert(1)>" in data["messages"]


def test_title_is_escaped() -> None:
    page = HtmlReport(title="<b>$title & co</b>").render(ScanResult())
    assert "<title>&lt;b&gt;$title &amp; co&lt;/b&gt;</title>" in page
    assert embedded(page)["meta"]["title"] == "<b>$title & co</b>"


def test_data_rows_are_compact_and_in_reading_order() -> None:
    data = report_data(sample(), title="t")
    assert data["paths"] == ["a.py", "b.py"]
    rows = data["incidents"]
    assert [(data["paths"][r[1]], r[2]) for r in rows] == [("a.py", 1), ("a.py", 9), ("b.py", 3)]
    assert data["snippets"][rows[0][7]] == "d.has_key(k)"
    assert rows[0][7] == rows[2][7]  # the same snippet is stored once
    first = rows[0]
    assert data["enums"]["severity"][first[8]] == "error"
    assert data["enums"]["fix"][first[11]] == "model"
    assert data["rules"][first[0]]["id"] == "demo-rule"
    assert data["fingerprints"] == [""]  # no proposals: fingerprints are not needed


def test_proposals_keep_fingerprints() -> None:
    proposal = ProposalView(id="1", status="accepted", fingerprints=("fp-a.py-1",), diff="+x")
    data = report_data(sample(), title="t", proposals=[proposal])
    assert data["proposals"][0]["status"] == "accepted"
    assert data["fingerprints"][data["incidents"][0][12]] == "fp-a.py-1"


def test_assets_exist_and_are_packaged() -> None:
    folder = REPO / "migrator" / "report" / ASSETS
    for name in (*SCRIPTS, "report.css", "template.html"):
        assert (folder / name).is_file(), name
    assert f'"report/{ASSETS}/*"' in (REPO / "pyproject.toml").read_text()


# The command


@pytest.fixture(scope="module")
def fixtures_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("report") / "fixtures"
    shutil.copytree(FIXTURES, copy)
    return copy


def test_report_from_a_scan_and_from_its_json_agree(fixtures_copy: Path, tmp_path: Path) -> None:
    scan_json, direct, saved = tmp_path / "scan.json", tmp_path / "a.html", tmp_path / "b.html"
    assert main(["scan", str(fixtures_copy), "-f", "json", "-o", str(scan_json)]) == 1
    assert main(["report", str(fixtures_copy), "-o", str(direct)]) == 0
    assert main(["report", "--from", str(scan_json), "-o", str(saved)]) == 0
    first, second = embedded(direct.read_text()), embedded(saved.read_text())
    for data in (first, second):
        data.pop("meta")
    assert first == second
    scan = json.loads(scan_json.read_text())
    assert len(first["incidents"]) == scan["summary"]["incidents"] > 0
    assert {rule["id"] for rule in scan["rules"]} >= set(scan["summary"]["by_rule"])


def test_report_prints_where_it_wrote(
    fixtures_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "deep" / "r.html"
    assert main(["report", str(fixtures_copy), "--title", "Shop", "-o", str(out)]) == 0
    assert f"Wrote {out}" in capsys.readouterr().err
    assert embedded(out.read_text())["meta"]["title"] == "Shop"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        ("{not json", "cannot read"),
        ('{"incidents": 3}', "is not a migrator scan"),
        ('{"incidents": [{"rule": "x"}]}', "malformed scan"),
    ],
)
def test_from_rejects_what_is_not_a_scan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None, message: str
) -> None:
    source = tmp_path / "scan.json"
    if content is not None:
        source.write_text(content)
    assert main(["report", "--from", str(source), "-o", str(tmp_path / "r.html")]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "r.html").exists()


def test_from_refuses_rules(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--from", "x.json", "--rules", "python2-to-3"]) == 2
    assert "--from reads a saved scan" in capsys.readouterr().err


def test_from_an_old_scan_without_rules_section(tmp_path: Path) -> None:
    old = {"incidents": [incident("a.py", 1).to_json()], "summary": {"files": 1}, "errors": []}
    (tmp_path / "old.json").write_text(json.dumps(old))
    result = report_command.load_scan(tmp_path / "old.json")
    assert result.files == 1 and result.rules == {}
    assert report_data(result, title="t")["rules"][0]["pack"] == "unknown"


# Proposals (optional: the store may not exist yet)


def make_store(root: Path, columns: str, rows: list[tuple[Any, ...]]) -> None:
    state = root / ".migrator"
    state.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(state / "state.db") as db:
        db.execute(f"CREATE TABLE proposals ({columns})")
        marks = ", ".join("?" * len(rows[0])) if rows else ""
        db.executemany(f"INSERT INTO proposals VALUES ({marks})", rows)
    db.close()


@pytest.fixture
def store_module_present(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec

    def find_spec(name: str, *args: Any) -> Any:
        if name == "migrator.store.proposals":
            return real("migrator.store.cache")  # any spec: "the module exists"
        return real(name, *args)

    monkeypatch.setattr(report_command.importlib.util, "find_spec", find_spec)


def test_no_store_module_or_no_database_means_no_proposals(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(report_command.importlib.util, "find_spec", lambda name: None)
    make_store(tmp_path, "id, status", [(1, "accepted")])
    assert report_command.load_proposals(tmp_path) == []


@pytest.mark.usefixtures("store_module_present")
def test_proposals_are_read_from_the_store(tmp_path: Path) -> None:
    assert report_command.load_proposals(tmp_path) == []  # no state.db
    columns = "id INTEGER, status TEXT, path TEXT, diff TEXT, origin TEXT, model TEXT, rules, "
    columns += "incidents, extra"
    diff = "--- a/a.py\n+++ b/a.py\n@@ -12,2 +12,2 @@\n-x\n+y\n"
    make_store(
        tmp_path, columns, [(7, "applied", "a.py", diff, "model", "qwen", '["r"]', '["f"]', 0)]
    )
    [proposal] = report_command.load_proposals(tmp_path)
    assert proposal == ProposalView(
        id="7",
        status="applied",
        path="a.py",
        line=12,
        rules=("r",),
        fingerprints=("f",),
        origin="model qwen",
        diff=diff,
    )


@pytest.mark.usefixtures("store_module_present")
def test_a_store_with_single_rule_and_fingerprint_columns(tmp_path: Path) -> None:
    make_store(tmp_path, "status, rule, fingerprint, line", [("proposed", "r", "f", 4)])
    [proposal] = report_command.load_proposals(tmp_path)
    assert (proposal.id, proposal.rules, proposal.fingerprints, proposal.line) == (
        "1",
        ("r",),
        ("f",),
        4,
    )


def test_proposals_written_by_the_real_store(tmp_path: Path) -> None:
    """Against migrator.store.proposals itself, where this version has it: the schema agrees."""
    store = pytest.importorskip("migrator.store.proposals")
    with store.ProposalStore.open(tmp_path) as db:
        run = db.begin_run(str(tmp_path))
        new = store.NewProposal(
            path="m.py",
            start=0,
            end=12,
            old_text="d.has_key(k)",
            new_text="k in d",
            diff="--- a/m.py\n+++ b/m.py\n@@ -3 +3 @@\n-d.has_key(k)\n+k in d\n",
            origin="deterministic",
            rules=("py2-dict-has-key",),
            incidents=("fp1",),
            base_hash="0" * 64,
            valid=True,
        )
        db.set_status(db.add(run, new), "accepted")
    [proposal] = report_command.load_proposals(tmp_path)
    assert (proposal.status, proposal.path, proposal.line) == ("accepted", "m.py", 3)
    assert (proposal.rules, proposal.fingerprints) == (("py2-dict-has-key",), ("fp1",))


@pytest.mark.usefixtures("store_module_present")
@pytest.mark.parametrize("columns", ["id, other", None])
def test_an_unexpected_store_gives_no_proposals(tmp_path: Path, columns: str | None) -> None:
    if columns is None:
        (tmp_path / ".migrator").mkdir()
        (tmp_path / ".migrator" / "state.db").write_bytes(b"not a database at all" * 100)
    else:
        make_store(tmp_path, columns, [(1, 2)])
    assert report_command.load_proposals(tmp_path) == []


@pytest.mark.usefixtures("store_module_present")
def test_report_shows_the_stores_proposals(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text("d.has_key(k)\n")
    make_store(tmp_path, "id, status, rules, path, line", [(1, "proposed", '["x"]', "m.py", 1)])
    out = tmp_path / "r.html"
    assert main(["report", str(tmp_path), "-r", "python2-to-3", "-o", str(out)]) == 0
    assert embedded(out.read_text())["proposals"][0]["status"] == "proposed"
