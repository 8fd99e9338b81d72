"""The output formats of `migrator scan`, on a scan result built by hand.

Golden files: `golden/sample.sarif` and `golden/sample.xml` were written once from the renderers'
output and checked by hand. After an intended change to a format, regenerate them with
`PYTHONPATH=. python tests/report/test_formats.py` and review the diff.
"""

from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import migrator
from migrator.engine.results import FileError, Incident, Link, RuleMeta, ScanResult
from migrator.errors import UsageError
from migrator.report import FORMATS, get_format
from migrator.report.junit import xml_safe
from migrator.report.sarif import schema
from migrator.report.text import visible

GOLDEN = Path(__file__).parent / "golden"
PACK_PY = "python2-to-3"
PACK_JAVA = "jakarta-ee"
# Unicode (incl. one astral character), XML/JSON specials and a control character XML 1.0 forbids.
AWKWARD = 'u"naïve → ☃ 😀" <b>&amp;</b>\x07 is a bytes/unicode mix-up'

HAS_KEY = RuleMeta(
    id="py2-dict-has-key",
    pack=PACK_PY,
    language="python",
    message="dict.has_key($KEY) was removed in Python 3; use the in operator",
    severity="error",
    category="mandatory",
    effort=1,
    labels=("konveyor.io/source=python2", "konveyor.io/target=python3"),
    links=(Link("https://docs.python.org/3/whatsnew/3.0.html", "What's New In Python 3.0"),),
    hint="Rewrite `d.has_key(k)` as `k in d`.",
    fixable=True,
)
UNICODE_LITERAL = RuleMeta(
    id="py2-unicode-literal",
    pack=PACK_PY,
    language="python",
    message="u'' literals are redundant in Python 3",
    severity="warning",
    category="optional",
    effort=3,
    description="Every str is unicode in Python 3; review whether bytes were meant.",
)
JAVAX = RuleMeta(
    id="javax-to-jakarta",
    pack=PACK_JAVA,
    language="java",
    message="javax.* packages moved to jakarta.*",
    severity="info",
    category="potential",
    effort=5,
)


def incident(
    rule: RuleMeta, path: str, line: int, column: int, width: int, **extra: Any
) -> Incident:
    fields: dict[str, Any] = {
        "message": rule.message,
        "snippet": "x" * width,
        "fix": "deterministic" if rule.fixable else "model",
        "fingerprint": f"{rule.id}:{path}:{line}",
    }
    fields.update(extra)
    return Incident(
        rule=rule.id,
        path=path,
        line=line,
        column=column,
        end_line=line,
        end_column=column + width,
        severity=rule.severity,
        category=rule.category,
        effort=rule.effort,
        **fields,
    )


def sample() -> ScanResult:
    """3 rules in 2 packs, 4 incidents (2 per Python rule, none for Java), 1 file error, 7 files."""
    return ScanResult(
        incidents=[
            # Deliberately out of reading order: every format must sort.
            incident(UNICODE_LITERAL, "pkg/util.py", 40, 10, 9),
            incident(
                HAS_KEY,
                "pkg/util.py",
                12,
                8,
                13,
                message="dict.has_key(k) was removed in Python 3; use the in operator",
                snippet="d.has_key(k)",
            ),
            incident(UNICODE_LITERAL, "pkg/util.py", 5, 1, 21, message=AWKWARD, snippet=AWKWARD),
            incident(HAS_KEY, "app/main dir/main.py", 3, 4, 19, fingerprint=""),
        ],
        errors=[FileError("pkg/broken.py", "could not decode as UTF-8 (byte 0xff at offset 17)")],
        files=7,
        rules={rule.id: rule for rule in (HAS_KEY, UNICODE_LITERAL, JAVAX)},
    )


def render(name: str, result: ScanResult | None = None) -> str:
    return get_format(name).render(sample() if result is None else result)


def normalised(text: str) -> str:
    return text.replace(f'"{migrator.__version__}"', '"<VERSION>"')


def write_golden() -> None:
    GOLDEN.mkdir(exist_ok=True)
    for name, suffix in (("sarif", "sarif"), ("junit", "xml")):
        (GOLDEN / f"sample.{suffix}").write_text(normalised(render(name)), encoding="utf-8")


# The registry and the contract every format keeps.


def test_registry_names_match_keys() -> None:
    assert sorted(FORMATS) == ["github", "json", "junit", "konveyor", "sarif", "text"]
    assert all(report.name == key for key, report in FORMATS.items())


@pytest.mark.parametrize("name", sorted(FORMATS))
@pytest.mark.parametrize("result", [sample(), ScanResult()], ids=["sample", "empty"])
def test_every_format_is_deterministic_and_ends_with_newline(name: str, result: ScanResult) -> None:
    first = get_format(name).render(result)
    assert first.endswith("\n")
    assert first == get_format(name).render(copy.deepcopy(result))


