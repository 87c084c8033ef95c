"""Bad input and injected faults, case by case: over-long and binary input, hostile unicode,
escape sequences, corrupted saved sessions, unsafe or broken knowledge files, failing disks
and closed output. Every case ends in a reply or one clear message, never a traceback.

The bugs these tests found were fixed; ROBUSTNESS.md lists them.
"""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from support import env_for, run_cli

from advisor import Advisor, KnowledgeError, SessionStateError
from dialogs import DialogState, DialogStateError
from knowledge import EMBEDDED_DIR, load_graph, validate
from knowledge.yamlsafe import MAX_FILE_BYTES

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 60
# Terminal-unsafe characters: C0 controls but newline, DEL, C1 controls, bidi overrides.
UNSAFE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
PROBLEM_LINE = re.compile(r"^[^\n]+:\d+:\d+: error: [^\n]+$")
HOSTILE = "\x1b[31mred\x1b]0;title\x07 \x9b2J\x1bP+q\x1b\\ \u202egnp.exe\x08\x7f\r"
SESSION_FORMAT = "radiology-advisor/session"




def run(tmp_path: Path, *args: str | bytes, stdin: bytes | None = None,
        **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "advisor", *args], input=stdin,
                          capture_output=True, cwd=ROOT, env=env_for(tmp_path), timeout=TIMEOUT,
                          stdin=None if stdin is not None else subprocess.DEVNULL, **kwargs)


def no_traceback(result: subprocess.CompletedProcess[bytes]) -> str:
    err = result.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err and "internal error" not in err, err
    return err


@pytest.fixture(scope="module")
def adv() -> Advisor:
    return Advisor()


def replies(raw: bytes) -> list[dict[str, Any]]:
    """JSON Lines output, split on newline bytes as the protocol defines."""
    return [json.loads(line) for line in raw.split(b"\n") if line]


# == 1. bounded input =========================================================================
@pytest.mark.parametrize("interview", [False, True], ids=["question", "interview-answer"])
def test_one_megabyte_utterance_is_cut_and_the_limit_told(adv: Advisor, interview: bool) -> None:
    session = adv.session()
    if interview:
        session.ask("help me choose a career")
    reply = session.ask("what does a sonographer do? " + "blah " * 200_000)
    assert "2000" in reply.text and "longer" in reply.text
    assert reply.intent != "error"
    assert all(len(q) <= 2000 for q, _ in session.transcript)


def test_megabyte_lines_on_stdin_are_answered_with_the_limit(tmp_path: Path) -> None:
    data = (b"tell me about sonographers " + b"x" * 1_000_000 + b"\n"  # one 1 MB line
            + b"y" * 3_000_000 + b"\n"                                  # beyond the line limit
            + b"how long is radiology residency?\n")
    result = run(tmp_path, "ask", "-", stdin=data)
    no_traceback(result)
    out = result.stdout.decode("utf-8")
    assert result.returncode == 0
    assert out.count("\n> ") + out.startswith("> ") == 3
    assert out.count("2000 characters") == 2
    assert "4–5 years" in out


def test_echo_of_a_megabyte_question_is_bounded(adv: Advisor) -> None:
    status, raw, err = run_cli(["ask", "-"], b"what is IR? " + b"x" * 1_000_000 + b"\n", adv)
    assert status == 0 and err == ""
    assert b"2000 characters" in raw and len(raw) < 10_000


def test_jsonl_text_near_a_megabyte_is_answered_with_the_limit(adv: Advisor) -> None:
    line = json.dumps({"session": "a", "text": "what does a sonographer do? " + "z" * 900_000})
    status, raw, err = run_cli(["ask", "--jsonl"], line.encode() + b"\n", adv)
    [reply] = replies(raw)
    assert status == 0 and err == ""
    assert "2000" in reply["answer"] and "sonographer" in reply["entities"]


