"""The cost of turns never seen before: every turn of the evaluation sets, once, in a fresh
process (no memo holds any of them), each case its own conversation.

    python benchmarks/fresh_turns.py              # 3 fresh processes, medians of their figures
    python benchmarks/fresh_turns.py --repeats 5 --json fresh.json

`run.py` times the same conversations several times and keeps the quickest pass, so its turns
are mostly answered from the parse and answer memos; a person's first question, and most of
what the web chat and `--jsonl` serve, is not. This prints the thread CPU time per turn
(median, p95, mean) over the ~5,000 turns of `tests/eval/` (the held-out and blind sets, and
the shared dev sets when present), each process's figures and the median over processes. CPU
time, not wall time: on a shared machine other processes only add wall time. No target: a
figure to compare before and after a change.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
EVAL = ROOT / "tests" / "eval"


def eval_cases() -> list[list[str]]:
    """The turns of every evaluation case, in order, one list per case."""
    import yaml

    files = sorted(EVAL.glob("*.yaml")) + sorted(EVAL.glob("blind/*.yaml")) + sorted(
        EVAL.glob("shared/dev*.yaml"))
    cases = []
    for path in files:
        for case in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            turns = [str(t["say"]) for t in case.get("turns", []) if t.get("say") is not None]
            if turns:
                cases.append(turns)
    return cases


def once(every: int = 1) -> dict[str, Any]:
    """Ask every case (or every `every`-th: a quicker sample) once in this process; thread
    CPU seconds per turn."""
    sys.path.insert(0, str(ROOT))
    from advisor import Advisor

    cases = eval_cases()[::max(1, every)]
    advisor = Advisor(cache_dir="off")
    cpu: list[float] = []
    clock = time.thread_time
    for turns in cases:
        session = advisor.session()
        for text in turns:
            start = clock()
            session.ask(text)
            cpu.append(clock() - start)
    cpu.sort()
    return {"turns": len(cpu), "median_ms": statistics.median(cpu) * 1000,
            "p95_ms": cpu[int(0.95 * (len(cpu) - 1))] * 1000,
            "mean_ms": statistics.fmean(cpu) * 1000}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3, help="fresh processes (default 3)")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    parser.add_argument("--every", type=int, default=1,
                        help="ask only every N-th case (a quicker sample; default 1: all)")
    parser.add_argument("--once", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.once:
        print(json.dumps(once(args.every)))
        return 0
    python = ROOT / ".venv" / "bin" / "python"
    runs = []
    for _ in range(max(1, args.repeats)):
        done = subprocess.run([str(python if python.exists() else sys.executable), __file__,
                               "--once", "--every", str(args.every)],
                              capture_output=True, text=True, check=True,
                              env={**os.environ, "RADIOLOGY_ADVISOR_CACHE": "off"})
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
        print("  " + ", ".join(f"{k} {v:.4f}" if isinstance(v, float) else f"{k} {v}"
                               for k, v in runs[-1].items()), file=sys.stderr)
    figures = {k: statistics.median(r[k] for r in runs) for k in ("median_ms", "p95_ms",
                                                                  "mean_ms")}
    print(f"fresh turns ({runs[0]['turns']} turns, thread CPU, median of {len(runs)} "
          f"processes): median {figures['median_ms']:.3f} ms, p95 {figures['p95_ms']:.3f} ms, "
          f"mean {figures['mean_ms']:.3f} ms")
    if args.json:
        Path(args.json).write_text(json.dumps({"runs": runs, **figures}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
