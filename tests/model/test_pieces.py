"""Regions, prompts, the answer cache and the proposal store, each on its own."""

from __future__ import annotations

from pathlib import Path

from migrator.engine import languages
from migrator.engine.regions import context, enclosing, merge
from migrator.model.cache import AnswerCache
from migrator.model.chat import ChatReply
from migrator.model.prompt import Limits, PromptIncident, Task, build, fits
from migrator.store.proposals import NewProposal, ProposalStore
from tests.model.minipack import GREET, SOURCE

JAVA = (
    "class A {\n"
    + "".join(f"    int f{n}() {{ return {n}; }}\n" for n in range(70))
    + "    void g() {\n        Integer i = new Integer(5);\n    }\n}\n"
)


def region_for(language: str, text: str, needle: str) -> tuple[int, int, str]:
    source = text.encode()
    tree = languages.parser(language).parse(source)
    start = source.index(needle.encode())
    region = enclosing(language, source, tree, start, start + len(needle))
    return region.start_line, region.end_line, region.kind


def test_regions_are_the_enclosing_function_or_the_small_file() -> None:
    assert region_for("python", SOURCE, 'print "hello"') == (4, 6, "function_definition")
    assert region_for("java", JAVA, "new Integer(5)") == (72, 74, "method_declaration")
    assert region_for("python", "x = 1\nprint 'a'\n", "print")[2] == "file"


def test_overlapping_regions_merge_and_context_is_outside() -> None:
    source = SOURCE.encode()
    tree = languages.parser("python").parse(source)
    a = source.index(b'print "hello"')
    b = source.index(b"return name")
    regions = [enclosing("python", source, tree, s, s + 5) for s in (a, b)]
    [(region, members)] = merge(regions, source)
    assert members == [0, 1] and region.text == GREET
    before, after = context(source, region)
    assert before == [(1, "import os")] and after[0] == (9, "def lookup(d, k):")


def test_prompt_hash_is_stable_and_the_context_grows_to_fit() -> None:
    task = Task("m.py", "python", "file", 1, 1, "print x\n", (PromptIncident("r", 1, "m"),))
    one, two = build(task, Limits(), structured=True), build(task, Limits(), structured=True)
    assert one.hash == two.hash and fits(one)
    assert build(task, Limits(seed=1), structured=True).hash != one.hash
    fenced = build(task, Limits(), structured=False)
    assert (
        fenced.request.schema is None and "fenced code block" in fenced.request.messages[0].content
    )
    big = Task("m.py", "python", "file", 1, 4000, "x = 1\n" * 20000, task.incidents)
    assert build(big, Limits(num_ctx=4096), structured=True).request.num_ctx >= 32768
    assert not fits(build(big, Limits(num_ctx=4096, max_context=8192), structured=True))


def test_cache_round_trip(tmp_path: Path) -> None:
    cache = AnswerCache(tmp_path / "c.db")
    try:
        assert cache.get("ollama", "d1", "h") is None
        cache.put("ollama", "d1", "h", ChatReply("answer", "m", "stop", True))
        hit = cache.get("ollama", "d1", "h")
        assert hit is not None and hit.text == "answer" and hit.cached
        assert cache.get("ollama", "d2", "h") is None  # another digest: other weights
    finally:
        cache.close()


def test_store_decisions_history_and_undo(tmp_path: Path) -> None:
    proposal = NewProposal(
        "a.py", 0, 5, "old\n", "new\n", "diff", "model", ("r",), ("fp",), "base", True, {}, "m"
    )
    with ProposalStore.open(tmp_path) as store:
        run = store.begin_run(str(tmp_path))
        first = store.add(run, proposal)
        assert store.add(run, proposal) == first  # the same edit again keeps its id
        store.set_status(first, "accepted", remark="ok")
        store.set_status(first, "rejected")
        assert [d.after for d in store.history(first)] == ["accepted", "rejected"]
        undone = store.undo()
        assert undone is not None and store.get(first).status == "accepted"
        assert store.history()[-1].undone
    # Another run that no longer proposes it forgets undecided proposals only.
    with ProposalStore.open(tmp_path) as store:
        run = store.begin_run(str(tmp_path))
        other = store.add(run, NewProposal(**{**proposal.__dict__, "new_text": "other\n"}))
        store.prune(run + 1, ["a.py"])
        assert [p.id for p in store.proposals()] == [first]
        assert other != first
    assert (tmp_path / ".migrator" / ".gitignore").read_text().endswith("*\n")
