"""Scanning one file's bytes: positions, messages, refinements, fingerprints, bad input."""

from __future__ import annotations

from migrator.engine.rules import RuleSet
from migrator.engine.scanner import Scanner


def scan(rules: RuleSet, path: str, source: str | bytes):
    data = source.encode("utf-8") if isinstance(source, str) else source
    return Scanner(rules).scan_bytes(path, data)


def test_incident_fields(demo_rules: RuleSet) -> None:
    result = scan(demo_rules, "pkg/m.py", "import os\nif d.has_key(k): pass\n")
    assert result.error is None
    [incident] = result.incidents
    assert incident.rule == "demo-has-key"
    assert incident.path == "pkg/m.py"
    assert (incident.line, incident.column, incident.end_line, incident.end_column) == (2, 4, 2, 16)
    assert incident.message == "dict.has_key(k) was removed in Python 3; use the in operator"
    assert incident.severity == "error"
    assert incident.category == "mandatory"
    assert incident.fix == "deterministic"
    assert incident.snippet == "if d.has_key(k): pass"
    assert len(incident.fingerprint) == 24


def test_columns_count_characters_not_bytes(demo_rules: RuleSet) -> None:
    [incident] = scan(demo_rules, "m.py", "s = 'héllo€'; d.has_key(k)\n").incidents
    assert incident.column == 15
    assert incident.end_column == 27


def test_where_regex_and_not(demo_rules: RuleSet) -> None:
    source = "a.iteritems()\nb.items()\nself.itervalues()\nc.iterkeys()\n"
    found = [(i.line, i.message) for i in scan(demo_rules, "m.py", source).incidents]
    assert found == [
        (1, "a.iteritems() returns a list view in Python 3"),
        (4, "c.iterkeys() returns a list view in Python 3"),
    ]


def test_inside_and_not_inside(demo_rules: RuleSet) -> None:
    source = (
        "xrange(1)\n"
        "def f():\n    return xrange(2)\n"
        "print 'a'\n"
        "if __name__ == '__main__':\n    print 'b'\n"
    )
    found = [(i.rule, i.line) for i in scan(demo_rules, "m.py", source).incidents]
    assert found == [("demo-xrange-in-function", 3), ("demo-print-outside-main", 4)]


def test_has_and_where_kind_on_query_captures(demo_rules: RuleSet) -> None:
    source = (
        "try:\n    raise ValueError('x')\nexcept Exception:\n    pass\n"
        "try:\n    raise e.cause\nexcept Exception:\n    pass\n"
        "try:\n    raise Warning\nexcept Exception:\n    pass\n"
    )
    found = [(i.line, i.message) for i in scan(demo_rules, "m.py", source).incidents]
    assert found == [(2, "raise of ValueError('x') inside a try block with a handler")]


def test_regex_rule_on_xml_with_named_group(demo_rules: RuleSet) -> None:
    xml = '<?xml version="1.0"?>\n<persistence xmlns="http://xmlns.jcp.org/xml/ns/persistence"/>\n'
    assert scan(demo_rules, "other.xml", xml).incidents == []
    [incident] = scan(demo_rules, "src/META-INF/persistence.xml", xml).incidents
    assert incident.line == 2 and incident.column == 14
    assert incident.message.endswith("namespace http://xmlns.jcp.org/xml/ns/persistence")


def test_text_rule_applies_by_glob_only(demo_rules: RuleSet) -> None:
    text = "a=1\njavax.persistence.jdbc.url=x\n"
    assert [i.line for i in scan(demo_rules, "conf/app.properties", text).incidents] == [2]
    assert scan(demo_rules, "conf/app.txt", text).incidents == []


def test_java_query_and_pattern_in_one_combined_query(demo_rules: RuleSet) -> None:
    java = (
        "import javax.servlet.http.HttpServlet;\nimport javax.naming.Context;\n"
        "class A { Object o = new Integer(5); }\n"
    )
    found = [(i.rule, i.line) for i in scan(demo_rules, "A.java", java).incidents]
    assert found == [("demo-javax-servlet", 1), ("demo-boxing-constructor", 3)]


def test_fingerprint_survives_moved_lines_and_counts_occurrences(demo_rules: RuleSet) -> None:
    before = scan(demo_rules, "m.py", "d.has_key(k)\nd.has_key(k)\n").incidents
    after = scan(demo_rules, "m.py", "import x\n\n\nd.has_key( k )\ne.has_key(k)\nd.has_key(k)\n")
    assert before[0].fingerprint != before[1].fingerprint
    prints = [i.fingerprint for i in after.incidents]
    assert prints[0] == before[0].fingerprint  # same text, first occurrence, lines moved
    assert prints[2] == before[1].fingerprint
    assert prints[1] not in {b.fingerprint for b in before}


def test_fingerprint_depends_on_the_path(demo_rules: RuleSet) -> None:
    a = scan(demo_rules, "a.py", "d.has_key(k)\n").incidents[0]
    b = scan(demo_rules, "b.py", "d.has_key(k)\n").incidents[0]
    assert a.fingerprint != b.fingerprint


def test_syntax_error_is_reported_and_scanning_goes_on(demo_rules: RuleSet) -> None:
    result = scan(demo_rules, "m.py", "d.has_key(k)\ndef broken(:\n    pass\n")
    assert [i.line for i in result.incidents] == [1]
    assert result.error is not None and result.error.startswith("syntax error at line 2")


def test_undecodable_file_is_reported_not_raised(demo_rules: RuleSet) -> None:
    result = scan(demo_rules, "m.py", b"# -*- coding: utf-8 -*-\nx = '\xff\xfe\xfa'\n")
    assert result.incidents == []
    assert result.error is not None and "\n" not in result.error


def test_latin1_file_with_cookie_is_decoded(demo_rules: RuleSet) -> None:
    source = "# -*- coding: latin-1 -*-\ns = 'caf\xe9'; d.has_key(k)\n".encode("latin-1")
    [incident] = scan(demo_rules, "m.py", source).incidents
    assert (incident.line, incident.column) == (2, 13)
    assert incident.snippet == "s = 'café'; d.has_key(k)"


def test_binary_file_is_skipped_silently(demo_rules: RuleSet) -> None:
    result = scan(demo_rules, "m.py", b"d.has_key(k)\x00\x01\x02")
    assert result.incidents == [] and result.error is None


def test_file_without_rules_is_not_read(demo_rules: RuleSet) -> None:
    assert not Scanner(demo_rules).wants("notes.md")
    assert Scanner(demo_rules).wants("a/b.py")
