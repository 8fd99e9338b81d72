"""The Java packs on both sides of a migration.

An application that is already on Jakarta EE 10 and Java 17 (tests/data/jakartaee10-app) must
not get a single error or warning from javax-to-jakarta or java-17, although it uses every JDK
package that keeps its javax name. The Java EE 8 fixture (fixtures/javaee-shop) must still get
the incidents it was written for; the counts below were established by reading its files.
"""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest

from migrator.engine.fixer import Fixer
from migrator.engine.results import ScanResult
from migrator.engine.rules import RuleSet, load_rules
from migrator.engine.scanner import Scanner
from migrator.services.scan import ScanOptions, scan
from tests.conftest import FIXTURES, TESTS

MIGRATED_APP = TESTS / "data" / "jakartaee10-app"
SHOP = FIXTURES / "javaee-shop"
PACKS = ["javax-to-jakarta", "java-17"]

# JDK (or third-party) packages that keep their javax names, as the migrated app imports them.
JDK_JAVAX_IMPORTS = (
    "import javax.naming.InitialContext;",
    "import javax.sql.DataSource;",
    "import javax.crypto.Mac;",
    "import javax.xml.parsers.DocumentBuilderFactory;",
    "import javax.xml.xpath.XPath;",
    "import javax.management.MBeanServer;",
    "import javax.security.auth.Subject;",
    "import javax.security.auth.x500.X500Principal;",
    "import javax.annotation.processing.Generated;",
)

# Incidents per rule in fixtures/javaee-shop, counted in its sources:
SHOP_EXPECTED = {
    # 83 imports of moved packages: Product 18, ProductResource 21, ShopApplication 2,
    # ProductService 8, OrderListener 8, AuditFilter 7, CatalogServlet 5 (of 7: javax.naming x2
    # and javax.sql stay), CatalogView 4, ProductFeed 8 (of 11: javax.xml.parsers x3 stay),
    # LegacySupport 2 (of 7: crypto x2, management x2, security.auth stay).
    "jakarta-javax-import": 83,
    "jakarta-javax-qualified-type": 1,  # OrderListener: private javax.persistence.EntityManager em
    # OrderListener "javax.jms.Queue"; LegacySupport three javax.persistence.jdbc.* keys and
    # Class.forName("javax.servlet.http.HttpServlet"); "javax.net.ssl.trustStore" stays.
    "jakarta-javax-string-literal": 5,
    "jakarta-persistence-property-name": 5,  # persistence.xml: schema-generation + 4 jdbc.*
    # web.xml: javax.faces.PROJECT_STAGE and FacesServlet; <res-type>javax.sql.DataSource stays.
    "jakarta-descriptor-javax-class-name": 2,
    # web.xml, beans.xml, faces-config.xml: the xmlns and the schemaLocation namespace each.
    "jakarta-descriptor-namespace": 6,
    "jakarta-web-xml-version": 1,
    "jakarta-pom-javaee-api": 1,
    "java17-removed-jaxb": 8,  # ProductFeed's javax.xml.bind imports
    "java17-removed-common-annotations": 2,  # @Resource, @PostConstruct
    "java17-sun-misc-base64": 1,
    "java17-boxing-constructor": 4,  # LegacySupport new Integer / new Long, AuditFilter new Long x2
    "java17-thread-stop": 1,
    "java17-finalize-override": 1,
    "java17-security-manager": 1,
    "java17-access-controller": 2,  # doPrivileged and getContext
    "java17-subject-access-control-context": 1,
}


@pytest.fixture(scope="module")
def packs() -> RuleSet:
    return load_rules(PACKS)


def _scan(ruleset: RuleSet, root: Path) -> ScanResult:
    return scan(ruleset, ScanOptions(root=root, use_cache=False))


def test_the_migrated_app_is_what_it_claims() -> None:
    java = "\n".join(p.read_text(encoding="utf-8") for p in MIGRATED_APP.rglob("*.java"))
    for statement in JDK_JAVAX_IMPORTS:
        assert statement in java, statement
    assert "import javax.persistence" not in java and "import jakarta.persistence" in java
    web = (MIGRATED_APP / "src/main/webapp/WEB-INF/web.xml").read_text(encoding="utf-8")
    assert "<res-type>javax.sql.DataSource</res-type>" in web and 'version="6.0"' in web
    pom = (MIGRATED_APP / "pom.xml").read_text(encoding="utf-8")
    assert "<artifactId>jakarta.jakartaee-api</artifactId>" in pom


