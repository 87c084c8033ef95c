"""Whole conversations as data: one test per YAML file in tests/dialog_transcripts/.

A transcript is `who:` (the persona) and `steps:`, each step one action with expectations:

    - observe: "I'm a resident who loves kids"   # iv.observe (slot filling outside the interview)
    - start: true                                # iv.start
    - user: "the second one"                     # iv.advance
    - save: true                                 # to_dict -> JSON -> from_dict, then go on
    - recommend: fellowship                      # iv.recommend(state, scope)
    - plan: true                                 # iv.plan_markdown(state)

    expectations on the step's turn (or text):
      kind: question            # turn.kind
      question: stage           # turn.question_id
      control: back             # turn.control
      says: [substrings]        # all must appear (case-insensitive)
      not_says: [substrings]    # none may appear
      first: Pediatric Radiology  # the top pick (name or id); it must also be named first in text
      not_listed: [names or ids]  # careers that must not be listed
      slots: {stage: [resident]}  # state.slots values after the step
      active: true              # state.active after the step
      asked: [4, 7]             # how many questions the interview asked so far (inclusive)

Every recommendation text is also checked for the rule that the first career it names is the
top pick.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from dialogs import DialogState, Interviewer, load_dialogs
from knowledge import CAREER_TYPES, Graph, load_graph

HERE = Path(__file__).resolve().parent / "dialog_transcripts"
FILES = sorted(HERE.glob("*.yaml"))
DEBUG = bool(os.environ.get("DIALOG_TRANSCRIPT_DEBUG"))
STEP_KEYS = {"observe", "start", "user", "save", "recommend", "plan"}
EXPECT_KEYS = {"kind", "question", "control", "says", "not_says", "first", "not_listed",
               "slots", "active", "asked"}


@pytest.fixture(scope="module")
def graph() -> Graph:
    return load_graph()


@pytest.fixture(scope="module")
def iv(graph: Graph) -> Interviewer:
    return Interviewer(graph, load_dialogs(None, graph))


def first_career_named(graph: Graph, text: str) -> str | None:
    """The career whose name appears earliest in `text` (the longest name on a tie)."""
    best: tuple[int, int, str] | None = None
    for node in graph.of_type(*sorted(CAREER_TYPES)):
        match = re.search(r"\b" + re.escape(node.name) + r"\b", text)
        if match and (best is None or (match.start(), -len(node.name)) < best[:2]):
            best = (match.start(), -len(node.name), node.name)
    return best[2] if best else None


def test_there_are_enough_transcripts() -> None:
    assert len(FILES) >= 20


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_transcript(path: Path, iv: Interviewer, graph: Graph) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert set(data) <= {"who", "steps"}, f"{path.name}: unknown top-level keys"
    assert data.get("who"), f"{path.name}: say who the person is"
    state = DialogState()
    for number, step in enumerate(data["steps"], 1):
        where = f"{path.name} step {number}"
        action = set(step) & STEP_KEYS
        assert len(action) == 1, f"{where}: exactly one of {sorted(STEP_KEYS)}"
        assert set(step) - STEP_KEYS <= EXPECT_KEYS, f"{where}: unknown keys"
        kind: str | None = None
        text = ""
        top: str | None = None
        listed: tuple[str, ...] = ()
        if "observe" in step:
            state = iv.observe(state, str(step["observe"]))
        elif "start" in step or "user" in step:
            if "start" in step:
                state, turn = iv.start(state)
            else:
                state, turn = iv.advance(state, str(step["user"]))
            kind, text = turn.kind, turn.text
            if "question" in step:
                assert turn.question_id == step["question"], f"{where}: {turn.question_id}"
            if "control" in step:
                assert turn.control == step["control"], f"{where}: control {turn.control}"
            if turn.kind == "recommendation" and turn.recommendation is not None:
                listed = turn.recommendation.node_ids
                top = listed[0] if listed else None
            if turn.kind in {"question", "reask", "not_an_answer", "control"} and \
                    turn.question_id:
                assert turn.progress is not None and 1 <= turn.progress[0] <= turn.progress[1]
        elif "save" in step:
            saved = json.loads(json.dumps(state.to_dict()))
            restored = DialogState.from_dict(saved)
            assert restored == state, f"{where}: state changed through JSON"
            state = restored
        elif "recommend" in step:
            rec = iv.recommend(state, str(step["recommend"]))
            kind, text, listed = "recommendation", rec.text, rec.node_ids
            top = listed[0] if listed else None
        else:
            kind, text = "plan", iv.plan_markdown(state)
        if DEBUG:
            print(f"\n--- {where}: {step} -> {kind}\n{text}")
        if "kind" in step:
            assert kind == step["kind"], f"{where}: got {kind!r}\n{text}"
        lowered = text.lower()
        for piece in step.get("says", ()):
            assert str(piece).lower() in lowered, f"{where}: {piece!r} not in\n{text}"
        for piece in step.get("not_says", ()):
            assert str(piece).lower() not in lowered, f"{where}: {piece!r} in\n{text}"
        if kind == "recommendation" and top is not None:
            named = first_career_named(graph, text)
            assert named == graph.node(top).name, f"{where}: first named {named!r}\n{text}"
        if "first" in step:
            assert top is not None, f"{where}: no recommendation\n{text}"
            assert step["first"] in {top, graph.node(top).name}, f"{where}: top is {top}\n{text}"
        for name in step.get("not_listed", ()):
            node = graph.lookup(name)
            assert node is not None and node.id not in listed, f"{where}: {name} listed"
        for slot, values in (step.get("slots") or {}).items():
            got: Any = state.slots.get(slot)
            want = None if values is None else tuple(str(v) for v in values)
            assert got == want, f"{where}: slot {slot} is {got}, expected {want}"
        if "active" in step:
            assert state.active is step["active"], f"{where}: active is {state.active}"
        if "asked" in step:
            low, high = step["asked"]
            assert low <= len(state.asked) <= high, f"{where}: asked {state.asked}"
