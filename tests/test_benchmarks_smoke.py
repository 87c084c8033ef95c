"""The benchmark's synthetic graphs load and answer right (no timing here: see benchmarks/)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from advisor import Advisor

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def _synthetic() -> ModuleType:
    spec = importlib.util.spec_from_file_location("synthetic", BENCHMARKS / "synthetic.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("synthetic", module)
    spec.loader.exec_module(module)
    return module


def test_a_2x_synthetic_graph_loads_and_its_probes_are_answered(tmp_path: Path) -> None:
    synthetic = _synthetic()
    made = synthetic.generate(tmp_path / "knowledge", scale=2)
    assert made.nodes == 2 * (made.nodes - made.generated)
    advisor = Advisor(made.knowledge_dir)
    assert len(advisor.graph) == made.nodes
    kinds = {p.kind for p in made.probes}
    assert {"role", "role typo", "training", "training typo", "subspecialty typo"} <= kinds
    misses = []
    for probe in made.probes:
        reply = advisor.session().ask(probe.text)
        got = reply.entities[0] if reply.entities else None
        if got != probe.expected:
            misses.append((probe.text, probe.expected, got, reply.intent))
    assert not misses, misses


def test_generation_is_deterministic(tmp_path: Path) -> None:
    synthetic = _synthetic()
    first = synthetic.generate(tmp_path / "a", scale=2, seed=3)
    second = synthetic.generate(tmp_path / "b", scale=2, seed=3)
    files = sorted(p.name for p in first.knowledge_dir.glob("*.yaml"))
    assert files == sorted(p.name for p in second.knowledge_dir.glob("*.yaml"))
    for name in files:
        assert (first.knowledge_dir / name).read_text() == (second.knowledge_dir / name).read_text()
    assert first.probes == second.probes
