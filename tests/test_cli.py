"""The command line as scripts and people use it: every `ask` mode through a real process,
the JSON Lines protocol driven turn by turn, every exit status, and help that teaches."""

from __future__ import annotations

import io
import json
import os
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from support import env_for

from advisor import __version__
from advisor.cli import DEBUG_ENV, Environment, ExitStatus, build_parser, main

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 60




def run(tmp_path: Path, *args: str, stdin: str | bytes | None = None
        ) -> subprocess.CompletedProcess[bytes]:
    data = stdin.encode() if isinstance(stdin, str) else stdin
    return subprocess.run([sys.executable, "-m", "advisor", *args], input=data,
                          capture_output=True, cwd=ROOT, env=env_for(tmp_path),
                          timeout=TIMEOUT, stdin=None if data is not None else subprocess.DEVNULL)


def text_of(result: subprocess.CompletedProcess[bytes]) -> tuple[str, str]:
    return result.stdout.decode("utf-8"), result.stderr.decode("utf-8")


def lines_of(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines()]


# -- ask: arguments, files, stdin, pipes -----------------------------------------------------
def test_ask_argument(tmp_path: Path) -> None:
    result = run(tmp_path, "ask", "What does a sonographer do?")
    out, err = text_of(result)
    assert result.returncode == 0 and err == ""
    assert out.startswith("> What does a sonographer do?\n")
    assert "sonograph" in out.split("\n", 1)[1].lower()


def test_each_argument_is_its_own_question_in_one_conversation(tmp_path: Path) -> None:
    out, _ = text_of(run(tmp_path, "ask", "What does a sonographer do?",
                         "How long does it take to become one?"))
    first, second = out.split("\n\n", 1)
    assert first.startswith("> What does a sonographer do?\n")
    assert second.startswith("> How long does it take to become one?\n")
    assert "sonograph" in second.lower()  # 'one' is the sonographer of the first question


def test_ask_file_is_one_conversation(tmp_path: Path) -> None:
    questions = tmp_path / "questions.txt"
    questions.write_bytes("\ufeffWhat does a sonographer do?\n\n   \r\nHow do I become one?\r\n"
                          .encode())
    result = run(tmp_path, "ask", "--file", str(questions))
    out, err = text_of(result)
    assert result.returncode == 0, err
    blocks = out.strip("\n").split("\n\n")
    assert len(blocks) == 2  # blank lines are skipped
    assert blocks[0].startswith("> What does a sonographer do?\n")  # BOM dropped
    assert blocks[1].startswith("> How do I become one?\n")
    assert "sonograph" in blocks[1].lower()  # the follow-up used the first question's topic


def test_ask_dash_and_plain_pipe(tmp_path: Path) -> None:
    stdin = "What does a sonographer do?\nHow long is radiology residency?\n"
    dash = run(tmp_path, "ask", "-", stdin=stdin)
    piped = run(tmp_path, stdin=stdin)  # `... | radiology-advisor`
    file_dash = run(tmp_path, "ask", "--file", "-", stdin=stdin)
    assert dash.returncode == piped.returncode == file_dash.returncode == 0
    assert dash.stdout == piped.stdout == file_dash.stdout
    out = dash.stdout.decode()
    assert out.count("\n> ") == 1 and out.startswith("> What does")
    assert "4" in out.split("> How long", 1)[1]


def test_ask_json(tmp_path: Path) -> None:
    result = run(tmp_path, "ask", "--json", "--explain", "-",
                 stdin="What does a sonographer do?\nzxqv blorp?\n")
    rows = lines_of(result.stdout.decode())
    assert result.returncode == 0 and len(rows) == 2
    first = rows[0]
    assert first["question"] == "What does a sonographer do?"
    assert {"answer", "intent", "entities", "confidence", "fallback", "suggestions",
            "explain"} <= set(first)
    assert first["fallback"] is False and "sonographer" in first["entities"]
    assert rows[1]["fallback"] is True


def test_ask_explain_text(tmp_path: Path) -> None:
    out, _ = text_of(run(tmp_path, "ask", "--explain", "What does a sonographer do?"))
    assert "  intent: " in out and "entity: sonographer" in out


def test_escape_sequences_never_echoed(tmp_path: Path) -> None:
    result = run(tmp_path, "ask", "-", stdin=b"what does a \x1b[2J\x1b]0;pwned\x07sonographer"
                                             b" do? \xff\xfe\n")
    out, _ = text_of(result)
    assert result.returncode == 0
    assert "\x1b" not in out and "\x07" not in out
    assert "\ufffd" in out  # invalid UTF-8 replaced, not fatal


