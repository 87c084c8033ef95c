"""The same question gets the same answer in every run: nothing in the reply may depend on
the order Python happens to iterate a set in (string hashing is seeded per process)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

BLIND = Path(__file__).parent / "eval" / "blind"


def _answers(lines: str, seed: str) -> list[str]:
    env = {**os.environ, "PYTHONHASHSEED": seed, "RADIOLOGY_ADVISOR_CACHE": "off"}
    done = subprocess.run([sys.executable, "-m", "advisor", "ask", "--jsonl"], input=lines,
                          capture_output=True, text=True, env=env, timeout=300, check=True)
    return done.stdout.splitlines()


def test_answers_do_not_depend_on_the_hash_seed() -> None:
    requests = []
    for name in ("multi.yaml", "nearscope.yaml", "conversations.yaml"):
        for case in yaml.safe_load((BLIND / name).read_text(encoding="utf-8")):
            requests += [json.dumps({"session": case["id"], "text": turn["say"]})
                         for turn in case["turns"]]
    lines = "\n".join(requests) + "\n"
    first, second = _answers(lines, "1"), _answers(lines, "2")
    assert len(first) == len(requests)
    differing = [(a, b) for a, b in zip(first, second, strict=True) if a != b]
    assert not differing, differing[:2]
