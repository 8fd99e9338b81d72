"""The deterministic fixer: templates, precedence, indentation, imports, fixpoint, refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrator.engine.edits import Edit, apply_edits, non_overlapping
from migrator.engine.fixer import Fixer
from migrator.engine.imports import ensure_import
from migrator.engine.rules import load_rules
from migrator.engine.scanner import Scanner

RULES = r"""
id: has-key
language: python
message: m
severity: error
pattern: $D.has_key($K)
fix: $K in $D
---
id: cmp-sort
language: python
message: m
severity: error
pattern: sorted($$$A, cmp=$F)
fix:
  replace: sorted($$$A, key=functools.cmp_to_key($F))
  add-imports: [import functools]
---
id: guard
language: python
message: m
severity: error
pattern: "if $C: $$$B"
where:
  C: {regex: "^LEGACY$"}
fix: "if MODERN:\n    log()\n    $$$B"
---
id: breaks
language: python
message: m
severity: error
pattern: xrange($X)
fix: "range($X"
---
id: loops-forever
language: python
message: m
severity: error
pattern: grow($X)
fix: grow(grow($X))
---
id: ns
language: xml
message: m
severity: error
regex: 'xmlns="http://xmlns\.jcp\.org/xml/ns/(?P<SPEC>\w+)"'
fix: 'xmlns="https://jakarta.ee/xml/ns/$SPEC"'
---
id: drop-loop
language: python
message: m
severity: error
pattern: gather($$$A, loop=$L, $$$B)
fix: gather($$$A, $$$B)
---
id: long-literal
language: python
message: "long literal ${N/[lL]$//}"
severity: error
query: ((integer) @N (#match? @N "^[0-9]+[lL]$"))
fix: ${N/[lL]$//}
---
id: octal
language: python
message: m
severity: error
query: ((integer) @N (#match? @N "^0[0-7]+$"))
fix: ${N/^0([0-7]+)$/0o\1/}
---
id: optional-args
language: python
message: m
severity: error
query: '(call function: (identifier) @F (#eq? @F "old") arguments: (argument_list (_)? @A)) @match'
fix: new($$$B, flag=True)
---
id: schema
language: xml
message: m
severity: error
regex: '(?P<F>web-app|beans)_4_0\.xsd'
fix: '${F}_5_0.xsd'
---
id: boxing
language: java
message: m
severity: warning
pattern: new Integer($V)
fix:
  replace: Integer.valueOf($V)
  add-imports: ["import java.lang.Integer;"]
"""


@pytest.fixture(scope="module")
def fixer(tmp_path_factory: pytest.TempPathFactory) -> Fixer:
    path: Path = tmp_path_factory.mktemp("rules") / "rules.yaml"
    path.write_text(RULES)
    return Fixer(Scanner(load_rules([str(path)])))


def fix(fixer: Fixer, source: str, path: str = "m.py", **kw: object) -> str:
    return fixer.fix_text(path, source, **kw).after  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("r = d.has_key(k)\n", "r = k in d\n"),
        ("r = d.has_key(a or b)\n", "r = (a or b) in d\n"),
        ("r = d.has_key(k) == True\n", "r = (k in d) == True\n"),
        ("r = d.has_key(k).real\n", "r = (k in d).real\n"),
        ("r = x.y.has_key(f(k))\n", "r = f(k) in x.y\n"),
        ("r = not d.has_key(k)\n", "r = not k in d\n"),
        ("r = d.has_key(lambda: 1)\n", "r = (lambda: 1) in d\n"),
    ],
)
def test_precedence_is_kept(fixer: Fixer, before: str, after: str) -> None:
    assert fix(fixer, before) == after


def test_nested_matches_reach_a_fixpoint(fixer: Fixer) -> None:
    result = fixer.fix_text("m.py", "if d.has_key(e.has_key(k)): pass\n")
    assert result.after == "if (k in e) in d: pass\n"
    assert result.applied == {"has-key": 2}
    assert result.converged


def test_list_metavariable_keeps_separators_and_import_is_added_once(fixer: Fixer) -> None:
    source = (
        '"""Module doc."""\nfrom __future__ import print_function\nimport os\n\n'
        "a = sorted(xs,  reverse=True, cmp=f)\nb = sorted(ys, cmp=g)\n"
    )
    assert fix(fixer, source) == (
        '"""Module doc."""\nfrom __future__ import print_function\nimport os\n'
        "import functools\n\n"
        "a = sorted(xs,  reverse=True, key=functools.cmp_to_key(f))\n"
        "b = sorted(ys, key=functools.cmp_to_key(g))\n"
    )


def test_existing_import_is_not_duplicated(fixer: Fixer) -> None:
    source = "import functools\nb = sorted(ys, cmp=g)\n"
    assert fix(fixer, source) == "import functools\nb = sorted(ys, key=functools.cmp_to_key(g))\n"


def test_multi_line_fix_keeps_the_indentation_of_the_match(fixer: Fixer) -> None:
    source = "class A:\n    def f(self):\n        if LEGACY:\n            a()\n            b()\n"
    assert fix(fixer, source) == (
        "class A:\n    def f(self):\n        if MODERN:\n            log()\n"
        "            a()\n            b()\n"
    )


def test_multi_line_fix_in_a_crlf_file_uses_crlf(fixer: Fixer) -> None:
    source = "if LEGACY:\r\n    a()\r\n"
    assert fix(fixer, source) == "if MODERN:\r\n    log()\r\n    a()\r\n"


def test_fix_that_breaks_syntax_is_refused(fixer: Fixer) -> None:
    result = fixer.fix_text("m.py", "for i in xrange(3): pass\n")
    assert not result.changed
    assert [(u.rule, u.line) for u in result.unsafe] == [("breaks", 1)]
    assert "would not parse" in result.unsafe[0].reason


def test_fix_that_never_settles_stops_at_the_bound(fixer: Fixer) -> None:
    result = fixer.fix_text("m.py", "grow(1)\n", rules={"loops-forever"})
    assert not result.converged
    assert result.after.count("grow(") == 11


def test_rules_filter_limits_the_fix(fixer: Fixer) -> None:
    source = "a = d.has_key(k)\nb = sorted(ys, cmp=g)\n"
    assert fix(fixer, source, rules={"has-key"}) == "a = k in d\nb = sorted(ys, cmp=g)\n"


def test_regex_fix_uses_named_groups(fixer: Fixer) -> None:
    xml = '<persistence xmlns="http://xmlns.jcp.org/xml/ns/persistence" version="2.2"/>\n'
    assert fix(fixer, xml, path="persistence.xml") == (
        '<persistence xmlns="https://jakarta.ee/xml/ns/persistence" version="2.2"/>\n'
    )


def test_java_import_goes_after_the_last_import(fixer: Fixer) -> None:
    java = "package a;\n\nimport java.util.List;\n\nclass A { Object o = new Integer(5); }\n"
    assert fix(fixer, java, path="A.java") == (
        "package a;\n\nimport java.util.List;\nimport java.lang.Integer;\n\n"
        "class A { Object o = Integer.valueOf(5); }\n"
    )


def test_import_at_top_below_leading_comments() -> None:
    source = "#!/usr/bin/env python\n# -*- coding: utf-8 -*-\nx = 1\n"
    assert ensure_import("python", source, "import functools") == (
        "#!/usr/bin/env python\n# -*- coding: utf-8 -*-\nimport functools\nx = 1\n"
    )


def test_non_overlapping_defers_the_inner_edit() -> None:
    outer, inner, later = Edit(0, 10, "X"), Edit(2, 4, "Y"), Edit(10, 12, "Z")
    kept, deferred = non_overlapping([inner, later, outer])
    assert kept == [outer, later] and deferred == [inner]
    assert apply_edits(b"0123456789ab", kept) == b"XZ"


def test_braced_metavariable_in_a_template(fixer: Fixer) -> None:
    xml = '<web-app schemaLocation="x web-app_4_0.xsd"/>\n'
    assert fix(fixer, xml, path="web.xml", rules={"schema"}) == (
        '<web-app schemaLocation="x web-app_5_0.xsd"/>\n'
    )


def test_regex_fix_in_a_file_that_already_has_a_syntax_error(fixer: Fixer) -> None:
    xml = '<persistence xmlns="http://xmlns.jcp.org/xml/ns/persistence">\n<unclosed\n'
    assert fix(fixer, xml, path="persistence.xml", rules={"ns"}) == (
        '<persistence xmlns="https://jakarta.ee/xml/ns/persistence">\n<unclosed\n'
    )


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("gather(loop=l)\n", "gather()\n"),
        ("gather(a, loop=l)\n", "gather(a)\n"),
        ("gather(loop=l, b=1)\n", "gather(b=1)\n"),
        ("gather(a, loop=l, b=1)\n", "gather(a, b=1)\n"),
    ],
)
def test_empty_lists_take_their_comma_with_them(fixer: Fixer, before: str, after: str) -> None:
    assert fix(fixer, before, rules={"drop-loop"}) == after


def test_rewritten_metavariables(fixer: Fixer) -> None:
    assert fix(fixer, "x = 10L + 0755\ny = '10L'\n", rules={"long-literal", "octal"}) == (
        "x = 10 + 0o755\ny = '10L'\n"
    )
    [incident] = fixer.scanner.scan_bytes("m.py", b"x = 5L\n").incidents
    assert incident.message == "long literal 5"


def test_a_rewrite_with_a_bad_group_is_a_rule_error(tmp_path: Path) -> None:
    from migrator.errors import RuleError

    rule = tmp_path / "r.yaml"
    rule.write_text(
        "id: r\nlanguage: python\nmessage: m\nseverity: info\n"
        "query: (integer) @N\nfix: ${N/(a)/\\2/}\n"
    )
    with pytest.raises(RuleError, match=r"r.yaml:6: .* refers to group 2"):
        load_rules([str(rule)])


def test_an_unbound_list_in_a_template_is_empty(fixer: Fixer) -> None:
    assert fix(fixer, "old()\n", rules={"optional-args"}) == "new(flag=True)\n"