def test_broken_pipe_is_quiet(tmp_path: Path) -> None:
    questions = tmp_path / "many.txt"
    questions.write_text("What does a sonographer do?\n" * 300, encoding="utf-8")
    result = subprocess.run(
        f"'{sys.executable}' -m advisor ask --file '{questions}' | head -n 1",
        shell=True, capture_output=True, cwd=ROOT, env=env_for(tmp_path), timeout=TIMEOUT)
    assert result.stdout.decode() == "> What does a sonographer do?\n"
    assert b"Traceback" not in result.stderr and b"BrokenPipe" not in result.stderr


# -- the JSON Lines protocol -----------------------------------------------------------------
def test_jsonl_sessions_interleave_independently(tmp_path: Path) -> None:
    requests = [
        {"session": "a", "text": "What does a sonographer do?"},
        {"session": "b", "text": "What does a radiologist do?"},
        {"session": "a", "text": "How long does it take?"},
        {"session": 7, "text": "hello"},
        {"text": "How long is radiology residency?"},
        {"session": "b", "text": "How long does it take?", "explain": True},
    ]
    stdin = "\n".join(json.dumps(r) for r in requests) + "\n\n"
    result = run(tmp_path, "ask", "--jsonl", stdin=stdin)
    replies = lines_of(result.stdout.decode())
    assert result.returncode == 0 and result.stderr == b""
    assert len(replies) == len(requests)  # one reply per request, none for the blank line
    assert [r["session"] for r in replies] == ["a", "b", "a", 7, "default", "b"]
    for reply in replies:
        assert isinstance(reply["answer"], str) and reply["answer"]
        assert isinstance(reply["fallback"], bool)
    assert "sonographer" in replies[2]["entities"]
    assert "radiologist" in replies[5]["entities"]
    assert "explain" in replies[5] and "explain" not in replies[2]


def test_jsonl_malformed_lines_reported_and_processing_goes_on(tmp_path: Path) -> None:
    """Documented: a malformed request line gets an error object, later lines are answered,
    and the final exit status is 2."""
    stdin = "\n".join([
        "{not json",
        json.dumps({"session": "s", "text": "What does a sonographer do?"}),
        json.dumps(["a", "list"]),
        json.dumps({"session": "s", "question": "missing text"}),
        json.dumps({"session": {"nested": 1}, "text": "hi"}),
        json.dumps({"session": "s", "text": "How do I become one?"}),
    ]) + "\n"
    result = run(tmp_path, "ask", "--jsonl", stdin=stdin)
    replies = lines_of(result.stdout.decode())
    assert result.returncode == ExitStatus.ERROR
    assert len(replies) == 6
    errors = [r for r in replies if "error" in r]
    assert [e["line"] for e in errors] == [1, 3, 4, 5]
    assert errors[0]["error"].startswith("line 1: not valid JSON")
    assert errors[2]["session"] == "s"  # the session is named back when known
    assert errors[3]["session"] is None
    answers = [r for r in replies if "answer" in r]
    assert [a["session"] for a in answers] == ["s", "s"]
    assert "sonographer" in answers[1]["entities"]  # the session survived the bad lines


def read_line(proc: subprocess.Popen[bytes], timeout: float = 10.0) -> str:
    """One line from the process's stdout, failing (not hanging) if it does not come."""
    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    data = b""
    deadline = time.monotonic() + timeout
    while not data.endswith(b"\n"):
        remaining = deadline - time.monotonic()
        ready, _, _ = select.select([fd], [], [], max(0.0, remaining))
        if not ready:
            raise AssertionError(f"no reply line within {timeout} s (got {data!r})")
        chunk = os.read(fd, 1)
        if not chunk:
            raise AssertionError(f"stdout closed early (got {data!r})")
        data += chunk
    return data.decode("utf-8")


def spawn_jsonl(tmp_path: Path, *extra: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "advisor", "ask", "--jsonl", *extra],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=ROOT, env=env_for(tmp_path), bufsize=0)


