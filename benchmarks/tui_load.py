"""How fast `migrator review` opens on a large store, and how fast the cursor moves.

Writes a `.migrator/state.db` with `--count` proposals (default 10,000: 50 rules over 2,000
files, half rule fixes and half model proposals, each with its incident and a small diff), then
runs the review app headless under Textual's Pilot at 120x40 and prints

  - open: from `make_app()` until the first screen is ready (the list built and drawn, the first
    proposal's details shown) — the target is <= 1.5 s for 10,000 proposals;
  - the parts of it: reading the summaries from SQLite, sorting and grouping the view;
  - cursor moves: `--moves` presses of ↓, each timed from the key event to the repaint that
    shows the next proposal (list lines, its diff, incidents and provenance), as median, 95th
    percentile and max, and the CPU time per move; then page-down, end and home jumps, two
    keystrokes in the search box (each filters all proposals and rebuilds the list), and an
    accept. (Pilot's `press`/`pause` poll for idleness in 20 ms steps, so they are not used to
    time these.)

The rules load on a worker thread after the first screen; `--rules shipped` loads every shipped
pack there (about 3 s of CPU on this machine) to show that it does not hold up the first screen.

Run from the repository root:

    python benchmarks/tui_load.py                  # 10,000 proposals, 100 moves
    python benchmarks/tui_load.py --count 50000 --rules shipped
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from textual import events  # noqa: E402
from textual.app import App  # noqa: E402

from migrator.engine.results import Incident  # noqa: E402
from migrator.engine.rules import RuleSet, load_rules  # noqa: E402
from migrator.services.review import ReviewSession  # noqa: E402
from migrator.services.review_view import ReviewFilter  # noqa: E402
from migrator.store.proposals import NewProposal, ProposalStore  # noqa: E402
from migrator.store.review import summaries  # noqa: E402
from migrator.tui.app import make_app  # noqa: E402
from migrator.tui.screens.main import ReviewScreen  # noqa: E402
from migrator.tui.widgets.proposal_list import ProposalList  # noqa: E402

RULES = 50
FILES = 2000


def diff_for(path: str, line: int) -> str:
    return (
        f"--- a/{path}\n+++ b/{path}\n@@ -{line - 3},7 +{line - 3},7 @@\n"
        " import os\n \n def lookup(d, k):\n"
        "-    return d.has_key(k)\n+    return k in d\n \n \n"
        " def helper():\n"
    )


def make_store(root: Path, count: int) -> None:
    root.mkdir(parents=True, exist_ok=True)
    with ProposalStore.open(root) as store:
        run = store.begin_run(str(root))
        incidents, proposals = [], []
        for index in range(count):
            path = f"pkg{index % FILES // 100}/mod{index % FILES}.py"
            rule = f"bench-rule-{index % RULES:02d}"
            line = 10 + index // FILES
            incidents.append(
                Incident(
                    rule=rule,
                    path=path,
                    line=line,
                    column=12,
                    end_line=line,
                    end_column=25,
                    message=f"dict.has_key(k) was removed in Python 3 (case {index})",
                    severity=("error", "warning", "info")[index % 3],
                    category="mandatory",
                    effort=1,
                    snippet="d.has_key(k)",
                    fix="deterministic" if index % 2 else "model",
                    fingerprint=f"fp{index:06d}",
                )
            )
            proposals.append(
                NewProposal(
                    path=path,
                    start=index * 40,
                    end=index * 40 + 24,
                    old_text="    return d.has_key(k)\n",
                    new_text="    return k in d\n",
                    diff=diff_for(path, line),
                    origin="deterministic" if index % 2 else "model",
                    rules=(rule,),
                    incidents=(f"fp{index:06d}",),
                    base_hash="0" * 64,
                    valid=True,
                    validation={"parses": {"status": "passed", "detail": ""}},
                    model="" if index % 2 else "qwen2.5-coder:7b",
                    model_digest="" if index % 2 else "sha256:" + "ab" * 32,
                    prompt_hash="" if index % 2 else f"{index:064x}",
                )
            )
        store.record_incidents(run, incidents)
        with store.connection:  # one transaction: the store's own add() commits each
            for proposal in proposals:
                store.add(run, proposal)


def quick_rules() -> RuleSet:
    return RuleSet([], [])


async def key_to_paint(
    app: App[None], screen: ReviewScreen, key: str, character: str | None = None
) -> float:
    """Seconds from a key event to the next repaint after the screen has handled it: the
    latency a person sees (Pilot's own waits, tens of ms of polling, are not in it)."""
    before = (screen.current, screen.filter)
    started = time.perf_counter()
    app.post_message(events.Key(key, character))
    while (screen.current, screen.filter) == before:
        await asyncio.sleep(0.0005)  # not 0: a spinning wait would count as the app's CPU
    painted = asyncio.get_running_loop().create_future()
    screen.call_after_refresh(lambda: painted.done() or painted.set_result(None))
    await painted
    return time.perf_counter() - started


async def measure(
    root: Path, moves: int, rules: str, *, freeze_gc: bool
) -> dict[str, float | list[float]]:
    loader = (lambda: load_rules(())) if rules == "shipped" else quick_rules
    times: dict[str, float | list[float]] = {}
    started = time.perf_counter()
    app = make_app(root, rules=loader, freeze_gc=freeze_gc)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        listing = screen.query_one(ProposalList)
        while listing.current is None:
            await pilot.pause()
        painted = asyncio.get_running_loop().create_future()
        screen.call_after_refresh(lambda: painted.set_result(None))
        await painted
        times["open"] = time.perf_counter() - started
        assert len(listing.ids) == screen.session.total
        await app.workers.wait_for_complete()
        await pilot.pause()
        cpu = time.process_time()
        times["moves"] = [await key_to_paint(app, screen, "down") for _ in range(moves)]
        times["cpu per move"] = (time.process_time() - cpu) / moves
        for key in ("pagedown", "end", "home"):
            times[key] = await key_to_paint(app, screen, key)
        await pilot.press("slash")
        times["search: type 7"] = await key_to_paint(app, screen, "7", "7")
        times["search: type 7 again"] = await key_to_paint(app, screen, "7", "7")
        await pilot.press("escape")
        await pilot.pause()
        times["accept"] = await key_to_paint(app, screen, "a")
        await app.workers.wait_for_complete()
    return times


def parts(root: Path) -> dict[str, float]:
    with ProposalStore.open(root) as store:
        tick = time.perf_counter()
        rows = summaries(store)
        read = time.perf_counter() - tick
        session = ReviewSession(root, store, rules=quick_rules)
        session.reload()
        tick = time.perf_counter()
        session.view(ReviewFilter())
        view = time.perf_counter() - tick
    assert rows
    return {"read summaries (SQLite)": read, "sort and group the view": view}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000, help="proposals in the store")
    parser.add_argument("--moves", type=int, default=100, help="cursor moves to time")
    parser.add_argument("--rules", choices=("none", "shipped"), default="none")
    parser.add_argument(
        "--no-freeze-gc", action="store_true", help="as tests run it: no gc.freeze() after opening"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="migrator-tui-bench-") as folder:
        root = Path(folder) / "tree"
        tick = time.perf_counter()
        make_store(root, args.count)
        print(f"store: {args.count:,} proposals written in {time.perf_counter() - tick:.1f} s")
        for name, seconds in parts(root).items():
            print(f"  {name:<28} {seconds * 1000:8.1f} ms")
        times = asyncio.run(measure(root, args.moves, args.rules, freeze_gc=not args.no_freeze_gc))
    steps = sorted(times.pop("moves"))  # type: ignore[arg-type]
    opened = float(times.pop("open"))  # type: ignore[arg-type]
    verdict = "ok" if opened <= 1.5 else "OVER the 1.5 s target"
    print(f"open (make_app → first screen painted)  {opened:6.3f} s   ({verdict})")
    p95 = steps[int(len(steps) * 0.95) - 1]
    print(
        "  deciles:",
        " ".join(f"{steps[int(len(steps) * q / 10) - 1] * 1000:.0f}" for q in range(1, 11)),
    )
    print(
        f"cursor ↓ ×{len(steps)}, key → repainted: median {statistics.median(steps) * 1000:.1f} ms,"
        f" p95 {p95 * 1000:.1f} ms, max {steps[-1] * 1000:.1f} ms"
    )
    for name, seconds in times.items():
        print(f"  {name:<20} {float(seconds) * 1000:8.1f} ms")  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