def test_jsonl_line_over_the_limit_is_refused_naming_the_limit(adv: Advisor) -> None:
    big = json.dumps({"session": "a", "text": "x" * 1_100_000}).encode()
    status, raw, err = run_cli(["ask", "--jsonl"], big + b'\n{"session": "a", "text": "hi"}\n',
                               adv)
    first, second = replies(raw)
    assert status == 2 and err == ""
    assert re.search(r"1[ ,]?000[ ,]?000 bytes|1 MB", first["error"]), first["error"]
    assert second["intent"] == "greeting"


# == 2. odd bytes, blank lines, wrong types ===================================================
JUNK_LINES = [b"", b"   ", b"\t\t", b"\r", b"\x00\x00\x00", b"\xff\xfe\xfd", b"\xc3",
              b"\xed\xa0\x80", b"\x1b[2J\x1b[H", b"what does a \x00sonographer\x00 do?\r"]


def test_text_mode_takes_junk_lines(tmp_path: Path) -> None:
    data = b"\xef\xbb\xbf" + b"\n".join(JUNK_LINES) + b"\nhi"  # BOM first, no final newline
    result = run(tmp_path, "ask", "-", stdin=data)
    no_traceback(result)
    out = result.stdout.decode("utf-8")
    assert result.returncode == 0 and result.stderr == b""
    asked = [line for line in out.split("\n") if line.startswith(">")]
    assert len(asked) == 7  # every line but the four blank ones
    assert "> what does a sonographer do?" in asked and "> hi" in asked
    assert not UNSAFE.search(out)


def test_jsonl_junk_lines_each_get_one_error_and_processing_goes_on(adv: Advisor) -> None:
    nested = b"[" * 10_000 + b"]" * 10_000
    wrong = [b'{"text": 5}', b'{"text": null}', b'{"text": ["hi"]}', b'{"session": {}, '
             b'"text": "hi"}', b'{"session": true, "text": "hi"}', b'{"session": 1.5, "text": '
             b'"hi"}', b"[]", b'"hi"', b"1e999", b"NaN", b"{", b'{"text": "hi"', nested,
             b'{"a": ' * 5000]
    lines = [*JUNK_LINES, *wrong, b'{"session": "s", "text": "what does a sonographer do?"}']
    status, raw, err = run_cli(["ask", "--jsonl"], b"\n".join(lines) + b"\n", adv)
    out = replies(raw)
    assert status == 2 and err == ""
    blank = sum(1 for line in JUNK_LINES if not line.strip(b" \t\r"))
    assert len(out) == len(lines) - blank
    assert all("error" in r and r["error"].startswith("line ") for r in out[:-1])
    assert all(len(r["error"]) < 300 for r in out[:-1])
    assert out[-1]["session"] == "s" and "sonographer" in out[-1]["entities"]


def test_jsonl_empty_and_whitespace_only_input(adv: Advisor) -> None:
    for data in (b"", b"\n", b"\n\n   \n\t\n", b"\r\n\r\n"):
        assert run_cli(["ask", "--jsonl"], data, adv) == (0, b"", "")


# == 3. unicode the output encoder cannot take ================================================
def test_jsonl_lone_surrogates_do_not_end_the_run(tmp_path: Path) -> None:
    data = (b'{"session": "\\ud800", "text": "hi"}\n{"session": "\\udfff"}\n'
            b'{"session": "ok", "text": "hi"}\n')
    result = run(tmp_path, "ask", "--jsonl", stdin=data)
    no_traceback(result)
    first, second, third = replies(result.stdout)
    assert first["session"] == "\ud800" and first["intent"] == "greeting"  # echoed exactly
    assert "error" in second and third["session"] == "ok"


@pytest.mark.parametrize("mode", [(), ("--json",)], ids=["text", "json"])
def test_invalid_utf8_argument_is_answered(tmp_path: Path, mode: tuple[str, ...]) -> None:
    result = run(tmp_path, "ask", *mode, b"\xff what does a sonographer do?")
    no_traceback(result)
    assert result.returncode == 0 and b"sonograph" in result.stdout.lower()