def test_jsonl_turn_by_turn(tmp_path: Path) -> None:
    """A program writes one request, reads its reply, then decides the next request."""
    proc = spawn_jsonl(tmp_path)
    assert proc.stdin is not None
    try:
        def say(request: dict[str, Any] | str) -> dict[str, Any]:
            line = request if isinstance(request, str) else json.dumps(request)
            assert proc.stdin is not None
            proc.stdin.write(line.encode() + b"\n")
            proc.stdin.flush()
            reply: dict[str, Any] = json.loads(read_line(proc))
            return reply

        first = say({"session": "t", "text": "help me choose a career in radiology"})
        assert first["session"] == "t" and first["fallback"] is False
        bad = say("{oops")
        assert "error" in bad and bad["line"] == 2
        # the next request depends on the previous reply, as a driving program's would
        follow = "1" if first.get("kind") == "question" else "What does a sonographer do?"
        second = say({"session": "t", "text": follow})
        assert second["session"] == "t" and isinstance(second["answer"], str)
        other = say({"session": "u", "text": "What does a sonographer do?"})
        assert "sonographer" in other["entities"]
        proc.stdin.close()
        assert proc.wait(timeout=TIMEOUT) == 2  # one malformed line was sent
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_jsonl_interrupt_exits_130_without_traceback(tmp_path: Path) -> None:
    proc = spawn_jsonl(tmp_path)
    assert proc.stdin is not None and proc.stderr is not None
    try:
        proc.stdin.write(b'{"text": "hi"}\n')
        proc.stdin.flush()
        assert "answer" in json.loads(read_line(proc))
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=TIMEOUT) == ExitStatus.INTERRUPTED
        assert b"Traceback" not in proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_jsonl_from_file(tmp_path: Path) -> None:
    requests = tmp_path / "requests.jsonl"
    requests.write_text('{"session": "f", "text": "What does a sonographer do?"}\n',
                        encoding="utf-8")
    result = run(tmp_path, "ask", "--jsonl", "--file", str(requests))
    assert result.returncode == 0
    assert lines_of(result.stdout.decode())[0]["session"] == "f"


def test_jsonl_interview_question_lists_its_options_as_a_program_can_offer_them(
        tmp_path: Path) -> None:
    stdin = "".join(json.dumps({"session": "i", "text": t}) + "\n"
                    for t in ("Help me choose a career in radiology", "In medical school"))
    result = run(tmp_path, "ask", "--jsonl", stdin=stdin)
    question, answered = lines_of(result.stdout.decode())
    assert question["kind"] == "question" and question["progress"][0] == 1
    options = question["options"]
    assert len(options) >= 3 and "In medical school" in options
    for number, label in enumerate(options, 1):  # the same labels the text numbers
        assert f"{number}. {label}" in question["answer"]
    assert answered["kind"] == "question" and answered["progress"][0] == 2  # a label answers


# -- exit statuses ---------------------------------------------------------------------------
def test_strict_exit_1_when_not_understood(tmp_path: Path) -> None:
    understood = run(tmp_path, "ask", "--strict", "What does a sonographer do?")
    assert understood.returncode == 0
    lost = run(tmp_path, "ask", "--strict", "-", stdin="What does a sonographer do?\nzxqv blorp\n")
    assert lost.returncode == ExitStatus.NOT_UNDERSTOOD
    assert lost.stdout.count(b"\n> ") == 1  # every question still answered
    lenient = run(tmp_path, "ask", "zxqv blorp")
    assert lenient.returncode == 0


@pytest.mark.parametrize("args, stdin, message", [
    (("ask", "--file", "/nonexistent/q.txt"), None, "cannot read /nonexistent/q.txt"),
    (("ask", "--file", "q.txt", "also a question"), None, "not both"),
    (("ask", "--jsonl", "a question"), None, "--jsonl reads requests from stdin"),
    (("ask", "   "), None, "the question is empty"),
    (("ask", "--json", "--jsonl"), "", "not allowed with argument"),
    (("ask", "--knowledge", "/nonexistent/k", "hi"), None, "invalid data"),
    (("frobnicate",), None, "invalid choice: 'frobnicate'"),
    (("ask", "--bogus"), None, "unrecognized arguments: --bogus"),
    (("chat",), "", "chat needs a terminal"),
])
def test_usage_and_input_errors_exit_2(tmp_path: Path, args: tuple[str, ...],
                                       stdin: str | None, message: str) -> None:
    result = run(tmp_path, *args, stdin=stdin)
    _out, err = text_of(result)
    assert result.returncode == ExitStatus.ERROR
    assert message in err
    assert "Traceback" not in err


def test_check_ok_and_invalid(tmp_path: Path) -> None:
    result = run(tmp_path, "check")
    out, err = text_of(result)
    assert result.returncode == 0, err
    assert "valid" in out and "nodes" in out
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "x.yaml").write_text("nodes: [\n", encoding="utf-8")
    bad = run(tmp_path, "check", str(broken))
    assert bad.returncode == 2 and "x.yaml:" in bad.stderr.decode()


def test_exit_status_values() -> None:
    assert [int(s) for s in ExitStatus] == [0, 1, 2, 130]


# -- help that teaches -----------------------------------------------------------------------
def test_version(tmp_path: Path) -> None:
    result = run(tmp_path, "--version")
    assert result.returncode == 0
    assert result.stdout.decode() == f"radiology-advisor {__version__}\n"


