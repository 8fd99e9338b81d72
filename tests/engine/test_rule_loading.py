"""Rule packs load from YAML; every mistake is one RuleError located as path:line."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrator.engine.rules import load_rules
from migrator.errors import ExitCode, RuleError

GOOD = """\
id: py2-has-key
language: python
message: "has_key($K) is gone"
severity: error
pattern: $D.has_key($K)
---
id: py2-iter
language: python
message: "iter method"
severity: warning
category: optional
effort: 2
pattern: $D.$M()
where:
  M: {regex: "^iter(items|keys|values)$"}
"""


def write_pack(tmp_path: Path, rules: str, name: str = "demo") -> Path:
    pack = tmp_path / name
    pack.mkdir()
    (pack / "ruleset.yaml").write_text(f"name: {name}\ndescription: test pack\n")
    (pack / "rules.yaml").write_text(rules)
    return pack


def load_error(tmp_path: Path, rules: str) -> RuleError:
    pack = write_pack(tmp_path, rules)
    with pytest.raises(RuleError) as info:
        load_rules([str(pack)])
    assert info.value.exit_code == ExitCode.USAGE
    assert "\n" not in info.value.message
    return info.value


def test_a_pack_loads_with_several_rules_per_file(tmp_path: Path) -> None:
    ruleset = load_rules([str(write_pack(tmp_path, GOOD))])
    assert [r.id for r in ruleset.rules] == ["py2-has-key", "py2-iter"]
    assert [p.name for p in ruleset.packs] == ["demo"]
    assert ruleset.rules[1].spec.effort == 2
    assert ruleset.rules[1].meta.category == "optional"


def test_a_single_rule_file_loads(tmp_path: Path) -> None:
    pack = write_pack(tmp_path, GOOD)
    ruleset = load_rules([str(pack / "rules.yaml")])
    assert len(ruleset.rules) == 2
    assert ruleset.rules[0].pack == "demo"


def test_a_tree_of_packs_loads(tmp_path: Path) -> None:
    write_pack(tmp_path, GOOD, "one")
    write_pack(tmp_path, GOOD.replace("py2-", "other-"), "two")
    ruleset = load_rules([str(tmp_path)])
    assert sorted(p.name for p in ruleset.packs) == ["one", "two"]
    assert len(ruleset.rules) == 4


def test_unknown_key_points_at_its_line(tmp_path: Path) -> None:
    error = load_error(tmp_path, GOOD + "serverity: high\n")
    assert error.line == 16
    assert "unknown key 'serverity'" in error.message
    assert error.message.startswith(f"{tmp_path / 'demo' / 'rules.yaml'}:16:")


def test_wrong_type_points_at_its_line(tmp_path: Path) -> None:
    error = load_error(tmp_path, GOOD.replace("effort: 2", "effort: lots"))
    assert error.line == 12
    assert "effort" in error.message


def test_bad_severity_is_rejected(tmp_path: Path) -> None:
    error = load_error(tmp_path, GOOD.replace("severity: warning", "severity: fatal"))
    assert error.line == 10


def test_invalid_yaml_reports_its_line(tmp_path: Path) -> None:
    error = load_error(tmp_path, "id: x\nlanguage: python\nmessage: [unclosed\nseverity: error\n")
    assert error.line is not None and error.line >= 3
    assert "invalid YAML" in error.message


def test_query_syntax_error_is_located_inside_the_query(tmp_path: Path) -> None:
    rules = "id: q\nlanguage: python\nmessage: m\nseverity: info\nquery: |\n  (call)\n  (call\n"
    error = load_error(tmp_path, rules)
    assert "invalid query" in error.message
    assert error.line is not None and error.line >= 6


def test_unknown_node_type_in_query(tmp_path: Path) -> None:
    rules = "id: q\nlanguage: python\nmessage: m\nseverity: info\nquery: (no_such_node) @match\n"
    error = load_error(tmp_path, rules)
    assert error.line == 5
    assert "no_such_node" in error.message


def test_unsupported_predicate_is_rejected(tmp_path: Path) -> None:
    rules = (
        "id: q\nlanguage: python\nmessage: m\nseverity: info\n"
        'query: ((identifier) @x (#not-any-of? @x "a" "b"))\n'
    )
    error = load_error(tmp_path, rules)
    assert "#not-any-of?" in error.message


def test_pattern_that_does_not_parse(tmp_path: Path) -> None:
    rules = "id: p\nlanguage: python\nmessage: m\nseverity: info\npattern: 'def (:'\n"
    error = load_error(tmp_path, rules)
    assert error.line == 5
    assert "does not parse" in error.message


def test_two_matchers_are_rejected(tmp_path: Path) -> None:
    rules = "id: p\nlanguage: python\nmessage: m\nseverity: info\npattern: f()\nregex: f\n"
    assert "exactly one of pattern, query, regex" in load_error(tmp_path, rules).message


def test_where_on_a_missing_metavariable(tmp_path: Path) -> None:
    rules = (
        "id: p\nlanguage: python\nmessage: m\nseverity: info\npattern: f($X)\n"
        "where:\n  Y: {regex: a}\n"
    )
    error = load_error(tmp_path, rules)
    assert error.line == 7
    assert "$Y" in error.message


def test_invalid_regex(tmp_path: Path) -> None:
    rules = "id: p\nlanguage: python\nmessage: m\nseverity: info\nregex: 'a('\n"
    error = load_error(tmp_path, rules)
    assert error.line == 5
    assert "invalid regex" in error.message


def test_unknown_language(tmp_path: Path) -> None:
    rules = "id: p\nlanguage: cobol\nmessage: m\nseverity: info\nregex: a\n"
    error = load_error(tmp_path, rules)
    assert error.line == 2
    assert "unknown language 'cobol'" in error.message


def test_duplicate_ids_are_rejected(tmp_path: Path) -> None:
    error = load_error(tmp_path, GOOD + "---\n" + GOOD.split("---")[0])
    assert "duplicate rule id 'py2-has-key'" in error.message
    assert error.line == 17


def test_missing_pack_or_path_is_a_usage_error(tmp_path: Path) -> None:
    from migrator.errors import UsageError

    with pytest.raises(UsageError, match="no rule pack or path"):
        load_rules([str(tmp_path / "nope")])


def test_duplicate_key_is_an_error(tmp_path: Path) -> None:
    rules = "id: p\nlanguage: python\nmessage: m\nseverity: info\nquery: (call) @match\n"
    error = load_error(tmp_path, rules + "query: (string) @match\n")
    assert error.line == 6
    assert "duplicate key 'query'" in error.message
