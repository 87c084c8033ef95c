"""Property and fuzz tests: whatever a person types, a program sends or a file holds, the
advisor answers or says clearly what is wrong; it never raises, never crashes a turn.

Every property runs deterministically (`derandomize`) so failures reproduce; set
FUZZ_RANDOM=1 (and FUZZ_EXAMPLES=N to scale the counts) to explore new inputs locally.
Example counts are in the settings below and summarised in ROBUSTNESS.md.
"""

from __future__ import annotations

import copy
import json
import os
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from support import run_cli

from advisor import Advisor, Reply, SessionStateError
from dialogs import DialogState, DialogStateError
from knowledge import NODE_TYPES, RELATIONS, validate

SCALE = float(os.environ.get("FUZZ_EXAMPLES", "1"))


def fuzz(n: int) -> settings:
    """Settings for one property: `n` examples, no deadline, no example database in the repo."""
    return settings(max_examples=max(1, int(n * SCALE)), deadline=None, database=None,
                    derandomize=not os.environ.get("FUZZ_RANDOM"),
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much])


# Terminal-unsafe characters: C0 controls but newline, DEL, C1 controls, bidi overrides.
UNSAFE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture(scope="module")
def adv() -> Advisor:
    return Advisor()


# -- strategies ------------------------------------------------------------------------------
WORDS = [
    "help", "me", "choose", "a", "career", "sonographer", "radiologist", "radiologic",
    "technologist", "how", "long", "what", "does", "do", "is", "the", "1", "2", "3", "7", "0",
    "-1", "99", "yes", "no", "maybe", "not sure", "skip", "back", "why", "just tell me",
    "compare", "and", "second one", "ir", "mri", "x-ray", "ct", "tech", "fellowship", "pay",
    "outlook", "residency", "quit", "start over", "scratch that", "I am in", "high school",
    "college", "medical student", "resident", "kids", "heart", "brain", "procedures",
    "patients", "teaching", "research", "ai", "which fits me", "more about",
]
CONTROL = st.sampled_from(["\x00", "\x1b[31m", "\x1b]0;t\x07", "\x9b2J", "\u202e", "\r", "\t",
                           "\x0b", "\x85", "\u2028", "\ufeff", "\u200b", "\x7f"])
word = st.sampled_from(WORDS)
any_text = st.text(max_size=80)  # every code point but surrogates, controls included
mixed_text = st.lists(st.one_of(word, word, st.text(max_size=6), CONTROL),
                      max_size=14).map(" ".join)
utterance = st.one_of(any_text, mixed_text, st.sampled_from(["", " ", "\n", "\t \t", "?", "1"]))


def check_reply(reply: Reply) -> None:
    """What every turn must give: a real reply, never the swallowed-exception one."""
    assert isinstance(reply, Reply)
    assert isinstance(reply.text, str) and reply.text.strip()
    assert reply.intent != "error" and reply.kind != "error", reply.text
    assert 0.0 <= reply.confidence <= 1.0
    json.dumps(reply.to_dict(explain=True), allow_nan=False)


# -- Session.ask -----------------------------------------------------------------------------
@fuzz(800)
@given(text=utterance)
@example(text="x" * 1_000_000)
@example(text="\x00" * 10_000 + "what does a sonographer do")
@example(text="[" * 10_000)
def test_ask_answers_any_text(adv: Advisor, text: str) -> None:
    check_reply(adv.session().ask(text))


@fuzz(250)
@given(turns=st.lists(utterance, min_size=1, max_size=10), interview=st.booleans())
def test_conversations_never_fail_and_resume_exactly(adv: Advisor, turns: list[str],
                                                     interview: bool) -> None:
    """Any conversation: every turn answers; saved mid-way through JSON and resumed, the copy
    answers the next turn exactly as the original does."""
    session = adv.session()
    if interview:
        check_reply(session.ask("help me choose a career"))
    for text in turns:
        check_reply(session.ask(text))
    saved = json.loads(json.dumps(session.to_dict(), allow_nan=False))
    resumed = adv.session(state=saved)
    assert resumed.to_dict() == session.to_dict()
    a, b = session.ask("which career fits me?"), resumed.ask("which career fits me?")
    assert (a.text, a.intent, a.entities) == (b.text, b.intent, b.entities)


