"""Command line: chat REPL, scripted Q&A (text, JSON, JSON Lines), check, eval, graph export.

`main(argv) -> int` never lets a traceback reach the user: errors become one clear message on
stderr and an exit status (0 ok, 1 not understood with --strict, 2 usage or input error).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from collections.abc import Iterable, Iterator
from enum import IntEnum
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from knowledge import AdvisorError, KnowledgeError, strip_control

if TYPE_CHECKING:
    from .core import Advisor

PROG = "radiology-advisor"
MAX_LINE_BYTES = 1_000_000


class ExitStatus(IntEnum):
    """Process exit codes, as httpie names them."""

    OK = 0
    NOT_UNDERSTOOD = 1
    ERROR = 2
    INTERRUPTED = 130


def _version() -> str:
    from . import __version__

    return __version__


def safe_text(text: str) -> str:
    """Text fit for a terminal: control and escape characters removed, newlines kept."""
    return "\n".join(strip_control(line.replace("\t", "    ")) for line in text.split("\n"))


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse prints usage and exits 2: keep that
        self.print_usage(sys.stderr)
        self.exit(ExitStatus.ERROR, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """The argparse tree; every subcommand's --help ends with an example."""
    fmt = argparse.RawDescriptionHelpFormatter
    parser = _Parser(
        prog=PROG, formatter_class=fmt,
        description="A conversational advisor for career pathways in radiology.",
        epilog="examples:\n  radiology-advisor                      start the chat\n"
               "  radiology-advisor ask \"How long is radiology residency?\"\n"
               "  echo 'what does a sonographer do?' | radiology-advisor\n"
               "  radiology-advisor check")
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    data = argparse.ArgumentParser(add_help=False)
    data.add_argument("--knowledge", metavar="DIR", help="knowledge directory (default: embedded)")
    data.add_argument("--dialogs", metavar="DIR", help="dialogs directory (default: embedded)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    chat = sub.add_parser("chat", parents=[data], formatter_class=fmt,
                          help="interactive chat (the default on a terminal)",
                          description="Chat with the advisor in your terminal.",
                          epilog="example:\n  radiology-advisor chat\n"
                                 "  then type: what does a sonographer do?  or  /help")
    chat.add_argument("--explain", action="store_true", help="show why each answer was given")

    ask = sub.add_parser("ask", parents=[data], formatter_class=fmt,
                         help="answer questions from arguments, a file or stdin",
                         description="Answer questions. Lines of a file or stdin are one "
                                     "conversation; each answer is printed under its question.",
                         epilog="examples:\n  radiology-advisor ask \"What does a sonographer do?\"\n"
                                "  radiology-advisor ask --file questions.txt --json\n"
                                "  printf '%s\\n' '{\"session\": \"a\", \"text\": \"hi\"}' | "
                                "radiology-advisor ask --jsonl")
    ask.add_argument("question", nargs="*", help="a question; '-' reads questions from stdin")
    ask.add_argument("--file", "-f", metavar="FILE", help="read questions from FILE, one per line")
    mode = ask.add_mutually_exclusive_group()
    mode.add_argument("--json", action="store_true", help="print one JSON object per answer")
    mode.add_argument("--jsonl", action="store_true",
                      help="speak the JSON Lines protocol: {session, text} in, one reply out")
    ask.add_argument("--explain", action="store_true", help="show why each answer was given")
    ask.add_argument("--strict", action="store_true",
                     help="exit 1 when some question was not understood")

    check = sub.add_parser("check", formatter_class=fmt,
                           help="validate a knowledge directory and the dialogs",
                           description="Validate knowledge (and dialogs); print counts; exit 2 "
                                       "on errors, each reported as file:line:col.",
                           epilog="examples:\n  radiology-advisor check\n"
                                  "  radiology-advisor check my-field/ --dialogs my-dialogs/")
    check.add_argument("directory", nargs="?", help="knowledge directory (default: embedded)")
    check.add_argument("--dialogs", metavar="DIR", help="dialogs directory (default: embedded)")

    ev = sub.add_parser("eval", parents=[data], formatter_class=fmt,
                        help="measure intent and entity accuracy on a labelled set",
                        description="Per-intent precision, recall and F1, entity accuracy and "
                                    "the misclassified utterances of a labelled YAML set.",
                        epilog="example:\n  radiology-advisor eval tests/nlu/labelled.yaml")
    ev.add_argument("file", help="labelled utterances (YAML)")

    gr = sub.add_parser("graph", parents=[data], formatter_class=fmt,
                        help="export the knowledge graph as Mermaid or Graphviz DOT",
                        description="Export the graph, or one career's pathway, for rendering.",
                        epilog="examples:\n  radiology-advisor graph --format mermaid\n"
                               "  radiology-advisor graph --format dot --focus "
                               "interventional_radiology | dot -Tsvg > ir.svg")
    gr.add_argument("--format", choices=("mermaid", "dot"), default="mermaid")
    gr.add_argument("--focus", metavar="NODE", help="only this node's pathway and neighbours")
    return parser


def _make_advisor(args: argparse.Namespace) -> Advisor:
    from .core import Advisor

    return Advisor(getattr(args, "knowledge", None), getattr(args, "dialogs", None))