def test_jsonl_output_lines_survive_splitlines_and_terminals(adv: Advisor) -> None:
    data = json.dumps({"session": "a\u2028b\x85c\x9b2J\u202e", "text": "hi\u2029"}).encode()
    status, raw, _ = run_cli(["ask", "--jsonl", "--explain"], data + b"\n", adv)
    text = raw.decode("utf-8")
    assert status == 0 and len(text.splitlines()) == 1
    assert not UNSAFE.search(text) and "\u2028" not in text
    assert json.loads(text)["session"] == "a\u2028b\x85c\x9b2J\u202e"  # still exact


# == 4. terminal safety =======================================================================
def test_escape_sequences_never_reach_the_terminal_from_stdin(tmp_path: Path) -> None:
    data = f"what does a {HOSTILE} sonographer do?\n{HOSTILE}\ntell me about IR{HOSTILE}\n"
    result = run(tmp_path, "ask", "--explain", "-", stdin=data.encode())
    out = result.stdout.decode("utf-8")
    assert result.returncode == 0 and result.stderr == b""
    assert "> what does a " in out and "sonographer do?" in out  # echoed without controls
    assert not UNSAFE.search(out), repr(UNSAFE.search(out))


def test_escape_sequences_never_reach_the_terminal_from_arguments(tmp_path: Path) -> None:
    result = run(tmp_path, "ask", "--explain", f"{HOSTILE} how long is IR training?{HOSTILE}")
    out = result.stdout.decode("utf-8")
    assert result.returncode == 0 and out.startswith("> ")
    assert not UNSAFE.search(out)


@pytest.fixture
def hostile_knowledge(tmp_path: Path) -> Path:
    """The embedded knowledge with escape sequences in a name and a summary (still valid)."""
    directory = tmp_path / "hostile"
    shutil.copytree(EMBEDDED_DIR, directory)
    path = directory / "technical.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("- id: sonographer")
    block = text[start:]
    name = '\n    name: "Sono\\e[31mgrapher\\e]0;pwned\\a"'
    summary = '\n    summary: "Sonographers \\e[2J\\x9b2J\\u202e perform ultrasound."'
    block = re.sub(r"\n    name: [^\n]+", lambda _: name, block, count=1)
    block = re.sub(r"\n    summary: [^\n]+", lambda _: summary, block, count=1)
    path.write_text(text[:start] + block, encoding="utf-8")
    assert validate(directory)[1] == []
    return directory


def test_escape_sequences_in_knowledge_never_reach_the_terminal(tmp_path: Path,
                                                                hostile_knowledge: Path) -> None:
    result = run(tmp_path, "ask", "--knowledge", str(hostile_knowledge), "--explain", "-",
                 stdin=b"what does a sonographer do?\ncompare sonographer and radiologist\n"
                       b"which careers use ultrasound?\n")
    out = result.stdout.decode("utf-8")
    no_traceback(result)
    assert result.returncode == 0 and "Sonographer" in out
    assert not UNSAFE.search(out), repr(UNSAFE.search(out))


def test_check_never_echoes_escape_sequences(tmp_path: Path) -> None:
    directory = tmp_path / "esc"
    directory.mkdir()
    (directory / "nodes.yaml").write_text(
        'nodes:\n  - id: esc\n    type: "rol\\e[31m"\n    name: n\n    summary: s\n'
        '    section: s\n    "\\e[31mred\\e]0;title\\a": 1\n    "\\x9b2J\\u202e\\N\\L": 2\n'
        '    relations:\n      "requ\\eires": [b]\n', encoding="utf-8")
    (directory / "\x1b[2Jname.yaml").write_text("nodes: 5\n", encoding="utf-8")
    result = run(tmp_path, "check", str(directory))
    err = no_traceback(result)
    assert result.returncode == 2 and result.stdout == b""
    *problems, summary = err.rstrip("\n").split("\n")
    assert summary == f"{len(problems)} problems found" and len(problems) == 5
    assert all(PROBLEM_LINE.match(p) for p in problems), problems
    assert not UNSAFE.search(err), repr(UNSAFE.search(err))


