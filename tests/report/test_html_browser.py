"""The HTML report opened in a real headless Chromium (Debian's `chromium`, which .ci/run installs).

Without Chromium these tests are skipped, saying why; with MIGRATOR_REQUIRE_BROWSER=1 (set by
.ci/run once Chromium is installed) they fail instead, so a broken browser set-up cannot pass CI
silently. MIGRATOR_UPDATE_SCREENSHOT=1 also writes the README's docs/images/report.png.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from migrator.cli.main import main
from migrator.engine.results import Incident, RuleMeta, ScanResult
from migrator.report.html import HtmlReport, ProposalView
from tests.conftest import FIXTURES, REPO
from tests.report.browser import Browser, BrowserError, Page, find_chromium
from tests.report.test_html import BREAKOUT, sample

SCREENSHOT = REPO / "docs" / "images" / "report.png"
SCREENSHOT_SIZE = (1280, 1280)  # the whole dashboard of the fixtures' report
TITLE = "Migration report: fixtures"


def _unavailable(reason: str) -> None:
    if os.environ.get("MIGRATOR_REQUIRE_BROWSER") == "1":
        pytest.fail(f"MIGRATOR_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(f"browser tests need Chromium: {reason} (install Debian's `chromium`)")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = find_chromium()
    if executable is None:
        named = os.environ.get("MIGRATOR_CHROMIUM")
        _unavailable(
            f"MIGRATOR_CHROMIUM={named} does not exist" if named else "no chromium on PATH"
        )
    assert executable is not None
    try:
        opened = Browser(executable).__enter__()
    except BrowserError as exc:
        _unavailable(f"{executable} did not start: {exc}")
    try:
        yield opened
    finally:
        opened.__exit__(None, None, None)


@pytest.fixture(scope="module")
def fixture_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """The shipped fixtures scanned with the shipped packs: the report and the scan it shows."""
    folder = tmp_path_factory.mktemp("browser")
    copy = folder / "fixtures"
    shutil.copytree(FIXTURES, copy)
    scan_json, page = folder / "scan.json", folder / "report.html"
    assert main(["scan", str(copy), "-f", "json", "-o", str(scan_json)]) == 1
    assert main(["report", "--from", str(scan_json), "--title", TITLE, "-o", str(page)]) == 0
    return page, json.loads(scan_json.read_text())


def open_page(browser: Browser, path: Path) -> Page:
    page = browser.new_page()
    page.goto(path.as_uri())
    return page


def clean(page: Page, path: Path) -> None:
    """No console error, exception or CSP violation, and no request but the file itself."""
    assert page.errors() == []
    assert page.requests == [path.as_uri()]


def number(page: Page, selector: str) -> int:
    text = page.evaluate(f"document.querySelector({json.dumps(selector)}).textContent")
    return int(str(text).split()[0].replace(",", ""))


def type_search(page: Page, text: str) -> None:
    page.evaluate("document.getElementById('search').focus()")
    page.send("Input.insertText", {"text": text})


def test_dashboard_shows_the_scans_numbers(
    browser: Browser, fixture_report: tuple[Path, dict[str, Any]]
) -> None:
    path, scan = fixture_report
    page = open_page(browser, path)
    summary, incidents = scan["summary"], scan["incidents"]
    assert page.evaluate("document.title") == TITLE
    assert number(page, "#kpi-incidents .value") == summary["incidents"]
    assert number(page, "#kpi-effort .value") == summary["effort"]
    assert number(page, "#kpi-auto .sub") == summary["fixable"]
    assert number(page, "#kpi-model .value") == sum(i["fix"] == "model" for i in incidents)
    assert number(page, "#kpi-person .value") == sum(i["fix"] == "none" for i in incidents)
    assert number(page, "#kpi-rules .value") == len(summary["by_rule"])
    files = len({i["path"] for i in incidents})
    assert f"in {files} files · {summary['files']} scanned" in page.evaluate(
        "document.querySelector('#kpi-incidents .sub').textContent"
    )
    legend = page.evaluate("[...document.querySelectorAll('.legend li')].map(li => li.textContent)")
    for severity, count in summary["by_severity"].items():
        assert any(item.startswith(f"{severity}{count} ·") for item in legend), (severity, legend)
    assert page.evaluate("document.querySelectorAll('#charts svg').length") >= 5
    # Counted by hand in the fixtures (grep has_key / xrange in fixtures/py2-inventory).
    by_rule = "migratorReport.filter({rule: RULES.findIndex(r => r.id === %s)})"
    assert page.evaluate(by_rule % "'py2-dict-has-key'") == 5
    assert page.evaluate(by_rule % "'py2-xrange'") == 3
    clean(page, path)


def test_search_and_filters_narrow_the_incident_list(
    browser: Browser, fixture_report: tuple[Path, dict[str, Any]]
) -> None:
    path, scan = fixture_report
    page = open_page(browser, path)
    page.evaluate("location.hash = '#incidents'")
    type_search(page, "HAS_KEY")
    expected = [
        i
        for i in scan["incidents"]
        if any("has_key" in i[k].lower() for k in ("rule", "path", "message", "snippet"))
    ]
    assert number(page, "#count") == len(expected) >= 5
    rows = page.evaluate("[...document.querySelectorAll('#vrows .irow')].map(r => r.textContent)")
    assert len(rows) == len(expected)
    assert all("has_key" in row for row in rows)
    page.evaluate("document.querySelector('#vrows .irow').click()")
    assert page.evaluate("document.querySelector('#detail pre.code mark').textContent")
    # A select narrows further; Clear empties everything.
    page.evaluate(
        "const s = document.getElementById('f-fix'); s.value = 'deterministic';"
        "s.dispatchEvent(new Event('change'))"
    )
    auto = [i for i in expected if i["fix"] == "deterministic"]
    assert page.evaluate("migratorReport.shown") == len(auto)
    page.evaluate("document.getElementById('clear').click()")
    assert page.evaluate("migratorReport.shown") == len(scan["incidents"])
    assert page.evaluate("document.getElementById('search').value") == ""
    clean(page, path)


def test_rules_and_files_views(
    browser: Browser, fixture_report: tuple[Path, dict[str, Any]]
) -> None:
    path, scan = fixture_report
    page = open_page(browser, path)
    page.evaluate("location.hash = '#rules'")
    assert page.evaluate("document.querySelectorAll('#rules-table tbody tr').length") == len(
        scan["summary"]["by_rule"]
    )
    page.evaluate("document.querySelector('#rules-table tbody tr').click()")
    assert page.evaluate("document.querySelectorAll('.rule-detail pre.code').length") >= 1
    page.evaluate("location.hash = '#files'")
    assert page.evaluate("document.querySelectorAll('#files-body svg rect').length") >= 2
    page.evaluate("openPath('py2-inventory/')")  # what clicking the folder in the treemap does
    under = [i for i in scan["incidents"] if i["path"].startswith("py2-inventory/")]
    assert page.evaluate("migratorReport.shown") == len(under)
    assert "in py2-inventory/" in page.evaluate("document.getElementById('chips').textContent")
    clean(page, path)


def test_code_in_the_data_cannot_run(browser: Browser, tmp_path: Path) -> None:
    path = tmp_path / "hostile.html"
    path.write_text(HtmlReport().render(sample()))
    page = open_page(browser, path)
    assert page.evaluate("typeof window.pwned") == "undefined"
    page.evaluate("location.hash = '#incidents'; migratorReport.filter({q: 'pwned'})")
    page.evaluate("document.querySelector('#vrows .irow').click()")
    assert BREAKOUT in page.evaluate("document.getElementById('detail').textContent")
    assert page.evaluate("document.querySelectorAll('#detail img, #detail script').length") == 0
    clean(page, path)


def test_proposals_and_print_layout(browser: Browser, tmp_path: Path) -> None:
    proposals = [
        ProposalView(id="1", status="accepted", fingerprints=("fp-a.py-1",), diff="-a\n+b"),
        ProposalView(id="2", status="proposed", rules=("demo-rule",), path="b.py", line=3),
    ]
    path = tmp_path / "proposals.html"
    path.write_text(HtmlReport(proposals=proposals).render(sample()))
    page = open_page(browser, path)
    assert number(page, "#kpi-proposals .value") == 2
    page.evaluate("location.hash = '#proposals'")
    assert page.evaluate("document.querySelectorAll('#proposals-table tbody tr').length") == 2
    assert page.evaluate("migratorReport.filter({status: 'accepted'})") == 1
    assert page.evaluate("migratorReport.filter({status: 'none'})") == 1  # a.py:9 has none
    page.send("Emulation.setEmulatedMedia", {"media": "print"})
    page.evaluate("dispatchEvent(new Event('beforeprint'))")
    shown = "id => getComputedStyle(document.getElementById(id)).display !== 'none'"
    assert page.evaluate(f"['view-dashboard', 'view-rules', 'view-files'].every({shown})")
    assert not page.evaluate(f"['filters', 'view-incidents'].some({shown})")
    clean(page, path)


def synthetic(count: int) -> ScanResult:
    """`count` incidents of 40 rules in 3 packs over 2,500 files in 17 x 23 folders."""
    pick = random.Random(7)
    rules = [
        RuleMeta(
            id=f"rule-{n:02d}",
            pack=f"pack-{n % 3}",
            language="python",
            message=f"message {n}",
            severity=("error", "warning", "info")[n % 3],
            category=("mandatory", "optional", "potential")[n % 3],
            effort=1 + n % 5,
            fixable=n % 2 == 0,
        )
        for n in range(40)
    ]
    incidents = []
    for n in range(count):
        rule, line = rules[n % 40], pick.randint(1, 900)
        incidents.append(
            Incident(
                rule=rule.id,
                path=f"src/mod{n % 17}/sub{n % 23}/file{n % 2500}.py",
                line=line,
                column=5,
                end_line=line,
                end_column=20,
                message=f"{rule.message} ({n % 50})",
                severity=rule.severity,
                category=rule.category,
                effort=rule.effort,
                snippet=f"    value = thing_{n % 997}.call({n})",
                fix="deterministic" if rule.fixable else ("model" if n % 3 else "none"),
                fingerprint=f"{n:024x}",
            )
        )
    return ScanResult(incidents=incidents, files=2600, rules={r.id: r for r in rules}, root="big")


def test_fifty_thousand_incidents_filter_fast(browser: Browser, tmp_path: Path) -> None:
    path = tmp_path / "big.html"
    path.write_text(HtmlReport().render(synthetic(50_000)))
    assert path.stat().st_size < 12_000_000
    page = open_page(browser, path)
    assert page.evaluate("migratorReport.total") == 50_000
    page.evaluate("location.hash = '#incidents'")
    measure = (
        "(() => { const s = document.getElementById('search'); const t = performance.now();"
        " s.value = %s; s.dispatchEvent(new Event('input')); document.body.offsetHeight;"
        " return [performance.now() - t, migratorReport.shown, migratorReport.rowsInDom]; })()"
    )
    elapsed, shown, rows = page.evaluate(measure % json.dumps("thing_12"))
    expected = sum(1 for n in range(50_000) if f"thing_{n % 997}".startswith("thing_12"))
    assert shown == expected
    assert elapsed < 1000, f"filtering 50,000 incidents took {elapsed:.0f} ms"
    assert rows < 60  # only the rows on screen exist
    elapsed, shown, _ = page.evaluate(measure % json.dumps(""))
    assert shown == 50_000 and elapsed < 1000
    page.evaluate("document.getElementById('vlist').scrollTop = 1e9")
    page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    last = page.evaluate(
        "Math.max(...[...document.querySelectorAll('#vrows .irow')].map(r => +r.dataset.k))"
    )
    assert last == 49_999
    page.evaluate("location.hash = '#dashboard'")
    assert page.evaluate("migratorReport.filter({severity: 'error'})") == sum(
        1 for n in range(50_000) if n % 40 % 3 == 0
    )
    assert page.evaluate("migratorReport.lastFilterMs") < 1000
    clean(page, path)


def png_pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and unfiltered rows of an 8-bit RGB or RGBA, non-interlaced PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height, depth, colour = struct.unpack(">IIBB", data[16:26])
    assert depth == 8 and colour in (2, 6)
    stride, size = (3 if colour == 2 else 4), 8
    idat = b""
    while size < len(data):
        length, kind = struct.unpack(">I4s", data[size : size + 8])
        if kind == b"IDAT":
            idat += data[size + 8 : size + 8 + length]
        size += 12 + length
    raw, rows, previous = zlib.decompress(idat), [], bytes(width * stride)
    for y in range(height):
        start = y * (width * stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + width * stride])
        for x in range(len(line)):
            a = line[x - stride] if x >= stride else 0
            b, c = previous[x], previous[x - stride] if x >= stride else 0
            if kind == 1:
                line[x] = (line[x] + a) & 255
            elif kind == 2:
                line[x] = (line[x] + b) & 255
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        previous = bytes(line)
    pixels = [bytes(row[x : x + 3]) for row in rows for x in range(0, len(row), stride)]
    return width, height, pixels


def test_screenshot(browser: Browser, fixture_report: tuple[Path, dict[str, Any]]) -> None:
    path, _ = fixture_report
    page = browser.new_page()
    page.resize(*SCREENSHOT_SIZE)
    page.goto(path.as_uri())
    full = page.screenshot(path.with_suffix(".png"))
    assert struct.unpack(">II", full[16:24]) == SCREENSHOT_SIZE
    small = page.screenshot(path.with_suffix(".small.png"), scale=0.25)
    width, height, pixels = png_pixels(small)
    assert abs(width - SCREENSHOT_SIZE[0] / 4) <= 1 and abs(height - SCREENSHOT_SIZE[1] / 4) <= 1
    background = max(set(pixels), key=pixels.count)
    assert sum(p != background for p in pixels) > len(pixels) // 5, "the page looks blank"
    assert len(set(pixels)) > 50, "the page has hardly any colours: no charts?"
    if os.environ.get("MIGRATOR_UPDATE_SCREENSHOT") == "1":
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        SCREENSHOT.write_bytes(full)
    clean(page, path)
