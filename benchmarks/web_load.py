"""Load benchmark of the web chat: the message endpoint against a trivial JSON endpoint.

    python benchmarks/web_load.py                       # memory store, then Redis
    python benchmarks/web_load.py --stores memory --requests 8000 --rounds 1   # quicker

A real `radiology-advisor serve` on 127.0.0.1 (a free port, access log off, rate limit off)
and, in this process, 64 concurrent clients on keep-alive connections, each sending its
next request as soon as the last one is answered. Per round and endpoint a fixed number of
requests (bounded loops, loopback only): `GET /healthz`, then `POST /api/sessions/{id}/messages`
replaying realistic conversations recorded from `benchmarks/run.py`'s workload (interviews
included), each conversation in a session of its own created before the clock starts.
Prints turns/s and p50/p99 latency of both endpoints, the ratio, and pass/fail against the
targets: message throughput >= 70% of the trivial endpoint's (>= 50% with the Redis store)
and message p99 < 25 ms. Exits 1 when a target is missed. The Redis store needs
`redis-server` (Debian package); a private one is started on a free port.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from run import drive, machine, make_scripts, percentile, venv_python  # noqa: E402

CLIENTS = 64
TARGET_P99_MS = 25.0
TARGET_SHARE = {"memory": 0.70, "sqlite": 0.70, "redis": 0.50}


@dataclass
class Phase:
    endpoint: str
    requests: int
    seconds: float
    latencies: list[float]  # seconds, sorted
    cpu: float = 0.0  # CPU seconds the server's processes used meanwhile
    client_cpu: float = 0.0  # CPU seconds this process (the 64 clients) used meanwhile

    @property
    def cpu_us(self) -> float:
        """Server CPU per request: what throughput would be on a core of its own, whatever
        else the machine runs."""
        return self.cpu / self.requests * 1e6

    @property
    def client_us(self) -> float:
        """The load client's own CPU per request (it shares the 2 cores with the server)."""
        return self.client_cpu / self.requests * 1e6

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def ms(self, q: float) -> float:
        return percentile(self.latencies, q) * 1000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def conversations(count: int, seed: int = 21) -> list[list[str]]:
    """Realistic conversations (interviews resolved to the answers given), ~`count` turns."""
    from advisor import Advisor

    advisor = Advisor()
    run = drive(advisor, make_scripts(advisor.graph, count, seed=seed), random.Random(seed))
    return [t for t in run.transcripts if t]


@dataclass
class TurnCost:
    """CPU microseconds per turn in this process, caches warm: `ask` is `Session.ask`;
    `rest` is what the server adds to it outside HTTP (the reply's data and structure, its
    JSON, `Session.to_dict()` and the saved state's JSON)."""

    ask: float
    rest: float

    @property
    def total(self) -> float:
        return self.ask + self.rest


def turn_cost(convs: list[list[str]], passes: int = 3) -> TurnCost:
    """What a turn costs besides HTTP and the store's round trip, in thread CPU time (other
    jobs on the machine do not inflate it), over the same conversations; the best of
    `passes` after a warm-up (a live session, as the server keeps: nothing restored)."""
    import orjson

    from advisor import Advisor
    from advisor.web.structure import structure

    advisor = Advisor()
    clock = time.thread_time
    best: TurnCost | None = None
    for _ in range(passes + 1):
        ask = rest = 0.0
        turns = 0
        for conv in convs:
            session = advisor.session()
            for text in conv:
                start = clock()
                reply = session.ask(text)
                middle = clock()
                data = {"question": text, **reply.to_dict()}
                data.update(structure(advisor, session, reply))
                orjson.dumps(data)
                orjson.dumps(session.to_dict())
                end = clock()
                ask += middle - start
                rest += end - middle
                turns += 1
        cost = TurnCost(ask / turns * 1e6, rest / turns * 1e6)
        if best is None or cost.total < best.total:
            best = cost
    assert best is not None
    return best


# -- the clients --------------------------------------------------------------------------
async def _exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                    request: bytes) -> tuple[int, bytes]:
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n"):
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    body = await reader.readexactly(length) if length else b""
    return status, body