ANSWERS = st.one_of(utterance, st.integers(-5, 20).map(str),
                    st.sampled_from(["yes", "no", "not sure", "skip", "back", "why", "undo",
                                     "just tell me", "start over", "quit", "2 and 3", "1, 2",
                                     "none of them", "all of them", "scratch that"]))


@fuzz(250)
@given(answers=st.lists(ANSWERS, min_size=1, max_size=14))
def test_interview_takes_any_answers(adv: Advisor, answers: list[str]) -> None:
    session = adv.session()
    first = session.ask("help me choose a career")
    assert session.dialog.active, first.text
    for text in answers:
        check_reply(session.ask(text))
        assert session.dialog.phase in {"idle", "asking", "reviewing", "ended"}
    json.dumps(session.to_dict(), allow_nan=False)


# -- saved state -----------------------------------------------------------------------------
json_leaf = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
                      st.text(max_size=12))
json_data = st.recursive(json_leaf, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)),
    max_leaves=25)


@pytest.fixture(scope="module")
def saved(adv: Advisor) -> dict[str, Any]:
    session = adv.session()
    for text in ("what does a sonographer do?", "help me choose a career", "college", "yes",
                 "I love teaching and research"):
        session.ask(text)
    return session.to_dict()


SESSION_PATHS = ["format", "version", "context", "dialog", "transcript", "transcript.0",
                 "transcript.0.0", "context.topic", "context.last_intent", "context.last_list"]
DIALOG_PATHS = ["type", "format_version", "flow", "phase", "pending", "slots", "topics",
                "interests", "asked", "ranking", "history", "history.0", "history.0.slots",
                "history.0.topics", "history.0.question", "slots.stage", "unknown"]


