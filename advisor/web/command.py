"""`radiology-advisor serve`: its arguments (argparse only) and the server it starts.

cli.py declares the subcommand through `declare` and runs it through `run`; Starlette and
uvicorn are imported only once a server starts.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import logging
import os
import re
import signal
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from knowledge import AdvisorError

from . import require

if TYPE_CHECKING:
    from ..core import Advisor

#: The most bytes of request line and headers a connection may send before its request is
#: refused (uvicorn's h11 default).
MAX_HEADER_BYTES = 16 * 1024
#: The configuration a worker process reads (uvicorn starts each worker afresh).
CONFIG_ENV = "RADIOLOGY_ADVISOR_WEB_CONFIG"


def declare(sub: Any, data: argparse.ArgumentParser, exit_help: str) -> argparse.ArgumentParser:
    """Declare `serve` on the CLI's subparsers; returns its parser."""
    serve = sub.add_parser(
        "serve", parents=[data],
        help="serve the web chat and its HTTP API (needs the 'web' extra)",
        description="Serve the chat as a web page and an HTTP API (Starlette on uvicorn), "
                    "from the 'web'\nextra: pip install 'radiology-advisor[web]'. Logs one "
                    "line per request; Ctrl-C or\nSIGTERM stops it cleanly. Sessions live in "
                    "--store: memory (one process), sqlite:PATH\n(survives restarts) or "
                    "redis://HOST:PORT/N (several workers and machines).",
        epilog="examples:\n  radiology-advisor serve                      then open "
               "http://127.0.0.1:8000/\n"
               "  radiology-advisor serve --host 0.0.0.0 --port 8080 --store sqlite:chats.db\n"
               "  radiology-advisor serve --workers 4 --store redis://localhost:6379/0\n\n"
               + exit_help)
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on "
                       "(default: 127.0.0.1; 0.0.0.0 for every interface)")
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    serve.add_argument("--workers", type=int, default=1, metavar="N",
                       help="server processes (default: 1; more need a sqlite or redis store)")
    serve.add_argument("--store", default="memory", metavar="STORE",
                       help="memory (default), sqlite:PATH or redis://HOST:PORT/N")
    serve.add_argument("--cors-origin", action="append", default=[], metavar="ORIGIN",
                       help="let pages from ORIGIN call the API (repeatable; default: none)")
    serve.add_argument("--max-sessions", type=int, default=10_000, metavar="N",
                       help="conversations kept at most (default: 10000)")
    serve.add_argument("--session-ttl", type=float, default=24.0, metavar="HOURS",
                       help="a conversation unused this long is forgotten (default: 24)")
    serve.add_argument("--rate-limit", type=float, default=5.0, metavar="PER_SECOND",
                       help="API requests per second per client address after a burst of "
                            "60 (default: 5; 0 turns the limit off)")
    serve.add_argument("--no-access-log", action="store_true",
                       help="do not log a line per request")
    serve.add_argument("--trust-proxy", action="store_true",
                       help="take the client's address from X-Forwarded-For set by a reverse "
                            "proxy on this machine (default: off; a client could otherwise "
                            "name itself anew on every request past the rate limit)")
    parser: argparse.ArgumentParser = serve
    return parser


def _config(args: argparse.Namespace) -> dict[str, Any]:
    store = str(args.store)
    if store.startswith("sqlite:") and len(store) > len("sqlite:"):
        store = "sqlite:" + str(Path(store[len("sqlite:"):]).resolve())
    return {"knowledge": args.knowledge, "dialogs": args.dialogs, "store": store,
            "cors": list(args.cors_origin), "max_sessions": args.max_sessions,
            "ttl": args.session_ttl * 3600.0, "rate": args.rate_limit}


#: More worker processes than this only share the same cores: 1,000 took 24 GB at start-up.
MAX_WORKERS = 64


def _check(args: argparse.Namespace) -> None:
    problems = []
    if not 0 <= args.port <= 65535:
        problems.append(f"--port {args.port} is not a port number (0-65535)")
    if not 1 <= args.workers <= MAX_WORKERS:  # (each is a whole interpreter: ~60 MB)
        problems.append(f"--workers must be from 1 to {MAX_WORKERS}")
    if args.max_sessions < 1 or not 0 < args.session_ttl < 24 * 3650 \
            or not 0 <= args.rate_limit < 1e9:  # (NaN and infinity fail these too)
        problems.append("--max-sessions and --session-ttl must be positive (a TTL under ten "
                        "years), --rate-limit a finite number, not negative")
    if args.workers > 1 and args.store == "memory":
        problems.append("the memory store lives in one process: with --workers N use "
                        "--store sqlite:PATH or --store redis://HOST:PORT/N")
    if problems:
        raise AdvisorError("; ".join(problems))
    _can_listen(args.host, args.port)


