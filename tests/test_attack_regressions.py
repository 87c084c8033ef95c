"""Defects an independent attack on the release found (round 1, 2026-12-07), each pinned."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from advisor import Advisor
from advisor.web.app import Limits, create_app
from knowledge import EMBEDDED_DIR


@pytest.fixture(scope="module")
def advisor() -> Advisor:
    return Advisor()


@pytest.fixture()
def client(advisor: Advisor) -> Iterator[TestClient]:
    with TestClient(create_app(advisor, "memory", Limits(rate=0))) as test_client:
        yield test_client


def test_a_lone_surrogate_leaves_the_web_conversation_readable(client: TestClient) -> None:
    """'\\ud800' in a message used to answer 500 and break the session's transcript for good."""
    sid = client.post("/api/sessions").json()["id"]
    body = '{"text": "what does a sono\\ud800grapher do?"}'
    turn = client.post(f"/api/sessions/{sid}/messages", content=body,
                       headers={"content-type": "application/json"})
    assert turn.status_code == 200, turn.text
    assert client.get(f"/api/sessions/{sid}").status_code == 200
    assert client.post(f"/api/sessions/{sid}/messages",
                       json={"text": "how long is residency?"}).status_code == 200


def test_a_fifo_in_place_of_the_engine_cache_is_passed_over(tmp_path: Path) -> None:
    """Opening a planted FIFO blocked every command; now it is not a plain file: not read."""
    where = tmp_path / "cache"
    Advisor(cache_dir=where)
    [written] = list(where.glob("engine-*.pickle"))
    written.unlink()
    os.mkfifo(written)
    env = {**os.environ, "RADIOLOGY_ADVISOR_CACHE": str(where)}
    done = subprocess.run([sys.executable, "-m", "advisor", "ask", "what is a sonographer?"],
                          capture_output=True, text=True, env=env, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert "Sonographer" in done.stdout


@pytest.mark.parametrize("args", [["--session-ttl", "nan"], ["--session-ttl", "inf"],
                                  ["--rate-limit", "nan"], ["--rate-limit", "inf"]])
def test_serve_refuses_numbers_that_are_not_finite(args: list[str]) -> None:
    done = subprocess.run([sys.executable, "-m", "advisor", "serve", *args, "--port", "0"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode != 0
    assert "must be" in done.stderr and "Traceback" not in done.stderr


def test_a_knowledge_folder_nested_too_deep_gets_a_clear_message(tmp_path: Path) -> None:
    folder = tmp_path / "k"
    shutil.copytree(EMBEDDED_DIR, folder)
    deep = folder.joinpath(*["x"] * 200)
    deep.mkdir(parents=True)
    done = subprocess.run([sys.executable, "-m", "advisor", "check", str(folder)],
                          capture_output=True, text=True, timeout=60, check=False)
    assert "nested more than" in done.stdout + done.stderr
    assert "RecursionError" not in done.stdout + done.stderr


def test_jsonl_says_an_integer_session_is_allowed_too(advisor: Advisor) -> None:
    from tests.support import run_cli
    _status, out, _err = run_cli(["ask", "--jsonl"],
                                b'{"session": [1], "text": "hi"}\n', advisor)
    line = json.loads(out.decode("utf-8").splitlines()[0])
    assert "a string or an integer" in json.dumps(line)


# -- found by the second independent fidelity audit (2026-12-07) --------------------------
@pytest.mark.parametrize(("question", "wanted", "unwanted"), [
    ("Is vascular ultrasound a sonography specialty?", "vascular", "does not say so"),
    ("Do sonographers specialize in breast ultrasound?", "does not say so", "Yes"),
    ("Do radiologists earn more than rad techs?", "highest compensated", "No:"),
    ("who operates the imaging equipment, the radiologist or the technician?", "", "No:"),
    ("Is radiology only for doctors?", "Sonographer", "AI and Machine Learning"),
    ("can i work in radiology without being a physician?", "Radiologic Technologist",
     "AI and Machine Learning"),
])
def test_audit_wrong_answers_stay_fixed(advisor: Advisor, question: str, wanted: str,
                                        unwanted: str) -> None:
    """A verdict 'unsaid' only where the words are said of another career instead (not also
    of this one); a category verdict only for a yes/no question that compares nothing; the
    careers filed under 'emerging career paths for radiologists' are not listed as careers
    outside the physicians'."""
    reply = advisor.ask(question)
    assert wanted in reply.text, reply.text
    assert unwanted not in reply.text, reply.text


def test_a_history_linked_to_a_device_is_not_read(tmp_path: Path) -> None:
    """A history file linked to /dev/zero was read for ever (1.2 GB in 1.4 s): anything but
    a regular file gives an in-memory history and a notice."""
    from prompt_toolkit.history import InMemoryHistory

    from advisor import repl
    target = tmp_path / "history"
    target.symlink_to("/dev/zero")
    history, notice = repl.open_history(target)
    assert isinstance(history, InMemoryHistory)
    assert notice is not None and "not a regular file" in notice


@pytest.mark.parametrize("variant", ["slot", "polarity"])
def test_a_dialog_value_of_the_wrong_kind_gets_a_message(tmp_path: Path, variant: str) -> None:
    """'slot: [x]' where a name belongs crashed the loader ('unhashable type: MList')."""
    import yaml

    from dialogs import DIALOGS_DIR
    data = yaml.safe_load((DIALOGS_DIR / "pathway_chooser.yaml").read_text(encoding="utf-8"))
    if variant == "slot":
        data["questions"][0]["slot"] = [data["questions"][0]["slot"]]
    else:
        slot = next(s for s in data["slots"].values() if isinstance(s.get("polarity"), dict))
        slot["polarity"]["positive"] = [slot["polarity"]["positive"]]
    (tmp_path / "pathway_chooser.yaml").write_text(yaml.safe_dump(data, sort_keys=False),
                                                   encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "advisor", "check", "--dialogs",
                           str(tmp_path)], capture_output=True, text=True, timeout=120,
                          check=False, env={**os.environ, "RADIOLOGY_ADVISOR_CACHE": "off"})
    assert done.returncode != 0
    assert "internal error" not in done.stdout + done.stderr
    assert "pathway_chooser.yaml:" in done.stdout + done.stderr


def _append(path: str, count: int) -> None:
    from advisor import repl
    history = repl._FileHistory(path)
    for i in range(count):
        history.store_string(f"new entry {i} " + "n" * 300)


def _trim(path: str, stop: Any) -> None:
    from advisor import storage
    while not stop.is_set():
        storage.prepare_history(Path(path))


def test_trimming_the_history_at_start_loses_no_line_of_a_running_chat(tmp_path: Path) -> None:
    """A chat starting (it trims a big history in place) while another appends lines: every
    append waits for the trim's lock, so the newest lines are all kept."""
    import multiprocessing

    from advisor import repl
    path = tmp_path / "history"
    old = repl._FileHistory(str(path))
    for i in range(1200):
        old.store_string(f"old entry {i} " + "o" * 300)
    stop = multiprocessing.Event()
    trimmer = multiprocessing.Process(target=_trim, args=(str(path), stop))
    trimmer.start()
    try:
        _append(str(path), 1500)
    finally:
        stop.set()
        trimmer.join(30)
    text = path.read_text(encoding="utf-8")
    kept = [i for i in range(1500) if f"+new entry {i} " in text]
    assert kept[-1000:] == list(range(500, 1500))


# -- round 3 (2026-12-07, third session) ------------------------------------------------------
def test_an_engine_cache_far_larger_than_an_engine_is_not_read(tmp_path: Path) -> None:
    """A cache file of gigabytes was read whole (1.98 GB of memory); now it is passed over
    and the engine is built instead."""
    from advisor import cache

    where = tmp_path / "cache"
    Advisor(cache_dir=where)
    [written] = list(where.glob("engine-*.pickle"))
    with written.open("ab") as f:
        f.truncate(cache.MAX_CACHE_BYTES + 1)  # sparse: no disk is used
    name = written.name.removeprefix("engine-").removesuffix(".pickle")
    assert cache.load(name, where) is None
    assert "Sonographer" in Advisor(cache_dir=where).session().ask("what is a sonographer?").text


@pytest.mark.parametrize("kind", ["device", "fifo"])
def test_eval_of_a_device_or_a_pipe_is_refused_at_once(tmp_path: Path, kind: str) -> None:
    """'eval /dev/zero' read until memory ran out and 'eval FIFO' blocked for ever."""
    target = Path("/dev/zero")
    if kind == "fifo":
        target = tmp_path / "cases.yaml"
        os.mkfifo(target)
    done = subprocess.run([sys.executable, "-m", "advisor", "eval", str(target)],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2, done.stderr
    assert "not a regular file" in done.stderr and "Traceback" not in done.stderr


def test_trimming_never_cuts_a_linked_file_or_one_with_no_whole_entry(tmp_path: Path) -> None:
    """The start-up trim wrote in place through a link (a 14 MB notes file became 37 bytes)
    and kept nothing of a history whose newest part held no whole entry."""
    from advisor.storage import trim_history

    notes = tmp_path / "notes.txt"
    notes.write_bytes(b"".join(b"%d\n" % i for i in range(2_000_000)))
    before = notes.read_bytes()
    link = tmp_path / "history"
    link.symlink_to(notes)
    with pytest.raises(OSError):  # too big to load: the chat keeps its history in memory
        trim_history(link, keep=5, above=1000)
    assert notes.read_bytes() == before
    plain = tmp_path / "plain-history"
    plain.write_bytes(before)
    with pytest.raises(OSError):
        trim_history(plain, keep=5, above=1000)
    assert plain.read_bytes() == before  # no '\n#' record header anywhere: nothing to keep


def test_a_huge_history_with_no_whole_entry_is_neither_cut_nor_loaded(tmp_path: Path) -> None:
    """Round 3's M7: a 1 GB history of NULs was loaded whole by the chat (759 MB)."""
    from advisor.repl import open_history

    big = tmp_path / "history"
    with big.open("wb") as f:
        f.truncate(50 * 2**20)  # sparse zeros
    _history, notice = open_history(big)
    assert notice is not None and "memory only" in notice
    assert big.stat().st_size == 50 * 2**20


def test_a_category_after_an_everyday_word_is_no_other_field(advisor: Advisor) -> None:
    """Audit 3: 'which roles are under Emerging Career Paths for Radiologists?' was declined as
    another field's ('under' read like the 'vet' of 'vet techs')."""
    reply = advisor.session().ask("Which roles are under Emerging Career Paths for Radiologists?")
    assert not reply.fallback and "Telemedicine Radiologist" in reply.text, reply.text
    assert advisor.session().ask("How much do vet techs make?").fallback


def test_a_conversation_keeps_a_bounded_transcript_in_characters(advisor: Advisor) -> None:
    """Round 3's M2: 500 turns of 2,000-character questions kept 3 MB a web conversation; the
    transcript now keeps the newest turns within a character budget (ordinary turns: all 500)."""
    from advisor.session import MAX_TRANSCRIPT, MAX_TRANSCRIPT_CHARS

    long = advisor.session()
    for i in range(300):
        long.ask(f"what does a sonographer do {i} " * 60)
    kept = sum(len(q) + len(a) for q, a in long.transcript)
    assert kept <= MAX_TRANSCRIPT_CHARS and "299" in long.transcript[-1][0]
    short = advisor.session()
    for i in range(MAX_TRANSCRIPT + 20):
        short.ask(f"hi {i}")
    assert len(short.transcript) == MAX_TRANSCRIPT


# -- round 2 (attack 5, 2026-12-07) ----------------------------------------------------------
def test_a_planted_state_of_a_million_turns_keeps_only_what_a_live_one_would(
        advisor: Advisor) -> None:
    # The first turn after loading once trimmed the transcript one pop at a time (quadratic:
    # minutes for a 10 MB file); the state now keeps the newest turns at once.
    state = {"format": "radiology-advisor/session", "version": 1,
             "transcript": [["q", "a"]] * 300_000}
    session = advisor.session(state=state)
    assert len(session.transcript) <= 500
    reply = session.ask("how long is residency?")
    assert "4–5 years" in reply.text
    assert session.transcript[-1][0] == "how long is residency?"
    assert len(session.transcript) <= 500


def test_an_endless_header_is_refused_and_the_server_keeps_answering() -> None:
    # httptools buffered a header line without bound (hundreds of MB from one connection,
    # every other request stalled); h11 refuses the request past 16 KB of headers.
    import socket
    import urllib.parse

    from web_support import call, serve

    with serve("--no-access-log") as (base, _lines):
        url = urllib.parse.urlsplit(base)
        with socket.create_connection((url.hostname, url.port), timeout=10) as sock:
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-a: ")
            try:
                for _ in range(200):  # up to 2 MB, 10 KB at a time
                    sock.sendall(b"y" * 10_240)
            except OSError:
                pass  # the server closed the connection: refused
            sock.settimeout(5)
            try:
                answer: bytes | None = sock.recv(200)
            except TimeoutError:
                answer = None  # still reading the header: nothing bounds it
            except OSError:
                answer = b""  # reset: refused
        assert answer is not None, "the server kept reading an endless header"
        assert answer == b"" or answer.startswith(b"HTTP/1.1 4"), answer
        status, body = call("GET", base + "/healthz")
        assert (status, body) == (200, {"status": "ok"})


def test_the_sqlite_store_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    from advisor.web.stores import SQLiteStore

    fresh = tmp_path / "chats.db"
    SQLiteStore(fresh)
    assert fresh.stat().st_mode & 0o777 == 0o600
    old = tmp_path / "old.db"
    old.touch(mode=0o644)
    old.chmod(0o644)
    SQLiteStore(old)
    assert old.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("planted", ["garbage", "[1, 2]", '{"transcript": [1, 2]}'])
def test_a_planted_row_is_a_broken_state_on_every_route(advisor: Advisor, tmp_path: Path,
                                                       planted: str) -> None:
    import sqlite3

    path = tmp_path / "chats.db"
    with TestClient(create_app(advisor, f"sqlite:{path}", Limits(rate=0))) as client:
        sid = client.post("/api/sessions").json()["id"]
        db = sqlite3.connect(path)
        db.execute("UPDATE sessions SET state=?, rev=rev+1 WHERE id=?", (planted, sid))
        db.commit()
        db.close()
        for method, route, body in [("GET", f"/api/sessions/{sid}", None),
                                    ("POST", f"/api/sessions/{sid}/messages", {"text": "hi"}),
                                    ("GET", f"/api/sessions/{sid}/transcript.md", None),
                                    ("GET", f"/api/sessions/{sid}/plan.md", None)]:
            response = client.request(method, route, json=body)
            assert response.status_code == 500, (route, response.text)
            assert response.json()["code"] == "broken_state", (route, response.text)


def test_the_memory_store_keeps_a_byte_budget() -> None:
    import asyncio

    from advisor.web.stores import MemoryStore, UnknownSession

    async def run() -> None:
        store = MemoryStore(budget=10_000)
        first = await store.create({"transcript": ["x" * 4_000]})
        ids = [await store.create({"transcript": ["y" * 4_000]}) for _ in range(3)]
        assert len(store) == 2  # the least recent went first, past 10,000 bytes
        with pytest.raises(UnknownSession):
            await store.load(first)
        assert (await store.load(ids[-1]))["transcript"] == ["y" * 4_000]

    asyncio.run(run())


def test_a_web_conversation_keeps_a_bounded_transcript(advisor: Advisor) -> None:
    with TestClient(create_app(advisor, "memory", Limits(rate=0, transcript_chars=5_000))) as c:
        sid = c.post("/api/sessions").json()["id"]
        for i in range(8):
            c.post(f"/api/sessions/{sid}/messages", json={"text": f"{i} " + "a" * 1_500})
        pairs = c.get(f"/api/sessions/{sid}").json()["transcript"]
        assert 1 <= len(pairs) < 8
        assert sum(len(p["question"]) + len(p["answer"]) for p in pairs) <= 5_000 + 2_000
        assert pairs[-1]["question"].startswith("7 ")


def test_a_question_of_hundreds_of_alternatives_reads_only_a_few(advisor: Advisor) -> None:
    # 'who a or b or ... z' of 2,000 characters once tested each of ~230 alternatives against
    # every career's lines (half a second, the web server stalled); a question names a few.
    import random
    import string

    rng = random.Random(5)
    words = ["".join(rng.choice(string.ascii_lowercase) for _ in range(7)) for _ in range(230)]
    engine = advisor._engine
    calls = []
    original = engine.provenance._line_stating

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return original(*args, **kwargs)

    engine.provenance._line_stating = counting  # type: ignore[method-assign]
    try:
        advisor.ask(("who " + " or ".join(words))[:2000])
    finally:
        del engine.provenance._line_stating
    careers = sum(1 for _ in advisor.graph.of_type("role", "subspecialty"))
    assert len(calls) <= 4 * careers


def test_the_api_escapes_bidi_and_c1_characters_as_ask_json_does(client: TestClient) -> None:
    sid = client.post("/api/sessions").json()["id"]
    response = client.post(f"/api/sessions/{sid}/messages",
                           json={"text": "what does a \u202esonographer\u0085 do"})
    assert response.status_code == 200
    raw = response.content
    assert "\u202e".encode() not in raw and "\u0085".encode() not in raw
    assert b"\\u202e" in raw
    assert response.json()["question"] == "what does a \u202esonographer\u0085 do"


def test_a_busy_port_is_said_before_serving_is_announced(tmp_path: Path) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        env = {k: v for k, v in os.environ.items() if not k.startswith("RADIOLOGY_ADVISOR")}
        env["HOME"] = str(tmp_path)
        proc = subprocess.run([sys.executable, "-m", "advisor", "serve", "--port", str(port)],
                              capture_output=True, text=True, timeout=60, env=env,
                              stdin=subprocess.DEVNULL)
    assert proc.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in proc.stderr
    assert "serving" not in proc.stdout + proc.stderr


@pytest.mark.parametrize("kind", ["not a database", "fifo"])
def test_a_refused_sqlite_store_leaves_nothing_behind(tmp_path: Path, kind: str) -> None:
    from advisor.web.stores import open_store

    path = tmp_path / "store.db"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.write_text("not a database at all\n" * 200, encoding="utf-8")
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(ValueError, match="cannot use"):
        open_store(f"sqlite:{path}")
    assert sorted(p.name for p in tmp_path.iterdir()) == before


@pytest.mark.parametrize("path", [
    "/api/sessions/{sid}/messages", "/api/sessions//{sid}", "/api/sessions/{sid}?x=1",
    "/other?id={sid}",
])
def test_the_access_log_never_shows_a_whole_session_id(path: str) -> None:
    import logging

    from advisor.web.command import _HideSessionIds

    sid = "AbCdEfGhIjKlMnOpQrStUvWxYz012345"
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1,
                               '%s - "%s %s HTTP/%s" %d',
                               ("127.0.0.1:5000", "GET", path.format(sid=sid), "1.1", 200), None)
    _HideSessionIds().filter(record)
    line = record.getMessage()
    assert sid not in line and "AbCd…" in line


def test_an_unreachable_redis_is_a_clear_503_not_a_crash(advisor: Advisor) -> None:
    import socket

    with socket.socket() as closed:  # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    app = create_app(advisor, f"redis://127.0.0.1:{port}/0", Limits(rate=0))
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.post("/api/sessions")
    assert response.status_code == 503
    assert response.json()["code"] == "store_unavailable"
    assert int(response.headers["retry-after"]) >= 1


def test_a_sqlite_store_planted_by_another_user_is_refused(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    """A database (or its lock) someone else owns could be read and rewritten by them: every
    conversation and id. Refused, never used nor chmod'ed; a lock file that is a link is
    refused too (opening it would create the file it points at)."""
    from advisor.web import stores

    planted = tmp_path / "planted.db"
    planted.touch(mode=0o666)
    planted.chmod(0o666)
    real = os.getuid()
    monkeypatch.setattr(stores.os, "getuid", lambda: real + 1)  # (as if another user's)
    with pytest.raises(OSError, match="belongs to another user"):
        stores.SQLiteStore(planted)
    assert planted.stat().st_mode & 0o777 == 0o666
    monkeypatch.undo()
    target = tmp_path / "victim"
    (tmp_path / "linked.db.lock").symlink_to(target)
    with pytest.raises(OSError, match="not a regular file"):
        stores.SQLiteStore(tmp_path / "linked.db")
    assert not target.exists()
