"""The QA held-out evaluation set, tests/eval/heldout.yaml, scored from outside.

The shared scorer (../shared/eval/score.py, beside the work tree) drives the real command line
in its JSON Lines mode over every held-out case, exactly as the external evaluation does, and
the pass rate must not fall below the floor. The floor is the rate measured when the set was
written (132/181 = 72.9%) less 5 points, rounded down to a multiple of 5%: raise it as the
advisor improves. The set's own shape (ids, kinds, scored turns) is checked without the scorer.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
HELDOUT = ROOT / "tests" / "eval" / "heldout.yaml"
SCORER = Path(__file__).resolve().parents[2] / "shared" / "eval" / "score.py"

MEASURED = 132 / 181  # pass rate when the set was written
FLOOR = 0.65  # MEASURED less 5 points, rounded down to a multiple of 5%
TIMEOUT = 300

KINDS = {"fact", "paraphrase", "typo", "context", "oos", "persona", "smalltalk", "interview"}
SCORED_KEYS = ("expect", "forbid", "first", "fallback")


def load_cases() -> list[dict[str, Any]]:
    data = yaml.safe_load(HELDOUT.read_text(encoding="utf-8"))
    assert isinstance(data, list)
    return data


def advisor_command() -> list[str]:
    """The installed console script when there is one, else the same CLI as a module."""
    script = Path(sys.executable).with_name("radiology-advisor")
    if script.exists():
        return [str(script), "ask", "--jsonl"]
    return [sys.executable, "-m", "advisor", "ask", "--jsonl"]


def test_heldout_set_is_well_formed() -> None:
    cases = load_cases()
    assert len(cases) >= 160
    ids = [case["id"] for case in cases]
    assert len(ids) == len(set(ids)), "duplicate case ids"
    assert all(i.startswith("ho-") for i in ids)
    kinds = Counter(case["kind"] for case in cases)
    assert set(kinds) == KINDS, kinds
    for case in cases:
        turns = case["turns"]
        assert turns and all(isinstance(t.get("say"), str) and t["say"].strip() for t in turns)
        assert any(k in turns[-1] for k in SCORED_KEYS), f"{case['id']}: last turn not scored"
        if case["kind"] == "oos":
            assert turns[-1].get("fallback") is True, case["id"]
        if case["kind"] in ("persona", "interview"):
            first = turns[-1]["first"]
            assert first["want"] and first["among"], case["id"]
            wanted = {w.lower() for w in first["want"]}
            assert not wanted & {a.lower() for a in first["among"]}, case["id"]
        if case["kind"] == "interview":
            assert len(turns) >= 4, case["id"]
        for t in turns:
            for group in t.get("expect", []):
                assert isinstance(group, list) and group and all(isinstance(a, str) for a in group)


@pytest.mark.skipif(not SCORER.exists(), reason=f"shared scorer not found at {SCORER}")
def test_heldout_pass_rate(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("RADIOLOGY_ADVISOR", "PYTEST"))}
    env.update(HOME=str(tmp_path / "home"), XDG_DATA_HOME=str(tmp_path / "data"),
               PYTHONIOENCODING="utf-8")
    proc = subprocess.run(
        [sys.executable, str(SCORER), "--verbose", "--json", str(HELDOUT), "--",
         *advisor_command()],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=TIMEOUT,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = proc.stdout.strip().splitlines()
    summary = json.loads(lines[-1])
    assert summary["cases"] == len(load_cases())
    rate = summary["passed"] / summary["cases"]
    by_kind = {k: f"{p}/{n}" for k, (p, n) in summary["by_kind"].items()}
    failures = "\n".join(line for line in lines if line.startswith("FAIL"))
    assert rate >= FLOOR, (
        f"held-out pass rate {rate:.1%} < floor {FLOOR:.0%} (measured {MEASURED:.1%}); "
        f"by kind {by_kind}\n{failures[-6000:]}"
    )
