"""The pieces of the Konveyor evaluator on their own: patterns, names, selector, templates,
versions, POMs, XML, the condition logic and the loader's shape detection."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrator.errors import UsageError
from migrator.konveyor.conditions import ConditionBuilder
from migrator.konveyor.dependency import pom_dependencies
from migrator.konveyor.evaluate import ChainError, Context, Raw, evaluate
from migrator.konveyor.java_refs import JavaFile
from migrator.konveyor.loader import is_konveyor_path, load_catalogue
from migrator.konveyor.paths import path_matches
from migrator.konveyor.patterns import compile_java_pattern
from migrator.konveyor.run import tag_names
from migrator.konveyor.selector import parse_selector
from migrator.konveyor.templates import render
from migrator.konveyor.versions import parse_version, within
from migrator.konveyor.xmlsearch import grep_location

RULES = Path(__file__).parent.parent / "data" / "konveyor" / "rules"


@pytest.mark.parametrize(
    ("pattern", "name", "expected"),
    [
        ("javax.ejb*", "javax.ejb.Stateless", True),
        ("javax.ejb*", "javax.ejbx", True),
        ("javax.ejb.Stateless", "javax.ejb.StatelessX", False),
        ("java.io.(File|FileReader)", "java.io.FileReader", True),
        ("commonj.work.Work(Event|Item)?", "commonj.work.Work", True),
        ("javax.naming.InitialContext.lookup(*)", "javax.naming.InitialContext.lookup", True),
        ("a.B$Inner", "a.B.Inner", True),
        ("java.util.Map<*, *>", "java.util.Map", True),
    ],
)
def test_java_patterns(pattern: str, name: str, expected: bool) -> None:
    assert compile_java_pattern(pattern).matches(name) is expected


def test_java_pattern_parts() -> None:
    call = compile_java_pattern("a.B.m(java.lang.String, int)")
    assert call.params == ("java.lang.String", "int")
    assert call.arity_ok(2) and not call.arity_ok(1)
    assert compile_java_pattern("a.B.m(*)").arity_ok(3)
    typed = compile_java_pattern("* java.lang.String")
    assert typed.type_regex is not None and typed.type_regex.fullmatch("java.lang.String")


JAVA = b"""package com.acme;
import java.util.List;
import javax.ejb.*;
import static org.x.Util.helper;
class A extends Base implements Runnable {
    private List<Bean> beans;
    void run() { helper(); beans.size(); Stateless.go(); }
}
"""


def test_name_resolution_order() -> None:
    symbols = JavaFile(JAVA).symbols
    assert symbols.resolve("List<String>") == ("java.util.List",)  # explicit import
    assert symbols.resolve("A") == ("com.acme.A",)  # declared here
    assert symbols.resolve("Bean") == ("com.acme.Bean", "javax.ejb.Bean", "java.lang.Bean")
    assert symbols.resolve("org.x.Y") == ("org.x.Y",)  # already qualified
    assert symbols.resolve("int") == ()
    assert symbols.static_owners("helper") == ("org.x.Util",)


def test_calls_resolve_their_receivers() -> None:
    calls = {r.method: r.names for r in JavaFile(JAVA).refs if r.kind == "call"}
    assert calls["size"] == ("java.util.List.size",)
    assert calls["helper"][0] == "org.x.Util.helper"
    assert "javax.ejb.Stateless.go" in calls["go"]


def test_selector_semantics() -> None:
    selector = parse_selector("(konveyor.io/target=eap8 || konveyor.io/target=quarkus) && !x")
    assert selector.matches(["konveyor.io/target=eap7+"])  # a range covers eap8
    assert selector.matches(["konveyor.io/target"])  # a key-only label matches any value
    assert not selector.matches(["konveyor.io/target=eap7-"])
    assert not selector.matches(["konveyor.io/target=quarkus", "x"])
    assert parse_selector("a").matches(["konveyor.io/include=always"])
    assert not parse_selector("a").matches(["a", "konveyor.io/include=never"])
    with pytest.raises(UsageError, match="invalid label selector"):
        parse_selector("a && (b")


def test_templates() -> None:
    values = {"name": "x", "chain": {"filepaths": "[a, b]"}, "items": ["1", "2"]}
    assert render("{{name}} {{ chain.filepaths }} {{{name}}}", values) == "x [a, b] x"
    assert render("{{#items}}<{{.}}>{{/items}}{{^none}}-{{/none}}{{missing}}", values) == "<1><2>-"
    assert render("kept {{}} as written", values) == "kept {{}} as written"


def test_versions() -> None:
    assert parse_version("5.3.2.RELEASE") == parse_version("5.3.2")
    assert parse_version("1.0-SNAPSHOT") < parse_version("1.0")  # type: ignore[operator]
    assert within("5.3.9", "5.0.0", "5.9.9") and not within("6.0.1", "", "5.9.9")
    assert within("", "1.0") and not within("${undefined}", "1.0")


def test_pom_dependencies(tmp_path: Path) -> None:
    pom = (RULES / "tests" / "data" / "app" / "pom.xml").read_bytes()
    found = {d.name: (d.version, d.line) for d in pom_dependencies(pom)}
    assert found["org.springframework.spring-core"] == ("5.3.9", 12)
    assert found["javax.javaee-api"] == ("7.0", 17)
    assert pom_dependencies(b"<notapom/>") == []


def test_file_patterns_and_tags() -> None:
    assert path_matches(r".*\.properties", "src/app.properties")
    assert path_matches("pom.xml", "a/pom.xml") and not path_matches("pom.xml", "a/xpom.xml")
    assert path_matches("*.jar", "lib/x.jar") and path_matches("src", "src/a.java")
    assert tag_names("Category=a, b") == ["a", "b"] and tag_names("Embedded framework - X") == [
        "Embedded framework - X"
    ]


def test_grep_location_is_where_the_text_first_appears() -> None:
    lines = ["<a>", "  <b>x</b>", "  <c>", "    y", "  </c>"]
    assert grep_location(lines, "x") == 2
    assert grep_location(lines, "\n    y\n  ") == 4
    assert grep_location(lines, "nowhere") is None


def _leaf_tree(when: dict[str, object]) -> object:
    return ConditionBuilder().condition(when)  # type: ignore[arg-type]


def test_not_keeps_verdict_apart_from_incidents_and_chains_need_an_as() -> None:
    tree = _leaf_tree(
        {
            "and": [
                {"builtin.file": {"pattern": r"a\.txt"}, "not": True},
                {"builtin.file": {"pattern": r"b\.txt"}},
            ]
        }
    )
    context = Context({}, ["b.txt"], set())
    response = evaluate(tree, context)  # type: ignore[arg-type]
    assert response.matched and response.incidents == [Raw("b.txt", 0, {})]
    broken = _leaf_tree({"or": [{"builtin.file": {"pattern": "a"}, "from": "nowhere"}]})
    with pytest.raises(ChainError):
        evaluate(broken, Context({}, [], set()))  # type: ignore[arg-type]


def test_unsupported_conditions_are_marked() -> None:
    builder = ConditionBuilder()
    builder.condition({"go.referenced": {"pattern": "x"}})
    builder.condition({"java.referenced": {"pattern": "x(", "location": "TYPE"}})
    builder.condition({"java.referenced": {"pattern": "x", "location": "ENUM"}})
    builder.condition({"builtin.xml": {"xpath": "//a["}})
    reasons = [leaf.unsupported for leaf in builder.leaves]
    assert all(reasons), reasons
    assert "no go provider" in reasons[0]


def test_shape_detection(tmp_path: Path) -> None:
    assert is_konveyor_path(RULES)
    assert is_konveyor_path(RULES / "java.yaml")
    assert not is_konveyor_path(Path(__file__).parent.parent / "data" / "demo-pack")
    catalogue = load_catalogue([RULES])
    assert [rs.name for rs in catalogue.rulesets] == ["acme-checks"]
    assert len(catalogue.rules()) == 28 and catalogue.digest
