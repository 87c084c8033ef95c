"""Per-turn shortcuts find exactly what the plain scans they replace found (issue 14).

A turn once tested every node's names in each faithfulness note, and filtered and sorted a
whole clause's signals for every cue of the interview's reader; both are now lookups (an index
by first word, bisection in a per-clause index). A wrong shortcut would change answers in
ways an evaluation set might not show, so each is checked here against the scan it replaced,
over the evaluation questions, the hostile texts and random texts of the advisor's own words.
"""

from __future__ import annotations

import importlib.util
import random
from pathlib import Path
from typing import Any

import pytest
import yaml

from advisor import Advisor
from dialogs.text import Hit
from dialogs.understand import _BACKWARD, _NEGATING, _POLAR, NEG, NEUTRAL, POS, UNSURE

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


def _scanned_polarity(reader: Any, u: Any, hit: Any, until: int | None) -> str | None:
    """The reader's signal polarity as it was worked out before the per-clause index: the
    clause's signals filtered and sorted for each cue."""
    clause = u.tokens[hit.start].clause
    mine = reader._clauses(u)[2].get(clause, [])
    near = hit.start - 16
    before = sorted((s for s in mine if near <= s.end <= hit.start
                     and s.payload & _BACKWARD), key=lambda s: s.end)
    if before and before[-1].payload == {"break"}:
        before = []
    if before:
        kinds = before[-1].payload
        if "unsure" in kinds:
            return UNSURE
        if "neutral" in kinds:
            return NEUTRAL
        if kinds & _NEGATING:
            return NEG
        if "pos" in kinds and len(before) > 1 and before[-2].payload & _NEGATING \
                and before[-1].start - before[-2].end <= 2:
            return NEG
        return POS
    after = [s for s in mine if s.start >= hit.end and (until is None or s.start < until)
             and s.payload & (_POLAR | {"neg_after"})]
    cut = next((s.start for s in sorted(after, key=lambda s: s.start) if tuple(
        t.word for t in u.tokens[s.start:s.end]) in reader._comparatives), None)
    after = [s for s in after if s.payload != {"break"} and (cut is None or s.start < cut)]
    if after:
        if any("neg_after" in s.payload for s in after):
            return NEG
        first = min(after, key=lambda s: s.start)
        kinds = first.payload
        if "unsure" in kinds:
            return UNSURE
        if "neutral" in kinds:
            return NEUTRAL
        if "pos" in kinds:
            return POS
        if kinds & _NEGATING and first.start - hit.end <= 1 and (
                first.end == len(u.tokens) or u.tokens[first.end].clause != clause):
            return NEG
    return None


def test_a_cues_polarity_signals_are_those_a_scan_of_its_clause_finds(
        advisor: Advisor) -> None:
    reader: Any = advisor._engine.interviewer.reader
    checked = 0
    for text in _texts(advisor):
        u = reader.read(text)
        for start in range(len(u.tokens)):
            hit = Hit(start, min(len(u.tokens), start + 1 + start % 2), ("topic", "", ""))
            for until in (None, start + 3):
                got = reader._signal_polarity(u, hit, until)
                assert got == _scanned_polarity(reader, u, hit, until), (text[:80], start)
                checked += 1
    assert checked > 10_000