def replaced(data: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A deep copy of `data` with the item at a dotted path set to `value`."""
    out = copy.deepcopy(data)
    *parents, last = path.split(".")
    node: Any = out
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node.setdefault(part, {})
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return out


@fuzz(700)
@given(state=json_data)
def test_session_state_any_json_loads_or_raises_session_state_error(adv: Advisor,
                                                                    state: Any) -> None:
    try:
        adv.session(state=state)
    except SessionStateError as exc:
        assert str(exc).strip()


@fuzz(700)
@given(path=st.sampled_from(SESSION_PATHS + [f"dialog.{p}" for p in DIALOG_PATHS]),
       value=json_data)
def test_session_state_corrupted_field_loads_or_raises(adv: Advisor, saved: dict[str, Any],
                                                       path: str, value: Any) -> None:
    """A real saved session with one field replaced by anything JSON can hold."""
    try:
        adv.session(state=replaced(saved, path, value))
    except SessionStateError as exc:
        assert str(exc).strip()


@fuzz(300)
@given(path=st.sampled_from([f"dialog.{p}" for p in DIALOG_PATHS]), value=json_data)
@example(path="dialog.slots", value={"no_such_slot": ["x"]})
@example(path="dialog.pending", value=None)
@example(path="dialog.ranking", value=["no_such_node"])
def test_accepted_state_is_usable_and_saves_again(adv: Advisor, saved: dict[str, Any],
                                                  path: str, value: Any) -> None:
    """Whatever `session(state=...)` accepts must answer turns and save again, reloadably:
    a state that loads but fails every turn loses the person's conversation just the same."""
    try:
        session = adv.session(state=replaced(saved, path, value))
    except SessionStateError:
        return
    for text in ("yes", "what does a sonographer do?", "which career fits me?"):
        check_reply(session.ask(text))
    again = json.loads(json.dumps(session.to_dict(), allow_nan=False))
    assert adv.session(state=again).to_dict() == session.to_dict()


@fuzz(600)
@given(data=json_data)
def test_dialog_state_from_dict_any_json(data: Any) -> None:
    try:
        state = DialogState.from_dict(data)
    except DialogStateError as exc:
        assert str(exc).strip()
        return
    assert DialogState.from_dict(json.loads(json.dumps(state.to_dict()))) == state


@fuzz(600)
@given(key=st.sampled_from(["type", "format_version", "flow", "phase", "pending", "slots",
                            "topics", "interests", "asked", "ranking", "history"]),
       value=json_data)
def test_dialog_state_from_dict_wrong_field(key: str, value: Any) -> None:
    good = DialogState(slots={"stage": ("college",)}, topics={"teaching": 1},
                       phase="asking", pending="med_school", asked=("stage",)).to_dict()
    try:
        DialogState.from_dict({**good, key: value})
    except DialogStateError as exc:
        assert str(exc).strip()


# -- the JSON Lines reader and text mode, in process -----------------------------------------
sessions = st.one_of(st.sampled_from(["a", "b", "c"]), st.integers(-3, 3), st.text(max_size=5),
                     json_data)
request = st.one_of(
    st.fixed_dictionaries({"text": utterance}, optional={"session": sessions,
                                                          "explain": json_data}),
    st.fixed_dictionaries({"text": json_data}, optional={"session": sessions}),
    json_data,
)
jsonl_line = st.one_of(
    request.map(lambda r: json.dumps(r).encode()),
    request.map(lambda r: json.dumps(r, ensure_ascii=False).encode("utf-8")),
    st.binary(max_size=40).filter(lambda b: b"\n" not in b),
    st.sampled_from([b"", b"   ", b"\t", b"\xff\xfe", b"\x00\x00", b"{", b'{"text": "hi"',
                     b"[" * 2000, b"null", b"\xef\xbb\xbf{\"text\": \"hi\"}", b"\r"]),
)


@fuzz(250)
@given(lines=st.lists(jsonl_line, min_size=1, max_size=8))
def test_jsonl_one_reply_line_per_request_line(adv: Advisor, lines: list[bytes]) -> None:
    status, raw, err = run_cli(["ask", "--jsonl"], b"\n".join(lines) + b"\n", adv)
    assert err == ""
    assert raw.endswith(b"\n") or raw == b""
    replies = [json.loads(line) for line in raw.decode("utf-8").split("\n")[:-1]]
    texts = [line.decode("utf-8", "replace") for line in b"\n".join(lines).split(b"\n")]
    texts[0] = texts[0].removeprefix("\ufeff")  # a byte-order mark only opens a stream
    expected = [text for text in texts if text.rstrip("\r").strip()]
    assert len(replies) == len(expected)
    for reply in replies:
        assert isinstance(reply, dict) and (("error" in reply) != ("answer" in reply))
        if "answer" in reply:
            assert reply["intent"] != "error", reply["answer"]
    assert status == (2 if any("error" in r for r in replies) else 0)


@fuzz(200)
@given(lines=st.lists(st.one_of(utterance.map(lambda t: t.encode("utf-8")),
                                st.binary(max_size=40)), min_size=1, max_size=6))
def test_text_mode_output_is_terminal_safe(adv: Advisor, lines: list[bytes]) -> None:
    """Text mode echoes each question as '> question': never a raw control or escape."""
    data = b"\n".join(line.replace(b"\n", b" ") for line in lines) + b"\n"
    status, raw, err = run_cli(["ask", "--explain", "-"], data, adv)
    assert status == 0 and err == ""
    out = raw.decode("utf-8")
    assert not UNSAFE.search(out), repr(UNSAFE.search(out))


# -- the knowledge loader --------------------------------------------------------------------
PROBLEM_LINE = re.compile(r"^.+:\d+:\d+: error: [^\n]+$")
YAML_BITS = ["nodes:", "  - id: a", "    type: role", "    name: A", "    summary: s",
             "    section: s", "    relations: {requires: [b]}", "  - id: b", "    type: training",
             "    duration: 4-5 years", "    duration: {min: 5, max: 4}", "field:",
             "  domain_terms: [x]", "- ", "&a [*a]", "*a", "<<: *a", "{", "[", "? ", ": ",
             "\t", "%YAML 1.1", "---", "...", "!!binary AAA", "!foo x",
             "!!python/object/apply:os.system [true]", "'", '"\\x00"', "\ufeff", "\x85",
             "\u2028", "key: \"\\e[31m\"", "\"\\e[1mfield\": 1", "a: &x 1", "b: *x", "- [[[[",
             "{a: {b: {c: {d: [1, 2, {e: f}]}}}}", "x: 1e400", "y: 0x", "z: !!int 12"]
# explicit tags on scalars with invalid values are reported as problems, never a crash
EXPLICIT_BAD_SCALARS = ["!!timestamp soon", "!!bool maybe", "!!timestamp 2020-01-01 [x]"]


def yaml_texts(bits: list[str]) -> st.SearchStrategy[str]:
    return st.one_of(st.text(max_size=200),
                     st.lists(st.sampled_from(bits) | st.text(max_size=8), max_size=14)
                     .map("\n".join))


ident = st.sampled_from(["id", "type", "name", "summary", "section", "aliases", "keywords",
                         "relations", "requires", "duration", "duties", "nodes", "field",
                         "statements", "specializes", "domain_terms"]) | st.text(max_size=6)
yaml_leaf = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
                      st.text(max_size=12), ident,
                      st.sampled_from(["4-5 years", "-1 years", "5-4 years", "2 months"]))
