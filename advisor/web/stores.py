"""Where conversations live between turns: one small interface, three stores.

A session's state is the plain data of `Session.to_dict()`, kept as compact JSON bytes
(orjson) in every store, memory included: bytes cost the garbage collector nothing, where
thousands of saved dicts made each full collection a pause of tens of milliseconds. Every
store hands a turn the state under its session's lock (in memory) or checks on saving that
nobody saved in between (SQLite, Redis: the turn is then answered again from the newer
state), so two requests to one session are serialised and a saved state never mixes two
sessions: in memory (one process), SQLite (survives restarts; several processes on one
machine) and Redis (several machines).
"""

from __future__ import annotations

import abc
import asyncio
import contextlib
import os
import re
import secrets
import sqlite3
import stat
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import orjson

State = dict[str, Any]
R = TypeVar("R")


class Saved:
    """A saved state as the store holds it (`raw`: its JSON bytes, or text in an older SQLite
    file), decoded only when asked: a server that still has this very state live skips it."""

    __slots__ = ("raw",)

    def __init__(self, raw: bytes | str) -> None:
        self.raw = raw

    def state(self) -> State:
        return decode(self.raw)

    def same(self, raw: Any) -> bool:
        """Is this the state that `raw` (from an earlier save) holds?"""
        return raw is self.raw or raw == self.raw


Turn = Callable[[Saved], tuple[State, R]]


def encode(state: State) -> bytes:
    """A state as the stores keep it: compact UTF-8 JSON."""
    return orjson.dumps(state)


def decode(raw: bytes | str) -> State:
    """A saved state back; BrokenState when it is no JSON object (a corrupted or planted
    row): the API then says so, it never retries what cannot succeed."""
    try:
        state = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise BrokenState() from None
    if not isinstance(state, dict):
        raise BrokenState()
    return state

#: An id is 24 random bytes (192 bits) in URL-safe base64: 32 characters.
_ID = re.compile(r"[A-Za-z0-9_-]{32}")
DEFAULT_TTL = 24 * 3600.0
DEFAULT_CAP = 10_000
#: At the cap, the least recently used conversation idle this long makes room: conversations
#: created by one client (a message each) no longer lock every new visitor out until they
#: expire; only conversations that all moved within this time fill the store.
IDLE_ROOM = 15 * 60.0
#: Bytes of saved state the memory store keeps at most.
DEFAULT_BUDGET = 256 * 2**20


def new_id() -> str:
    """An unguessable session id."""
    return secrets.token_urlsafe(24)


def valid_id(text: str) -> bool:
    """Is `text` shaped like an id this server hands out? (Anything else is unknown.)"""
    return _ID.fullmatch(text) is not None


class StoreError(Exception):
    """A store could not do what was asked; `code` names the message the API gives."""

    code = "store"


class StoreUnavailable(StoreError):
    """The store cannot be reached (Redis down): a clear 503, never a crash per request."""

    code = "store_unavailable"


class BrokenState(StoreError):
    """The saved state of a session cannot be read: not JSON, or not an object."""

    code = "broken_state"


class UnknownSession(StoreError):
    """No session has this id (never created, deleted, or expired)."""

    code = "unknown_session"


class StoreFull(StoreError):
    """The store holds as many sessions as it may, all of them in use; `retry_after`: the
    seconds until the least recently used one may make room."""

    code = "too_many_sessions"

    def __init__(self, retry_after: float = IDLE_ROOM) -> None:
        super().__init__()
        self.retry_after = max(1, int(retry_after + 0.999))


class SessionBusy(StoreError):
    """Another request held the session's lock for too long."""

    code = "busy"


