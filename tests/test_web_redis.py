"""The Redis session store against a real redis-server the tests start on a free port.

Several servers (here: several apps, as several workers or machines would be) serve one
conversation turn by turn, concurrent turns to one session are serialised (a turn saves only if
nobody saved since it read the state, else it is answered again from the newer state), states
expire, and a real `serve --workers 2 --store redis://...` works end to end.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest
from starlette.testclient import TestClient

from advisor import Advisor
from advisor.web.app import Limits, create_app
from advisor.web.stores import (
    RedisStore,
    Saved,
    StoreFull,
    StoreUnavailable,
    UnknownSession,
    encode,
)
from tests.web_support import call, redis_server, serve

OPEN = Limits(rate=0)


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture(scope="module")
def advisor() -> Advisor:
    return Advisor()


def test_two_servers_on_one_redis_serve_one_conversation_turn_by_turn(
        advisor: Advisor, redis_url: str) -> None:
    with TestClient(create_app(advisor, redis_url, OPEN)) as first, \
            TestClient(create_app(advisor, redis_url, OPEN)) as second:
        sid = first.post("/api/sessions").json()["id"]
        first.post(f"/api/sessions/{sid}/messages", json={"text": "tell me about sonographers"})
        follow = second.post(f"/api/sessions/{sid}/messages",
                             json={"text": "which exam do they take?"}).json()
        assert "ARDMS" in follow["answer"]
        ask = first.post(f"/api/sessions/{sid}/messages", json={"text": "help me choose a career"})
        assert ask.json()["kind"] == "question"
        answered = second.post(f"/api/sessions/{sid}/messages", json={"text": "2"}).json()
        assert answered["progress"][0] == 2, "the second server continued the first's interview"
        history = first.get(f"/api/sessions/{sid}").json()["transcript"]
        assert [t["question"] for t in history] == [
            "tell me about sonographers", "which exam do they take?", "help me choose a career",
            "2"]
        assert second.delete(f"/api/sessions/{sid}").status_code == 204
        assert first.get(f"/api/sessions/{sid}").status_code == 404


async def _race(apps: list[object], texts: list[str]) -> tuple[list[int], list[str]]:
    """Create a session, send `texts` to it at once through the apps in turn; the statuses
    and the questions of the transcript."""
    clients = [httpx.AsyncClient(transport=httpx.ASGITransport(app=app),  # type: ignore[arg-type]
                                 base_url="http://test") for app in apps]
    try:
        sid = (await clients[0].post("/api/sessions")).json()["id"]
        responses = await asyncio.gather(*(
            clients[i % len(clients)].post(f"/api/sessions/{sid}/messages", json={"text": t})
            for i, t in enumerate(texts)))
        history = (await clients[-1].get(f"/api/sessions/{sid}")).json()["transcript"]
    finally:
        for client in clients:
            await client.aclose()
        for app in apps:
            await app.state.chat.store.close()  # type: ignore[attr-defined]
    return [r.status_code for r in responses], [t["question"] for t in history]


def test_concurrent_turns_from_two_servers_to_one_session_are_serialised(
        advisor: Advisor, redis_url: str) -> None:
    apps: list[object] = [create_app(advisor, redis_url, OPEN),
                          create_app(advisor, redis_url, OPEN)]
    texts = [f"what does a sonographer do? ({i})" for i in range(30)]
    statuses, questions = asyncio.run(_race(apps, texts))
    assert statuses == [200] * 30
    assert sorted(questions) == sorted(texts), "no turn lost or doubled"


def test_a_turn_is_answered_again_when_another_server_saved_first(redis_url: str) -> None:
    mine = RedisStore(redis_url, prefix="race-test:")
    other = RedisStore(redis_url, prefix="race-test:")
    seen: list[list[str]] = []

    async def scenario() -> tuple[str, object]:
        try:
            sid = await mine.create({"said": []})

            async def other_turn() -> None:
                await other.update(sid, lambda s: ({"said": ["other"]}, None))

            def turn(saved: Saved) -> tuple[dict[str, list[str]], str]:
                state = saved.state()
                seen.append(list(state["said"]))
                if len(seen) == 1:  # meanwhile another server answers a turn of this session
                    pending.append(asyncio.ensure_future(other_turn()))
                return {"said": [*state["said"], "mine"]}, "answered"

            pending: list[asyncio.Future[None]] = []
            original = mine._save

            async def save_after_the_other(*args: object, **kwargs: object) -> object:
                if pending:
                    await pending.pop()
                return await original(*args, **kwargs)

            mine._save = save_after_the_other  # type: ignore[assignment]
            result, raw = await mine.update(sid, turn)
            assert raw == encode({"said": ["other", "mine"]})
            return result, await other.load(sid)
        finally:
            await mine.close()
            await other.close()

    answered, final = asyncio.run(scenario())
    assert answered == "answered"
    assert seen == [[], ["other"]], "the turn was answered again from the other's state"
    assert final == {"said": ["other", "mine"]}


def test_redis_makes_room_with_the_oldest_never_answered(redis_url: str) -> None:
    async def scenario() -> None:
        store = RedisStore(redis_url, ttl=100, cap=2, prefix="fresh-test:")
        try:
            used = await store.create({"n": 1})
            await store.update(used, lambda s: (s.state(), None))
            empty = await store.create({"n": 2})
            await store.create({"n": 3})  # full: the never-answered one makes room
            with pytest.raises(UnknownSession):
                await store.load(empty)
            assert await store.load(used) == {"n": 1}
        finally:
            await store.close()

    asyncio.run(scenario())


def test_redis_states_expire_and_the_cap_holds(redis_url: str) -> None:
    async def scenario() -> None:
        store = RedisStore(redis_url, ttl=100, cap=2, prefix="cap-test:")
        try:
            a = await store.create({"n": 1})
            b = await store.create({"n": 2})
            await store.update(a, lambda s: (s.state(), None))
            await store.update(b, lambda s: (s.state(), None))
            with pytest.raises(StoreFull):  # full of answered conversations
                await store.create({"n": 3})
            ttl = await store._redis.ttl(store._key(a))
            assert 0 < ttl <= 100
            assert await store.delete(a)
            with pytest.raises(UnknownSession):
                await store.update(a, lambda s: (s, None))
            await store.create({"n": 4})  # room again after the delete
        finally:
            await store.close()

    asyncio.run(scenario())


def test_a_real_server_with_two_workers_on_redis(redis_url: str, tmp_path: Path) -> None:
    url = redis_url[: -1] + "1"  # another database, untouched by the other tests
    with serve("--workers", "2", "--store", url, "--no-access-log") as (base, lines):
        status, created = call("POST", base + "/api/sessions")
        assert status == 201
        sid = created["id"]
        for text in ("tell me about sonographers", "which exam do they take?"):
            status, reply = call("POST", f"{base}/api/sessions/{sid}/messages", {"text": text})
            assert status == 200
        assert "ARDMS" in reply["answer"]
    assert not any("Traceback" in line for line in lines)


def test_redis_at_the_cap_makes_room_with_the_least_recently_used_idle(redis_url: str) -> None:
    async def scenario() -> None:
        store = RedisStore(redis_url, ttl=100, cap=1, prefix="idle-test:")
        try:
            a = await store.create({"n": 1})
            await store.update(a, lambda s: (s.state(), None))
            with pytest.raises(StoreFull) as full:
                await store.create({"n": 2})
            assert full.value.retry_after >= 1
            store.idle = 0.0  # (as if a had been idle past the limit)
            b = await store.create({"n": 2})
            with pytest.raises(UnknownSession):
                await store.load(a)
            assert await store.load(b) == {"n": 2}
        finally:
            await store.close()

    asyncio.run(scenario())


def test_redis_a_conversation_deleted_during_its_turn_stays_deleted(redis_url: str) -> None:
    """A DELETE that lands while a turn is answered: the turn's save finds the state gone
    and does not bring the conversation back (it used to, 40 times in 40)."""
    async def scenario() -> None:
        store = RedisStore(redis_url, ttl=100, cap=10, prefix="del-test:")
        try:
            sid = await store.create({"n": 1})
            key, rev_key = store._key(sid), store._rev(sid)
            await store.delete(sid)  # (between the turn's read and its save)
            saved = await store._save(keys=[key, rev_key, store._index, store._fresh],
                                      args=[b"0", b'{"n":2}', 100, 0.0, sid])
            assert saved == -1 and await store._redis.get(key) is None
            with pytest.raises(UnknownSession):
                await store.update(sid, lambda s: ({"n": 2}, None))
        finally:
            await store.close()

    asyncio.run(scenario())


def test_redis_an_unreadable_index_makes_creating_a_503(redis_url: str) -> None:
    async def scenario() -> None:
        store = RedisStore(redis_url, ttl=100, cap=10, prefix="idx-test:")
        try:
            await store._redis.set(store._index, "not a sorted set")
            with pytest.raises(StoreUnavailable):
                await store.create({"n": 1})
        finally:
            await store._redis.delete(store._index)
            await store.close()

    asyncio.run(scenario())