def _read_lines(stream: IO[bytes]) -> Iterator[str]:
    """Lines of a byte stream as text: invalid UTF-8 replaced, over-long lines cut."""
    while True:
        raw = stream.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            while True:  # drop the rest of an over-long line
                more = stream.readline(MAX_LINE_BYTES)
                if not more or more.endswith(b"\n"):
                    break
        yield raw.decode("utf-8", errors="replace").rstrip("\r\n")


def _out(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _cmd_ask(args: argparse.Namespace) -> int:
    questions: Iterable[str]
    if args.file and args.question:
        raise _Usage("give questions as arguments or with --file, not both")
    if args.file:
        path = Path(args.file)
        try:
            stream: IO[bytes] = path.open("rb")
        except OSError as exc:
            raise _Usage(f"cannot read {args.file}: {exc.strerror or exc}") from None
        questions = _read_lines(stream)
    elif args.question == ["-"] or (not args.question):
        if not args.question and sys.stdin.isatty() and not args.jsonl:
            raise _Usage("no question given; try: radiology-advisor ask \"What does a "
                         "sonographer do?\"")
        questions = _read_lines(sys.stdin.buffer)
    else:
        questions = [" ".join(args.question)]
    advisor = _make_advisor(args)
    if args.jsonl:
        return _jsonl(advisor, questions, args.explain)
    return _answer_lines(advisor, questions, args)


def _answer_lines(advisor: Advisor, questions: Iterable[str], args: argparse.Namespace) -> int:
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
            _out(json.dumps(data, ensure_ascii=False))
            continue
        if not first:
            _out("")
        first = False
        _out(f"> {safe_text(question)}")
        _out(safe_text(reply.text))
        if args.explain:
            _out(safe_text("  " + str(reply.explain).replace("\n", "\n  ")))
    return status


def _jsonl(advisor: Advisor, lines: Iterable[str], explain: bool) -> int:
    """The scripted protocol: one request object per line in, one reply object per line out."""
    sessions: dict[str, Any] = {}
    status = ExitStatus.OK
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            request = json.loads(line)
        except (json.JSONDecodeError, RecursionError, ValueError) as exc:
            _out(json.dumps({"error": f"line {number}: not valid JSON ({exc})", "line": number}))
            status = ExitStatus.ERROR
            continue
        if not isinstance(request, dict) or not isinstance(request.get("text"), str):
            _out(json.dumps({"error": f"line {number}: a request must be an object with a "
                                      "'text' string (and optionally 'session')",
                             "line": number,
                             "session": request.get("session") if isinstance(request, dict)
                             else None}))
            status = ExitStatus.ERROR
            continue
        raw_session = request.get("session", "default")
        if not isinstance(raw_session, (str, int)) or isinstance(raw_session, bool):
            _out(json.dumps({"error": f"line {number}: 'session' must be a string",
                             "line": number}))
            status = ExitStatus.ERROR
            continue
        key = str(raw_session)
        session = sessions.get(key)
        if session is None:
            session = sessions[key] = advisor.session()
        reply = session.ask(request["text"])
        _out(json.dumps({"session": raw_session, **reply.to_dict(explain=explain)},
                        ensure_ascii=False))
    return status


def _cmd_check(args: argparse.Namespace) -> int:
    from dialogs import validate_dialogs
    from knowledge import validate

    graph, problems = validate(args.directory)
    if graph is not None:
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
    print(f"{where}: valid — {len(graph)} nodes, {len(graph.edges)} relations")
    print("nodes:     " + ", ".join(f"{t} {n}" for t, n in sorted(by_type.items())))
    print("relations: " + ", ".join(f"{r} {n}" for r, n in sorted(by_rel.items())))
    return ExitStatus.OK


class _Usage(Exception):
    """A usage or input error the user can fix; printed without a traceback."""


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `radiology-advisor` command."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    try:
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    except (AttributeError, ValueError):  # pragma: no cover - not on this platform/thread
        pass
    args = parser.parse_args(argv)
    command = args.command
    try:
        if command is None:
            if sys.stdin.isatty() and sys.stdout.isatty():
                from .repl import run_repl

                return run_repl(_make_advisor(args), explain=False)
            args = parser.parse_args(["ask", "-"])
            command = "ask"
        if command == "ask":
            return _cmd_ask(args)
        if command == "check":
            return _cmd_check(args)
        if command == "chat":
            from .repl import run_repl

            return run_repl(_make_advisor(args), explain=args.explain)
        if command == "eval":
            from .evaluate import run_eval

            return run_eval(_make_advisor(args), Path(args.file))
        if command == "graph":
            from .export import export_graph

            advisor = _make_advisor(args)
            _out(export_graph(advisor.graph, args.format, args.focus))
            return ExitStatus.OK
    except _Usage as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return ExitStatus.ERROR
    except KnowledgeError as exc:
        print(f"{PROG}: invalid data:\n{safe_text(str(exc))}", file=sys.stderr)
        return ExitStatus.ERROR
    except AdvisorError as exc:
        print(f"{PROG}: error: {safe_text(str(exc))}", file=sys.stderr)
        return ExitStatus.ERROR
    except KeyboardInterrupt:
        try:
            sys.stdout.flush()
        except OSError:
            pass
        return ExitStatus.INTERRUPTED
    except BrokenPipeError:
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except OSError:
            pass
        return ExitStatus.OK
    parser.print_help()
    return ExitStatus.ERROR