def test_unknown_format_is_a_usage_error() -> None:
    with pytest.raises(UsageError) as caught:
        get_format("html5")
    assert "\n" not in caught.value.message
    assert "'html5'" in caught.value.message
    assert "json, junit, konveyor, sarif, text" in caught.value.message
    assert caught.value.exit_code == 2


# Text


def test_text_groups_by_rule_worst_severity_first() -> None:
    has_key = HAS_KEY.message
    literal = UNICODE_LITERAL.message
    assert render("text").splitlines() == [
        "error py2-dict-has-key: 2 incidents, effort 2 - "
        "dict.has_key(…) was removed in Python 3; use the in operator",
        f"    app/main dir/main.py:3:4  {has_key}",
        "    pkg/util.py:12:8  dict.has_key(k) was removed in Python 3; use the in operator",
        "",
        f"warning py2-unicode-literal: 2 incidents, effort 6 - {UNICODE_LITERAL.description}",
        '    pkg/util.py:5:1  u"naïve → ☃ 😀" <b>&amp;</b>\\x07 is a bytes/unicode mix-up',
        f"    pkg/util.py:40:10  {literal}",
        "",
        "7 files scanned, 4 incidents, effort 8, 2 auto-fixable, 1 error",
        "",
        "Errors:",
        "    pkg/broken.py: could not decode as UTF-8 (byte 0xff at offset 17)",
    ]


def test_text_without_incidents() -> None:
    assert render("text", ScanResult(files=1)) == (
        "No incidents found.\n\n1 file scanned, 0 incidents, effort 0, 0 auto-fixable, 0 errors\n"
    )


def test_visible_escapes_terminal_controls_only() -> None:
    assert visible("a\x1b[2Jb\nc ☃") == "a\\x1b[2Jb\\nc ☃"


# JSON


def test_json_round_trip() -> None:
    data = json.loads(render("json"))
    assert data["version"] == migrator.__version__
    assert data["summary"] == {
        "files": 7,
        "incidents": 4,
        "effort": 8,
        "by_rule": {"py2-dict-has-key": 2, "py2-unicode-literal": 2},
        "by_severity": {"error": 2, "warning": 2, "info": 0},
        "fixable": 2,
        "errors": 1,
    }
    assert data["errors"] == [
        {"path": "pkg/broken.py", "message": "could not decode as UTF-8 (byte 0xff at offset 17)"}
    ]
    places = [(i["path"], i["line"], i["column"], i["rule"]) for i in data["incidents"]]
    assert places == [
        ("app/main dir/main.py", 3, 4, "py2-dict-has-key"),
        ("pkg/util.py", 5, 1, "py2-unicode-literal"),
        ("pkg/util.py", 12, 8, "py2-dict-has-key"),
        ("pkg/util.py", 40, 10, "py2-unicode-literal"),
    ]
    awkward = data["incidents"][1]
    assert awkward["message"] == AWKWARD
    assert awkward["snippet"] == AWKWARD
    assert set(awkward) >= {"end_line", "end_column", "severity", "category", "effort", "fix"}
    assert awkward["fingerprint"] == "py2-unicode-literal:pkg/util.py:5"


def test_json_keys_are_sorted() -> None:
    text = render("json")
    assert text == json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


# SARIF


def sarif_validator() -> jsonschema.Draft202012Validator:
    jsonschema.Draft202012Validator.check_schema(schema())
    return jsonschema.Draft202012Validator(schema())


@pytest.mark.parametrize("result", [sample(), ScanResult()], ids=["sample", "empty"])
def test_sarif_matches_schema(result: ScanResult) -> None:
    sarif_validator().validate(json.loads(render("sarif", result)))


BREAKAGES = {
    "no ruleId": lambda log: log["runs"][0]["results"][0].pop("ruleId"),
    "startLine 0": lambda log: log["runs"][0]["results"][0]["locations"][0]["physicalLocation"][
        "region"
    ].update(startLine=0),
    "no region": lambda log: log["runs"][0]["results"][0]["locations"][0]["physicalLocation"].pop(
        "region"
    ),
    "no locations": lambda log: log["runs"][0]["results"][0].update(locations=[]),
    "empty message": lambda log: log["runs"][0]["results"][0].update(message={"text": ""}),
    "bad level": lambda log: log["runs"][0]["results"][0].update(level="fatal"),
    "fingerprint not a string": lambda log: log["runs"][0]["results"][0].update(
        partialFingerprints={"migratorFingerprint/v1": 7}
    ),
    "version 2.0.0": lambda log: log.update(version="2.0.0"),
    "no runs": lambda log: log.update(runs=[]),
    "driver without name": lambda log: log["runs"][0]["tool"]["driver"].pop("name"),
    "rule without id": lambda log: log["runs"][0]["tool"]["driver"]["rules"][0].pop("id"),
    "absolute uri": lambda log: log["runs"][0]["results"][0]["locations"][0]["physicalLocation"][
        "artifactLocation"
    ].update(uri="file:///home/me/pkg/util.py"),
}


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_sarif_schema_rejects_broken_documents(breakage: str) -> None:
    log = json.loads(render("sarif"))
    BREAKAGES[breakage](log)
    assert not sarif_validator().is_valid(log)