def in_process(argv: list[str], stdin: bytes = b"", **settings: Any) -> tuple[int, str, str]:
    """`main` with its streams injected: (status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    status = main(argv, Environment(stdin=io.BytesIO(stdin), stdout=out, stderr=err,
                                    **settings))
    return status, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("command", [None, "chat", "ask", "check", "eval", "graph"])
def test_every_help_has_an_example(command: str | None) -> None:
    argv = ["--help"] if command is None else [command, "--help"]
    status, out, _ = in_process(argv)
    assert status == 0
    assert "example" in out and "radiology-advisor" in out.split("example", 1)[1]
    assert "exit status" in out
    # --strict is spoken of only where it exists
    assert ("--strict" in out) == (command in {None, "ask"})


def test_help_through_a_process(tmp_path: Path) -> None:
    result = run(tmp_path, "ask", "--help")
    out, _ = text_of(result)
    assert result.returncode == 0
    assert "radiology-advisor ask --file questions.txt --json" in out
    assert "--jsonl" in out and "--strict" in out


def test_parser_lists_every_subcommand() -> None:
    help_text = build_parser().format_help()
    for command in ("chat", "ask", "check", "eval", "graph"):
        assert command in help_text


# -- in-process: fast checks of main() -------------------------------------------------------
def test_main_in_process_does_not_touch_sigpipe() -> None:
    before = signal.getsignal(signal.SIGPIPE)
    status, out, _ = in_process(["ask", "What does a sonographer do?"])
    assert status == 0
    assert signal.getsignal(signal.SIGPIPE) == before
    assert "sonograph" in out.lower()


def test_main_jsonl_strict() -> None:
    assert in_process(["ask", "--jsonl", "--strict"], b'{"text": "zxqv blorp"}\n')[0] == 1
    # an input error outranks --strict
    assert in_process(["ask", "--jsonl", "--strict"],
                      b'{"text": "zxqv blorp"}\nnot json\n')[0] == 2
    assert in_process(["ask", "--jsonl"], b'{"text": "zxqv blorp"}\n')[0] == 0


def test_main_usage_errors_are_a_status_not_a_system_exit() -> None:
    status, out, err = in_process(["ask", "--no-such-flag"])
    assert status == 2 and out == "" and "unrecognized arguments" in err


def test_main_reports_internal_errors_in_one_line() -> None:
    def boom(knowledge: str | None, dialogs: str | None) -> Any:
        raise RuntimeError("kaput")

    status, _, err = in_process(["ask", "hi"], advisor=boom, environ={})
    assert status == 2
    assert err.startswith("radiology-advisor: internal error: RuntimeError: kaput\n")
    with pytest.raises(RuntimeError):
        in_process(["ask", "hi"], advisor=boom, environ={DEBUG_ENV: "1"})


def test_ask_mode_never_imports_prompt_toolkit(tmp_path: Path) -> None:
    """Scripted use must stay fast: `python -X importtime` shows no prompt_toolkit module."""
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "advisor", "ask",
                             "What does a sonographer do?"], capture_output=True, cwd=ROOT,
                            env=env_for(tmp_path), timeout=TIMEOUT)
    assert result.returncode == 0
    imported = result.stderr.decode()
    assert "advisor.cli" in imported  # importtime really reported
    assert "prompt_toolkit" not in imported
    assert not re.search(r"\badvisor\.repl\b", imported)


def test_a_question_from_the_start_up_cache_imports_no_stemmer(tmp_path: Path) -> None:
    """The engine cache carries the stems of the graph's words: an ordinary first question
    imports no snowballstemmer (it imports every language's stemmer at once)."""
    env = env_for(tmp_path)
    question = ["-m", "advisor", "ask", "How long is radiology residency?"]
    subprocess.run([sys.executable, *question], capture_output=True, cwd=ROOT, env=env,
                   timeout=TIMEOUT, check=True)  # writes the start-up cache
    result = subprocess.run([sys.executable, "-X", "importtime", *question],
                            capture_output=True, cwd=ROOT, env=env, timeout=TIMEOUT)
    assert result.returncode == 0 and "4–5 years" in result.stdout.decode()
    imported = result.stderr.decode()
    assert "advisor.cli" in imported  # importtime really reported
    assert "snowballstemmer" not in imported


def test_ask_without_question_on_a_terminal_explains(tmp_path: Path) -> None:
    pexpect = pytest.importorskip("pexpect")
    child = pexpect.spawn(sys.executable, ["-m", "advisor", "ask"], env=env_for(tmp_path),
                          cwd=str(ROOT), encoding="utf-8", timeout=10)
    child.expect("no question given; try: radiology-advisor ask")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == ExitStatus.ERROR


def test_another_fields_knowledge_without_its_dialogs_is_one_clear_message(
        tmp_path: Path) -> None:
    result = run(tmp_path, "ask", "--knowledge", str(ROOT / "tests" / "fields" / "software"),
                 "What does a backend developer do?")
    out, err = text_of(result)
    assert result.returncode == ExitStatus.ERROR and out == ""
    assert "written for the radiology knowledge" in err and "--dialogs DIR" in err
    assert len(err.splitlines()) <= 4 and "Traceback" not in err
