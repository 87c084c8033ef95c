"""Signals and pipes, through real processes: Ctrl-C (SIGINT) stops a scripted run cleanly
after flushing the answers so far (exit 130), and a reader that goes away (`| head`, a closed
pipe) ends the run quietly, without a traceback or a storm of error messages."""

from __future__ import annotations

import io
import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO, Any

import pytest
from support import env_for

import advisor.cli as cli
from advisor import Advisor

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 60
QUIET_EXITS = {0, -signal.SIGPIPE, 128 + signal.SIGPIPE}

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals and pipes")




def default_sigint() -> None:
    """A child started from a shell without job control inherits SIGINT ignored; undo that so
    Python installs its KeyboardInterrupt handler, as it does under a terminal."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def spawn(tmp_path: Path, *args: str, stdin: Any = subprocess.PIPE) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "advisor", *args], stdin=stdin,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
                            env=env_for(tmp_path), preexec_fn=default_sigint)


class Lines:
    """Complete lines from a pipe, with a deadline (no buffered-reader-vs-select surprises)."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.fd = stream.fileno()
        self.buffer = b""
        self.eof = False

    def _fill(self, deadline: float) -> None:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("no output from the advisor in time")
        ready, _, _ = select.select([self.fd], [], [], remaining)
        if ready:
            chunk = os.read(self.fd, 1 << 16)
            self.buffer += chunk
            self.eof = not chunk

    def line(self, timeout: float = TIMEOUT) -> bytes:
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buffer:
            if self.eof:
                raise EOFError(self.buffer)
            self._fill(deadline)
        line, self.buffer = self.buffer.split(b"\n", 1)
        return line

    def rest(self, timeout: float = TIMEOUT) -> bytes:
        deadline = time.monotonic() + timeout
        while not self.eof:
            self._fill(deadline)
        rest, self.buffer = self.buffer, b""
        return rest


def finish(proc: subprocess.Popen[bytes]) -> tuple[int, str]:
    """Wait for the child; its exit code and stderr. Kills it if a test left it running."""
    try:
        code = proc.wait(timeout=TIMEOUT)
        assert proc.stderr is not None
        return code, proc.stderr.read().decode("utf-8", "replace")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def request(i: int) -> bytes:
    texts = ["what does a sonographer do?", "how long does it take?", "help me choose a career",
             "college", "tell me about IR"]
    return json.dumps({"session": f"s{i % 3}", "text": texts[i % len(texts)]}).encode() + b"\n"


# -- Ctrl-C ----------------------------------------------------------------------------------
def test_sigint_while_waiting_for_input_exits_130_after_flushing(tmp_path: Path) -> None:
    proc = spawn(tmp_path, "ask", "--jsonl")
    assert proc.stdin is not None and proc.stdout is not None
    out = Lines(proc.stdout)
    try:
        for i in range(5):  # turn by turn: each answer arrives before the next request
            proc.stdin.write(request(i))
            proc.stdin.flush()
            assert json.loads(out.line())["session"] == f"s{i % 3}"
        proc.stdin.write(b'{"session": "last", "text": "hi"}\n')
        proc.stdin.flush()
        assert json.loads(out.line())["session"] == "last"  # flushed before the interrupt
        proc.send_signal(signal.SIGINT)
        rest = out.rest()
    finally:
        code, err = finish(proc)
    assert code == 130
    assert rest == b""
    assert "Traceback" not in err and "KeyboardInterrupt" not in err and len(err) < 200, err


def test_sigint_in_a_busy_scripted_run_leaves_only_whole_lines(tmp_path: Path) -> None:
    total = 20_000
    proc = spawn(tmp_path, "ask", "--jsonl")
    assert proc.stdin is not None and proc.stdout is not None
    stdin = proc.stdin

    def feed() -> None:
        try:
            for i in range(total):
                stdin.write(request(i))
            stdin.close()
        except (BrokenPipeError, ValueError, OSError):
            pass  # the child stopped reading: expected after the interrupt

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    out = Lines(proc.stdout)
    try:
        got = [out.line() for _ in range(3)]
        proc.send_signal(signal.SIGINT)
        rest = out.rest()
    finally:
        code, err = finish(proc)
        writer.join(timeout=10)
    assert code == 130
    assert rest == b"" or rest.endswith(b"\n"), "a half-written reply line"
    lines = got + [line for line in rest.split(b"\n") if line]
    assert 3 <= len(lines) < total
    for i, line in enumerate(lines):  # answers so far, in order, each one whole
        assert json.loads(line)["session"] == f"s{i % 3}"
    assert "Traceback" not in err and len(err.splitlines()) <= 2, err


def test_sigint_in_text_mode_exits_130(tmp_path: Path) -> None:
    questions = tmp_path / "q.txt"
    questions.write_text("what does a sonographer do?\nhow long is IR training?\n" * 5000,
                         encoding="utf-8")
    proc = spawn(tmp_path, "ask", "--file", str(questions), stdin=subprocess.DEVNULL)
    assert proc.stdout is not None
    out = Lines(proc.stdout)
    try:
        assert out.line().startswith(b"> ")
        proc.send_signal(signal.SIGINT)
        rest = out.rest()
    finally:
        code, err = finish(proc)
    assert code == 130
    assert rest == b"" or rest.endswith(b"\n")
    assert "Traceback" not in err and len(err) < 200, err