class _Locks:
    """One asyncio lock per session id, dropped when nobody holds or awaits it."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(key) or (asyncio.Lock(), 0)
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users <= 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)


class SessionStore(abc.ABC):
    """Sessions by id: create, load, one locked turn, delete."""

    #: May several server processes share this store?
    shared = False

    def __init__(self, ttl: float = DEFAULT_TTL, cap: int = DEFAULT_CAP) -> None:
        self.ttl, self.cap = ttl, cap
        #: How long the least recently used conversation must be idle to make room.
        self.idle = min(ttl, IDLE_ROOM)

    @abc.abstractmethod
    async def create(self, state: State, owner: str = "") -> str:
        """Keep `state` under a new id and return it; StoreFull past the cap. `owner`: the
        client that asked (a store with a byte budget makes room from the heaviest client's
        conversations first)."""

    @abc.abstractmethod
    async def load(self, sid: str) -> State:
        """The saved state; UnknownSession when there is none."""

    @abc.abstractmethod
    async def update(self, sid: str, turn: Turn[R]) -> tuple[R, Any]:
        """Run `turn` on the saved state under the session's lock, save the new state it
        returns; its result and the new state as saved (for `Saved.same` next time).
        UnknownSession when there is none."""

    @abc.abstractmethod
    async def delete(self, sid: str) -> bool:
        """Forget the session; False when there was none."""

    async def close(self) -> None:  # noqa: B027 (a hook: the memory store has nothing to do)
        """Release connections (the memory store has none)."""


class MemoryStore(SessionStore):
    """Sessions in this process's memory: idle ones expire after `ttl` seconds, at most `cap`,
    and at most `budget` bytes of saved state. Past the budget the client holding the most
    bytes gives up its least recently used conversation first: one client filling the store
    with long conversations makes room from its own, not from everyone's (a count alone let
    10,000 long conversations take tens of GB; a shared least-recently-used order let one
    client wipe every other person's conversation)."""

    def __init__(self, ttl: float = DEFAULT_TTL, cap: int = DEFAULT_CAP,
                 clock: Callable[[], float] = time.monotonic,
                 budget: int = DEFAULT_BUDGET) -> None:
        super().__init__(ttl, cap)
        self._clock = clock
        self.budget = budget
        self._data: OrderedDict[str, tuple[float, bytes]] = OrderedDict()  # least recent first
        self._bytes = 0
        #: Sessions that never got a message, oldest first: at the cap the oldest of them
        #: makes room (empty conversations created by one client once locked everyone out).
        self._fresh: OrderedDict[str, None] = OrderedDict()
        #: Whose each session is, each client's sessions (least recent first) and bytes.
        self._owner: dict[str, str] = {}
        self._owned: dict[str, OrderedDict[str, None]] = {}
        self._owner_bytes: dict[str, int] = {}
        self._locks = _Locks()

    def _drop(self, sid: str) -> None:
        entry = self._data.pop(sid, None)
        self._fresh.pop(sid, None)
        owner = self._owner.pop(sid, "")
        if entry is None:
            return
        self._bytes -= len(entry[1])
        self._owner_bytes[owner] -= len(entry[1])
        mine = self._owned[owner]
        mine.pop(sid, None)
        if not mine:
            del self._owned[owner], self._owner_bytes[owner]

    def _put(self, sid: str, raw: bytes, owner: str = "") -> None:
        owner = self._owner.get(sid, owner)
        old = self._data.pop(sid, None)
        if old is not None:
            self._bytes -= len(old[1])
            self._owner_bytes[owner] -= len(old[1])
        self._data[sid] = (self._clock(), raw)
        self._owner[sid] = owner
        self._owned.setdefault(owner, OrderedDict())[sid] = None
        self._owned[owner].move_to_end(sid)
        self._owner_bytes[owner] = self._owner_bytes.get(owner, 0) + len(raw)
        self._bytes += len(raw)
        while self._bytes > self.budget and len(self._data) > 1:
            heavy = max(self._owner_bytes, key=lambda o: self._owner_bytes[o])
            victims = [v for v in self._owned[heavy] if v != sid][:1]
            if not victims:
                break
            self._drop(victims[0])

    def __len__(self) -> int:
        return len(self._data)

    def _expire(self, now: float) -> None:
        while self._data:
            sid, (used, _) = next(iter(self._data.items()))
            if now - used < self.ttl:
                break
            self._drop(sid)

    def _get(self, sid: str) -> bytes:
        now = self._clock()
        self._expire(now)
        entry = self._data.get(sid)
        if entry is None:
            raise UnknownSession(sid)
        return entry[1]

    async def create(self, state: State, owner: str = "") -> str:
        now = self._clock()
        self._expire(now)
        if len(self._data) >= self.cap:
            if self._fresh:  # the oldest never answered, else the least recently used idle
                unused = next(iter(self._fresh))
            else:
                unused, (used, _) = next(iter(self._data.items()))
                if now - used < self.idle:  # (all in use: the known client holding the
                    heavy = max((o for o in self._owned if o), default="",  # most gives up
                                key=lambda o: len(self._owned[o]))  # its least recently used:
                    if not heavy or len(self._owned[heavy]) < 2:  # one client cannot hold
                        raise StoreFull(self.idle - (now - used))  # the whole cap)
                    unused = next(iter(self._owned[heavy]))
            self._drop(unused)
        sid = new_id()
        self._put(sid, encode(state), owner)
        self._fresh[sid] = None
        return sid

    async def load(self, sid: str) -> State:
        return decode(self._get(sid))

    async def update(self, sid: str, turn: Turn[R]) -> tuple[R, Any]:
        async with self._locks.hold(sid):
            state, result = turn(Saved(self._get(sid)))
            raw = encode(state)
            self._put(sid, raw)
            self._fresh.pop(sid, None)
            return result, raw

    async def delete(self, sid: str) -> bool:
        found = sid in self._data
        self._drop(sid)
        return found


