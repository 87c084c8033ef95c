"""The HTTP API of the web chat, through Starlette's test client and a real server process.

What a program or the page sees: the Reply JSON of `ask --json`, conversations that keep their
context and never mix, the transcript, the plan, JSON errors with the right status, limits,
security headers, and sessions that survive a restart (SQLite) and several workers.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from starlette.testclient import TestClient

from advisor import Advisor, cli
from advisor.web.app import Limits, create_app
from advisor.web.stores import (
    IDLE_ROOM,
    MemoryStore,
    Saved,
    SQLiteStore,
    StoreFull,
    StoreUnavailable,
    UnknownSession,
    valid_id,
)
from tests.support import run_cli
from tests.web_support import call, serve

#: After SIGTERM one uvicorn process ends as the signal asks once it has shut down; the
#: supervisor of several workers exits 0.
CLEAN_EXIT = ("exit status -15", "exit status 0")
OPEN = Limits(rate=0)  # no rate limit: these tests send many requests from one client


@pytest.fixture(scope="module")
def advisor() -> Advisor:
    return Advisor()


@pytest.fixture()
def client(advisor: Advisor) -> Iterator[TestClient]:
    with TestClient(create_app(advisor, "memory", OPEN)) as test_client:
        yield test_client


def new_session(client: TestClient) -> str:
    response = client.post("/api/sessions")
    assert response.status_code == 201
    sid: str = response.json()["id"]
    return sid


def say(client: TestClient, sid: str, text: str) -> dict[str, Any]:
    response = client.post(f"/api/sessions/{sid}/messages", json={"text": text})
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


# -- answers ------------------------------------------------------------------------------
def test_a_new_session_has_an_unguessable_id_and_starter_questions(client: TestClient) -> None:
    first, second = client.post("/api/sessions").json(), client.post("/api/sessions").json()
    assert first["id"] != second["id"]
    assert valid_id(first["id"]) and len(first["id"]) == 32
    assert first["suggestions"], "the page shows starter questions as chips"


@pytest.mark.parametrize("explain", [False, True])
def test_the_reply_is_the_json_of_ask_json(client: TestClient, advisor: Advisor,
                                           explain: bool) -> None:
    question = "Which certification do sonographers need?"
    response = client.post(f"/api/sessions/{new_session(client)}/messages",
                           json={"text": question, "explain": explain})
    reply = response.json()
    status, out, _ = run_cli(["ask", "--json", *(["--explain"] * explain), question], b"",
                             advisor)
    assert status == 0
    assert reply == json.loads(out)
    assert "ARDMS" in reply["answer"] and reply["intent"] == "certification"
    assert ("explain" in reply) is explain


def test_a_conversation_keeps_its_context_and_never_mixes_with_another(
        client: TestClient) -> None:
    a, b = new_session(client), new_session(client)
    say(client, a, "tell me about sonographers")
    say(client, b, "what does a radiologist do?")
    follow_a = say(client, a, "which exam do they take?")
    follow_b = say(client, b, "how long is their training?")
    assert "ARDMS" in follow_a["answer"]
    assert "ARDMS" not in follow_b["answer"] and "year" in follow_b["answer"]
    history_a = client.get(f"/api/sessions/{a}").json()["transcript"]
    assert [t["question"] for t in history_a] == ["tell me about sonographers",
                                                  "which exam do they take?"]
    assert history_a[1]["answer"] == follow_a["answer"]


def test_an_interview_gives_options_then_a_ranking_with_fits_reasons_and_a_timeline(
        client: TestClient) -> None:
    sid = new_session(client)
    question = say(client, sid, "help me choose a career")
    assert question["kind"] == "question" and question["options"] and question["progress"]
    say(client, sid, question["options"][1])  # "In college or university", as a button sends it
    say(client, sid, "no, not for me")
    say(client, sid, "a lot")
    ranked = say(client, sid, "just tell me")
    assert ranked["kind"] == "recommendation"
    ranking = ranked["ranking"]
    fits = ranking["fits"]
    assert [f["id"] for f in fits] == ranked["listed"][: len(fits)]
    assert all(0 <= f["fit"] <= 100 for f in fits)
    assert fits[0]["fit"] >= fits[-1]["fit"] and fits[0]["reasons"]
    assert any(out["id"] == "radiologist" and "medical school" in out["why"][0]
               for out in ranking["ruled_out"])
    top = ranking["top"]
    assert top["id"] == fits[0]["id"] and top["pathway"]["steps"]
    plan = client.get(f"/api/sessions/{sid}/plan.md")
    assert plan.status_code == 200
    assert plan.headers["content-type"].startswith("text/markdown")
    assert "attachment" in plan.headers["content-disposition"]
    assert plan.text.startswith("# ") and fits[0]["name"] in plan.text


def test_how_to_become_a_career_carries_its_pathway_as_a_timeline(client: TestClient) -> None:
    reply = say(client, new_session(client), "how do I become an interventional radiologist?")
    path = reply["pathway"]
    assert path["steps"][0]["id"] == "medical_school"
    assert path["steps"][-1]["id"] == "interventional_radiology"
    assert path["total"] == "10–11 years"
    assert "preliminary year" in [step.lower() for step in path["unstated"]]


def test_the_transcript_downloads_as_markdown_and_delete_forgets(client: TestClient) -> None:
    sid = new_session(client)
    say(client, sid, "what does a sonographer do?")
    text = client.get(f"/api/sessions/{sid}/transcript.md").text
    assert text.startswith("> what does a sonographer do?") and "Sonographers" in text
    assert client.delete(f"/api/sessions/{sid}").status_code == 204
    gone = client.get(f"/api/sessions/{sid}")
    assert gone.status_code == 404 and "Start a new one" in gone.json()["error"]
    assert client.delete(f"/api/sessions/{sid}").status_code == 404


# -- errors -------------------------------------------------------------------------------
@pytest.mark.parametrize(("body", "status", "code"), [
    (b'{"text": ', 400, "malformed_json"),
    (b"\xff\xfe not utf-8", 400, "malformed_json"),
    (b"[" * 5000 + b"]" * 5000, 400, "malformed_json"),
    (b'["what does a sonographer do?"]', 400, "not_an_object"),
    (b'{"question": "hi"}', 400, "text_missing"),
    (b'{"text": 42}', 400, "text_missing"),
    (b'{"text": "hi", "explain": "yes"}', 400, "explain_not_bool"),
    (json.dumps({"text": "x" * 2001}).encode(), 413, "text_too_long"),
    (b'{"text": "' + b"y" * 20_000 + b'"}', 413, "body_too_large"),
])
def test_bad_requests_get_a_json_error_with_the_right_status(
        client: TestClient, body: bytes, status: int, code: str) -> None:
    sid = new_session(client)
    response = client.post(f"/api/sessions/{sid}/messages", content=body,
                           headers={"content-type": "application/json"})
    assert response.status_code == status
    data = response.json()
    assert data["code"] == code and data["error"].endswith(".")
    assert client.get(f"/api/sessions/{sid}").json()["transcript"] == []


def test_a_chunked_body_over_the_limit_is_refused_too(client: TestClient) -> None:
    sid = new_session(client)

    def chunks() -> Iterator[bytes]:
        yield b'{"text": "'
        for _ in range(40):
            yield b"z" * 1000
        yield b'"}'

    response = client.post(f"/api/sessions/{sid}/messages", content=chunks())
    assert response.status_code == 413 and response.json()["code"] == "body_too_large"


@pytest.mark.parametrize(("method", "path", "status", "code"), [
    ("GET", "/api/sessions/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 404, "unknown_session"),
    ("POST", "/api/sessions/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/messages", 404, "unknown_session"),
    ("GET", "/api/sessions/../../etc/passwd", 404, "not_found"),
    ("GET", "/api/sessions/short", 404, "unknown_session"),
    ("GET", "/api/nothing-here", 404, "not_found"),
    ("PUT", "/api/sessions", 405, "method_not_allowed"),
    ("DELETE", "/healthz", 405, "method_not_allowed"),
])
def test_unknown_sessions_addresses_and_methods(client: TestClient, method: str, path: str,
                                                status: int, code: str) -> None:
    response = client.request(method, path, json={"text": "hi"})
    assert response.status_code == status
    assert response.json()["code"] == code


def test_a_client_over_its_rate_gets_429_with_retry_after(advisor: Advisor) -> None:
    app = create_app(advisor, "memory", Limits(rate=0.5, burst=3))
    with TestClient(app) as client:
        sid = new_session(client)
        assert say(client, sid, "hi")["intent"] == "greeting"
        client.get(f"/api/sessions/{sid}")
        refused = client.post(f"/api/sessions/{sid}/messages", json={"text": "hi"})
        assert refused.status_code == 429
        assert int(refused.headers["retry-after"]) >= 1
        assert "Too many requests" in refused.json()["error"]
        assert client.get("/healthz").status_code == 200, "the health check is never limited"


def test_past_the_session_cap_a_client_gives_up_its_own_oldest(advisor: Advisor) -> None:
    """The cap holds: a client at it (its conversations all in use) gets a new one in place of
    its own least recently used, never one more (distinct clients each holding one are
    refused: test_at_the_cap_the_least_recently_used_idle_conversation_makes_room)."""
    with TestClient(create_app(advisor, "memory", Limits(rate=0, max_sessions=2))) as client:
        first, second = new_session(client), new_session(client)
        for sid in (first, second):
            client.post(f"/api/sessions/{sid}/messages", json={"text": "hi"})
        third = client.post("/api/sessions")
        assert third.status_code == 201, third.text
        assert client.get(f"/api/sessions/{first}").status_code == 404
        assert client.get(f"/api/sessions/{second}").status_code == 200


@pytest.mark.parametrize("store", ["memory", "sqlite"])
def test_empty_conversations_never_lock_new_visitors_out(advisor: Advisor, tmp_path: Path,
                                                         store: str) -> None:
    # One client filling the cap with conversations it never used locked everyone out for a
    # day; at the cap the oldest never-answered conversation now makes room.
    spec = "memory" if store == "memory" else f"sqlite:{tmp_path / 's.db'}"
    with TestClient(create_app(advisor, spec, Limits(rate=0, max_sessions=3))) as client:
        used = new_session(client)
        client.post(f"/api/sessions/{used}/messages", json={"text": "hi"})
        empty = [new_session(client) for _ in range(2)]
        for _ in range(5):
            assert client.post("/api/sessions").status_code == 201
        assert client.get(f"/api/sessions/{used}").status_code == 200
        assert client.get(f"/api/sessions/{empty[0]}").status_code == 404


def test_a_corrupted_saved_state_is_a_clear_error_not_a_crash(advisor: Advisor) -> None:
    store = MemoryStore()
    with TestClient(create_app(advisor, store, OPEN)) as client:
        sid = new_session(client)
        store._data[sid] = (store._data[sid][0], b'{"format": "something else"}')
        response = client.post(f"/api/sessions/{sid}/messages", json={"text": "hi"})
        assert response.status_code == 500 and response.json()["code"] == "broken_state"


# -- the page and its safety --------------------------------------------------------------
def test_every_response_carries_a_strict_content_security_policy(client: TestClient) -> None:
    for path in ("/", "/static/app.js", "/healthz", "/api/nothing"):
        csp = client.get(path).headers["content-security-policy"]
        assert "script-src 'self'" in csp and "default-src 'none'" in csp
        assert "unsafe-inline" not in csp and "require-trusted-types-for 'script'" in csp
    page = client.get("/")
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["x-frame-options"] == "DENY"


def test_the_page_is_self_contained_with_no_inline_script_style_or_html_insertion(
        client: TestClient) -> None:
    html = client.get("/").text
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/app.js" defer>']
    assert "<style" not in html and " style=" not in html and "http" not in html
    assert not re.search(r"\son[a-z]+=", html), "no inline event handlers"
    js = client.get("/static/app.js").text
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
                 "new Function", "setAttribute(\"style\""):
        assert sink not in js, sink
    assert "http://" not in js and "https://" not in js, "nothing fetched from elsewhere"
    assert client.get("/static/app.css").headers["content-type"].startswith("text/css")


def test_no_cors_unless_configured(advisor: Advisor, client: TestClient) -> None:
    asked = {"origin": "https://elsewhere.example", "access-control-request-method": "POST"}
    assert "access-control-allow-origin" not in client.options("/api/sessions",
                                                               headers=asked).headers
    assert "access-control-allow-origin" not in client.post(
        "/api/sessions", headers={"origin": "https://elsewhere.example"}).headers
    app = create_app(advisor, "memory", OPEN, cors_origins=("https://school.example",))
    with TestClient(app) as allowed:
        ok = allowed.options("/api/sessions", headers={**asked,
                                                       "origin": "https://school.example"})
        assert ok.headers["access-control-allow-origin"] == "https://school.example"
        other = allowed.options("/api/sessions", headers=asked)
        assert "access-control-allow-origin" not in other.headers


# -- stores -------------------------------------------------------------------------------
def test_the_memory_store_forgets_idle_sessions_and_keeps_to_its_cap() -> None:
    now = [1000.0]
    store = MemoryStore(ttl=60, cap=2, clock=lambda: now[0])

    async def scenario() -> None:
        a = await store.create({"n": 1})
        now[0] += 30
        b = await store.create({"n": 2})
        await store.update(b, lambda s: (s.state(), None))  # b answered once, a never
        c = await store.create({"n": 3})  # full: a, never answered, makes room
        with pytest.raises(UnknownSession):
            await store.load(a)
        await store.update(c, lambda s: (s.state(), None))
        with pytest.raises(StoreFull):  # full of answered ones
            await store.create({"n": 4})
        now[0] += 40  # a idle 70 s: gone; b idle 40 s: kept
        with pytest.raises(UnknownSession):
            await store.load(a)
        result, saved = await store.update(b, lambda s: ({"n": s.state()["n"] + 1}, "ok"))
        assert (result, saved) == ("ok", b'{"n":3}')
        now[0] += 59  # the turn counted as use
        assert await store.load(b) == {"n": 3}
        await store.create({"n": 4})  # room again

    asyncio.run(scenario())


async def _concurrent_turns(app: Any, sid: str, texts: list[str]) -> list[int]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        responses = await asyncio.gather(*(
            http.post(f"/api/sessions/{sid}/messages", json={"text": t}) for t in texts))
    return [r.status_code for r in responses]


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_concurrent_requests_to_one_session_are_serialised(advisor: Advisor, tmp_path: Path,
                                                           kind: str) -> None:
    spec = "memory" if kind == "memory" else f"sqlite:{tmp_path / 'chats.db'}"
    app = create_app(advisor, spec, OPEN)
    with TestClient(app) as client:
        sid = new_session(client)
        texts = [f"what does a sonographer do? ({i})" for i in range(24)]
        assert asyncio.run(_concurrent_turns(app, sid, texts)) == [200] * 24
        history = client.get(f"/api/sessions/{sid}").json()["transcript"]
    assert sorted(t["question"] for t in history) == sorted(texts), "no turn lost or doubled"


def test_sqlite_sessions_survive_a_restart_and_are_shared_by_two_servers(
        advisor: Advisor, tmp_path: Path) -> None:
    spec = f"sqlite:{tmp_path / 'chats.db'}"
    with TestClient(create_app(advisor, spec, OPEN)) as first:
        sid = new_session(first)
        say(first, sid, "tell me about sonographers")
    with TestClient(create_app(advisor, spec, OPEN)) as second, \
            TestClient(create_app(advisor, spec, OPEN)) as third:
        assert "ARDMS" in say(second, sid, "which exam do they take?")["answer"]
        assert say(third, sid, "help me choose a career")["progress"][0] == 1
        # the second server's live copy is now stale: it must read what the third saved
        assert say(second, sid, "2")["progress"][0] == 2
        history = third.get(f"/api/sessions/{sid}").json()["transcript"]
    assert [t["question"] for t in history] == [
        "tell me about sonographers", "which exam do they take?", "help me choose a career",
        "2"]


def test_an_unusable_store_spelling_is_refused_with_the_forms_accepted() -> None:
    with pytest.raises(ValueError, match="memory, sqlite:PATH or redis://"):
        create_app(Advisor(), "postgres://x")


# -- the command --------------------------------------------------------------------------
def test_serve_help_shows_examples_and_the_extra(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["serve", "--help"]) == 0
    out = capsys.readouterr().out
    assert "pip install 'radiology-advisor[web]'" in out and "--store" in out


def test_serve_without_the_web_extra_says_how_to_install_it(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "starlette" else real(name, *a))
    assert cli.main(["serve"]) == 2
    err = capsys.readouterr().err
    assert "the web chat needs the 'web' extra (starlette not installed)" in err
    assert "pip install 'radiology-advisor[web]'" in err


def test_serve_refuses_several_workers_on_the_memory_store(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["serve", "--workers", "2"]) == 2
    assert "use --store sqlite:PATH or --store redis://" in capsys.readouterr().err


def test_serve_refuses_more_workers_than_it_can_use(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["serve", "--workers", "1000", "--store", "sqlite:/tmp/x.db"]) == 2
    assert "--workers must be from 1 to 64" in capsys.readouterr().err


def test_other_commands_do_not_import_the_web_stack() -> None:
    import subprocess
    import sys

    code = ("import sys; from advisor import cli; cli.main(['ask', 'hi']); "
            "print(sorted(m for m in ('starlette', 'uvicorn', 'redis', 'anyio') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip().endswith("[]")


def test_a_real_server_answers_logs_each_request_and_stops_cleanly_on_sigterm() -> None:
    with serve() as (base, lines):
        status, created = call("POST", base + "/api/sessions")
        assert status == 201
        sid = created["id"]
        status, reply = call("POST", f"{base}/api/sessions/{sid}/messages",
                             {"text": "What does a sonographer do?"})
        assert status == 200 and reply["intent"] == "duties"
    assert any(f"serving the web chat at {base}/" in line for line in lines)
    assert sum('"POST /api/sessions' in line for line in lines) == 2, "one line per request"
    assert not any(sid in line for line in lines), "the log shows no whole session id"
    assert any(f'"POST /api/sessions/{sid[:4]}…/messages HTTP/1.1" 200' in line
               for line in lines)
    # uvicorn finishes its requests, shuts down, then ends as the signal asks (no traceback)
    assert lines[-2].startswith("INFO:     Finished server process [")
    assert lines[-1] in CLEAN_EXIT
    assert not any("Traceback" in line for line in lines)


def test_two_worker_processes_share_one_conversation_through_sqlite(tmp_path: Path) -> None:
    with serve("--workers", "2", "--store", f"sqlite:{tmp_path / 'chats.db'}",
               "--no-access-log") as (base, lines):
        status, created = call("POST", base + "/api/sessions")
        sid = created["id"]
        answers = []
        for text in ("help me choose a career", "In college or university", "no",
                     "a lot", "just tell me"):
            status, reply = call("POST", f"{base}/api/sessions/{sid}/messages", {"text": text})
            assert status == 200
            answers.append(reply)
        assert answers[-1]["kind"] == "recommendation" and answers[-1]["ranking"]["fits"]
        status, history = call("GET", f"{base}/api/sessions/{sid}")
        assert len(history["transcript"]) == 5
    assert lines[-1] in CLEAN_EXIT and not any("Traceback" in line for line in lines)


def test_an_unreachable_or_unusable_store_is_one_clear_message(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.web_support import free_port

    assert cli.main(["serve", "--store", f"redis://127.0.0.1:{free_port()}/0"]) == 2
    assert "cannot reach the Redis store at redis://127.0.0.1:" in capsys.readouterr().err
    assert cli.main(["serve", "--store", f"sqlite:{tmp_path}/no/such/dir/chats.db"]) == 2
    assert "cannot use " in capsys.readouterr().err
    assert cli.main(["serve", "--store", "postgres://db/chats"]) == 2
    assert "use memory, sqlite:PATH or redis://" in capsys.readouterr().err


def test_sqlite_answers_again_from_the_newer_state_when_another_process_saved_first(
        tmp_path: Path) -> None:
    path = tmp_path / "chats.db"
    mine, other = SQLiteStore(path), SQLiteStore(path)
    seen: list[list[str]] = []

    async def scenario() -> tuple[str, Any]:
        sid = await mine.create({"said": []})

        def turn(saved: Saved) -> tuple[dict[str, Any], str]:
            state = saved.state()
            seen.append(list(state["said"]))
            if len(seen) == 1:  # meanwhile another process answers a turn of this session
                with other._write() as db:
                    db.execute("UPDATE sessions SET state = ?, rev = rev + 1 WHERE id = ?",
                               (json.dumps({"said": ["other"]}), sid))
            return {"said": [*state["said"], "mine"]}, "answered"

        result = await mine.update(sid, turn)
        return result[0], await other.load(sid)

    answered, final = asyncio.run(scenario())
    assert answered == "answered"
    assert seen == [[], ["other"]], "the turn was answered again from the other's state"
    assert final == {"said": ["other", "mine"]}


def test_at_the_cap_the_least_recently_used_idle_conversation_makes_room() -> None:
    """Conversations one client created and answered once no longer lock every visitor out
    until they expire: at the cap the least recently used one idle for `IDLE_ROOM` makes
    room, and until then the refusal says honestly how long to wait."""
    now = [1000.0]
    store = MemoryStore(ttl=24 * 3600, cap=2, clock=lambda: now[0])

    async def scenario() -> None:
        a = await store.create({"n": 1})
        await store.update(a, lambda s: (s.state(), None))
        now[0] += 60
        b = await store.create({"n": 2})
        await store.update(b, lambda s: (s.state(), None))
        with pytest.raises(StoreFull) as full:
            await store.create({"n": 3})
        assert 0 < full.value.retry_after <= IDLE_ROOM
        now[0] += IDLE_ROOM  # a idle past the limit (b too, but a is the least recent)
        c = await store.create({"n": 3})
        with pytest.raises(UnknownSession):
            await store.load(a)
        assert await store.load(b) == {"n": 2} and await store.load(c) == {"n": 3}

    asyncio.run(scenario())


def test_sqlite_at_the_cap_makes_room_with_the_least_recently_used_idle(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db", ttl=24 * 3600, cap=1)

    async def scenario() -> None:
        a = await store.create({"n": 1})
        await store.update(a, lambda s: (s.state(), None))
        with pytest.raises(StoreFull):
            await store.create({"n": 2})
        store.idle = 0.0  # (as if a had been idle past the limit)
        b = await store.create({"n": 2})
        with pytest.raises(UnknownSession):
            await store.load(a)
        assert await store.load(b) == {"n": 2}
        await store.close()

    asyncio.run(scenario())


def test_a_client_hanging_up_before_its_answer_does_not_stop_the_server() -> None:
    """A browser tab closed mid-reply, a proxy's timeout or a health checker that hangs up
    closes its connection before the answer is written: that connection ends, the server
    (one worker, the default) goes on answering everyone else."""
    import socket
    import time

    with serve("--no-access-log") as (base, lines):
        port = int(base.rsplit(":", 1)[1])
        for _ in range(3):
            with socket.create_connection(("127.0.0.1", port)) as sock:
                sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n" * 200)
            time.sleep(0.3)
        status, body = call("GET", base + "/healthz")
        assert status == 200, body
    assert lines[-1] in CLEAN_EXIT, lines[-3:]


def test_one_client_filling_the_memory_budget_makes_room_from_its_own_conversations() -> None:
    """Past the byte budget the client holding the most gives up its least recently used
    conversation: a visitor's interview survives another client's flood of long ones."""
    store = MemoryStore(budget=10_000)

    async def scenario() -> None:
        victim = await store.create({"said": "help me choose"}, "visitor")
        flood = [await store.create({"said": "x" * 1_000}, "flooder") for _ in range(40)]
        assert await store.load(victim) == {"said": "help me choose"}
        with pytest.raises(UnknownSession):
            await store.load(flood[0])
        assert await store.load(flood[-1]) == {"said": "x" * 1_000}
        assert len(store) <= 11

    asyncio.run(scenario())


def test_a_sqlite_write_lock_held_by_another_program_is_a_503(tmp_path: Path) -> None:
    """Another program holding the database's write lock: a clear 503 after a short wait,
    never an internal error with a traceback."""
    import sqlite3

    path = tmp_path / "chats.db"
    store = SQLiteStore(path)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreUnavailable):
            asyncio.run(store.create({"n": 1}))
    finally:
        other.execute("ROLLBACK")
        other.close()
    asyncio.run(store.close())


def test_one_client_cannot_hold_the_session_cap() -> None:
    """At the cap, with every conversation in use, the client holding the most gives up its
    least recently used one: a visitor gets in even while one client keeps all of its own
    conversations busy."""
    now = [1000.0]
    store = MemoryStore(ttl=24 * 3600, cap=3, clock=lambda: now[0])

    async def scenario() -> None:
        mine = [await store.create({"n": i}, "holder") for i in range(3)]
        for sid in mine:
            await store.update(sid, lambda s: (s.state(), None))
        visitor = await store.create({"n": 9}, "visitor")
        assert await store.load(visitor) == {"n": 9}
        with pytest.raises(UnknownSession):
            await store.load(mine[0])

    asyncio.run(scenario())



def test_a_client_cannot_name_itself_anew_past_the_rate_limit() -> None:
    """X-Forwarded-For is taken from a reverse proxy only with --trust-proxy: by default a
    client sending a new address on every request is still one client to the rate limit."""
    import urllib.error
    import urllib.request

    with serve("--no-access-log") as (base, _lines):
        statuses = []
        for i in range(80):
            request = urllib.request.Request(base + "/api/sessions", data=b"", method="POST",
                                             headers={"x-forwarded-for": f"10.0.{i}.1"})
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    statuses.append(response.status)
            except urllib.error.HTTPError as exc:
                statuses.append(exc.code)
        assert 429 in statuses, statuses