def test_no_noise_on_migrated_code(packs: RuleSet) -> None:
    result = _scan(packs, MIGRATED_APP)
    assert result.errors == []
    assert result.files >= 20  # the Java sources, descriptors, Facelets page and pom were scanned
    loud = [
        f"{i.path}:{i.line} {i.rule}: {i.snippet.strip()}"
        for i in result.incidents
        if i.severity in ("error", "warning")
    ]
    assert loud == []


def test_the_java_ee_fixture_keeps_its_incidents(packs: RuleSet) -> None:
    result = _scan(packs, SHOP)
    assert result.errors == []
    counts = Counter(i.rule for i in result.incidents)
    assert {rule: counts[rule] for rule in SHOP_EXPECTED} == SHOP_EXPECTED

    def lines(path: str, rule: str) -> list[int]:
        return [i.line for i in result.incidents if i.path.endswith(path) and i.rule == rule]

    assert lines("util/LegacySupport.java", "java17-boxing-constructor") == [28, 89]
    assert lines("web/AuditFilter.java", "java17-boxing-constructor") == [20, 26]
    assert lines("util/LegacySupport.java", "java17-thread-stop") == [110]
    assert lines("messaging/OrderListener.java", "jakarta-javax-qualified-type") == [31]


def test_jdk_javax_names_are_never_reported(packs: RuleSet) -> None:
    kept = ("javax.naming", "javax.sql", "javax.crypto", "javax.xml.parsers", "javax.management")
    for incident in _scan(packs, SHOP).incidents:
        if incident.rule.startswith("jakarta-"):
            assert not any(f"{pkg}." in incident.snippet.split("\n")[0] for pkg in kept), incident
    kept_strings = ('"javax.net.ssl.trustStore"',)
    for incident in _scan(packs, SHOP).incidents:
        assert not any(s in incident.snippet for s in kept_strings), incident


def test_fixing_the_fixture_leaves_only_what_needs_a_person(packs: RuleSet, tmp_path: Path) -> None:
    copy = tmp_path / "javaee-shop"
    shutil.copytree(SHOP, copy)
    scanner = Scanner(packs)
    fixer = Fixer(scanner)
    for path in sorted(copy.rglob("*")):
        relative = path.relative_to(copy).as_posix()
        if path.is_file() and scanner.wants(relative):
            outcome = fixer.fix_text(relative, path.read_text(encoding="utf-8"))
            assert outcome.converged, relative
            if outcome.changed:
                path.write_text(outcome.after, encoding="utf-8")

    after = _scan(packs, copy)
    assert after.errors == []
    left = Counter(i.rule for i in after.incidents)
    fixable = {r.id for r in packs.rules if r.spec.fix is not None}
    assert not fixable & set(left), left
    # What stays is the work without a deterministic fix: Maven coordinates of single APIs, the
    # JDK upgrade's hint-only rules and the Faces 4.0 URNs (info).
    assert left["jakarta-pom-servlet-api"] == 1
    assert left["java17-sun-misc-base64"] == 1
    assert left["java17-thread-stop"] == 1

    servlet = (copy / "src/main/java/com/example/shop/web/CatalogServlet.java").read_text()
    assert "import jakarta.servlet.http.HttpServlet;" in servlet
    assert "import javax.naming.InitialContext;" in servlet
    assert "import javax.sql.DataSource;" in servlet
    web = (copy / "src/main/webapp/WEB-INF/web.xml").read_text()
    assert 'xmlns="https://jakarta.ee/xml/ns/jakartaee"' in web and 'version="5.0"' in web
    assert "<res-type>javax.sql.DataSource</res-type>" in web
    legacy = (copy / "src/main/java/com/example/shop/util/LegacySupport.java").read_text()
    assert "Integer.valueOf(25)" in legacy and '"jakarta.persistence.jdbc.url"' in legacy
    assert '"javax.net.ssl.trustStore"' in legacy