yaml_data = st.recursive(yaml_leaf, lambda inner: st.one_of(
    st.lists(inner, max_size=4),
    st.dictionaries(ident | st.integers() | st.booleans() | st.none(), inner, max_size=5)),
    max_leaves=30)
yaml_node = st.fixed_dictionaries(
    {"id": st.sampled_from(["a", "b", "c", "B", "1x"]) | yaml_leaf,
     "type": st.sampled_from(list(NODE_TYPES)) | yaml_leaf,
     "name": st.text(max_size=8), "summary": st.just("s"), "section": st.just("s")},
    optional={"relations": st.dictionaries(
        st.sampled_from(list(RELATIONS)) | ident,
        st.lists(st.sampled_from(["a", "b", "c", "zz"]), max_size=3) | yaml_leaf, max_size=3),
        "duration": yaml_leaf, "aliases": st.lists(st.text(max_size=5) | yaml_leaf, max_size=3),
        "extra": yaml_leaf})
yaml_doc = st.one_of(yaml_data, st.fixed_dictionaries({"nodes": st.lists(yaml_node, max_size=5)},
                                                      optional={"field": yaml_data}))


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("kfuzz")


def check_validate(root: Path, files: Mapping[str, str | bytes]) -> None:
    directory = Path(tempfile.mkdtemp(dir=root))
    for name, content in files.items():
        data = content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass")
        (directory / name).write_bytes(data)
    graph, problems = validate(directory)
    assert (graph is None) == bool(problems)
    for problem in problems:
        assert PROBLEM_LINE.match(str(problem)), str(problem)


@fuzz(800)
@given(text=yaml_texts(YAML_BITS))
@example(text="x: " + "[" * 10_000 + "]" * 10_000)
@example(text="".join("  " * i + "- \n" for i in range(200)))
def test_validate_any_yaml_text_returns_problems(scratch: Path, text: str) -> None:
    check_validate(scratch, {"k.yaml": text})


@fuzz(400)
@given(docs=st.lists(yaml_doc, min_size=1, max_size=3), flow_style=st.booleans())
def test_validate_wrong_types_everywhere(scratch: Path, docs: list[Any],
                                         flow_style: bool) -> None:
    files = {f"f{i}.yaml": yaml.safe_dump(doc, default_flow_style=flow_style,
                                          allow_unicode=True) for i, doc in enumerate(docs)}
    check_validate(scratch, files)


@fuzz(300)
@given(content=st.binary(max_size=300))
def test_validate_arbitrary_bytes(scratch: Path, content: bytes) -> None:
    check_validate(scratch, {"k.yaml": content})


@fuzz(200)
@given(text=yaml_texts(YAML_BITS + EXPLICIT_BAD_SCALARS))
@example(text="nodes:\n  - id: a\n    summary: !!timestamp soon\n")
def test_validate_explicitly_tagged_scalars_return_problems(scratch: Path, text: str) -> None:
    check_validate(scratch, {"k.yaml": text})

