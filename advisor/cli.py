"""Command line: chat REPL, scripted Q&A (text, JSON, JSON Lines), check, eval, graph export.

`main(argv, env) -> int` never lets a traceback reach the user: errors become one clear
message on stderr and an exit status (0 ok, 1 not understood with --strict, 2 usage or input
error, 130 interrupted). Every stream it uses comes from an `Environment` (as httpie's), so a
test or a host program passes its own. Each subcommand names its handler in one table
(`set_defaults(handler=...)`). Nothing heavy is imported before `main` runs (so a Ctrl-C at
any moment is a clean exit), and prompt_toolkit only when a chat starts.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TextIO

from .status import ExitStatus

if TYPE_CHECKING:
    import argparse

    from .core import Advisor

__all__ = ["PROG", "Environment", "ExitStatus", "build_parser", "main", "run"]

PROG = "radiology-advisor"
DEBUG_ENV = "RADIOLOGY_ADVISOR_DEBUG"

EXIT_HELP = ("exit status:\n  0    success\n  2    usage or input error (bad arguments, "
             "unreadable file, invalid data)\n  130  interrupted (Ctrl-C)")
ASK_EXIT_HELP = EXIT_HELP.replace("\n  2 ", "\n  1    with --strict: some question was not "
                                             "understood\n  2 ", 1)


class Environment:
    """Where a run reads and writes and what it may change, injected (as httpie does).

    `program` is True only for the `radiology-advisor` process itself: then signals are set
    for a command line (a closed pipe ends it quietly) and the loaded engine is frozen out of
    the garbage collector's scans. A host program calling `main` keeps its own. `advisor`
    builds the Advisor from (knowledge dir, dialogs dir); tests pass one already built.
    """

    def __init__(self, *, stdin: IO[bytes] | None = None, stdout: TextIO | None = None,
                 stderr: TextIO | None = None, stdin_isatty: bool = False,
                 stdout_isatty: bool = False, environ: Mapping[str, str] | None = None,
                 program: bool = False,
                 advisor: Callable[[str | None, str | None], Advisor] | None = None) -> None:
        self.stdin, self.stdout, self.stderr = stdin, stdout, stderr
        self.stdin_isatty, self.stdout_isatty = stdin_isatty, stdout_isatty
        self.environ: Mapping[str, str] = os.environ if environ is None else environ
        self.program = program
        self._advisor = advisor

    @classmethod
    def from_process(cls, *, program: bool = False) -> Environment:
        """The process's own streams (None where one is closed, as with `<&-`)."""
        stdin = getattr(sys.stdin, "buffer", None) if sys.stdin is not None else None
        return cls(stdin=stdin, stdout=sys.stdout, stderr=sys.stderr,
                   stdin_isatty=_isatty(sys.stdin), stdout_isatty=_isatty(sys.stdout),
                   program=program)

    def out(self, text: str) -> None:
        """Write one line of output and flush it; a failing output ends the run."""
        stream = self.stdout
        if stream is None:  # started with stdout closed (`>&-`)
            raise _OutputError("standard output is closed")
        try:
            stream.write(text + "\n")
            stream.flush()
        except BrokenPipeError:
            raise
        except (OSError, ValueError) as exc:  # a full disk, a vanished device, closed
            raise _OutputError(f"cannot write output: {getattr(exc, 'strerror', None) or exc}"
                               ) from None

    def err(self, text: str) -> None:
        """Write one line to stderr, if there is one that works."""
        if self.stderr is None:  # started with stderr closed (`2>&-`)
            return
        with contextlib.suppress(OSError, ValueError, AttributeError):
            self.stderr.write(text + "\n")
            self.stderr.flush()

    def make_advisor(self, args: argparse.Namespace) -> Advisor:
        knowledge, dialogs = getattr(args, "knowledge", None), getattr(args, "dialogs", None)
        if self._advisor is not None:
            return self._advisor(knowledge, dialogs)
        from .core import Advisor

        advisor = Advisor(knowledge, dialogs)
        if self.program:
            import gc

            # Everything loaded so far lives until the process ends: keep the collector from
            # scanning it again in every full collection of a long --jsonl run.
            gc.freeze()
        return advisor


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream is not None and stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


