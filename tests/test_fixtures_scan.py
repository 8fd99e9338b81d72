"""The README's first command: scanning the shipped fixtures with the shipped packs.

Expected counts were established by reading the fixtures, file by file (fixtures/README.md).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from migrator.cli.main import main
from tests.conftest import FIXTURES

EXPECTED_BY_RULE = {
    "jakarta-beans-xml-schema": 1,
    "jakarta-beans-xml-version": 1,
    "jakarta-descriptor-javax-class-name": 2,
    "jakarta-descriptor-namespace": 6,
    "jakarta-faces-config-schema": 1,
    "jakarta-faces-config-version": 1,
    "jakarta-faces-taglib-urn": 2,
    "jakarta-javax-import": 83,
    "jakarta-javax-qualified-type": 1,
    "jakarta-javax-string-literal": 5,
    "jakarta-persistence-namespace": 2,
    "jakarta-persistence-property-name": 5,
    "jakarta-persistence-xml-schema": 1,
    "jakarta-persistence-xml-version": 1,
    "jakarta-pom-javaee-api": 1,
    "jakarta-pom-jaxb-api": 1,
    "jakarta-pom-persistence-api": 1,
    "jakarta-pom-servlet-api": 1,
    "jakarta-web-xml-schema": 1,
    "jakarta-web-xml-version": 1,
    "java17-access-controller": 2,
    "java17-boxing-constructor": 4,
    "java17-finalize-override": 1,
    "java17-removed-common-annotations": 2,
    "java17-removed-jaxb": 8,
    "java17-security-manager": 1,
    "java17-subject-access-control-context": 1,
    "java17-sun-misc-base64": 1,
    "java17-thread-stop": 1,
    "py2-apply-kwargs": 1,
    "py2-backtick-repr": 3,
    "py2-basestring": 2,
    "py2-bytes-as-text": 3,
    "py2-cmp-builtin": 6,
    "py2-cmp-method": 2,
    "py2-configparser-safeconfigparser": 1,
    "py2-dict-changed-during-iteration": 1,
    "py2-dict-has-key": 5,
    "py2-dict-iteritems": 2,
    "py2-dict-iterkeys": 1,
    "py2-dict-itervalues": 4,
    "py2-dict-itervalues-returned": 1,
    "py2-dict-view-assigned-as-list": 2,
    "py2-dict-view-indexed": 1,
    "py2-div-method": 1,
    "py2-except-comma": 9,
    "py2-exec-in": 1,
    "py2-execfile": 2,
    "py2-implicit-relative-import": 12,
    "py2-int-long-tuple": 1,
    "py2-integer-division": 5,
    "py2-intern": 2,
    "py2-iterator-assigned-as-list": 2,
    "py2-iterator-returned": 1,
    "py2-itertools-ifilter": 1,
    "py2-itertools-imap": 1,
    "py2-itertools-izip": 1,
    "py2-long-call": 3,
    "py2-long-literal": 3,
    "py2-long-type": 1,
    "py2-metaclass-attribute": 3,
    "py2-module-configparser-import": 1,
    "py2-module-cpickle-import": 1,
    "py2-module-httplib-import": 1,
    "py2-module-queue-import": 1,
    "py2-module-stringio": 4,
    "py2-module-urllib2-import": 1,
    "py2-module-urlparse-import": 1,
    "py2-next-method-call": 3,
    "py2-next-method-reference": 1,
    "py2-nonzero-method": 2,
    "py2-not-equal-diamond": 3,
    "py2-octal-literal": 4,
    "py2-os-getcwdu": 2,
    "py2-print-statement": 5,
    "py2-print-to-file": 11,
    "py2-print-to-file-empty": 1,
    "py2-print-trailing-comma": 4,
    "py2-raise-comma": 7,
    "py2-raw-input": 1,
    "py2-reduce": 1,
    "py2-removed-module": 2,
    "py2-sort-cmp": 3,
    "py2-source-encoding": 1,
    "py2-stopiteration-in-generator": 1,
    "py2-str-returns-bytes": 1,
    "py2-string-join": 1,
    "py2-string-letters": 1,
    "py2-sys-maxint": 2,
    "py2-types-removed": 1,
    "py2-unicode-call": 6,
    "py2-unicode-method": 1,
    "py2-unicode-type": 3,
    "py2-ur-string-prefix": 1,
    "py2-urllib-parse": 1,
    "py2-xrange": 3,
    "py3-cgi-escape": 2,
    "py3-cgi-escape-quote": 1,
    "py3-configparser-readfp": 1,
    "py3-distutils-setup-import": 1,
    "py3-pep594-module-removed": 1,
    "py3-thread-setDaemon": 1,
    "py3-unittest-assertEquals": 62,
    "py3-unittest-assert_": 11,
    "py3-unittest-failIf": 5,
    "py3-unittest-failUnless": 7,
}


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> dict:  # type: ignore[type-arg]
    copy = tmp_path_factory.mktemp("fx") / "fixtures"
    shutil.copytree(FIXTURES, copy)
    out = copy.parent / "scan.json"
    assert main(["scan", str(copy), "-f", "json", "-o", str(out)]) == 1
    return json.loads(out.read_text())  # type: ignore[no-any-return]


def test_counts_per_rule(scanned: dict) -> None:  # type: ignore[type-arg]
    assert scanned["summary"]["by_rule"] == EXPECTED_BY_RULE
    assert scanned["summary"]["files"] == 33  # 32 + catalog.xhtml (jakarta-faces-taglib-urn)


def test_the_broken_file_is_the_only_error(scanned: dict) -> None:  # type: ignore[type-arg]
    assert [e["path"] for e in scanned["errors"]] == ["py2-inventory/inventory/broken_legacy.py"]


def test_latin1_and_crlf_files_are_located_right(scanned: dict) -> None:  # type: ignore[type-arg]
    def at(path: str, rule: str) -> list[tuple[int, int]]:
        return [
            (i["line"], i["column"])
            for i in scanned["incidents"]
            if i["path"] == path and i["rule"] == rule
        ]

    assert at("py2-inventory/inventory/currency.py", "py2-dict-has-key") == [(20, 8)]
    assert [line for line, _ in at("py2-inventory/inventory/barcode.py", "py2-xrange")] == [15]


def test_jdk_javax_packages_are_never_reported(scanned: dict) -> None:  # type: ignore[type-arg]
    kept = (
        "javax.naming",
        "javax.sql",
        "javax.crypto",
        "javax.xml.parsers",
        "javax.management",
        "javax.security.auth",
        "javax.net",
    )
    for incident in scanned["incidents"]:
        assert not any(
            f"{pkg}." in incident["snippet"] and "import" in incident["snippet"] for pkg in kept
        ), incident


def test_scanning_the_fixtures_changes_nothing(tmp_path: Path) -> None:
    copy = tmp_path / "fixtures"
    shutil.copytree(FIXTURES, copy)
    before = {p: p.read_bytes() for p in copy.rglob("*") if p.is_file()}
    main(["scan", str(copy), "--no-cache"])
    assert {p: p.read_bytes() for p in copy.rglob("*") if p.is_file()} == before
