"""The model pipeline's own cost: how much `migrator fix` adds on top of the model's time.

Against a fake Ollama server (tests/model/fakes.py, through the real `ollama` client) that
answers every request after a fixed `--delay` with `--slots` parallel slots, this runs the fix
service over `--incidents` files with one model incident each (one request per incident), with
as many requests in flight as the server has slots, and prints

  - the wall time against the ideal ceil(incidents / slots) * delay, and the throughput against
    the ideal slots / delay requests per second;
  - the pipeline's overhead per incident, (measured - ideal) / incidents: scan, region, prompt,
    HTTP, reply parsing, validation (re-parse, re-scan, compile) and the SQLite store
    (target <= 10 ms);
  - the same with a zero delay and with the in-process fake provider (no HTTP), which splits
    that overhead between the HTTP round trip and the rest.

Run from the repository root:

    python benchmarks/model_pipeline.py                       # 100 incidents, 0.1 s, 4 slots
    python benchmarks/model_pipeline.py --incidents 400 --delay 0.25 --slots 8
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import sys
import tempfile
import time
from multiprocessing.synchronize import Event
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from migrator.engine.rules import load_rules  # noqa: E402
from migrator.model.config import ModelConfig  # noqa: E402
from migrator.model.providers import create  # noqa: E402
from migrator.model.providers.fake import FakeProvider  # noqa: E402
from migrator.services.fix import FixOptions, FixRun  # noqa: E402
from migrator.services.fix_model import ModelSetup  # noqa: E402
from migrator.store.proposals import ProposalStore  # noqa: E402
from tests.model.fakes import FakeOllama, Reply, Script  # noqa: E402
from tests.model.minipack import write_pack  # noqa: E402

LEGACY = 'import os\n\n\ndef report(total):\n    print "total:", total\n    return total\n'
FIXED = 'import os\n\n\ndef report(total):\n    print("total:", total)\n    return total\n'


def make_tree(folder: Path, count: int) -> Path:
    root = folder / "tree"
    for index in range(count):
        path = root / f"pkg{index // 50}" / f"mod{index}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(LEGACY)
    return root


def run_once(root: Path, pack: Path, setup: ModelSetup) -> tuple[float, int]:
    with ProposalStore.open(root) as store:
        started = time.perf_counter()
        summary = FixRun(load_rules([str(pack)]), FixOptions(root), store, model=setup).run()
        elapsed = time.perf_counter() - started
    validated = sum(t.validated for t in summary.by_rule.values())
    return elapsed, validated


def serve(delay: float, slots: int, urls: multiprocessing.Queue[str], stop: Event) -> None:
    """The fake server, in its own process: its work must not count as the pipeline's."""
    with FakeOllama(Script(default=Reply(FIXED, delay=delay)), slots=slots) as server:
        urls.put(server.url)
        stop.wait()


def over_http(root: Path, pack: Path, delay: float, slots: int) -> tuple[float, int]:
    urls: multiprocessing.Queue[str] = multiprocessing.Queue()
    stop = multiprocessing.Event()
    server = multiprocessing.Process(target=serve, args=(delay, slots, urls, stop))
    server.start()
    try:
        config = ModelConfig(host=urls.get(timeout=30), jobs=slots, cache=False, timeout=60)
        provider = create(config)
        try:
            setup = ModelSetup(provider, provider.check(), config, None)
            return run_once(root, pack, setup)
        finally:
            provider.close()
    finally:
        stop.set()
        server.join(10)


def in_process(root: Path, pack: Path, slots: int) -> tuple[float, int]:
    provider = FakeProvider(default=FIXED)
    config = ModelConfig(jobs=slots, cache=False)
    return run_once(root, pack, ModelSetup(provider, provider.check(), config, None))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--incidents", type=int, default=100)
    parser.add_argument("--delay", type=float, default=0.1, help="seconds per answer")
    parser.add_argument("--slots", type=int, default=4, help="parallel server slots")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        pack = write_pack(Path(folder) / "pack")
        root = make_tree(Path(folder), args.incidents)
        count = args.incidents
        ideal = math.ceil(count / args.slots) * args.delay
        in_process(root, pack, args.slots)  # warm-up: imports, grammar, scan cache
        wall, ok = over_http(root, pack, args.delay, args.slots)
        bare, _ = over_http(root, pack, 0.0, args.slots)
        local, _ = in_process(root, pack, args.slots)
    rate, best = count / wall, args.slots / args.delay
    print(
        f"incidents {count} (validated {ok}), server delay {args.delay:g} s, "
        f"{args.slots} slots, {args.slots} requests in flight"
    )
    print(f"wall time   {wall:7.2f} s   ideal {ideal:7.2f} s")
    print(f"throughput  {rate:7.1f} req/s  ideal {best:7.1f} req/s  ({100 * rate / best:.0f}%)")
    overhead = 1000 * (wall - ideal) / count
    print(f"overhead    {overhead:7.2f} ms per incident (target <= 10 ms)")
    print(
        f"zero delay  {1000 * bare / count:7.2f} ms per incident over HTTP, "
        f"{1000 * local / count:.2f} ms with the in-process fake provider"
    )


if __name__ == "__main__":
    main()
