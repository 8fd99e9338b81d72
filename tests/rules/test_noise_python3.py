"""The python3-removals pack on modern code and on a real code base.

1. tests/data/modern-py is Python 3.11+/3.12 code written with the *replacements* of everything
   the pack reports (importlib, setuptools, collections.abc, aware datetimes, asyncio.run,
   html.escape, unittest's current names...) and with near-misses: it must get no incident at
   all, not even an info one.
2. The standard library of the running interpreter (3.11 here) still ships distutils, imp,
   asyncore, lib2to3 and the PEP 594 modules, and tests its own deprecated APIs. Every error or
   warning the pack reports there must be listed in ALLOWED below with the reason it is a real
   problem for a Python 3.13 target; anything else is a false positive to fix in the rules.
"""

from __future__ import annotations

import ast
import sys
from collections import Counter

import pytest

from migrator.engine.results import Incident, ScanResult
from migrator.engine.rules import RuleSet, load_rules
from migrator.services.scan import ScanOptions, scan
from tests.conftest import TESTS
from tests.rules.stdlib_noise import allow, scan_stdlib

PACK = "python3-removals"
MODERN = TESTS / "data" / "modern-py"
RUNNING: tuple[int, ...] = tuple(sys.version_info[:2])
# A guard against a pathologically slow rule, not a benchmark: the scan of ~1800 files takes
# about 7 s on two idle cores (the whole module about 9 s), more on a loaded machine.
STDLIB_BUDGET_SECONDS = 60.0