class _Usage(Exception):
    """A usage or input error the user can fix; printed without a traceback."""


class _OutputError(_Usage):
    """Standard output is closed or failing (a full disk): one message, then stop."""


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


_Subparsers = Any  # what add_subparsers returns; its class is private to argparse


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argparse tree; every subcommand's --help ends with examples.

    With `command`, only that subcommand is declared: building all five took longer than
    answering a question, and a command line naming one never needs the others.
    """
    import argparse

    class Formatter(argparse.RawDescriptionHelpFormatter):
        """Descriptions and epilogs as written (they hold examples), at the terminal's width."""

        def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                     width: int | None = None) -> None:
            super().__init__(prog, indent_increment, max_help_position,
                             width if width is not None else _terminal_width() - 2)

    class Parser(argparse.ArgumentParser):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs.setdefault("formatter_class", Formatter)
            super().__init__(*args, **kwargs)

        def error(self, message: str) -> Any:  # argparse prints usage and exits 2: keep that
            self.print_usage(sys.stderr)
            self.exit(ExitStatus.ERROR, f"{self.prog}: error: {message}\n"
                                        f"Try '{self.prog} --help' for examples.\n")

    parser = Parser(
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
               + ASK_EXIT_HELP)
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    data = Parser(add_help=False)
    data.add_argument("--knowledge", metavar="DIR", help="knowledge directory (default: embedded)")
    data.add_argument("--dialogs", metavar="DIR", help="dialogs directory (default: embedded)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
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
    chat.set_defaults(handler=_cmd_chat)


def _declare_ask(sub: _Subparsers, data: argparse.ArgumentParser) -> None:
    from .jsonl import MAX_SESSIONS

    ask = sub.add_parser(
        "ask", parents=[data],
        help="answer questions from arguments, a file or stdin",
        description="Answer questions. The arguments, or the lines of a file or stdin, are "
                    "the questions of one\nconversation; each answer is printed under its "
                    "question.\n\n--jsonl speaks the JSON Lines protocol: one request object "
                    "{\"session\": ID, \"text\": QUESTION}\nper line in, one reply object "
                    "per line out, flushed at once. Sessions (a string or\nan integer: 1 and "
                    "\"1\" are two) are independent and may interleave; past "
                    f"{MAX_SESSIONS:,} open ones\nthe least recently used is forgotten. A "
                    "malformed request line gets\n{\"error\": ..., \"line\": N, \"session\": "
                    "...} and processing goes on; the exit status is then 2.",
        epilog="examples:\n  radiology-advisor ask \"What does a sonographer do?\"\n"
               "  radiology-advisor ask \"How long is radiology residency?\" \"And the pay?\"\n"
               "  radiology-advisor ask --file questions.txt --json\n"
               "  radiology-advisor ask --strict - < questions.txt\n"
               "  printf '%s\\n' '{\"session\": \"a\", \"text\": \"hi\"}' | "
               "radiology-advisor ask --jsonl\n\n" + ASK_EXIT_HELP)
    ask.add_argument("question", nargs="*",
                     help="questions, each its own (quote one of several words); '-' reads "
                          "them from stdin")
    ask.add_argument("--file", "-f", metavar="FILE",
                     help="read questions from FILE, one per line ('-' for stdin)")
    mode = ask.add_mutually_exclusive_group()
    mode.add_argument("--json", action="store_true", help="print one JSON object per answer")
    mode.add_argument("--jsonl", action="store_true",
                      help="speak the JSON Lines protocol: {session, text} in, one reply out")
    ask.add_argument("--explain", action="store_true", help="show why each answer was given")
    ask.add_argument("--strict", action="store_true",
                     help="exit 1 when some question was not understood")
    ask.set_defaults(handler=_cmd_ask)


def _declare_check(sub: _Subparsers, data: argparse.ArgumentParser) -> None:
    check = sub.add_parser(
        "check", help="validate a knowledge directory and the dialogs",
        description="Validate knowledge (and dialogs); print counts; exit 2 on errors, each "
                    "reported as file:line:col.",
        epilog="examples:\n  radiology-advisor check\n"
               "  radiology-advisor check my-field/ --dialogs my-dialogs/\n\n" + EXIT_HELP)
    check.add_argument("directory", nargs="?", help="knowledge directory (default: embedded)")
    check.add_argument("--dialogs", metavar="DIR", help="dialogs directory (default: embedded)")
    check.set_defaults(handler=_cmd_check)


def _declare_eval(sub: _Subparsers, data: argparse.ArgumentParser) -> None:
    ev = sub.add_parser(
        "eval", parents=[data],
        help="measure intent and entity accuracy on a labelled set",
        description="Per-intent precision, recall and F1, entity accuracy and the "
                    "misclassified utterances of a labelled YAML set.",
        epilog="example:\n  radiology-advisor eval tests/nlu/labelled.yaml\n\n" + EXIT_HELP)
    ev.add_argument("file", help="labelled utterances (YAML)")
    ev.set_defaults(handler=_cmd_eval)


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
    gr.set_defaults(handler=_cmd_graph)




def _declare_serve(sub: _Subparsers, data: argparse.ArgumentParser) -> None:
    from .web.command import declare  # argparse only: Starlette loads when a server starts

    declare(sub, data, EXIT_HELP).set_defaults(handler=_cmd_serve)


_COMMANDS = {"chat": _declare_chat, "ask": _declare_ask, "check": _declare_check,
             "eval": _declare_eval, "graph": _declare_graph, "serve": _declare_serve}


# -- ask ---------------------------------------------------------------------------------------
def _argument_text(text: str) -> str:
    """An argument as text: bytes that were not UTF-8 (kept by Python as lone surrogates,
    which no UTF-8 output can carry) become U+FFFD."""
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def _cmd_ask(args: argparse.Namespace, env: Environment) -> int:
    from .jsonl import read_lines, serve

    if args.file and args.question:
        raise _Usage("give questions as arguments or with --file, not both")
    questions: Iterable[str]
    with contextlib.ExitStack() as stack:
        if args.file and args.file != "-":
            try:
                stream = stack.enter_context(Path(args.file).open("rb"))
            except OSError as exc:
                raise _Usage(f"cannot read {args.file}: {exc.strerror or exc}") from None
            questions = read_lines(stream, args.file)
        elif args.file == "-" or args.question in ([], ["-"]):
            if env.stdin is None:
                raise _Usage("standard input is closed; give questions as arguments or "
                             "with --file")
            if not args.file and not args.question and env.stdin_isatty and not args.jsonl:
                raise _Usage("no question given; try: radiology-advisor ask \"What does a "
                             "sonographer do?\"")
            questions = read_lines(env.stdin)
        else:
            questions = _argument_questions(args)
        advisor = env.make_advisor(args)
        if args.jsonl:
            return serve(advisor, questions, env.out, explain=args.explain, strict=args.strict)
        return _answer_lines(advisor, questions, args, env)


def _argument_questions(args: argparse.Namespace) -> list[str]:
    if args.jsonl:
        raise _Usage("--jsonl reads requests from stdin or --file, not from arguments")
    if "-" in args.question:
        raise _Usage("'-' reads the questions from stdin: give it alone")
    questions = [_argument_text(q) for q in args.question]
    if not any(q.strip() for q in questions):
        raise _Usage("the question is empty")
    return questions


def _answer_lines(advisor: Advisor, questions: Iterable[str], args: argparse.Namespace,
                  env: Environment) -> int:
    """Plain or --json answers, one conversation, each answer under its question."""
    from knowledge import MAX_INPUT_CHARS

    from .jsonl import json_line
    from .textsafe import safe_text

    session = advisor.session(transcript=False)
    status = ExitStatus.OK
    first = True
    for question in questions:
        if not question.strip():
            continue
        reply = session.ask(question)
        if reply.fallback and args.strict:
            status = ExitStatus.NOT_UNDERSTOOD
        if args.json:
            shown = question[:MAX_INPUT_CHARS]
            env.out(json_line({"question": shown, **reply.to_dict(explain=args.explain)}))
            continue
        if not first:
            env.out("")
        first = False
        clipped = question if len(question) <= MAX_INPUT_CHARS else \
            question[:MAX_INPUT_CHARS] + "…"  # as much as the advisor read
        env.out(f"> {safe_text(clipped)}")
        env.out(safe_text(reply.text))
        if args.explain:
            env.out(safe_text("  " + str(reply.explain).replace("\n", "\n  ")))
    return status


# -- check, chat, graph, eval ------------------------------------------------------------------
def _cmd_check(args: argparse.Namespace, env: Environment) -> int:
    from dialogs import load_dialogs, validate_dialogs
    from knowledge import KnowledgeError, validate

    from .resources import load_intents, load_lexicon, load_responses
    from .textsafe import safe_text

    graph, problems = validate(args.directory)
    # The embedded dialogs score careers of the embedded graph; another field's knowledge is
    # checked with its own dialogs (--dialogs), or on its own.
    check_dialogs = args.dialogs is not None or args.directory is None
    if graph is not None and check_dialogs:
        problems = list(validate_dialogs(args.dialogs, graph))
    if problems:
        for problem in problems:
            env.err(safe_text(str(problem)))
        env.err(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found")
        return ExitStatus.ERROR
    assert graph is not None
    by_type, by_rel = graph.counts()
    where = args.directory or "embedded radiology knowledge"
    env.out(f"{safe_text(str(where))}: valid — {len(graph)} nodes, {len(graph.edges)} relations")
    env.out("nodes:     " + ", ".join(f"{t} {n}" for t, n in sorted(by_type.items())))
    env.out("relations: " + ", ".join(f"{r} {n}" for r, n in sorted(by_rel.items())))
    if check_dialogs:
        flow = load_dialogs(args.dialogs, graph)
        env.out(f"dialogs:   {safe_text(flow.title)} valid — {len(flow.questions)} questions, "
                f"{len(flow.slots)} slots, {len(flow.evidence)} evidence rules")
    else:
        env.out("dialogs:   not checked (pass --dialogs DIR to check a flow for this knowledge)")
    from .answers import registry_problems
    from .resources import HERE, load_policy

    specs = load_intents()
    unanswered = registry_problems(HERE / "intents.yaml", [s.name for s in specs])
    if unanswered:
        raise KnowledgeError(unanswered)
    load_policy()
    lexicon = load_lexicon()
    env.out(f"language:  {len(specs)} intents, {len(load_responses())} responses, "
            f"{len(lexicon.rewrites)} rewrites, {len(lexicon.related)} related words")
    return ExitStatus.OK


def _cmd_chat(args: argparse.Namespace, env: Environment) -> int:
    if not (env.stdin_isatty and env.stdout_isatty):
        raise _Usage("chat needs a terminal; for scripted use try: radiology-advisor ask - "
                     "< questions.txt")
    advisor = env.make_advisor(args)
    from .repl import run_repl  # prompt_toolkit is loaded only now

    return run_repl(advisor, explain=getattr(args, "explain", False))


def _cmd_graph(args: argparse.Namespace, env: Environment) -> int:
    from .export import export_graph

    advisor = env.make_advisor(args)
    env.out(export_graph(advisor.graph, args.format, args.focus))
    return ExitStatus.OK


def _cmd_serve(args: argparse.Namespace, env: Environment) -> int:
    from .web.command import run as serve

    return serve(args, env.make_advisor, env.out)


def _cmd_eval(args: argparse.Namespace, env: Environment) -> int:
    import importlib.util

    if importlib.util.find_spec("advisor.evaluate") is None:
        raise _Usage("eval is not available in this installation")
    from .evaluate import run_eval  # type: ignore[import-not-found, unused-ignore]

    if env.stdout is None:
        raise _OutputError("standard output is closed")
    status: int = run_eval(env.make_advisor(args), Path(args.file), env.stdout)
    return status


def _cmd_default(args: argparse.Namespace, env: Environment) -> int:
    """No command: the chat on a terminal, else the questions piped in (`ask -`)."""
    if env.stdin_isatty and env.stdout_isatty:
        return _cmd_chat(args, env)
    return _cmd_ask(build_parser("ask").parse_args(["ask", "-"]), env)


# -- the program -------------------------------------------------------------------------------
def run() -> None:
    """The `radiology-advisor` program: `main()`, then exit without tearing the heap down.

    Every command has written, flushed and closed what it produced by the time `main`
    returns; freeing the engine's objects one by one at interpreter exit took a tenth of a
    scripted start for nothing. An interactive chat exits normally (prompt_toolkit may
    have exit work to do).
    """
    try:
        if getattr(signal.getsignal(signal.SIGINT), "__name__", "") == "_interrupted_early":
            signal.signal(signal.SIGINT, signal.default_int_handler)  # main handles it now
        status = main()
    except KeyboardInterrupt:  # a Ctrl-C in the instant before main's own handler
        status = ExitStatus.INTERRUPTED
    if "prompt_toolkit" in sys.modules:
        sys.exit(status)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError, AttributeError):
            stream.flush()  # a closed pipe: nothing more can be said there
    os._exit(status)


def _silence_stdout() -> None:
    """Point stdout's descriptor at /dev/null so the exit-time flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, AttributeError, ValueError):
        pass


def _parse(argv: list[str], env: Environment) -> argparse.Namespace | int:
    """The parsed command line, or the exit status of --help, --version or a usage error
    (argparse's own messages go to the environment's streams)."""
    parser = build_parser(argv[0] if argv and argv[0] in _COMMANDS else None)
    try:
        with contextlib.ExitStack() as stack:
            for stream, redirect in ((env.stdout, contextlib.redirect_stdout),
                                     (env.stderr, contextlib.redirect_stderr)):
                if stream is None:  # closed: argparse's message goes nowhere
                    stream = stack.enter_context(open(os.devnull, "w"))
                stack.enter_context(redirect(stream))
            return parser.parse_args(argv)
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else ExitStatus.ERROR


def main(argv: list[str] | None = None, env: Environment | None = None) -> int:
    """Entry point of the `radiology-advisor` command; returns the exit status.

    `argv` defaults to the process's arguments and `env` to its streams; a host program (or
    a test) passes its own and gets the status back, never a SystemExit."""
    if env is None:
        env = Environment.from_process(program=argv is None)
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if env.program:  # die quietly on a closed pipe (`| head`), in every mode alike
            with contextlib.suppress(AttributeError, ValueError):  # not on this platform
                signal.signal(signal.SIGPIPE, signal.SIG_DFL)
        args = _parse(argv, env)
        if isinstance(args, int):
            return args
        handler: Callable[[argparse.Namespace, Environment], int] = getattr(
            args, "handler", _cmd_default)
        return handler(args, env)
    except BaseException as exc:  # every ending becomes a status and a line
        return _failed(exc, env)


def _failed(exc: BaseException, env: Environment) -> int:
    """The exit status for what ended the run, and the one line that says why."""
    from knowledge import AdvisorError, KnowledgeError

    from .textsafe import safe_text

    if isinstance(exc, _OutputError):
        if env.program:
            _silence_stdout()  # nothing more to write there, not even at interpreter exit
        env.err(f"{PROG}: error: {exc}")
    elif isinstance(exc, _Usage | AdvisorError) and not isinstance(exc, KnowledgeError):
        env.err(f"{PROG}: error: {safe_text(str(exc))}")
    elif isinstance(exc, KnowledgeError):
        env.err(f"{PROG}: invalid data:\n{safe_text(str(exc))}")
    elif isinstance(exc, KeyboardInterrupt):
        if env.program:  # a second Ctrl-C while winding down must not print a traceback
            with contextlib.suppress(ValueError):
                signal.signal(signal.SIGINT, signal.SIG_IGN)
        with contextlib.suppress(OSError, AttributeError, ValueError):
            if env.stdout is not None:
                env.stdout.flush()
        return ExitStatus.INTERRUPTED
    elif isinstance(exc, BrokenPipeError):
        if env.program:
            _silence_stdout()
        return ExitStatus.OK
    elif isinstance(exc, SystemExit | GeneratorExit) or not isinstance(exc, Exception):
        raise exc
    else:  # a bug: one line, not a traceback (unless debugging)
        if env.environ.get(DEBUG_ENV):
            raise exc
        env.err(f"{PROG}: internal error: {type(exc).__name__}: {safe_text(str(exc))}\n"
                f"(set {DEBUG_ENV}=1 for a traceback, and please report it)")
    return ExitStatus.ERROR
