"""The web load benchmark runs end to end on a small load (its figures are not judged here)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def test_the_web_load_benchmark_runs_and_reports_both_endpoints(tmp_path: Path) -> None:
    out = tmp_path / "figures.json"
    run = subprocess.run(
        [sys.executable, str(BENCHMARKS / "web_load.py"), "--stores", "memory",
         "--requests", "640", "--rounds", "1", "--warmup", "640", "--json", str(out)],
        capture_output=True, text=True, timeout=300)
    assert run.returncode in (0, 1), run.stderr  # 1: a target missed on this machine
    assert "| memory, 1 worker | `GET /healthz` |" in run.stdout
    assert "| memory, 1 worker | `POST .../messages` |" in run.stdout
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert figures["memory"]["message_rps"] > 0 and figures["turn_mean_us"] > 0
    assert figures["memory"]["message_client_cpu_us"] > 0 and figures["turn_ask_us"] > 0
    assert "memory: a message costs the server at least a trivial request" in run.stdout
