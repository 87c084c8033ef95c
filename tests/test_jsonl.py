"""The JSON Lines protocol served in one process (issue 14, defects 5 and 6): `serve` as a
library call, session ids as typed, the session cap, and the command line's edges (a closed
stdin, a reader that leaves early, undecodable arguments)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from support import env_for

from advisor import Advisor
from advisor.jsonl import Sessions, serve

ROOT = Path(__file__).resolve().parents[1]
FOLLOW_UP = "how long does it take?"


@pytest.fixture(scope="module")
def adv() -> Advisor:
    return Advisor()


def served(adv: Advisor, requests: list[Any], **options: Any) -> tuple[int, list[dict[str, Any]]]:
    out: list[str] = []
    status = serve(adv, [json.dumps(r) if not isinstance(r, str) else r for r in requests],
                   out.append, **options)
    return status, [json.loads(line) for line in out]


def test_serve_is_a_library_call(adv: Advisor) -> None:
    status, replies = served(adv, [{"session": "a", "text": "what does a sonographer do?"},
                                   "", "not json", {"text": "hi"}])
    assert status == 2  # the malformed line
    assert [sorted(r)[:2] for r in replies] == [["answer", "confidence"], ["error", "line"],
                                                ["answer", "confidence"]]
    assert replies[1]["line"] == 3 and replies[2]["session"] == "default"


def test_session_1_and_session_text_1_are_two_conversations(adv: Advisor) -> None:
    _, replies = served(adv, [{"session": 1, "text": "what does a sonographer do?"},
                              {"session": "1", "text": FOLLOW_UP},
                              {"session": 1, "text": FOLLOW_UP}])
    assert [r["session"] for r in replies] == [1, "1", 1]  # echoed as sent, type and all
    assert "sonographer" not in replies[1]["entities"]
    assert "sonographer" in replies[2]["entities"]


def test_past_the_cap_the_least_recently_used_session_is_forgotten(adv: Advisor) -> None:
    _, replies = served(adv, [{"session": "a", "text": "what does a sonographer do?"},
                              {"session": "b", "text": "what does a radiologist do?"},
                              {"session": "c", "text": "hello"},
                              {"session": "a", "text": FOLLOW_UP},
                              {"session": "c", "text": FOLLOW_UP}], cap=2)
    assert "sonographer" not in replies[3]["entities"]  # 'a' was the oldest of three
    _, kept = served(adv, [{"session": "a", "text": "what does a sonographer do?"},
                           {"session": "b", "text": "hello"},
                           {"session": "a", "text": FOLLOW_UP}], cap=2)
    assert "sonographer" in kept[2]["entities"]


def test_strict_status(adv: Advisor) -> None:
    assert served(adv, [{"text": "zxqv blorp"}], strict=True)[0] == 1
    assert served(adv, [{"text": "zxqv blorp"}])[0] == 0


def cli(tmp_path: Path, *args: str | bytes, **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "advisor", *args], capture_output=True,
                          cwd=ROOT, env=env_for(tmp_path), timeout=60, **kwargs)


@pytest.mark.parametrize("mode", [["--jsonl"], ["--json"], [], ["-"]])
def test_a_closed_stdin_is_one_clear_message(tmp_path: Path, mode: list[str]) -> None:
    result = cli(tmp_path, "ask", *mode, preexec_fn=lambda: os.close(0))
    err = result.stderr.decode()
    assert result.returncode == 2, err
    assert err == "radiology-advisor: error: standard input is closed; give questions as " \
                  "arguments or with --file\n"


def test_piping_into_head_ends_every_mode_alike(tmp_path: Path) -> None:
    """`| head -1` stops each mode the same way (the reader's end kills it by SIGPIPE)."""
    questions = "".join(f"what does a sonographer do? {i}\n" for i in range(3000))
    requests = "".join(json.dumps({"session": str(i), "text": "hi"}) + "\n"
                       for i in range(3000))
    statuses = {}
    for name, args, data in (("text", "ask -", questions), ("json", "ask --json -", questions),
                             ("jsonl", "ask --jsonl", requests), ("pipe", "", questions)):
        script = (f"{sys.executable} -m advisor {args} | head -1 > /dev/null; "
                  "echo ${PIPESTATUS[0]}")
        result = subprocess.run(["bash", "-c", script], input=data.encode(),
                                capture_output=True, cwd=ROOT, env=env_for(tmp_path), timeout=60)
        assert result.stderr == b"", (name, result.stderr)
        statuses[name] = int(result.stdout)
    assert set(statuses.values()) == {141}, statuses


def test_an_undecodable_argument_is_valid_utf8_json(tmp_path: Path) -> None:
    result = cli(tmp_path, "ask", "--json", b"what does a sonographer do?\xff\xfe")
    assert result.returncode == 0
    line = result.stdout.decode("utf-8")  # strict: no lone surrogates, escaped or not
    assert "\\ud" not in line
    data = json.loads(line)
    assert data["question"] == "what does a sonographer do?\ufffd\ufffd"
    assert "sonographer" in data["entities"]


def test_long_session_ids_keep_their_conversation_in_bounded_memory(adv: Advisor) -> None:
    long_id, long_int = "s" * 500_000, 10**300
    _, replies = served(adv, [{"session": long_id, "text": "what does a sonographer do?"},
                              {"session": long_int, "text": "what does a radiologist do?"},
                              {"session": long_id, "text": FOLLOW_UP},
                              {"session": str(long_int), "text": FOLLOW_UP}])
    assert replies[0]["session"] == long_id  # echoed as sent
    assert "sonographer" in replies[2]["entities"]
    assert "radiologist" not in replies[3]["entities"]  # 10**300 and "1000...0" are two
    sessions = Sessions(adv, cap=10)
    for i in range(30):
        sessions.get(f"{i}" + "x" * 100_000)
    assert len(sessions) == 10
    assert max(len(repr(key)) for key in sessions._open) < 200


def test_an_error_with_stderr_closed_is_still_a_status(tmp_path: Path) -> None:
    result = cli(tmp_path, "check", str(tmp_path / "missing"), preexec_fn=lambda: os.close(2))
    assert result.returncode == 2 and result.stdout == b""