def _private(path: str) -> None:
    """The database holds every conversation and every session id (all it takes to read or
    delete one): created readable by its owner only, and an existing one of ours with wider
    rights narrowed, with its -wal and -shm files (SQLite gives them the database's mode)."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600))
    for name in (path, path + "-wal", path + "-shm", path + ".lock"):
        try:
            st = os.lstat(name)
        except FileNotFoundError:
            continue
        if not stat.S_ISREG(st.st_mode):  # (never a device, a FIFO or a link: /dev/null's
            raise OSError(f"{name} is not a regular file")  # mode is not ours to change)
        if st.st_uid != os.getuid():  # (planted by another user, who could read every
            raise OSError(f"{name} belongs to another user; refusing to use it")  # id)
        if st.st_mode & 0o077:
            os.chmod(name, 0o600)


class SQLiteStore(SessionStore):
    """Sessions in an SQLite file: survives restarts, shared by the processes of one machine.

    Every state carries a revision. A turn reads the state (a WAL read never waits), answers,
    and saves with `UPDATE ... WHERE rev = <the revision it read>`; when another process saved
    first, the turn is answered again from the newer state. So one session's turns are applied
    one after the other while different sessions are answered in parallel by all the
    processes; in this process, one session's requests queue on an asyncio lock first. Writes
    are short, and processes queue for them on a file lock the kernel hands over at once
    (SQLite's own busy wait sleeps up to 100 ms between tries).
    """

    shared = True
    ATTEMPTS = 20

    def __init__(self, path: str | Path, ttl: float = DEFAULT_TTL, cap: int = DEFAULT_CAP) -> None:
        super().__init__(ttl, cap)
        self.path = str(path)
        self._locks = _Locks()
        if os.name == "posix" and self.path != ":memory:":
            _private(self.path)
        # (another program holding the write lock stalls a write this long, then a 503: it
        # once froze the event loop 10 s per write)
        self._db = sqlite3.connect(self.path, timeout=2.0, isolation_level=None,
                                   check_same_thread=False)
        self._lock_fd: int | None = None
        created = False
        if os.name == "posix" and self.path != ":memory:":
            created = not os.path.exists(self.path + ".lock")
            self._lock_fd = os.open(self.path + ".lock",
                                    os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            with self._write():
                self._db.execute("CREATE TABLE IF NOT EXISTS sessions (id TEXT PRIMARY KEY, "
                                 "state TEXT NOT NULL, used REAL NOT NULL, "
                                 "rev INTEGER NOT NULL DEFAULT 0)")
                self._db.execute("CREATE INDEX IF NOT EXISTS sessions_used ON sessions (used)")
        except BaseException:  # (a refused file leaves no lock file of ours behind)
            self._db.close()
            if self._lock_fd is not None:
                os.close(self._lock_fd)
                if created:
                    with contextlib.suppress(OSError):
                        os.unlink(self.path + ".lock")
            raise

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, the processes sharing the file taking turns."""
        if self._lock_fd is not None:
            import fcntl

            fcntl.flock(self._lock_fd, fcntl.LOCK_EX)
        try:
            try:
                self._db.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError:  # ('database is locked' by another program, past
                raise StoreUnavailable() from None  # the busy wait: a 503, no traceback)
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
        finally:
            if self._lock_fd is not None:
                import fcntl

                fcntl.flock(self._lock_fd, fcntl.LOCK_UN)

    def _read(self, sid: str) -> tuple[bytes | str, int]:
        row = self._db.execute("SELECT state, rev FROM sessions WHERE id = ? AND used >= ?",
                               (sid, time.time() - self.ttl)).fetchone()
        if row is None:
            raise UnknownSession(sid)
        raw = row[0]
        return (raw if isinstance(raw, bytes | str) else str(raw)), int(row[1])

    async def create(self, state: State, owner: str = "") -> str:
        text = encode(state)
        with self._write() as db:
            now = time.time()
            db.execute("DELETE FROM sessions WHERE used < ?", (now - self.ttl,))
            if db.execute("SELECT COUNT(*) FROM sessions").fetchone()[0] >= self.cap \
                    and not db.execute(  # (the oldest never answered makes room: rev 0; else
                        # the least recently used one idle long enough)
                        "DELETE FROM sessions WHERE id = (SELECT id FROM sessions WHERE rev = 0 "
                        "OR used < ? ORDER BY rev != 0, used LIMIT 1)",
                        (now - self.idle,)).rowcount:
                oldest = db.execute("SELECT MIN(used) FROM sessions").fetchone()[0]
                raise StoreFull(self.idle - (now - float(oldest or now)))
            sid = new_id()
            db.execute("INSERT INTO sessions (id, state, used) VALUES (?, ?, ?)",
                       (sid, text, now))
        return sid

    async def load(self, sid: str) -> State:
        return decode(self._read(sid)[0])

    async def update(self, sid: str, turn: Turn[R]) -> tuple[R, Any]:
        async with self._locks.hold(sid):
            for _ in range(self.ATTEMPTS):
                raw, rev = self._read(sid)
                state, result = turn(Saved(raw))
                new = encode(state)
                with self._write() as db:
                    saved = db.execute(
                        "UPDATE sessions SET state = ?, used = ?, rev = rev + 1 "
                        "WHERE id = ? AND rev = ?", (new, time.time(), sid, rev)).rowcount
                if saved:
                    return result, new
                await asyncio.sleep(0)  # another process saved first: answer from its state
            raise SessionBusy(sid)

    async def delete(self, sid: str) -> bool:
        with self._write() as db:
            return db.execute("DELETE FROM sessions WHERE id = ?", (sid,)).rowcount > 0

    async def close(self) -> None:
        self._db.close()
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None


class RedisStore(SessionStore):
    """Sessions in Redis, shared by every process and machine that points at it.

    Each state has a revision beside it, as in SQLite. A turn reads both in one round trip
    (MGET), answers, and saves in one script that writes only while the revision is still
    the one it read: two round trips, the fewest a turn can take, and no lock to take, renew
    or free (a turn that loses the race to another process is answered again from the newer
    state, for at most `WAIT` seconds; in this process, one session's requests queue on an
    asyncio lock first). The state expires `ttl` seconds after its last turn; a sorted set of
    ids by last use enforces the cap.
    """

    shared = True
    WAIT = 10.0  # seconds a turn may keep losing to other processes before it gives up
    #: KEYS: state, revision, index, never-answered index; ARGV: revision read, new state,
    #: ttl, now, id. -1: the state is gone (deleted meanwhile), 0: another process saved first.
    SAVE_IF_UNCHANGED = """
        if redis.call('exists', KEYS[1]) == 0 then return -1 end
        if (redis.call('get', KEYS[2]) or '0') ~= ARGV[1] then return 0 end
        redis.call('set', KEYS[1], ARGV[2], 'EX', ARGV[3])
        redis.call('set', KEYS[2], ARGV[1] + 1, 'EX', ARGV[3])
        redis.call('zadd', KEYS[3], ARGV[4], ARGV[5])
        redis.call('zrem', KEYS[4], ARGV[5])
        return 1
    """

    def __init__(self, url: str, ttl: float = DEFAULT_TTL, cap: int = DEFAULT_CAP,
                 prefix: str = "radiology-advisor:") -> None:
        super().__init__(ttl, cap)
        from redis.asyncio import Redis

        self.url = url
        self._redis = Redis.from_url(url)
        self._prefix = prefix
        self._index = prefix + "index"
        self._fresh = prefix + "fresh"  # ids never answered, by creation time
        self._locks = _Locks()
        self._save = self._redis.register_script(self.SAVE_IF_UNCHANGED)

    @staticmethod
    @contextlib.contextmanager
    def _reachable() -> Iterator[None]:
        """Redis not answering is StoreUnavailable (a 503 that says so), not a traceback."""
        from redis.exceptions import ConnectionError as Unreachable
        from redis.exceptions import ResponseError
        from redis.exceptions import TimeoutError as TooSlow

        try:
            yield
        except (Unreachable, TooSlow, OSError):
            raise StoreUnavailable() from None
        except ResponseError:  # (a key of the wrong type, a revision that is no number:
            raise BrokenState() from None  # planted by someone with access to the Redis)

    def _key(self, sid: str) -> str:
        return f"{self._prefix}session:{sid}"

    def _rev(self, sid: str) -> str:
        return f"{self._prefix}rev:{sid}"

    async def _create(self, state: State) -> str:
        now = time.time()
        pipe = self._redis.pipeline(transaction=False)
        pipe.zremrangebyscore(self._index, "-inf", now - self.ttl)
        pipe.zremrangebyscore(self._fresh, "-inf", now - self.ttl)
        pipe.zcard(self._index)
        _, _, count = await pipe.execute()
        if count >= self.cap:
            unused = await self._redis.zpopmin(self._fresh)  # the oldest never answered,
            if not unused:  # else the least recently used one idle long enough
                unused = await self._redis.zrangebyscore(
                    self._index, "-inf", now - self.idle, start=0, num=1, withscores=True)
            if not unused:
                oldest = await self._redis.zrange(self._index, 0, 0, withscores=True)
                raise StoreFull(self.idle - (now - float(oldest[0][1])) if oldest else self.idle)
            member = unused[0][0]
            await self._delete(member.decode() if isinstance(member, bytes) else str(member))
        sid = new_id()
        pipe = self._redis.pipeline(transaction=True)
        pipe.set(self._key(sid), encode(state), ex=int(self.ttl))
        pipe.zadd(self._index, {sid: now})
        pipe.zadd(self._fresh, {sid: now})
        await pipe.execute()
        return sid

    async def _load(self, sid: str) -> State:
        raw = await self._redis.get(self._key(sid))
        if raw is None:
            raise UnknownSession(sid)
        return decode(raw)

    async def _update(self, sid: str, turn: Turn[R]) -> tuple[R, Any]:
        key, rev_key = self._key(sid), self._rev(sid)
        async with self._locks.hold(sid):
            deadline = time.monotonic() + self.WAIT
            while True:
                raw, rev = await self._redis.mget(key, rev_key)
                if raw is None:
                    raise UnknownSession(sid)
                state, result = turn(Saved(raw))
                new = encode(state)
                saved = await self._save(keys=[key, rev_key, self._index, self._fresh],
                                         args=[rev or b"0", new, int(self.ttl), time.time(),
                                               sid])
                if saved == -1:  # (deleted while this turn was answered: stays deleted)
                    raise UnknownSession(sid)
                if saved:
                    return result, new
                if time.monotonic() > deadline:  # other processes kept saving first
                    raise SessionBusy(sid)

    async def _delete(self, sid: str) -> bool:
        pipe = self._redis.pipeline(transaction=True)
        pipe.delete(self._key(sid), self._rev(sid))
        pipe.zrem(self._index, sid)
        pipe.zrem(self._fresh, sid)
        deleted, _, _ = await pipe.execute()
        return bool(deleted)

    async def create(self, state: State, owner: str = "") -> str:
        try:
            with self._reachable():
                return await self._create(state)
        except BrokenState:  # (the store's own index is unreadable: no conversation's fault)
            raise StoreUnavailable() from None

    async def load(self, sid: str) -> State:
        with self._reachable():
            return await self._load(sid)

    async def update(self, sid: str, turn: Turn[R]) -> tuple[R, Any]:
        with self._reachable():
            return await self._update(sid, turn)

    async def delete(self, sid: str) -> bool:
        with self._reachable():
            return await self._delete(sid)

    async def close(self) -> None:
        await self._redis.aclose()


def open_store(spec: str | None, ttl: float = DEFAULT_TTL, cap: int = DEFAULT_CAP
               ) -> SessionStore:
    """A store from its command-line spelling: `memory` (default), `sqlite:PATH`,
    `redis://HOST:PORT/N`. ValueError names the accepted forms."""
    if spec is None or spec == "memory":
        return MemoryStore(ttl, cap)
    if spec.startswith("sqlite:"):
        path = spec[len("sqlite:"):]
        if not path:
            raise ValueError("sqlite: needs a file, e.g. --store sqlite:sessions.db")
        try:
            return SQLiteStore(path, ttl, cap)
        except (sqlite3.Error, OSError) as exc:
            raise ValueError(f"cannot use {path} as the session store: {exc}") from None
    if spec.startswith(("redis://", "rediss://", "unix://")):
        return RedisStore(spec, ttl, cap)
    raise ValueError(f"unknown store {spec!r}: use memory, sqlite:PATH or redis://HOST:PORT/N")
