"""Pattern compilation and exact matching, checked on real Tree-sitter parses."""

from __future__ import annotations

import pytest
from tree_sitter import QueryCursor

from migrator.engine import languages
from migrator.engine.matching import binding_text, match_node
from migrator.engine.patterns import PatternError, compile_pattern
from migrator.engine.queries import compile_query


def matches(language: str, pattern: str, source: str, constraints=None) -> list[tuple[str, dict]]:
    """(matched text, bindings as text) for every node the pattern matches in source."""
    compiled = compile_pattern(language, pattern, constraints)
    data = source.encode()
    tree = languages.parser(language).parse(data)
    query = compile_query(language, compiled.query)
    out = []
    for _, captures in QueryCursor(query).matches(tree.root_node):
        node = captures["match"][0]
        bindings: dict = {}
        if match_node(compiled.root, node, bindings):
            texts = {k: binding_text(v, data) for k, v in bindings.items()}
            out.append((node.text.decode(), texts))
    return out


def test_single_metavariables_bind_their_nodes() -> None:
    found = matches("python", "$D.has_key($K)", "if d.has_key(k): pass\nr = x.y.has_key(a or b)\n")
    assert found == [
        ("d.has_key(k)", {"D": "d", "K": "k"}),
        ("x.y.has_key(a or b)", {"D": "x.y", "K": "a or b"}),
    ]


def test_literal_parts_must_match_exactly() -> None:
    assert matches("python", "$D.has_key($K)", "d.has_keys(k)\nd.has_key(k, j)\nhas_key(k)\n") == []


def test_list_metavariable_takes_zero_or_more_and_keeps_separators() -> None:
    found = matches("python", "foo($$$ARGS)", "foo()\nfoo(1, 2,  3)\nbar(1)\n")
    assert found == [("foo()", {"ARGS": ""}), ("foo(1, 2,  3)", {"ARGS": "1, 2,  3"})]


def test_list_metavariable_before_a_fixed_argument() -> None:
    source = "sorted(xs, cmp=f)\nsorted(xs, key=g, cmp=h)\nsorted(xs, key=g)\n"
    found = matches("python", "sorted($$$A, cmp=$F)", source)
    assert found == [
        ("sorted(xs, cmp=f)", {"A": "xs", "F": "f"}),
        ("sorted(xs, key=g, cmp=h)", {"A": "xs, key=g", "F": "h"}),
    ]


def test_repeated_metavariable_needs_equal_text() -> None:
    found = matches("python", "$A == $A", "a == a\na == b\nf(x) == f( x )\n")
    assert [text for text, _ in found] == ["a == a", "f(x) == f( x )"]


def test_operators_are_part_of_the_pattern() -> None:
    source = "x = a / b\ny = a // b\n"
    assert [t for t, _ in matches("python", "$A / $B", source)] == ["a / b"]
    assert [t for t, _ in matches("python", "$A // $B", source)] == ["a // b"]


def test_multi_token_operators_are_distinct() -> None:
    source = "a in b\na not in b\n"
    assert [t for t, _ in matches("python", "$X in $Y", source)] == ["a in b"]
    assert [t for t, _ in matches("python", "$X not in $Y", source)] == ["a not in b"]


def test_nested_patterns_match_inside_statements() -> None:
    source = "def f(a, b):\n    return a\n\ndef g():\n    pass\n"
    found = matches("python", "def $F($$$P): $$$BODY", source)
    assert [b["F"] for _, b in found] == ["f", "g"]
    assert found[0][1]["P"] == "a, b"
    assert found[1][1]["P"] == ""


def test_unnamed_metavariables_do_not_unify() -> None:
    assert len(matches("python", "$_ == $_", "a == b\n")) == 1


def test_constraints_are_pushed_into_the_query() -> None:
    compiled = compile_pattern("python", "$D.$M()", {"M": ("^iter(items|keys)$", ())})
    assert "#match?" in compiled.query
    found = matches(
        "python",
        "$D.$M()",
        "d.iteritems()\nd.items()\nd.iterkeys()\n",
        {"M": ("^iter(items|keys)$", ())},
    )
    assert [t for t, _ in found] == ["d.iteritems()", "d.iterkeys()"]


def test_python2_syntax_patterns() -> None:
    source = "print 'a'\nprint >>sys.stderr, 'b'\n"
    found = matches("python", "print >>$F, $$$ARGS", source)
    assert found == [("print >>sys.stderr, 'b'", {"F": "sys.stderr", "ARGS": "'b'"})]


def test_java_patterns_are_parsed_in_context() -> None:
    source = (
        "class A { void m() { Integer i = new Integer(5); Long l = new Long(x);"
        " t.stop(); t.stop(1); } }"
    )
    assert matches("java", "new Integer($V)", source) == [("new Integer(5)", {"V": "5"})]
    assert matches("java", "$T.stop()", source) == [("t.stop()", {"T": "t"})]


def test_go_and_javascript_patterns() -> None:
    go = "package p\nfunc f() { ioutil.ReadAll(r); os.ReadFile(n) }\n"
    assert matches("go", "ioutil.ReadAll($R)", go) == [("ioutil.ReadAll(r)", {"R": "r"})]
    js = "var a = new Buffer(10); Buffer.from(x);\n"
    assert matches("javascript", "new Buffer($N)", js) == [("new Buffer(10)", {"N": "10"})]


def test_pattern_that_does_not_parse_is_rejected() -> None:
    with pytest.raises(PatternError, match="does not parse"):
        compile_pattern("python", "def (:")


def test_pattern_of_only_a_metavariable_is_rejected() -> None:
    with pytest.raises(PatternError, match="more than a metavariable"):
        compile_pattern("python", "$X")
