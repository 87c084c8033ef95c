"""The library as people embed it: `from advisor import Advisor`, sessions, replies,
saving and resuming, the graph, many sessions on one advisor, and silence (no printing)."""

from __future__ import annotations

import json
import re
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

import advisor as advisor_pkg
from advisor import (
    Advisor,
    AdvisorError,
    Explanation,
    KnowledgeError,
    Reply,
    Session,
    SessionStateError,
)

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def adv() -> Advisor:
    return Advisor()


def test_public_surface() -> None:
    for name in advisor_pkg.__all__:
        assert hasattr(advisor_pkg, name), name
    assert {"Advisor", "Reply", "Session", "SessionStateError", "KnowledgeError",
            "AdvisorError", "Explanation", "__version__"} <= set(advisor_pkg.__all__)
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", advisor_pkg.__version__)
    assert issubclass(KnowledgeError, AdvisorError) and issubclass(KnowledgeError, ValueError)
    assert issubclass(SessionStateError, AdvisorError)
    assert issubclass(SessionStateError, ValueError)
    assert (ROOT / "advisor" / "py.typed").exists()


def test_library_does_not_load_the_repl() -> None:
    """Embedding the advisor must not pay for prompt_toolkit."""
    import subprocess

    code = ("import sys; from advisor import Advisor; Advisor().session().ask('hi'); "
            "print([m for m in sys.modules if m.startswith('prompt_toolkit')])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_embedded_advisor_answers(adv: Advisor) -> None:
    session = adv.session()
    assert isinstance(session, Session)
    reply = session.ask("Which certification do sonographers need?")
    assert isinstance(reply, Reply)
    assert "ARDMS" in reply.text
    assert reply.answer == reply.text
    assert isinstance(reply.intent, str) and reply.intent
    assert isinstance(reply.entities, tuple) and "sonographer" in reply.entities
    assert all(e in adv.graph for e in reply.entities)
    assert isinstance(reply.confidence, float) and 0.0 < reply.confidence <= 1.0
    assert reply.fallback is False
    assert isinstance(reply.suggestions, tuple)
    assert all(isinstance(s, str) and s for s in reply.suggestions)
    assert isinstance(reply.explain, Explanation)
    assert reply.explain.intent == reply.intent
    assert "sonographer" in str(reply.explain)


def test_reply_is_json_ready(adv: Advisor) -> None:
    reply = adv.session().ask("compare radiologist and sonographer")
    data = json.loads(json.dumps(reply.to_dict(explain=True)))
    assert data["answer"] == reply.text and data["fallback"] is False
    assert data["explain"]["intent"] == reply.intent
    assert data["table"][0][1:] == ["Radiologist", "Sonographer"]


def test_fallback_is_a_value_not_an_exception(adv: Advisor) -> None:
    session = adv.session()
    for text in ("What's the weather in Paris tomorrow?", "", "zxqv blorp", "\x1b[31m" * 50,
                 "a" * 100_000):
        reply = session.ask(text)
        assert isinstance(reply, Reply)
    oos = session.ask("What's the weather in Paris tomorrow?")
    assert oos.fallback is True and oos.suggestions


def test_one_off_ask(adv: Advisor) -> None:
    assert "sonograph" in adv.ask("What does a sonographer do?").text.lower()


@pytest.mark.parametrize("kwargs", [
    {"knowledge_dir": "/nonexistent/knowledge"},
    {"dialogs_dir": "/nonexistent/dialogs"},
])
def test_bad_directories_raise_knowledge_error(kwargs: dict[str, str]) -> None:
    with pytest.raises(KnowledgeError) as info:
        Advisor(**kwargs)
    assert info.value.problems
    assert "nonexistent" in str(info.value)


def test_invalid_knowledge_file_names_file_line_col(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("nodes:\n  - id: x\n    type: [unclosed\n",
                                          encoding="utf-8")
    with pytest.raises(KnowledgeError) as info:
        Advisor(knowledge_dir=tmp_path)
    assert re.search(r"broken\.yaml:\d+:\d+: error:", str(info.value))


def test_resume_from_json_keeps_context(adv: Advisor) -> None:
    first = adv.session()
    first.ask("What does a sonographer do?")
    saved = json.dumps(first.to_dict())
    resumed = adv.session(state=json.loads(saved))
    assert resumed.transcript == first.transcript
    follow_up = resumed.ask("How do I become one?")
    assert "sonographer" in follow_up.entities
    assert not follow_up.fallback
    # the original goes on independently
    assert first.ask("what about radiologic technologists?").entities[:1] == \
        ("radiologic_technologist",)
    assert resumed.context.topic[:1] == ("sonographer",)


def test_resume_mid_interview(adv: Advisor) -> None:
    session = adv.session()
    question = session.ask("help me choose a career in radiology")
    assert session.dialog.active, question.text
    resumed = adv.session(state=json.loads(json.dumps(session.to_dict())))
    assert resumed.dialog.active
    assert resumed.dialog.to_dict() == session.dialog.to_dict()


@pytest.mark.parametrize("state, message", [
    ([], "must be a JSON object"),
    ({"format": "someone-else/session", "version": 1}, "not a radiology-advisor session"),
    ({"format": "radiology-advisor/session", "version": 999}, "newer than"),
    ({"format": "radiology-advisor/session", "version": "1"}, "version"),
    ({"format": "radiology-advisor/session", "version": 1, "transcript": "oops"}, "transcript"),
    ({"format": "radiology-advisor/session", "version": 1, "context": {"topic": 3}}, "topic"),
])
def test_bad_state_raises_session_state_error(adv: Advisor, state: Any, message: str) -> None:
    with pytest.raises(SessionStateError, match=message):
        adv.session(state=state)


def test_graph_is_reachable(adv: Advisor) -> None:
    graph = adv.graph
    radiologist = graph.node("radiologist")
    assert radiologist.name == "Radiologist"
    assert graph.lookup("rad tech") is not None
    assert graph.lookup("rad tech").id == "radiologic_technologist"  # type: ignore[union-attr]
    pathway = graph.pathway("interventional_radiology")
    assert pathway.steps[0].id == "medical_school"
    assert pathway.total is not None and str(pathway.total) == "10–11 years"
    match = graph.find("sonographr")
    assert match is not None and match.node.id == "sonographer"


def test_one_advisor_many_sessions(adv: Advisor) -> None:
    a, b = adv.session(), adv.session()
    a.ask("What does a sonographer do?")
    b.ask("What does a radiologist do?")
    assert "sonographer" in a.ask("how long does it take?").entities
    assert "radiologist" in b.ask("how long does it take?").entities
    assert len(a.transcript) == len(b.transcript) == 2


def test_sessions_in_threads_match_sequential_answers(adv: Advisor) -> None:
    questions = ["What does a sonographer do?", "How long does it take?",
                 "Which certification is needed?", "compare it with radiologic technologist"]
    expected = adv.session()
    want = [expected.ask(q).text for q in questions]
    results: dict[int, list[str]] = {}

    def talk(index: int) -> None:
        session = adv.session()
        results[index] = [session.ask(q).text for q in questions]

    threads = [threading.Thread(target=talk, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert all(results[i] == want for i in range(8))


def test_library_never_prints(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    adv = Advisor()
    session = adv.session()
    for text in ("hello", "What does a sonographer do?", "help me choose a career", "1",
                 "weather?", "", "back", "compare radiologist and sonographer"):
        session.ask(text)
    adv.session(state=json.loads(json.dumps(session.to_dict())))
    with pytest.raises(KnowledgeError):
        Advisor(knowledge_dir=tmp_path / "missing")
    with pytest.raises(SessionStateError):
        adv.session(state={"format": "x"})
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def readme_library_example() -> str | None:
    """The first ```python block under the README's '## Library' heading, if any."""
    readme = ROOT / "README.md"
    if not readme.exists():
        return None
    text = readme.read_text(encoding="utf-8")
    match = re.search(r"^## Library[^\n]*\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    if match is None:
        return None
    block = re.search(r"^```python[^\n]*\n(.*?)^```", match.group(1), re.M | re.S)
    return block.group(1) if block else None


def test_readme_example(capsys: pytest.CaptureFixture[str]) -> None:
    code = readme_library_example()
    if code is None:
        pytest.skip("README.md has no ```python block under '## Library' yet")
    namespace: dict[str, Any] = {"__name__": "readme_example"}
    exec(compile(code, "README.md (## Library)", "exec"), namespace)
    capsys.readouterr()  # the example may print: that is the example's business
