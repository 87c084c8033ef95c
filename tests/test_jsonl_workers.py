"""--jsonl spread over worker processes: the same bytes out as one process, and no hangs.

The program answers JSON Lines in one process per core (itself and forked ones; sessions are
independent);
these tests hold it to the single-process protocol byte for byte, and check that reading
requests in whatever chunks they arrive yields exactly the lines a line-by-line read does.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import IO, cast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import env_for

from advisor import cli

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 60
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="worker processes are used on Linux only")

SCRIPT = ["Help me choose a career in radiology", "In college or university", "yes",
          "just tell me", "tell me more about 2", "compare 1 and 3",
          "How long is radiology residency?", "what does that involve?", "thanks"]


def requests() -> bytes:
    """Interleaved conversations plus every kind of awkward line the protocol defines."""
    lines: list[bytes] = []
    for turn, text in enumerate(SCRIPT):
        for session in range(12):
            lines.append(json.dumps({"session": f"s{session}", "text": text}).encode())
            if session == 3:
                lines.append(json.dumps({"session": 7, "text": text, "explain": True}).encode())
        if turn == 2:
            lines += [b"", b"{oops", b'{"session": true, "text": "hi"}', b"[1, 2]",
                      b'{"text": "What does a sonographer do?"}\r',
                      b'{"session": "x", "text": "' + b"a" * 1_100_000 + b'"}', b"   ",
                      b'{"session": "\\ud800", "text": "hi"}']
    return "\ufeff".encode() + b"\n".join(lines) + b"\n" + b'{"session": "end", "text": "bye"}'


def ask(tmp_path: Path, workers: int, stdin: bytes, *extra: str
        ) -> subprocess.CompletedProcess[bytes]:
    env = {**env_for(tmp_path), cli.WORKERS_ENV: str(workers)}
    return subprocess.run([sys.executable, "-m", "advisor", "ask", "--jsonl", *extra],
                          input=stdin, capture_output=True, cwd=ROOT, env=env, timeout=TIMEOUT)


@pytest.mark.parametrize("flags", [(), ("--explain",)], ids=["plain", "explain"])
def test_workers_write_what_one_process_writes(tmp_path: Path, flags: tuple[str, ...]) -> None:
    data = requests()
    one = ask(tmp_path, 1, data, *flags)
    three = ask(tmp_path, 3, data, *flags)
    assert one.returncode == three.returncode == 2  # malformed lines were sent
    assert three.stdout == one.stdout and three.stderr == one.stderr == b""
    replies = [json.loads(line) for line in one.stdout.splitlines()]
    assert len(replies) == len([x for x in data.split(b"\n") if x.strip()])
    assert sum("error" in r for r in replies) == 4  # bad JSON, session, shape, length
    assert replies[-1]["session"] == "end"
    assert any(r.get("kind") == "recommendation" for r in replies)  # interviews ran through


def test_workers_keep_strict_mode_status(tmp_path: Path) -> None:
    data = b'{"session": "a", "text": "zxqv blorp"}\n{"session": "b", "text": "hi"}\n'
    assert ask(tmp_path, 2, data, "--strict").returncode == cli.ExitStatus.NOT_UNDERSTOOD
    assert ask(tmp_path, 2, data).returncode == cli.ExitStatus.OK


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split()
        found += [int(c) for c in children]
    return found


def test_a_worker_that_dies_stops_the_run_with_a_message(tmp_path: Path) -> None:
    env = {**env_for(tmp_path), cli.WORKERS_ENV: "3"}  # this process and two forked
    proc = subprocess.Popen([sys.executable, "-m", "advisor", "ask", "--jsonl"], cwd=ROOT,
                            env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, bufsize=0)
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    try:
        proc.stdin.write(b'{"session": "a", "text": "hi"}\n')
        assert b"answer" in proc.stdout.readline()
        workers = _children(proc.pid)
        assert len(workers) == 2
        for pid in workers:
            os.kill(pid, signal.SIGKILL)
        time.sleep(0.2)
        try:  # (the advisor may already have stopped: it notices a worker's end at once)
            for i in range(4):
                proc.stdin.write(json.dumps({"session": f"s{i}", "text": "hi"}).encode()
                                 + b"\n")
            proc.stdin.close()
        except BrokenPipeError:
            pass
        code = proc.wait(timeout=TIMEOUT)
        err = proc.stderr.read().decode()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert code == cli.ExitStatus.ERROR
    assert "worker process ended unexpectedly" in err and "Traceback" not in err


# -- reading requests in chunks -----------------------------------------------------------
class Chunked:
    """A stream that hands its bytes out in the given chunk sizes, as a pipe might."""

    def __init__(self, data: bytes, sizes: list[int]) -> None:
        self.data, self.sizes, self.at = data, sizes, 0

    def read1(self, limit: int = -1) -> bytes:
        size = self.sizes.pop(0) if self.sizes else limit
        chunk = self.data[self.at:self.at + min(size, limit)]
        self.at += len(chunk)
        return chunk

    def readline(self, limit: int = -1) -> bytes:
        end = self.data.find(b"\n", self.at)
        end = len(self.data) if end < 0 else end + 1
        if limit >= 0:
            end = min(end, self.at + limit)
        line, self.at = self.data[self.at:end], end
        return line

    def fileno(self) -> int:
        raise OSError("no descriptor")


pieces = st.lists(st.sampled_from([b"ab", b"\xe9\xff", b"\r", b" ", "\ufeff".encode(), b"x" * 30,
                                   b'{"t": 1}']), max_size=6).map(b"".join)


@settings(max_examples=200, deadline=None)
@given(lines=st.lists(pieces, max_size=12), final_newline=st.booleans(),
       sizes=st.lists(st.integers(1, 70), max_size=40))
def test_chunked_reading_yields_the_lines_a_line_reader_does(
        lines: list[bytes], final_newline: bool, sizes: list[int]) -> None:
    data = b"\n".join(lines) + (b"\n" if final_newline and lines else b"")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(cli, "MAX_LINE_BYTES", 40)  # over-long lines within reach
        expected = list(cli._LineSource(cast(IO[bytes], Chunked(data, [])), "test"))
        batches = list(cli._LineSource(cast(IO[bytes], Chunked(data, list(sizes))),
                                       "test").batches())
    got = [line for batch in batches for line in batch]
    assert got == expected
    assert [isinstance(x, cli._LongLine) for x in got] == \
        [isinstance(x, cli._LongLine) for x in expected]
    assert all(batches)  # no empty batches


def test_worker_count_follows_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cli.WORKERS_ENV, "3")
    assert cli._worker_count() == 3
    monkeypatch.setenv(cli.WORKERS_ENV, "1")
    assert cli._worker_count() == 1
    for bad in ("0", "many", ""):
        monkeypatch.setenv(cli.WORKERS_ENV, bad)
        assert 1 <= cli._worker_count() <= 4  # one per usable core, at most four