# Every error and warning the pack reports on the CPython 3.11 standard library, by file and rule.
ALLOWED = [
    # -- modules removed from the standard library, importing themselves or each other ----
    allow(
        "distutils/",
        ("py3-distutils-removed", "py3-distutils-setup-import"),
        "the distutils package itself (removed in 3.12, PEP 632): its modules import each other",
    ),
    allow(
        "distutils/",
        ("py3-lib2to3-removed", "py3-pep594-module-removed"),
        "distutils.util.run_2to3 imports lib2to3 (removed in 3.13); distutils.config imports cgi "
        "(removed in 3.13)",
    ),
    allow(
        ("test/test_distutils.py", "test/test_sundry.py", "test/support/__init__.py"),
        "py3-distutils-removed",
        "tests import distutils (removed in 3.12); test.support.missing_compiler_executable() "
        "uses distutils.ccompiler and distutils.spawn",
    ),
    allow(
        "lib2to3/",
        "py3-lib2to3-removed",
        "lib2to3 itself (removed in 3.13): its fixers and tests import lib2to3",
    ),
    allow(
        "lib2to3/tests/data/",
        ("py3-unittest-assertEquals", "py3-unittest-assert_"),
        "lib2to3's grammar samples are TestCases calling assertEquals/assert_ (removed in 3.12)",
    ),
    allow(
        ("asynchat.py", "smtpd.py"),
        "py3-asyncore-asynchat-smtpd-removed",
        "asynchat and smtpd themselves (removed in 3.12) import asyncore and asynchat",
    ),
    allow(
        ("aifc.py", "sndhdr.py", "sunau.py"),
        "py3-pep594-module-removed",
        "PEP 594 modules (removed in 3.13) importing each other: aifc and sunau use audioop and "
        "chunk, sndhdr uses aifc",
    ),
    allow(
        ("test/test_nntplib.py", "test/test_ossaudiodev.py"),
        "py3-pep594-module-removed",
        "tests of nntplib and ossaudiodev (removed in 3.13)",
    ),
    # -- imp and old importlib APIs ----------------------------------------------------
    allow(
        "pkgutil.py",
        "py3-imp-function-removed",
        "pkgutil.ImpImporter/ImpLoader (removed in 3.12) call imp.find_module, imp.load_module "
        "and test imp.PY_SOURCE... (imp removed in 3.12)",
    ),
    allow(
        "test/test_imp.py",
        ("py3-imp-function-removed", "py3-imp-reload"),
        "tests of the imp module (removed in 3.12)",
    ),
    allow(
        ("test/test_fork1.py", "test/test_importlib/test_threaded_import.py"),
        "py3-imp-function-removed",
        "imp.acquire_lock()/release_lock()/lock_held() (removed with imp in 3.12)",
    ),
    allow(
        "test/test_pkgutil.py",
        (
            "py3-find-loader-removed",
            "py3-pkgutil-get-loader-removed",
            "py3-importlib-legacy-api-removed",
        ),
        "tests of pkgutil.find_loader/get_loader (removed in 3.14) and pkgutil.ImpImporter "
        "(removed in 3.12)",
    ),
    allow(
        "test/test_importlib/",
        "py3-importlib-abc-resources-import",
        "from importlib.abc import Traversable/TraversableResources (removed from importlib.abc "
        "in 3.14)",
    ),
    # -- ast, typing, collections -------------------------------------------------------
    allow(
        "test/test_ast.py",
        ("py3-ast-legacy-constant-nodes", "py3-ast-legacy-visitor-method"),
        "tests of ast.Num/Str/Bytes/NameConstant/Ellipsis and of visit_Num... forwarding "
        "(removed in 3.14)",
    ),
    allow(
        "typing.py",
        "py3-bytestring-deprecated",
        "typing.ByteString is defined as an alias of collections.abc.ByteString: the deprecated "
        "API itself (removal scheduled for 3.17)",
    ),
    allow(
        ("test/test_typing.py", "test/test_collections.py"),
        ("py3-bytestring-deprecated", "py3-typing-io-re-removed"),
        "tests of typing/collections.abc.ByteString (deprecated, removal in 3.17) and of the "
        "typing.io / typing.re namespaces (removed in 3.13)",
    ),
    # -- asyncio -------------------------------------------------------------------------
    allow(
        (
            "test/test_asyncio/",
            "test/libregrtest/save_env.py",
            "test/test_asyncgen.py",
            "test/test_builtin.py",
            "test/test_contextlib_async.py",
            "test/test_coroutines.py",
            "test/test_inspect/",
            "test/test_os.py",
            "test/test_sys_settrace.py",
            "unittest/test/",
        ),
        "py3-asyncio-policy-deprecated",
        "asyncio.get/set_event_loop_policy() and the policy classes: deprecated in 3.14, "
        "removal in 3.16 (mostly set_event_loop_policy(None) in tearDown)",
    ),
    allow(
        "test/test_asyncio/",
        (
            "py3-asyncio-child-watcher-removed",
            "py3-asyncio-get-event-loop",
            "py3-asyncio-iscoroutinefunction",
            "py3-asyncio-loop-argument",
        ),
        "asyncio tests: child watchers (removed in 3.14), get_event_loop() outside a coroutine "
        "(RuntimeError in 3.14 without a loop), asyncio.iscoroutinefunction (removal in 3.16), "
        "and loop= arguments that must raise TypeError since 3.10",
    ),
    # -- datetime ------------------------------------------------------------------------
    allow(
        ("http/cookiejar.py", "email/utils.py"),
        ("py3-datetime-utcnow", "py3-datetime-utcfromtimestamp"),
        "3.11's own datetime.utcnow()/utcfromtimestamp() calls, deprecated in 3.12 (CPython "
        "rewrote them with timezone.utc in 3.12)",
    ),
    allow(
        (
            "test/datetimetester.py",
            "test/test_plistlib.py",
            "test/test_sqlite3/test_types.py",
            "test/libregrtest/testresult.py",
        ),
        (
            "py3-datetime-utcnow",
            "py3-datetime-utcfromtimestamp",
            "py3-datetime-class-utcnow",
            "py3-datetime-class-utcfromtimestamp",
            "py3-datetime-class-naive-utc",
        ),
        "datetime.utcnow()/utcfromtimestamp(), deprecated in 3.12",
    ),
    # -- other modules -------------------------------------------------------------------
    allow(
        ("test/test_array.py", "test/test_buffer.py", "test/test_csv.py"),
        "py3-array-u-typecode",
        "array('u', ...): the 'u' type code is deprecated, removal in 3.16",
    ),
    allow(
        "test/test_configparser.py",
        (
            "py3-configparser-LegacyInterpolation",
            "py3-configparser-SafeConfigParser",
            "py3-configparser-readfp-filename",
        ),
        "tests of configparser.SafeConfigParser and readfp (removed in 3.12) and "
        "LegacyInterpolation (removed in 3.13)",
    ),
    allow(
        "test/test_httpservers.py",
        "py3-http-server-cgi-handler",
        "http.server.CGIHTTPRequestHandler: deprecated in 3.13, removal in 3.15",
    ),
    allow(
        "test/test_locale.py",
        ("py3-locale-format", "py3-locale-getdefaultlocale"),
        "tests of locale.format (removed in 3.12) and locale.getdefaultlocale (removal in 3.15)",
    ),
    allow(
        "test/test_pathlib.py",
        "py3-pathlib-is-reserved",
        "PurePath.is_reserved(): deprecated in 3.13, removal in 3.15",
    ),
    allow(
        "test/test_shutil.py",
        "py3-shutil-rmtree-onerror",
        "shutil.rmtree(onerror=...): deprecated in 3.12 in favour of onexc",
    ),
    allow(
        "test/test_sqlite3/__init__.py",
        "py3-sqlite3-removed-attributes",
        "sqlite3.version (removed in 3.14)",
    ),
    allow(
        "test/test_ssl.py",
        ("py3-ssl-wrap-socket", "py3-ssl-match-hostname", "py3-ssl-RAND-pseudo-bytes"),
        "tests of ssl.wrap_socket, match_hostname and RAND_pseudo_bytes (removed in 3.12)",
    ),
    allow(
        ("test/test_httplib.py", "urllib/request.py"),
        "py3-ssl-keyfile-certfile-arguments",
        "HTTPSConnection(key_file=, cert_file=, check_hostname=): removed in 3.12 (in urllib, "
        "from URLopener.open_https, itself removed in 3.14)",
    ),
    allow(
        ("asyncio/windows_utils.py", "multiprocessing/connection.py", "test/"),
        "py3-tempfile-mktemp",
        "tempfile.mktemp(): deprecated since 2.3 because the name can be taken before it is used "
        "(CPython still uses it for pipe and socket names, and in tests)",
    ),
    allow(
        "test/test_threading.py",
        (
            "py3-thread-getName-setName",
            "py3-thread-isDaemon",
            "py3-thread-setDaemon",
            "py3-threading-activeCount",
            "py3-threading-condition-notifyAll",
            "py3-threading-currentThread",
            "py3-threading-event-isSet",
        ),
        "tests of the camelCase threading aliases, deprecated in 3.10",
    ),
    allow(
        "unittest/test/",
        (
            "py3-unittest-assertDictContainsSubset",
            "py3-unittest-assertEquals",
            "py3-unittest-failUnless",
            "py3-unittest-loader-functions-with-options",
            "py3-unittest-use-load-tests",
        ),
        "unittest's tests of its own deprecated API: TestCase aliases and "
        "assertDictContainsSubset (removed in 3.12), makeSuite/findTestCases with options "
        "(removed in 3.13), loadTestsFromModule(use_load_tests=) (removed in 3.12)",
    ),
    allow(
        ("test/test_urllib.py", "test/test_urllibnet.py"),
        "py3-urllib-urlopener-removed",
        "tests of urllib.request.URLopener / FancyURLopener (removed in 3.14)",
    ),
]