def _can_listen(host: str, port: int) -> None:
    """A busy port or an unknown host is said before 'serving ...' is printed (uvicorn found
    out only after, and exited with status 3)."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        family, kind, proto, _, address = infos[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except OSError as exc:
        raise AdvisorError(f"cannot listen on {host}:{port}: "
                           f"{exc.strerror or exc}") from None


class _HideSessionIds(logging.Filter):
    """Access log lines show a session id cut to its first four characters: the id is all it
    takes to read or continue a conversation, and logs are read by more people."""

    # (any run of id characters as long as an id, wherever it stands in the path or query:
    # '/api/sessions//ID', '?id=ID' showed whole ids)
    _ID = re.compile(r"(?<![A-Za-z0-9_-])([A-Za-z0-9_-]{4})[A-Za-z0-9_-]{20,}")

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        # uvicorn's access line is (client, method, path, HTTP version, status): find the
        # path by its slash, cut the ids in it alone (a regex over every argument of every
        # line cost half as much as the rest of the line's logging).
        if isinstance(args, tuple):
            for i, arg in enumerate(args):
                if isinstance(arg, str) and arg.startswith("/"):
                    record.args = (*args[:i], self._ID.sub(r"\1…", arg), *args[i + 1:])
                    break
        return True


def app_from_config(config: dict[str, Any], advisor: Advisor | None = None) -> Any:
    """The application a configuration describes (also what each worker process builds)."""
    from .app import Limits, create_app

    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, _HideSessionIds) for f in access.filters):
        access.addFilter(_HideSessionIds())

    limits = Limits(rate=float(config["rate"]), max_sessions=int(config["max_sessions"]),
                    ttl=float(config["ttl"]))
    if advisor is None:
        from ..core import Advisor

        advisor = Advisor(config.get("knowledge"), config.get("dialogs"))
        # The engine lives as long as the server: keep the collector from scanning it
        # again in every full collection (as `ask --jsonl` does).
        gc.freeze()
    try:
        return create_app(advisor, config["store"], limits, tuple(config["cors"]))
    except ValueError as exc:
        raise AdvisorError(str(exc)) from None


def collect_less_often() -> None:
    """Run the cycle collector a tenth as often as Python's default (every 7,000 net new
    objects, not 700). A turn makes a few thousand short-lived objects; with the default,
    a loaded server spent ~15 µs of each request in the collector and paused every request
    in flight for a full collection (scanning the engine's caches and the live sessions,
    tens of milliseconds) several times a minute, to find nothing: turns leave no cyclic
    garbage (none in 4,565 turns of the load benchmark's conversations); reference counting
    frees all of it."""
    gc.set_threshold(7_000, 10, 10)


def app_from_env() -> Any:
    """uvicorn's factory for worker processes: the configuration comes in CONFIG_ENV."""
    collect_less_often()
    return app_from_config(json.loads(os.environ[CONFIG_ENV]))


def _reach_redis(store: str) -> None:
    """Fail now, in one sentence, when the Redis store cannot be reached."""
    if not store.startswith(("redis://", "rediss://", "unix://")):
        return
    import redis

    try:
        redis.Redis.from_url(store, socket_connect_timeout=5).ping()
    except redis.RedisError as exc:
        raise AdvisorError(f"cannot reach the Redis store at {store}: {exc}") from None


def run(args: argparse.Namespace, make_advisor: Callable[[argparse.Namespace], Advisor],
        out: Callable[[str], None]) -> int:
    """Start the server; returns the exit status once it has shut down. `make_advisor` and
    `out` come from the command line's environment (a test passes its own)."""
    require({"starlette": "starlette", "uvicorn": "uvicorn"})
    if args.store.startswith(("redis://", "rediss://", "unix://")):
        require({"redis": "redis"})
    _check(args)
    import uvicorn

    config = _config(args)
    # h11, not httptools: httptools buffers a header line without bound (one connection
    # sending an endless header took hundreds of MB and stalled every request); h11 refuses
    # a request whose headers pass MAX_HEADER_BYTES.
    options: dict[str, Any] = {"host": args.host, "port": args.port,
                               "access_log": not args.no_access_log, "log_level": "info",
                               "proxy_headers": bool(args.trust_proxy),
                               "timeout_graceful_shutdown": 10, "http": "h11",
                               "h11_max_incomplete_event_size": MAX_HEADER_BYTES}
    # Built before listening, so a bad store or knowledge is one message, not a crash later.
    app = app_from_config(config, make_advisor(args))
    _reach_redis(config["store"])
    host = f"[{args.host}]" if ":" in args.host else args.host
    out(f"radiology-advisor: serving the web chat at http://{host}:{args.port}/ "
        f"({args.workers} worker{'s' if args.workers != 1 else ''}, store {config['store']}); "
        "Ctrl-C stops it")
    # A server writes to sockets whose peer may be gone: that is EPIPE for the one connection
    # (uvicorn closes it), never a signal that ends the process (`main` makes a closed pipe
    # end the command-line modes quietly; a web client hanging up must not stop the server).
    with contextlib.suppress(AttributeError, ValueError):
        signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    if args.workers == 1:
        collect_less_often()
        uvicorn.run(app, **options)
    else:
        os.environ[CONFIG_ENV] = json.dumps(config)
        uvicorn.run("advisor.web.command:app_from_env", factory=True, workers=args.workers,
                    **options)
    return 0
