"""Per-turn shortcuts find exactly what the plain scans they replace found (issue 14).

A turn once tested every node's names in each faithfulness note; it now looks them up (an
index by first word). A wrong shortcut would change answers in ways an evaluation set might
not show, so it is checked here against the scan it replaced, over the evaluation questions,
the hostile texts and random texts of the advisor's own words.
"""

from __future__ import annotations

import importlib.util
import random
from pathlib import Path
from typing import Any

import pytest
import yaml

from advisor import Advisor

ROOT = Path(__file__).resolve().parent
TYPE_SETS: tuple[tuple[str, ...], ...] = ((), ("training", "credential"))


@pytest.fixture(scope="module")
def advisor() -> Advisor:
    return Advisor(cache_dir="off")


def _texts(advisor: Advisor) -> list[str]:
    texts: list[str] = []
    for path in sorted((ROOT / "eval").glob("**/*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            if isinstance(case, dict):
                texts.extend(str(t["say"]) for t in case.get("turns", []) if "say" in t)
    spec = importlib.util.spec_from_file_location("hostile", ROOT.parent / "benchmarks" /
                                                  "hostile.py")
    assert spec is not None and spec.loader is not None
    hostile = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hostile)
    texts.extend(hostile.PATHOLOGICAL.values())
    texts.extend(hostile.mixed_texts(10))
    # Random runs of the advisor's own words, names, their plurals and signal words.
    g = advisor.graph
    words = [w for n in g for name in (n.name, *n.aliases) for w in name.lower().split()]
    words += ["not", "no", "love", "hate", "but", "and", "kids", "s", "more", "than", "really"]
    rng = random.Random(5)
    for _ in range(300):
        texts.append(" ".join(rng.choice(words) + rng.choice(["", "", "s", ",", "."])
                              for _ in range(rng.randint(1, 40))))
    return texts


def test_the_nodes_a_question_names_are_those_a_scan_of_every_node_finds(
        advisor: Advisor) -> None:
    from advisor import provenance as prov_module

    prov: Any = advisor._engine.provenance
    g = advisor.graph
    has = prov_module._has
    for text in _texts(advisor):
        q = f" {' '.join(advisor._engine.understander.parse(text[:2000]).tokens)} "
        for which, table in (("names", prov._names), ("stated", prov._stated)):
            for types in TYPE_SETS:
                scanned = [n.id for n in g if (not types or n.type in types)
                           and any(has(q, t) for t in table[n.id])]
                assert [n.id for n in prov._holding(q, which, *types)] == scanned, (
                    text[:80], which, types)