def _get(path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nhost: bench\r\n\r\n".encode()


def _post(path: str, data: bytes) -> bytes:
    return (f"POST {path} HTTP/1.1\r\nhost: bench\r\ncontent-type: application/json\r\n"
            f"content-length: {len(data)}\r\n\r\n").encode() + data


async def _client(port: int, requests: list[bytes], latencies: list[float],
                  expect: bytes) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    clock = time.perf_counter
    try:
        for request in requests:
            start = clock()
            status, body = await _exchange(reader, writer, request)
            latencies.append(clock() - start)
            if status != 200 or not body.startswith(expect):
                raise RuntimeError(f"unexpected answer {status}: {body[:200]!r}")
    finally:
        writer.close()


SERVER_PID = [0]


def tree(pid: int) -> list[int]:
    """A process and all its descendants (uvicorn's supervisor and its workers)."""
    found = [pid]
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as children:
                for child in children.read().split():
                    found += tree(int(child))
    except OSError:
        pass
    return found


def server_cpu() -> float:
    """User and system CPU seconds of the server and its worker processes so far."""
    ticks = 0
    for pid in tree(SERVER_PID[0]) if SERVER_PID[0] else ():
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            pass
    return ticks / os.sysconf("SC_CLK_TCK")


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def _phase(port: int, per_client: list[list[bytes]], endpoint: str,
                 expect: bytes) -> Phase:
    latencies: list[float] = []
    cpu, mine = server_cpu(), own_cpu()
    start = time.perf_counter()
    await asyncio.gather(*(_client(port, reqs, latencies, expect) for reqs in per_client))
    seconds = time.perf_counter() - start
    return Phase(endpoint, sum(len(r) for r in per_client), seconds, sorted(latencies),
                 server_cpu() - cpu, own_cpu() - mine)


async def _create_sessions(port: int, count: int) -> list[str]:
    ids: list[str] = []

    async def worker(n: int) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            for _ in range(n):
                status, body = await _exchange(reader, writer, _post("/api/sessions", b""))
                if status != 201:
                    raise RuntimeError(f"creating a session: {status} {body[:200]!r}")
                ids.append(json.loads(body)["id"])
        finally:
            writer.close()

    share, extra = divmod(count, CLIENTS)
    await asyncio.gather(*(worker(share + (i < extra)) for i in range(CLIENTS)))
    return ids


def _message_load(convs: list[list[str]], ids: list[str], total: int) -> list[list[bytes]]:
    """`total` message requests spread over the clients; each client plays whole
    conversations one after the other, each in its own session."""
    per_client: list[list[bytes]] = [[] for _ in range(CLIENTS)]
    made, c, k = 0, 0, 0
    while made < total:
        turns = convs[c % len(convs)]
        sid = ids[c]
        for text in turns[: total - made]:
            per_client[k % CLIENTS].append(
                _post(f"/api/sessions/{sid}/messages", json.dumps({"text": text}).encode()))
        made += min(len(turns), total - made)
        c, k = c + 1, k + 1
    return per_client


async def _rounds(port: int, convs: list[list[str]], requests: int, rounds: int,
                  warmup: int) -> list[tuple[Phase, Phase]]:
    per_round_convs = 1 + requests // 3  # conversations have at least ~3 turns on average
    needed = (rounds + 1) * per_round_convs
    ids = await _create_sessions(port, needed)
    trivial = [[_get("/healthz")] * (requests // CLIENTS) for _ in range(CLIENTS)]
    warm = [[_get("/healthz")] * (warmup // CLIENTS) for _ in range(CLIENTS)]
    await _phase(port, warm, "warm-up", b"{")
    await _phase(port, _message_load(convs, ids[:per_round_convs], warmup), "warm-up", b"{")
    results = []
    for r in range(rounds):
        base = (r + 1) * per_round_convs
        load = _message_load(convs[r * 7:] + convs[: r * 7], ids[base: base + per_round_convs],
                             requests)
        t = await _phase(port, trivial, "GET /healthz", b'{"status"')
        m = await _phase(port, load, "POST /api/sessions/{id}/messages", b'{"question"')
        results.append((t, m))
    return results


# -- the server ---------------------------------------------------------------------------
def _start_server(python: Path, port: int, store: str, workers: int) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RADIOLOGY_ADVISOR")}
    proc = subprocess.Popen(
        [str(python), "-m", "advisor", "serve", "--port", str(port), "--store", store,
         "--workers", str(workers), "--no-access-log", "--rate-limit", "0",
         "--max-sessions", "1000000"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("the server did not start: "
                               + (proc.stderr.read().decode() if proc.stderr else ""))
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("the server did not answer within 60 s")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _redis(tmp: Path) -> tuple[subprocess.Popen[bytes], str]:
    program = shutil.which("redis-server")
    if program is None:
        raise RuntimeError("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    proc = subprocess.Popen([program, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", str(tmp)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, f"redis://127.0.0.1:{port}/0"
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("redis-server did not start")


def measure(store: str, workers: int, convs: list[list[str]], args: argparse.Namespace
            ) -> tuple[Phase, Phase]:
    """The median round (by message throughput) of one store and worker count."""
    python = venv_python()
    with tempfile.TemporaryDirectory() as tmp:
        extra: subprocess.Popen[bytes] | None = None
        spec = store
        if store == "redis":
            extra, spec = _redis(Path(tmp))
        elif store == "sqlite":
            spec = f"sqlite:{tmp}/sessions.db"
        port = free_port()
        server = _start_server(python, port, spec, workers)
        SERVER_PID[0] = server.pid
        try:
            rounds = asyncio.run(_rounds(port, convs, args.requests, args.rounds, args.warmup))
        finally:
            _stop(server)
            if extra is not None:
                extra.terminate()
                extra.wait()
    rounds.sort(key=lambda pair: pair[1].rate)
    return rounds[len(rounds) // 2]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stores", default="memory,redis",
                        help="comma-separated: memory, sqlite, redis (default: memory,redis)")
    parser.add_argument("--workers", default="memory:1,sqlite:2,redis:2",
                        help="server processes per store (default: memory:1,sqlite:2,redis:2)")
    parser.add_argument("--requests", type=int, default=16_000,
                        help="requests per endpoint per round (default: 16000)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; the median is shown")
    parser.add_argument("--warmup", type=int, default=3_000, help="warm-up requests")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    workers = dict((k, int(v)) for k, v in (w.split(":") for w in args.workers.split(",")))
    print(machine())
    convs = conversations(max(4000, args.requests))
    turns = sum(len(c) for c in convs)
    print(f"{len(convs)} recorded conversations, {turns} turns; {CLIENTS} clients; "
          f"{args.requests} requests per endpoint per round, median of {args.rounds} rounds")
    rows: list[str] = []
    figures: dict[str, object] = {}
    failed: list[str] = []
    for store in args.stores.split(","):
        n = workers.get(store, 1)
        trivial, message = measure(store, n, convs, args)
        label = f"{store}, {n} worker{'s' if n > 1 else ''}"
        figures[store] = _judge(label, store, n, trivial, message, rows)
        if not figures[store]["met"]:  # type: ignore[index]
            failed.append(store)
    cost = turn_cost(convs)
    figures.update(turn_mean_us=cost.total, turn_ask_us=cost.ask, turn_rest_us=cost.rest)
    print("\n| store | endpoint | requests/s | p50 ms | p99 ms | server CPU µs/request | "
          "client CPU µs/request | messages / trivial | |")
    print("|---|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    print(f"\nthe turn itself, in process, thread CPU: Session.ask {cost.ask:.0f} µs + reply "
          f"data, structure, JSON and to_dict {cost.rest:.0f} µs = {cost.total:.0f} µs")
    for store in args.stores.split(","):
        trivial_us = figures[store]["trivial_cpu_us"]  # type: ignore[index]
        ceiling = trivial_us / (trivial_us + cost.total)
        print(f"{store}: a message costs the server at least a trivial request "
              f"({trivial_us:.0f} µs) plus the turn ({cost.total:.0f} µs): at most "
              f"{ceiling:.0%} of the trivial endpoint's throughput even if HTTP, routing and "
              "the store cost a message nothing more than /healthz")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    if failed:
        print(f"\ntargets missed: {', '.join(failed)}")
        return 1
    return 0


def _judge(label: str, store: str, workers: int, trivial: Phase, message: Phase,
           rows: list[str]) -> dict[str, object]:
    """Append the two table rows of one store; its figures, `met` saying if both targets are."""
    share = message.rate / trivial.rate
    ok = share >= TARGET_SHARE[store] and message.ms(99) < TARGET_P99_MS
    cpu_share = trivial.cpu_us / message.cpu_us
    rows.append(f"| {label} | `GET /healthz` | {trivial.rate:,.0f} | {trivial.ms(50):.1f} | "
                f"{trivial.ms(99):.1f} | {trivial.cpu_us:.0f} | {trivial.client_us:.0f} | | |")
    rows.append(f"| {label} | `POST .../messages` | {message.rate:,.0f} | "
                f"{message.ms(50):.1f} | {message.ms(99):.1f} | {message.cpu_us:.0f} | "
                f"{message.client_us:.0f} | {share:.0%} ({cpu_share:.0%} by CPU; target ≥ "
                f"{TARGET_SHARE[store]:.0%}, p99 < {TARGET_P99_MS:g} ms) | "
                f"{'met' if ok else 'MISSED'} |")
    return {"workers": workers, "trivial_rps": trivial.rate,
            "trivial_p50_ms": trivial.ms(50), "trivial_p99_ms": trivial.ms(99),
            "message_rps": message.rate, "message_p50_ms": message.ms(50),
            "message_p99_ms": message.ms(99), "share": share, "met": ok,
            "trivial_cpu_us": trivial.cpu_us, "message_cpu_us": message.cpu_us,
            "trivial_client_cpu_us": trivial.client_us,
            "message_client_cpu_us": message.client_us}


if __name__ == "__main__":
    sys.exit(main())