# A second Ctrl-C that lands while the first one is being handled (flushing, interpreter
# shutdown). Sent by hand it hits that window about one time in six; here the child's stdout
# raises the second SIGINT from inside the flush that follows the first, every time.
SECOND_CTRL_C = """
import io, os, signal, sys
import advisor.cli as cli

count = 0

def on_sigint(signum, frame):
    global count
    count += 1
    raise KeyboardInterrupt

class Out(io.TextIOBase):
    def __init__(self, real):
        self.real = real
    def write(self, text):
        return self.real.write(text)
    def flush(self):
        if count == 1:
            os.kill(os.getpid(), signal.SIGINT)
        self.real.flush()

signal.signal(signal.SIGINT, on_sigint)
sys.stdout = Out(sys.stdout)
sys.argv = ["radiology-advisor", "ask", "--jsonl"]
sys.exit(cli.main())
"""


def test_second_ctrl_c_while_stopping_is_quiet(tmp_path: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-c", SECOND_CTRL_C], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
                            env=env_for(tmp_path), preexec_fn=default_sigint)
    assert proc.stdin is not None and proc.stdout is not None
    out = Lines(proc.stdout)
    try:
        proc.stdin.write(request(0))
        proc.stdin.flush()
        assert json.loads(out.line())["session"] == "s0"
        proc.send_signal(signal.SIGINT)
        out.rest()
    finally:
        code, err = finish(proc)
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert code == 130


# -- readers that go away --------------------------------------------------------------------
@pytest.fixture
def big_file(tmp_path: Path) -> Path:
    path = tmp_path / "big.txt"
    path.write_text("what does a sonographer do?\nhow long is radiology residency?\n" * 3000,
                    encoding="utf-8")
    return path


def test_piping_into_head_is_quiet(tmp_path: Path, big_file: Path) -> None:
    """`radiology-advisor ask --file BIG | head -n 2`"""
    proc = spawn(tmp_path, "ask", "--file", str(big_file), stdin=subprocess.DEVNULL)
    assert proc.stdout is not None
    head = subprocess.run(["head", "-n", "2"], stdin=proc.stdout, capture_output=True,
                          timeout=TIMEOUT)
    proc.stdout.close()  # only head holds the read end now
    code, err = finish(proc)
    assert head.stdout.decode("utf-8").split("\n")[0] == "> what does a sonographer do?"
    assert len(head.stdout.splitlines()) == 2
    assert code in QUIET_EXITS, code
    assert err == "", err


@pytest.mark.parametrize("mode", [("--jsonl",), ("--json",), ()], ids=["jsonl", "json", "text"])
def test_reader_closing_early_is_quiet(tmp_path: Path, mode: tuple[str, ...]) -> None:
    requests = tmp_path / "requests"
    lines = [request(i) for i in range(3000)] if mode == ("--jsonl",) else \
        [b"what does a sonographer do?\n"] * 3000
    requests.write_bytes(b"".join(lines))
    with requests.open("rb") as stdin:
        proc = spawn(tmp_path, "ask", *mode, "-", stdin=stdin) if mode != ("--jsonl",) else \
            spawn(tmp_path, "ask", *mode, stdin=stdin)
    assert proc.stdout is not None
    out = Lines(proc.stdout)
    out.line()
    proc.stdout.close()
    code, err = finish(proc)
    assert code in QUIET_EXITS, code
    assert "Traceback" not in err and "BrokenPipe" not in err and err == "", err


def test_reader_closing_mid_conversation_is_quiet(tmp_path: Path) -> None:
    """A driver of --jsonl that exits: the advisor's next write meets a closed pipe."""
    proc = spawn(tmp_path, "ask", "--jsonl")
    assert proc.stdin is not None and proc.stdout is not None
    out = Lines(proc.stdout)
    proc.stdin.write(request(0))
    proc.stdin.flush()
    out.line()
    proc.stdout.close()
    try:
        for i in range(1, 50):
            proc.stdin.write(request(i))
            proc.stdin.flush()
            time.sleep(0.002)
        proc.stdin.close()
    except BrokenPipeError:
        pass  # the advisor already ended quietly
    code, err = finish(proc)
    assert code in QUIET_EXITS, code
    assert err == "", err


class BrokenStdout(io.TextIOBase):
    """A stdout whose reader has gone: every write fails as a closed pipe does."""

    writes = 0

    def write(self, text: str) -> int:
        BrokenStdout.writes += 1
        raise BrokenPipeError(32, "Broken pipe")

    def fileno(self) -> int:  # never let main() dup2 over the test runner's real stdout
        raise io.UnsupportedOperation("no file descriptor")


def test_main_in_process_treats_a_broken_pipe_as_the_end() -> None:
    adv = Advisor()
    err = io.StringIO()
    env = cli.Environment(stdin=io.BytesIO(b"".join(request(i) for i in range(100))),
                          stdout=BrokenStdout(), stderr=err, advisor=lambda k, d: adv)
    before = signal.getsignal(signal.SIGPIPE)
    BrokenStdout.writes = 0
    assert cli.main(["ask", "--jsonl"], env) == 0
    assert BrokenStdout.writes == 1  # stopped at the first failed write, no retry storm
    assert err.getvalue() == ""
    assert signal.getsignal(signal.SIGPIPE) == before  # a host process keeps its handler
