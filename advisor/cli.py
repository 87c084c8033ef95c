"""Command line: chat REPL, scripted Q&A (text, JSON, JSON Lines), check, eval, graph export.

`main(argv) -> int` never lets a traceback reach the user: errors become one clear message on
stderr and an exit status (0 ok, 1 not understood with --strict, 2 usage or input error).
prompt_toolkit is imported only when a chat starts (`advisor.repl`), so scripted use stays fast.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gc
import json
import os
import re
import signal
import sys
import zlib
from collections import OrderedDict, deque
from collections.abc import Iterable, Iterator
from enum import IntEnum
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from knowledge import AdvisorError, KnowledgeError

from .textsafe import safe_text

if TYPE_CHECKING:
    from .core import Advisor

__all__ = ["PROG", "ExitStatus", "build_parser", "main", "run", "safe_text"]

PROG = "radiology-advisor"
MAX_SESSIONS = 5000
MAX_LINE_BYTES = 1_000_000
DEBUG_ENV = "RADIOLOGY_ADVISOR_DEBUG"

EXIT_HELP = ("exit status:\n  0  success\n  1  with --strict: some question was not understood\n"
             "  2  usage or input error (bad arguments, unreadable file, invalid data)")


class ExitStatus(IntEnum):
    """Process exit codes, as httpie names them."""

    OK = 0
    NOT_UNDERSTOOD = 1
    ERROR = 2
    INTERRUPTED = 130


def _version() -> str:
    from . import __version__

    return __version__


def _terminal_width() -> int:
    """shutil.get_terminal_size().columns, without importing shutil (and with it bz2 and
    lzma) on every start: argparse asks for the width even when it prints no help."""
    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 80
    return columns


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Descriptions and epilogs as written (they hold examples), at the terminal's width."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: int | None = None) -> None:
        super().__init__(prog, indent_increment, max_help_position,
                         width if width is not None else _terminal_width() - 2)


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> Any:  # argparse prints usage and exits 2: keep that
        self.print_usage(sys.stderr)
        self.exit(ExitStatus.ERROR, f"{self.prog}: error: {message}\n"
                                    f"Try '{self.prog} --help' for examples.\n")


_Subparsers = Any  # what add_subparsers returns; its class is private to argparse


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argparse tree; every subcommand's --help ends with examples.

    With `command`, only that subcommand is declared: building all five took longer than
    answering a question, and a command line naming one never needs the others.
    """
    parser = _Parser(
        prog=PROG,
        description="A conversational advisor for career pathways in radiology: ask about "
                    "roles, training,\ncertifications, pay and outlook, or let it interview "
                    "you and recommend a pathway.",
        epilog="examples:\n"
               "  radiology-advisor                      start the chat (on a terminal)\n"
               "  radiology-advisor ask \"How long is radiology residency?\"\n"
               "  echo 'what does a sonographer do?' | radiology-advisor\n"
               "  radiology-advisor graph --format dot | dot -Tsvg > careers.svg\n"
               "  radiology-advisor check\n\n"
               "Run 'radiology-advisor COMMAND --help' for each command's options.\n\n"
               + EXIT_HELP)
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    data = _Parser(add_help=False)
    data.add_argument("--knowledge", metavar="DIR", help="knowledge directory (default: embedded)")
    data.add_argument("--dialogs", metavar="DIR", help="dialogs directory (default: embedded)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, declare in _COMMANDS.items():
        if command in (None, name):
            declare(sub, data)
    return parser



def _declare_chat(sub: _Subparsers, data: argparse.ArgumentParser) -> None:
    chat = sub.add_parser(
        "chat", parents=[data],
        help="interactive chat (the default on a terminal)",
        description="Chat with the advisor in your terminal: history (Up, and suggestions "
                    "from it), Tab\ncompletion of career names, commands and answer options, "
                    "a toolbar with the\ninterview's progress. Type /help inside for commands "
                    "(/save, /load, /plan, /path ...).\nHistory is kept in "
                    "$XDG_DATA_HOME/radiology-advisor/history. NO_COLOR turns colour off.",
        epilog="example:\n  radiology-advisor chat --explain\n"
               "  then type: what does a sonographer do?   or   /help\n\n" + EXIT_HELP)
    chat.add_argument("--explain", action="store_true", help="show why each answer was given")


def _declare_ask(sub: _Subparsers, data: argparse.ArgumentParser) -> None:
    ask = sub.add_parser(
        "ask", parents=[data],
        help="answer questions from arguments, a file or stdin",
        description="Answer questions. Lines of a file or stdin are one conversation; each "
                    "answer is printed\nunder its question. --jsonl speaks the JSON Lines "
                    "protocol: one request object\n{\"session\": ID, \"text\": QUESTION} per "
                    "line in, one reply object per line out,\nflushed at once; sessions are "
                    "independent and may interleave. A malformed\nrequest line gets "
                    "{\"error\": ..., \"line\": N, \"session\": ...} and processing goes on;\n"
                    "the exit status is then 2.",
        epilog="examples:\n  radiology-advisor ask \"What does a sonographer do?\"\n"
               "  radiology-advisor ask --file questions.txt --json\n"
               "  radiology-advisor ask --strict - < questions.txt\n"
               "  printf '%s\\n' '{\"session\": \"a\", \"text\": \"hi\"}' | "
               "radiology-advisor ask --jsonl\n\n" + EXIT_HELP)
    ask.add_argument("question", nargs="*", help="a question; '-' reads questions from stdin")
    ask.add_argument("--file", "-f", metavar="FILE",
                     help="read questions from FILE, one per line ('-' for stdin)")
    mode = ask.add_mutually_exclusive_group()
    mode.add_argument("--json", action="store_true", help="print one JSON object per answer")
    mode.add_argument("--jsonl", action="store_true",
                      help="speak the JSON Lines protocol: {session, text} in, one reply out")
    ask.add_argument("--explain", action="store_true", help="show why each answer was given")
    ask.add_argument("--strict", action="store_true",
                     help="exit 1 when some question was not understood")


def _declare_check(sub: _Subparsers, data: argparse.ArgumentParser) -> None:
    check = sub.add_parser(
        "check", help="validate a knowledge directory and the dialogs",
        description="Validate knowledge (and dialogs); print counts; exit 2 on errors, each "
                    "reported as file:line:col.",
        epilog="examples:\n  radiology-advisor check\n"
               "  radiology-advisor check my-field/ --dialogs my-dialogs/\n\n" + EXIT_HELP)
    check.add_argument("directory", nargs="?", help="knowledge directory (default: embedded)")
    check.add_argument("--dialogs", metavar="DIR", help="dialogs directory (default: embedded)")


def _declare_eval(sub: _Subparsers, data: argparse.ArgumentParser) -> None:
    ev = sub.add_parser(
        "eval", parents=[data],
        help="measure intent and entity accuracy on a labelled set",
        description="Per-intent precision, recall and F1, entity accuracy and the "
                    "misclassified utterances of a labelled YAML set.",
        epilog="example:\n  radiology-advisor eval tests/nlu/labelled.yaml\n\n" + EXIT_HELP)
    ev.add_argument("file", help="labelled utterances (YAML)")


def _declare_graph(sub: _Subparsers, data: argparse.ArgumentParser) -> None:
    gr = sub.add_parser(
        "graph", parents=[data],
        help="export the knowledge graph as Mermaid or Graphviz DOT",
        description="Export the whole graph (nodes grouped by type, edges labelled with "
                    "relations), or with\n--focus one career's pathway (steps in order with "
                    "durations) and its direct neighbours.\nNODE is an id, a name or an alias.",
        epilog="examples:\n  radiology-advisor graph --format mermaid > careers.mmd\n"
               "  radiology-advisor graph --format dot --focus interventional_radiology "
               "| dot -Tsvg > ir.svg\n\n" + EXIT_HELP)
    gr.add_argument("--format", choices=("mermaid", "dot"), default="mermaid",
                    help="output format (default: mermaid)")
    gr.add_argument("--focus", metavar="NODE", help="only this node's pathway and neighbours")


_COMMANDS = {"chat": _declare_chat, "ask": _declare_ask, "check": _declare_check,
             "eval": _declare_eval, "graph": _declare_graph}


def _make_advisor(args: argparse.Namespace) -> Advisor:
    from .core import Advisor

    advisor = Advisor(getattr(args, "knowledge", None), getattr(args, "dialogs", None))
    if getattr(args, "program", False):
        # Everything loaded so far lives until the process ends: keep the collector from
        # scanning it again in every full collection of a long --jsonl run. (Not when main()
        # is called by a host program: its heap is not ours to pin.)
        gc.freeze()
    return advisor


class _Usage(Exception):
    """A usage or input error the user can fix; printed without a traceback."""


class _OutputError(_Usage):
    """Standard output is closed or failing (a full disk): one message, then stop."""


class _LongLine(str):
    """A line that was longer than MAX_LINE_BYTES; only its first MAX_LINE_BYTES were kept."""


class _LineSource:
    """Lines of a byte stream as text: BOM dropped, invalid UTF-8 replaced, over-long lines cut.

    Iterating reads one line at a time (never ahead), so a program can drive --jsonl turn by
    turn; `batches()` gives every line already available at once, for the parallel server.
    """

    def __init__(self, stream: IO[bytes], name: str = "stdin") -> None:
        self.stream, self.name = stream, name
        self._first = True

    def _text(self, raw: bytes, cut: bool) -> str:
        line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
        if self._first:
            line, self._first = line.removeprefix("\ufeff"), False
        return _LongLine(line) if cut else line

    def _fail(self, exc: OSError) -> _Usage:
        return _Usage(f"cannot read {self.name}: {exc.strerror or exc}")

    def __iter__(self) -> Iterator[str]:
        stream = self.stream
        while True:
            try:
                raw = stream.readline(MAX_LINE_BYTES + 1)
            except OSError as exc:
                raise self._fail(exc) from None
            if not raw:
                return
            cut = len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n")
            if cut:
                while True:  # drop the rest of an over-long line
                    more = stream.readline(MAX_LINE_BYTES)
                    if not more or more.endswith(b"\n"):
                        break
            yield self._text(raw, cut)

    def batches(self) -> Iterator[list[str]]:
        """The lines in the order they come, grouped as they become available: each group
        is what one read returned (so a lone request is not held back waiting for more)."""
        # Straight from the descriptor when there is one: a reader thread blocked in a
        # buffered read holds the buffer's lock, and interpreter shutdown then aborts.
        # (Nothing has read this stream before: it is a fresh file, or stdin in `ask`.)
        try:
            fd = self.stream.fileno()
        except (AttributeError, OSError, ValueError):
            fd = -1
        read = functools.partial(os.read, fd) if fd >= 0 else getattr(self.stream, "read1",
                                                                     None)
        if read is None:
            yield from ([line] for line in self)
            return
        pending, cut = b"", False
        while True:
            try:
                chunk = read(1 << 16)
            except OSError as exc:
                raise self._fail(exc) from None
            if not chunk:
                if pending or cut:
                    yield [self._text(pending, cut)]
                return
            *complete, rest = chunk.split(b"\n")
            batch = []
            for part in complete:
                raw, pending = pending + part, b""
                if cut or len(raw) > MAX_LINE_BYTES:
                    batch.append(self._text(raw[:MAX_LINE_BYTES + 1], True))
                    cut = False
                else:
                    batch.append(self._text(raw, False))
            if not cut:
                pending += rest
                if len(pending) > MAX_LINE_BYTES:  # keep what a reply needs, not the rest
                    pending, cut = pending[:MAX_LINE_BYTES + 1], True
            if batch:
                yield batch


def _read_lines(stream: IO[bytes], name: str = "stdin") -> _LineSource:
    """The lines of `stream` (see `_LineSource`)."""
    return _LineSource(stream, name)


def _out(text: str) -> None:
    stream = sys.stdout
    if stream is None:  # started with stdout closed (`>&-`)
        raise _OutputError("standard output is closed")
    try:
        stream.write(text + "\n")
        stream.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:  # a full disk, a vanished device
        raise _OutputError(f"cannot write output: {exc.strerror or exc}") from None


# Characters json.dumps(ensure_ascii=False) leaves raw that a terminal or a line splitter
# could take for something else (C1 controls, bidi marks, U+2028/9), and lone surrogates
# that UTF-8 cannot encode: written as \uXXXX escapes, which decode to the same string.
_JSON_UNSAFE = re.compile(r"[\x7f-\x9f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
                          r"\ud800-\udfff]")


# One encoder for every line: json.dumps(..., ensure_ascii=False) would build a new one per
# call. Replies are trees of fresh lists and dicts, so the cycle check is not needed either.
_ENCODE = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode


def _json_line(data: Any) -> str:
    """One JSON object on one line, safe for terminals, UTF-8 pipes and str.splitlines()."""
    # Fast path: plain ASCII text needs no scan; otherwise escape what could mislead.
    text = _ENCODE(data)
    if text.isascii():
        return text
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _cmd_ask(args: argparse.Namespace) -> int:
    questions: Iterable[str]
    if args.file and args.question:
        raise _Usage("give questions as arguments or with --file, not both")
    with contextlib.ExitStack() as stack:
        if args.file and args.file != "-":
            try:
                stream = stack.enter_context(Path(args.file).open("rb"))
            except OSError as exc:
                raise _Usage(f"cannot read {args.file}: {exc.strerror or exc}") from None
            questions = _read_lines(stream, args.file)
        else:
            questions = _questions(args)
        advisor = _make_advisor(args)
        if args.jsonl:
            workers = _worker_count() if getattr(args, "program", False) else 1
            if workers > 1:  # (a host program calling main() is never forked)
                return _jsonl_parallel(advisor, questions, workers, explain=args.explain,
                                       strict=args.strict)
            return _jsonl(advisor, questions, explain=args.explain, strict=args.strict)
        return _answer_lines(advisor, questions, args)


def _questions(args: argparse.Namespace) -> Iterable[str]:
    """Questions from stdin or the command line, when not from a file."""
    if args.file == "-" or args.question == ["-"] or not args.question:
        if not args.file and not args.question and sys.stdin.isatty() and not args.jsonl:
            raise _Usage("no question given; try: radiology-advisor ask \"What does a "
                         "sonographer do?\"")
        return _read_lines(sys.stdin.buffer)
    if args.jsonl:
        raise _Usage("--jsonl reads requests from stdin or --file, not from arguments")
    question = " ".join(args.question)
    if not question.strip():
        raise _Usage("the question is empty")
    return [question]


def _answer_lines(advisor: Advisor, questions: Iterable[str], args: argparse.Namespace) -> int:
    """Plain or --json answers, one conversation, each answer under its question."""
    session = advisor.session()
    status = ExitStatus.OK
    first = True
    for question in questions:
        if not question.strip():
            continue
        reply = session.ask(question)
        if reply.fallback and args.strict:
            status = ExitStatus.NOT_UNDERSTOOD
        if args.json:
            data = {"question": question, **reply.to_dict(explain=args.explain)}
            _out(_json_line(data))
            continue
        if not first:
            _out("")
        first = False
        _out(f"> {safe_text(_clip(question))}")
        _out(safe_text(reply.text))
        if args.explain:
            _out(safe_text("  " + str(reply.explain).replace("\n", "\n  ")))
    return status


def _clip(question: str) -> str:
    """A question as echoed: no longer than what the advisor reads of it."""
    from .nlu import MAX_INPUT_CHARS

    return question if len(question) <= MAX_INPUT_CHARS else question[:MAX_INPUT_CHARS] + "…"


def _request_error(number: int, message: str, session: Any = None) -> str:
    if not isinstance(session, (str, int)) or isinstance(session, bool):
        session = None
    return _json_line({"error": f"line {number}: {message}", "line": number,
                       "session": session})


class _Sessions:
    """The --jsonl conversations by session id, the least recently used dropped past `cap`."""

    def __init__(self, advisor: Advisor, cap: int = MAX_SESSIONS) -> None:
        self.advisor, self.cap = advisor, cap
        self._open: OrderedDict[str, Any] = OrderedDict()

    def get(self, key: str) -> Any:
        session = self._open.get(key)
        if session is None:
            session = self._open[key] = self.advisor.session()
            if len(self._open) > self.cap:  # bound memory: the least recently used goes
                self._open.popitem(last=False)
        else:
            self._open.move_to_end(key)
        return session


def _parse_request(number: int, line: str) -> tuple[str, Any, str, bool] | str:
    """A request line as (session key, session as sent, text, explain?), or its error line."""
    if isinstance(line, _LongLine):
        return _request_error(number, f"the line is longer than {MAX_LINE_BYTES:,} bytes, the "
                                      "limit for one request; it was skipped")
    try:
        request = json.loads(line)
    except (json.JSONDecodeError, RecursionError, ValueError) as exc:
        return _request_error(number, f"not valid JSON ({exc})")
    if not isinstance(request, dict) or not isinstance(request.get("text"), str):
        session = request.get("session") if isinstance(request, dict) else None
        return _request_error(number, "a request must be an object with a 'text' string "
                                      "(and optionally 'session')", session)
    raw_session = request.get("session", "default")
    if not isinstance(raw_session, (str, int)) or isinstance(raw_session, bool):
        return _request_error(number, "'session' must be a string")
    return str(raw_session), raw_session, request["text"], request.get("explain") is True


def _answer_request(sessions: _Sessions, key: str, raw_session: Any, text: str,
                    explain: bool) -> tuple[str, bool]:
    """The reply line to one request, and whether it was a fallback."""
    reply = sessions.get(key).ask(text)
    return _json_line({"session": raw_session, **reply.to_dict(explain=explain)}), reply.fallback


def _jsonl_status(malformed: bool, not_understood: bool, strict: bool) -> int:
    if malformed:
        return ExitStatus.ERROR
    if strict and not_understood:
        return ExitStatus.NOT_UNDERSTOOD
    return ExitStatus.OK


def _jsonl(advisor: Advisor, lines: Iterable[str], *, explain: bool = False,
           strict: bool = False) -> int:
    """The scripted protocol: one request object per line in, one reply object per line out.

    Every non-blank line gets exactly one line back, flushed at once: a reply
    {"session", "answer", "fallback", ...} or an error {"error", "line", "session"}. A request
    may add "explain": true. Malformed lines make the final status 2; with `strict` a
    fallback makes it 1 (2 wins).
    """
    sessions = _Sessions(advisor)
    malformed = not_understood = False
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        request = _parse_request(number, line)
        if isinstance(request, str):
            _out(request)
            malformed = True
            continue
        key, raw_session, text, wants_explain = request
        reply_line, fallback = _answer_request(sessions, key, raw_session, text,
                                               explain or wants_explain)
        not_understood = not_understood or fallback
        _out(reply_line)
    return _jsonl_status(malformed, not_understood, strict)


WORKERS_ENV = "RADIOLOGY_ADVISOR_WORKERS"


def _worker_count() -> int:
    """Processes for --jsonl: one per usable core (at most 4), or $RADIOLOGY_ADVISOR_WORKERS.

    Forking is used, so only where it is the platform's own way (Linux); elsewhere, and with
    one core, requests are answered in this process."""
    setting = os.environ.get(WORKERS_ENV, "").strip()
    if setting.isdigit() and int(setting) >= 1:
        wanted = min(int(setting), 16)
    else:
        affinity = getattr(os, "sched_getaffinity", None)
        wanted = min(len(affinity(0)) if affinity else (os.cpu_count() or 1), 4)
    return wanted if sys.platform.startswith("linux") else 1


class _WorkerFailed(AdvisorError):
    """A --jsonl worker process ended or failed; the run stops rather than hang."""


def _serve_requests(sessions: _Sessions, conn: Any, explain: bool, inherited: list[Any]
                    ) -> None:
    """A worker's loop: batches of (seq, session key, session, text, explain?) in, reply
    lines out, until the dispatcher closes the connection."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the dispatcher's to handle
    for other in inherited:  # the fork copied the dispatcher's ends of every pipe: held
        other.close()        # here, they would keep the other workers from seeing the end
    try:
        while True:
            batch = conn.recv()
            conn.send([(seq, *_answer_request(sessions, key, raw, text, explain or wants))
                       for seq, key, raw, text, wants in batch])
    except (EOFError, OSError):
        pass  # the dispatcher is done (or gone)
    except Exception as exc:  # a bug: report it, so the dispatcher stops with a message
        import traceback

        detail = traceback.format_exc() if os.environ.get(DEBUG_ENV) else ""
        with contextlib.suppress(Exception):
            conn.send(f"{type(exc).__name__}: {exc}\n{detail}".rstrip())
    finally:
        os._exit(0)  # a forked copy: nothing of the parent's to tear down


def _dispatch(lines: Iterable[str], conns: list[Any], events: Any) -> None:
    """The reader thread: number the requests, answer malformed ones, send each of the
    others to the process that owns its session (so a session's turns stay in order), a
    batch per process for all the lines one read brought. This process's share goes to the
    main thread, which answers it between collecting and writing replies: a reader thread
    that answered too would stop feeding the workers while it did."""
    batches = lines.batches() if isinstance(lines, _LineSource) else ([x] for x in lines)
    shards = len(conns) + 1  # shard 0 is this process
    seq = number = 0
    try:
        for batch in batches:
            work: list[list[Any]] = [[] for _ in range(shards)]
            errors = []
            for line in batch:
                number += 1
                if not line.strip():
                    continue
                request = _parse_request(number, line)
                if isinstance(request, str):
                    errors.append((seq, request))
                else:
                    shard = zlib.crc32(request[0].encode("utf-8", "surrogatepass")) % shards
                    work[shard].append((seq, *request))
                seq += 1
            for conn, items in zip(conns, work[1:], strict=True):
                if items:
                    conn.send(items)
            if errors:
                events.send(("errors", errors, ""))
            if work[0]:
                events.send(("local", work[0], ""))
        events.send(("end", seq, ""))
    except _Usage as exc:  # stdin could not be read
        with contextlib.suppress(Exception):
            events.send(("fail", seq, str(exc)))
    except Exception as exc:  # mostly: the main thread closed the connections, stopping;
        import traceback  # else a bug, which must not leave it waiting

        detail = traceback.format_exc() if os.environ.get(DEBUG_ENV) else ""
        with contextlib.suppress(Exception):
            events.send(("crash", seq, f"{type(exc).__name__}: {exc}\n{detail}".rstrip()))


def _jsonl_parallel(advisor: Advisor, lines: Iterable[str], workers: int, *,
                    explain: bool = False, strict: bool = False) -> int:
    """`_jsonl` with sessions spread over `workers` processes (this one and forked ones).

    Sessions are independent, so each lives in one process and its turns are answered there
    in order; replies are written in request order, each as soon as it and every reply
    before it are ready. Requests are read and dispatched as they arrive, so a program can
    still drive it turn by turn. Same output, same exit status as `_jsonl`. This process
    answers a share too: a process that only dispatched would keep a copy of everything
    loaded, unused, while the others' use of it makes their own copies.
    """
    import multiprocessing
    import threading
    from multiprocessing.connection import wait

    context = multiprocessing.get_context("fork")
    # Pipes to workers that have ended must fail as errors, not kill this process: a
    # closed stdout then surfaces as BrokenPipeError, which main() ends quietly on. (Left
    # so to the end: the reader thread may still be sending while the process stops.)
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    conns: list[Any] = []
    procs: list[Any] = []
    cap = -(-MAX_SESSIONS // workers)
    events_in, events_out = context.Pipe(duplex=False)
    try:
        try:
            for _ in range(workers - 1):  # fork before any thread starts
                here, there = context.Pipe()
                inherited = [*conns, here, events_in, events_out]
                proc = context.Process(target=_serve_requests, daemon=True,
                                       args=(_Sessions(advisor, cap), there, explain,
                                             inherited))
                proc.start()
                there.close()
                conns.append(here)
                procs.append(proc)
        except OSError:  # no processes to be had (a limit, no memory): answer them here
            if not procs:
                return _jsonl(advisor, lines, explain=explain, strict=strict)
        threading.Thread(target=_dispatch, daemon=True, args=(lines, conns, events_out)).start()
        local, mine = _Sessions(advisor, cap), deque[Any]()
        ready: dict[int, str] = {}
        written, total = 0, -1
        malformed = not_understood = False
        while written != total:
            for conn in wait([*conns, events_in], 0 if mine else None):
                try:
                    message: Any = conn.recv()  # type: ignore[union-attr, call-arg]
                except (EOFError, OSError):
                    raise _WorkerFailed("a worker process ended unexpectedly") from None
                if isinstance(message, str):
                    raise _WorkerFailed(f"a worker process failed: {message}")
                if conn is not events_in:
                    for seq, line, fallback in message:
                        ready[seq] = line
                        not_understood = not_understood or fallback
                    continue
                kind, value, error = message
                if kind == "fail":
                    raise _Usage(error)
                if kind == "crash":
                    raise _WorkerFailed(f"serving requests failed: {error}")
                if kind == "end":
                    total = value
                elif kind == "local":
                    mine.extend(value)
                else:
                    ready.update(value)
                    malformed = True
            for _ in range(min(len(mine), 16)):  # a few (~3 ms), then look for replies again
                seq, key, raw, text, wants = mine.popleft()
                ready[seq], fallback = _answer_request(local, key, raw, text, explain or wants)
                not_understood = not_understood or fallback
            if written in ready:
                stream = sys.stdout
                if stream is None:
                    raise _OutputError("standard output is closed")
                try:
                    while written in ready:
                        stream.write(ready.pop(written) + "\n")
                        written += 1
                    stream.flush()
                except BrokenPipeError:
                    raise
                except OSError as exc:
                    raise _OutputError(f"cannot write output: {exc.strerror or exc}") from None
        return _jsonl_status(malformed, not_understood, strict)
    finally:
        for conn in (*conns, events_in):
            conn.close()  # workers see the end of their input and exit (the reader thread,
                          # if still reading, fails its next send and stops)
        for proc in procs:
            proc.join(timeout=2)
            if proc.is_alive():
                proc.kill()
                proc.join()


def _cmd_check(args: argparse.Namespace) -> int:
    from dialogs import validate_dialogs
    from knowledge import validate

    graph, problems = validate(args.directory)
    # The embedded dialogs score careers of the embedded graph; another field's knowledge is
    # checked with its own dialogs (--dialogs), or on its own.
    check_dialogs = args.dialogs is not None or args.directory is None
    if graph is not None and check_dialogs:
        problems = list(validate_dialogs(args.dialogs, graph))
    if problems:
        for problem in problems:
            print(safe_text(str(problem)), file=sys.stderr)
        print(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found",
              file=sys.stderr)
        return ExitStatus.ERROR
    assert graph is not None
    by_type, by_rel = graph.counts()
    where = args.directory or "embedded radiology knowledge"
    print(f"{safe_text(str(where))}: valid — {len(graph)} nodes, {len(graph.edges)} relations")
    print("nodes:     " + ", ".join(f"{t} {n}" for t, n in sorted(by_type.items())))
    print("relations: " + ", ".join(f"{r} {n}" for r, n in sorted(by_rel.items())))
    from dialogs import load_dialogs

    from .resources import load_intents, load_lexicon, load_responses

    if check_dialogs:
        flow = load_dialogs(args.dialogs, graph)
        print(f"dialogs:   {safe_text(flow.title)} valid — {len(flow.questions)} questions, "
              f"{len(flow.slots)} slots, {len(flow.evidence)} evidence rules")
    else:
        print("dialogs:   not checked (pass --dialogs DIR to check a flow for this knowledge)")
    from .answers import registry_problems
    from .resources import HERE, load_policy

    specs = load_intents()
    unanswered = registry_problems(HERE / "intents.yaml", [s.name for s in specs])
    if unanswered:
        raise KnowledgeError(unanswered)
    load_policy()
    lexicon = load_lexicon()
    print(f"language:  {len(specs)} intents, {len(load_responses())} responses, "
          f"{len(lexicon.rewrites)} rewrites, {len(lexicon.related)} related words")
    return ExitStatus.OK


def _cmd_chat(args: argparse.Namespace, explain: bool) -> int:
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise _Usage("chat needs a terminal; for scripted use try: radiology-advisor ask - "
                     "< questions.txt")
    advisor = _make_advisor(args)
    from .repl import run_repl  # prompt_toolkit is loaded only now

    return run_repl(advisor, explain=explain)


def _cmd_graph(args: argparse.Namespace) -> int:
    from .export import export_graph

    advisor = _make_advisor(args)
    _out(export_graph(advisor.graph, args.format, args.focus))
    return ExitStatus.OK


def _cmd_eval(args: argparse.Namespace) -> int:
    import importlib.util

    if importlib.util.find_spec("advisor.evaluate") is None:
        raise _Usage("eval is not available in this installation")
    from .evaluate import run_eval  # type: ignore[import-not-found, unused-ignore]

    status: int = run_eval(_make_advisor(args), Path(args.file))
    return status


def _run(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    command = args.command
    if command is None:
        if sys.stdin.isatty() and sys.stdout.isatty():
            return _cmd_chat(args, explain=False)
        piped = parser.parse_args(["ask", "-"])
        piped.program = args.program
        return _cmd_ask(piped)
    if command == "ask":
        return _cmd_ask(args)
    if command == "check":
        return _cmd_check(args)
    if command == "chat":
        return _cmd_chat(args, explain=args.explain)
    if command == "eval":
        return _cmd_eval(args)
    if command == "graph":
        return _cmd_graph(args)
    parser.print_help(sys.stderr)
    return ExitStatus.ERROR


def _silence_stdout() -> None:
    """Point stdout's descriptor at /dev/null so the exit-time flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, AttributeError, ValueError):
        pass


def run() -> None:
    """The `radiology-advisor` program: `main()`, then exit without tearing the heap down.

    Every command has written, flushed and closed what it produced by the time `main`
    returns; freeing the engine's objects one by one at interpreter exit took a tenth of a
    scripted start for nothing. An interactive chat exits normally (prompt_toolkit may
    have exit work to do).
    """
    status = main()
    if "prompt_toolkit" in sys.modules:
        sys.exit(status)
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more can be said there
            pass
    os._exit(status)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `radiology-advisor` command; returns the exit status."""
    as_program = argv is None
    argv = list(sys.argv[1:] if argv is None else argv)
    if as_program:  # die quietly on a closed pipe (`| head`), but never change a host process
        with contextlib.suppress(AttributeError, ValueError):  # not on this platform/thread
            signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    parser = build_parser(argv[0] if argv and argv[0] in _COMMANDS else None)
    args = parser.parse_args(argv)
    args.program = as_program
    try:
        return _run(parser, args)
    except _OutputError as exc:
        _silence_stdout()  # nothing more to write there, not even at interpreter exit
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return ExitStatus.ERROR
    except _Usage as exc:
        print(f"{PROG}: error: {safe_text(str(exc))}", file=sys.stderr)
        return ExitStatus.ERROR
    except KnowledgeError as exc:
        print(f"{PROG}: invalid data:\n{safe_text(str(exc))}", file=sys.stderr)
        return ExitStatus.ERROR
    except AdvisorError as exc:
        print(f"{PROG}: error: {safe_text(str(exc))}", file=sys.stderr)
        return ExitStatus.ERROR
    except KeyboardInterrupt:
        if as_program:  # a second Ctrl-C while winding down must not print a traceback
            with contextlib.suppress(ValueError):
                signal.signal(signal.SIGINT, signal.SIG_IGN)
        with contextlib.suppress(OSError, AttributeError):
            sys.stdout.flush()
        return ExitStatus.INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()
        return ExitStatus.OK
    except Exception as exc:  # a bug: one line, not a traceback (unless debugging)
        if os.environ.get(DEBUG_ENV):
            raise
        print(f"{PROG}: internal error: {type(exc).__name__}: {safe_text(str(exc))}\n"
              f"(set {DEBUG_ENV}=1 for a traceback, and please report it)", file=sys.stderr)
        return ExitStatus.ERROR