def test_sarif_rule_index_points_at_rule() -> None:
    run = json.loads(render("sarif"))["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == [
        "javax-to-jakarta",
        "py2-dict-has-key",
        "py2-unicode-literal",
    ]
    assert [rule["defaultConfiguration"]["level"] for rule in rules] == ["note", "error", "warning"]
    assert len(run["results"]) == 4
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_sarif_locations_and_fingerprints() -> None:
    run = json.loads(render("sarif"))["runs"][0]
    first, second = run["results"][:2]
    location = first["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {
        "uri": "app/main%20dir/main.py",
        "uriBaseId": "%SRCROOT%",
    }
    assert "partialFingerprints" not in first  # its fingerprint is empty
    assert second["partialFingerprints"] == {
        "migratorFingerprint/v1": "py2-unicode-literal:pkg/util.py:5"
    }
    assert second["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 5,
        "startColumn": 1,
        "endLine": 5,
        "endColumn": 22,
        "snippet": {"text": AWKWARD},
    }
    notification = run["invocations"][0]["toolExecutionNotifications"][0]
    assert (
        notification["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        == "pkg/broken.py"
    )


def test_sarif_golden() -> None:
    expected = (GOLDEN / "sample.sarif").read_text(encoding="utf-8")
    assert normalised(render("sarif")) == expected


def test_sarif_invents_a_rule_for_an_incident_without_one() -> None:
    result = ScanResult(incidents=[incident(HAS_KEY, "a.py", 1, 1, 3)])
    run = json.loads(render("sarif", result))["runs"][0]
    sarif_validator().validate(json.loads(render("sarif", result)))
    assert run["tool"]["driver"]["rules"][0]["id"] == "py2-dict-has-key"
    assert run["results"][0]["ruleIndex"] == 0


# JUnit


def parse_junit(text: str) -> ET.Element:
    return ET.fromstring(text.encode("utf-8"))


def counts(element: ET.Element) -> tuple[str | None, ...]:
    return tuple(element.get(key) for key in ("tests", "failures", "errors"))


def test_junit_counts_per_suite() -> None:
    root = parse_junit(render("junit"))
    assert root.tag == "testsuites"
    assert root.get("name") == "migrator"
    assert counts(root) == ("4", "2", "1")
    suites = {suite.get("name"): suite for suite in root.findall("testsuite")}
    assert list(suites) == [PACK_JAVA, PACK_PY, "migrator.errors"]
    assert counts(suites[PACK_JAVA]) == ("1", "0", "0")
    assert counts(suites[PACK_PY]) == ("2", "2", "0")
    assert counts(suites["migrator.errors"]) == ("1", "0", "1")


def test_junit_failure_lists_incidents() -> None:
    root = parse_junit(render("junit"))
    case = root.find("testsuite/testcase[@name='py2-unicode-literal']")
    assert case is not None
    assert case.get("classname") == PACK_PY
    failure = case.find("failure")
    assert failure is not None
    assert failure.get("message") == "2 incidents"
    assert failure.get("type") == "warning"
    assert failure.text == (
        'pkg/util.py:5:1 u"naïve → ☃ 😀" <b>&amp;</b>\\x07 is a bytes/unicode mix-up\n'
        "pkg/util.py:40:10 u'' literals are redundant in Python 3"
    )
    passing = root.find("testsuite/testcase[@name='javax-to-jakarta']")
    assert passing is not None
    assert list(passing) == []
    error = root.find("testsuite[@name='migrator.errors']/testcase[@name='pkg/broken.py']/error")
    assert error is not None
    assert error.get("message") == "could not decode as UTF-8 (byte 0xff at offset 17)"


def test_junit_survives_any_character() -> None:
    nasty = "".join(map(chr, range(0x20))) + "\ud800\ufffe]]><!--"
    result = ScanResult(
        incidents=[incident(HAS_KEY, nasty, 1, 1, 1, message=nasty)],
        errors=[FileError(nasty, nasty)],
        rules={HAS_KEY.id: HAS_KEY},
    )
    root = parse_junit(render("junit", result))
    assert counts(root) == ("2", "1", "1")
    assert xml_safe("a\x00b\ud800c\td") == "a\\x00b\\ud800c\td"


def test_junit_golden() -> None:
    expected = (GOLDEN / "sample.xml").read_text(encoding="utf-8")
    assert normalised(render("junit")) == expected


if __name__ == "__main__":
    write_golden()