@pytest.fixture(scope="module")
def pack() -> RuleSet:
    return load_rules([PACK])


def _describe(incidents: list[Incident]) -> list[str]:
    return [
        f"{i.path}:{i.line} {i.rule} [{i.severity}]: {i.snippet.strip()[:80]}" for i in incidents
    ]


def test_modern_sample_is_valid_python() -> None:
    sources = sorted(MODERN.rglob("*.py"))
    assert len(sources) >= 10
    assert sum(len(p.read_text(encoding="utf-8").splitlines()) for p in sources) >= 300
    for path in sources:
        ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def test_no_noise_on_modern_code(pack: RuleSet) -> None:
    result = scan(pack, ScanOptions(root=MODERN, use_cache=False))
    assert result.errors == []
    assert result.files >= 10
    assert _describe(result.incidents) == []


@pytest.fixture(scope="module")
def stdlib_scan(pack: RuleSet) -> tuple[ScanResult, float]:
    if RUNNING != (3, 11):
        pytest.skip("ALLOWED was established on the CPython 3.11 standard library")
    return scan_stdlib(pack)


def test_stdlib_incidents_are_all_explained(stdlib_scan: tuple[ScanResult, float]) -> None:
    result, _ = stdlib_scan
    assert result.files > 1500
    loud = [i for i in result.incidents if i.severity in ("error", "warning")]
    unexplained = [i for i in loud if not any(entry.covers(i) for entry in ALLOWED)]
    assert _describe(unexplained) == []
    # No stale entry: each one still explains at least one incident of each of its rules.
    used = {(i.rule, index) for i in loud for index, entry in enumerate(ALLOWED) if entry.covers(i)}
    stale = [
        f"{entry.paths[0]}... {rule}"
        for index, entry in enumerate(ALLOWED)
        for rule in sorted(entry.rules)
        if (rule, index) not in used
    ]
    assert stale == []


def test_stdlib_still_gets_the_expected_removals(stdlib_scan: tuple[ScanResult, float]) -> None:
    """The allowlist is not hiding a dead pack: the big removals are all found."""
    result, _ = stdlib_scan
    counts = Counter(i.rule for i in result.incidents)
    for rule in (
        "py3-distutils-removed",
        "py3-lib2to3-removed",
        "py3-pep594-module-removed",
        "py3-imp-function-removed",
        "py3-asyncore-asynchat-smtpd-removed",
        "py3-unittest-assertEquals",
        "py3-ast-legacy-constant-nodes",
        "py3-ssl-wrap-socket",
    ):
        assert counts[rule] > 0, rule


def test_stdlib_scan_is_fast_enough(stdlib_scan: tuple[ScanResult, float]) -> None:
    _, seconds = stdlib_scan
    assert seconds < STDLIB_BUDGET_SECONDS