# == 5. saved sessions ========================================================================
@pytest.fixture(scope="module")
def saved(adv: Advisor) -> dict[str, Any]:
    session = adv.session()
    for text in ("what does a sonographer do?", "help me choose a career", "college", "yes"):
        session.ask(text)
    data: dict[str, Any] = json.loads(json.dumps(session.to_dict()))
    return data


def test_saved_session_carries_a_format_and_version(saved: dict[str, Any]) -> None:
    assert saved["format"] == SESSION_FORMAT and saved["version"] == 1
    assert saved["dialog"]["format_version"] == 1


def test_truncated_json_is_the_callers_error(adv: Advisor, saved: dict[str, Any],
                                             tmp_path: Path) -> None:
    text = json.dumps(saved)
    with pytest.raises(json.JSONDecodeError):
        json.loads(text[: len(text) // 2])
    storage = pytest.importorskip("advisor.storage")
    path = tmp_path / "cut.json"
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    with pytest.raises(storage.StorageError, match=r"(truncated|not valid JSON) \(line 1, "):
        storage.read_json(path)


def test_truncated_dict_is_refused(adv: Advisor, saved: dict[str, Any]) -> None:
    """A dict cut after some keys: without its format or version it is not ours to guess."""
    for missing, message in (("format", "not a radiology-advisor session"),
                             ("version", "no valid version number")):
        with pytest.raises(SessionStateError, match=message):
            adv.session(state={k: v for k, v in saved.items() if k != missing})
    with pytest.raises(SessionStateError, match="not a radiology-advisor session"):
        adv.session(state={})


@pytest.mark.parametrize("state, message", [
    ({"format": "something-else"}, r"not a radiology-advisor session \(format 'something-else'"),
    ({"format": "something-else", "version": 1}, "not a radiology-advisor session"),
    ({"type": "dialog_state", "format_version": 1}, "not a radiology-advisor session"),
    ({"format": SESSION_FORMAT, "version": 999}, "version 999, newer .* upgrade"),
    ({"format": SESSION_FORMAT, "version": 1,
      "dialog": {"type": "dialog_state", "format_version": 999}}, "newer .* upgrade"),
    ([["format", SESSION_FORMAT]], "must be a JSON object"),
    ("{\"format\": ...}", "must be a JSON object"),
    (5, "must be a JSON object"),
])
def test_foreign_or_newer_state_is_refused(adv: Advisor, state: Any, message: str) -> None:
    with pytest.raises(SessionStateError, match=message):
        adv.session(state=state)


@pytest.mark.parametrize("path, value, message", [
    ("version", "1", "version"),
    ("version", True, "version"),
    ("version", 1.0, "version"),
    ("context", "sonographer", "'context' must be an object"),
    ("context.topic", "sonographer", "topic must be a list of ids"),
    ("context.topic", [1, 2], "topic must be a list of ids"),
    ("context.last_list", {"a": 1}, "last_list must be a list of ids"),
    ("context.last_intent", 7, "'last_intent' must be text"),
    ("transcript", {"q": "a"}, "transcript must be a list"),
    ("transcript", [["q"]], "transcript must be a list"),
    ("transcript", [["q", 5]], "transcript must be a list"),
    ("dialog", "asking", "interview state is invalid: .*mapping"),
    ("dialog.phase", 3, "'phase' must be text"),
    ("dialog.phase", "dancing", "'phase' must be one of"),
    ("dialog.slots", ["stage"], "'slots' must be an object"),
    ("dialog.slots", {"stage": "college"}, "'slots.stage' must be a list"),
    ("dialog.topics", {"teaching": "many"}, "'topics.teaching' must be a number"),
    ("dialog.topics", {"teaching": 1.5}, "'topics.teaching' must be a number"),
    ("dialog.interests", {"radiologist": float("nan")}, "must be a number"),
    ("dialog.history", {}, "'history' must be a list"),
    ("dialog.history", [{"question": 5}], r"history\[0\].question"),
    ("dialog.asked", "stage", "'asked' must be a list"),
    ("dialog.format_version", "1", "'format_version' must be a whole number"),
    ("dialog.type", "session", "not a saved dialog state"),
    ("dialog.surprise", 1, "unknown key 'surprise'"),
])
def test_wrong_types_inside_are_named(adv: Advisor, saved: dict[str, Any], path: str,
                                      value: Any, message: str) -> None:
    state = json.loads(json.dumps(saved))
    *parents, last = path.split(".")
    node = state
    for part in parents:
        node = node[part]
    node[last] = value
    with pytest.raises(SessionStateError, match=message) as info:
        adv.session(state=state)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("path, value", [("version", 0), ("version", -1), ("dialog", []),
                                         ("dialog", 0), ("dialog", "")])
def test_impossible_version_or_dialog_is_refused(adv: Advisor, saved: dict[str, Any],
                                                 path: str, value: Any) -> None:
    with pytest.raises(SessionStateError):
        adv.session(state={**saved, path: value})


@pytest.mark.parametrize("field", ["topics", "interests"])
def test_huge_numbers_in_saved_state_are_refused(adv: Advisor, saved: dict[str, Any],
                                                 field: str) -> None:
    text = json.dumps(saved).replace('"history"', f'"{field}": {{"x": 1{"0" * 400}}}, '
                                     '"history_"', 1)
    state = json.loads(text)
    state["dialog"]["history"] = state["dialog"].pop("history_")
    with pytest.raises(DialogStateError):
        DialogState.from_dict(state["dialog"])
    with pytest.raises(SessionStateError):
        adv.session(state=state)


def test_absurd_counts_are_refused_before_they_break_the_next_save(
        adv: Advisor, saved: dict[str, Any]) -> None:
    state = json.loads(json.dumps(saved))
    state["dialog"]["topics"] = {"teaching": 10**308, "research": 10**308}
    try:
        session = adv.session(state=state)
    except SessionStateError:
        return
    session.ask("which career fits me?")
    again = json.loads(json.dumps(session.to_dict()))
    adv.session(state=again)  # raises SessionStateError today: 'interests...' is inf


@pytest.mark.parametrize("path", ["format", "dialog.phase", "dialog.type", "dialog.flow",
                                  "dialog.format_version", "dialog.slots.stage",
                                  "dialog.topics.teaching"])
def test_huge_or_deep_values_give_a_short_message(adv: Advisor, saved: dict[str, Any],
                                                  path: str) -> None:
    deep: list[Any] = []
    for _ in range(10_000):
        deep = [deep]
    for value in (deep, "x" * 1_000_000):
        state = json.loads(json.dumps(saved))
        *parents, last = path.split(".")
        node = state
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value
        with pytest.raises(SessionStateError) as info:
            adv.session(state=state)
        assert len(str(info.value)) < 300


@pytest.mark.parametrize("field", ["slots", "topics", "interests"])
def test_odd_keys_in_saved_state_give_a_one_line_message(adv: Advisor, saved: dict[str, Any],
                                                         field: str) -> None:
    state = json.loads(json.dumps(saved))
    state["dialog"][field] = {"a\nb\x1b[2J": None}
    with pytest.raises(SessionStateError) as info:
        adv.session(state=state)
    assert "\n" not in str(info.value) and "\x1b" not in str(info.value)


@pytest.mark.parametrize("field, value", [
    ("slots", {"no_such_slot": ["x"]}),
    ("slots", {"stage": ["on_the_moon"]}),
    ("asked", ["no_such_question"]),
    ("ranking", ["no_such_node"]),
    ("interests", {"no_such_node": 1.0}),
    ("topics", {"no_such_interest": 1}),
    ("flow", "someone_elses_flow"),
    ("pending", None),
])
def test_state_that_does_not_fit_the_flow_is_refused_at_load(
        adv: Advisor, saved: dict[str, Any], field: str, value: Any) -> None:
    state = json.loads(json.dumps(saved))
    assert state["dialog"]["phase"] == "asking"
    state["dialog"][field] = value
    try:
        session = adv.session(state=state)
    except SessionStateError as exc:
        assert "interview state" in str(exc)
        return
    reply = session.ask("yes")
    assert reply.intent != "error", reply.text


# == 6. atomic writes (advisor/storage.py) ====================================================
@pytest.fixture
def storage() -> Any:
    return pytest.importorskip("advisor.storage")


def leftovers(directory: Path, keep: set[str]) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name not in keep)


@pytest.mark.parametrize("fault", ["replace", "fsync", "write", "chmod", "interrupt"])
def test_failed_overwrite_keeps_the_old_file_and_no_temp(storage: Any, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         fault: str) -> None:
    target = tmp_path / "session.json"
    target.write_text('{"old": true}\n', encoding="utf-8")

    def fail(*args: Any, **kwargs: Any) -> Any:
        if fault == "interrupt":
            raise KeyboardInterrupt
        raise OSError(errno.ENOSPC, "No space left on device")

    if fault in {"replace", "interrupt"}:
        monkeypatch.setattr(os, "replace", fail)
    elif fault == "fsync":
        monkeypatch.setattr(os, "fsync", fail)
    elif fault == "chmod":
        monkeypatch.setattr(os, "chmod", fail)
    else:
        real_fdopen = os.fdopen

        def broken_fdopen(*args: Any, **kwargs: Any) -> Any:
            handle = real_fdopen(*args, **kwargs)
            handle.write = fail
            return handle

        monkeypatch.setattr(os, "fdopen", broken_fdopen)
    with pytest.raises((OSError, KeyboardInterrupt)):
        storage.write_atomic(target, '{"new": true}\n' * 1000, overwrite=True)
    monkeypatch.undo()
    assert target.read_text(encoding="utf-8") == '{"old": true}\n'
    assert leftovers(tmp_path, {"session.json"}) == []


def test_no_clobber_refuses_and_leaves_nothing(storage: Any, tmp_path: Path) -> None:
    target = tmp_path / "plan.md"
    target.write_text("mine\n", encoding="utf-8")
    with pytest.raises(FileExistsError):
        storage.write_atomic(target, "theirs\n")
    assert target.read_text(encoding="utf-8") == "mine\n"
    assert leftovers(tmp_path, {"plan.md"}) == []


def test_file_system_without_hard_links(storage: Any, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    def no_links(*args: Any, **kwargs: Any) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    target = tmp_path / "new.json"
    storage.write_atomic(target, "{}\n")
    assert target.read_text(encoding="utf-8") == "{}\n"
    assert leftovers(tmp_path, {"new.json"}) == []


def test_overwrite_keeps_mode(storage: Any, tmp_path: Path) -> None:
    target = tmp_path / "s.json"
    target.write_text("{}", encoding="utf-8")
    target.chmod(0o640)
    storage.write_atomic(target, '{"a": 1}', overwrite=True)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert json.loads(target.read_text(encoding="utf-8")) == {"a": 1}


@pytest.mark.parametrize("content, message", [
    (b"", "is empty"),
    (b"   \n", "is empty"),
    (b'{"format": "radiology-advisor/session", "version": 1, ', "truncated"),
    (b'{"format": "radiology-advisor/session", "vers', "truncated"),
    (b'{"a": 1} trailing', "not valid JSON"),
    (b"\xff\xfe{}", "not UTF-8"),
    (b"[" * 100_000, "nested too deeply|not valid JSON|truncated"),
])
def test_read_json_gives_one_clear_reason(storage: Any, tmp_path: Path, content: bytes,
                                          message: str) -> None:
    path = tmp_path / "state.json"
    path.write_bytes(content)
    with pytest.raises(storage.StorageError, match=message) as info:
        storage.read_json(path)
    assert "\n" not in str(info.value)


def test_read_text_refuses_huge_and_odd_paths(storage: Any, tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    big.write_bytes(b"0" * 2048)
    with pytest.raises(storage.StorageError, match="larger than"):
        storage.read_text(big, limit=1024)
    with pytest.raises(storage.StorageError, match="is a directory"):
        storage.read_text(tmp_path)
    with pytest.raises(storage.StorageError, match="does not exist"):
        storage.read_text(tmp_path / "missing.json")


# == 7. knowledge safety ======================================================================
UNSAFE_YAML = [
    'nodes:\n  - !!python/object/apply:os.system ["touch {marker}"]\n',
    'nodes: !!python/object/apply:os.system ["touch {marker}"]\n',
    '!!python/object/apply:subprocess.call [["touch", "{marker}"]]\n',
    'field: {{name: !!python/object/new:os.system ["touch {marker}"]}}\n',
    '? !!python/object/apply:os.system ["touch {marker}"]\n: 1\n',
    'x: !!python/name:os.system\n',
    'x: !!python/module:os\n',
    'x: !custom {{a: 1}}\n',
]


@pytest.mark.parametrize("template", UNSAFE_YAML)
def test_python_tags_are_refused_and_never_run(tmp_path: Path, template: str) -> None:
    marker = tmp_path / "PWNED"
    directory = tmp_path / "k"
    directory.mkdir()
    (directory / "evil.yaml").write_text(template.format(marker=marker), encoding="utf-8")
    graph, problems = validate(directory)
    assert graph is None
    assert any("unsafe or unknown YAML tag" in p.message for p in problems), problems
    assert all(PROBLEM_LINE.match(str(p)) for p in problems)
    with pytest.raises(KnowledgeError, match=r"evil\.yaml:"):
        load_graph(directory)
    with pytest.raises(KnowledgeError):
        Advisor(knowledge_dir=directory)
    assert not marker.exists()


def test_python_tags_in_a_dialogs_dir_are_refused(tmp_path: Path) -> None:
    marker = tmp_path / "PWNED"
    directory = tmp_path / "d"
    directory.mkdir()
    (directory / "flow.yaml").write_text(
        f'flow: !!python/object/apply:os.system ["touch {marker}"]\n', encoding="utf-8")
    with pytest.raises(KnowledgeError, match="unsafe or unknown YAML tag"):
        Advisor(dialogs_dir=directory)
    assert not marker.exists()


def test_oversized_file_is_refused_before_parsing(tmp_path: Path) -> None:
    directory = tmp_path / "k"
    directory.mkdir()
    (directory / "huge.yaml").write_bytes(b"# " + b"x" * MAX_FILE_BYTES + b"\n")
    graph, problems = validate(directory)
    assert graph is None and len(problems) == 1
    assert f"the limit is {MAX_FILE_BYTES}" in problems[0].message


def alias_bomb() -> str:
    text, previous = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n', "a"
    for name in "bcdefghi":
        text += f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]\n"
        previous = name
    return text


BROKEN_FILES: dict[str, bytes] = {
    "01_python.yaml": b'nodes:\n  - !!python/object/apply:os.system ["echo pwned"]\n',
    "02_deep.yaml": b"x: " + b"[" * 10_000 + b"]" * 10_000 + b"\n",
    "03_huge.yaml": b"# " + b"x" * (MAX_FILE_BYTES + 1) + b"\n",
    "04_latin1.yaml": b"nodes:\n  - id: caf\xe9\n",
    "05_binary.yaml": b"nodes:\n  - id: a\x00\n",
    "06_bomb.yaml": alias_bomb().encode(),
    "07_syntax.yaml": b"nodes:\n  - id: a\n   type: role\n",
    "08_tab.yaml": b"nodes:\n\t- id: a\n",
    "09_merge.yaml": b"base: &b {type: role}\nnodes:\n  - <<: *b\n    id: m\n",
    "10_types.yaml": (b"nodes:\n  - id: Bad Id\n    type: [role]\n    name: 5\n    summary: ''\n"
                      b"    section: s\n    duration: forever\n    relations: [requires]\n"
                      b"  - just a string\n  - id: t\n    type: rol\n    name: T\n"
                      b"    summary: s\n    section: s\n    fellowhsip: x\n"),
    "11_refs.yaml": (b"nodes:\n  - id: r\n    type: role\n    name: R\n    summary: s\n"
                     b"    section: s\n    relations:\n      requires: [nowhere]\n"
                     b"      requirez: [r]\n  - id: r\n    type: role\n    name: R2\n"
                     b"    summary: s\n    section: s\n"),
    "12_list.yaml": b"- 1\n- 2\n",
    "13_keys.yaml": b"nodes: []\nnodes: []\n{[1]: 2}: 3\n",
}


def test_check_reports_every_error_as_file_line_col(tmp_path: Path) -> None:
    directory = tmp_path / "broken"
    directory.mkdir()
    for name, content in BROKEN_FILES.items():
        (directory / name).write_bytes(content)
    result = run(tmp_path, "check", str(directory))
    err = no_traceback(result)
    assert result.returncode == 2 and result.stdout == b""
    *problems, summary = err.rstrip("\n").split("\n")
    assert summary == f"{len(problems)} problems found"
    assert all(PROBLEM_LINE.match(p) for p in problems), [p for p in problems
                                                           if not PROBLEM_LINE.match(p)]
    reported = {Path(p.split(":", 1)[0]).name for p in problems}
    assert reported == set(BROKEN_FILES)
    assert len(problems) >= len(BROKEN_FILES) + 8
    assert not (ROOT / "pwned").exists()


@pytest.mark.parametrize("value", ["!!timestamp soon", "!!bool maybe", "!!int twelve",
                                   "!!float much"])
def test_check_reports_badly_tagged_scalars_at_their_place(tmp_path: Path, value: str) -> None:
    directory = tmp_path / "k"
    directory.mkdir()
    (directory / "n.yaml").write_text(f"nodes:\n  - id: a\n    summary: {value}\n",
                                      encoding="utf-8")
    result = run(tmp_path, "check", str(directory))
    err = no_traceback(result)
    assert result.returncode == 2
    assert re.search(r"n\.yaml:3:14: error: .*" + value.split()[0].lstrip("!"), err), err


# == 8. closed and failing output =============================================================
def close_stdout() -> None:
    os.close(1)


@pytest.mark.parametrize("mode", ["closed", "full"])
def test_unwritable_stdout_gives_one_short_message(tmp_path: Path, mode: str) -> None:
    questions = tmp_path / "q.txt"
    questions.write_text("what does a sonographer do?\n" * 500, encoding="utf-8")
    args = [sys.executable, "-m", "advisor", "ask", "--file", str(questions)]
    if mode == "closed":
        result = subprocess.run(args, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                preexec_fn=close_stdout, cwd=ROOT, env=env_for(tmp_path),
                                timeout=TIMEOUT)
    else:
        if not os.path.exists("/dev/full"):
            pytest.skip("no /dev/full here")
        with open("/dev/full", "wb") as full:
            result = subprocess.run(args, stdout=full, stderr=subprocess.PIPE,
                                    stdin=subprocess.DEVNULL, cwd=ROOT, env=env_for(tmp_path),
                                    timeout=TIMEOUT)
    err = result.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err
    assert len(err.splitlines()) <= 3 and len(err) < 400, err
    assert result.returncode != 0


@pytest.mark.parametrize("mode", ["closed", "full"])
def test_unwritable_stdout_is_an_output_error_not_a_bug_report(tmp_path: Path,
                                                               mode: str) -> None:
    if mode == "full" and not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here")
    args = [sys.executable, "-m", "advisor", "ask", "what does a sonographer do?"]
    with open("/dev/full" if mode == "full" else os.devnull, "wb") as sink:
        result = subprocess.run(args, stdout=sink, stderr=subprocess.PIPE,
                                stdin=subprocess.DEVNULL, cwd=ROOT, env=env_for(tmp_path),
                                preexec_fn=close_stdout if mode == "closed" else None,
                                timeout=TIMEOUT)
    err = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 2
    assert "internal error" not in err and "output" in err, err
