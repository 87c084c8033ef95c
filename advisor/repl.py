"""The chat REPL: one prompt-toolkit PromptSession with history, completion and a toolbar.

This is the only module that imports prompt_toolkit, and the CLI imports it only when a chat
starts, so scripted use (`radiology-advisor ask`) stays fast. The conversation logic lives in
`Chat`, which turns a line into styled segments and knows nothing of terminals, so tests can
drive it directly; `run_repl` is the small loop around it (as prompt-toolkit's sqlite example).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shlex
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prompt_toolkit import PromptSession
from prompt_toolkit.application import get_app, get_app_or_none
from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
from prompt_toolkit.completion import CompleteEvent, Completer, Completion, PathCompleter
from prompt_toolkit.document import Document
from prompt_toolkit.formatted_text import FormattedText
from prompt_toolkit.history import FileHistory, History, InMemoryHistory, ThreadedHistory
from prompt_toolkit.input import Input
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from prompt_toolkit.key_binding.bindings.mouse import load_mouse_bindings
from prompt_toolkit.keys import Keys
from prompt_toolkit.output import ColorDepth, Output
from prompt_toolkit.shortcuts import print_formatted_text
from prompt_toolkit.styles import Style

from knowledge import CAREER_TYPES, AdvisorError, did_you_mean

from . import render, storage
from .export import resolve_node
from .render import Segment, safe_text
from .reply import Reply
from .session import Session, SessionStateError

if TYPE_CHECKING:
    from .core import Advisor

#: Command -> (arguments, what it does). /help prints this table.
COMMANDS: dict[str, tuple[str, str]] = {
    "/help": ("", "show this help"),
    "/restart": ("", "start a new conversation"),
    "/back": ("", "go back to the previous interview question"),
    "/explain": ("on|off", "show (or stop showing) why each answer was given"),
    "/sources": ("on|off", "show (or stop showing) where in the source each answer comes from"),
    "/path": ("[CAREER]", "draw a career's pathway as a timeline (default: the current topic)"),
    "/save": ("FILE [--force]", "save the conversation as JSON, to /load it later"),
    "/load": ("FILE", "resume a conversation saved with /save"),
    "/transcript": ("FILE [--force]", "write the conversation as Markdown (.md) or plain text"),
    "/plan": ("[FILE [--force]]", "your pathway plan in Markdown: shown, or written to FILE"),
    "/quit": ("", "leave (Ctrl-D does too)"),
}
FILE_COMMANDS = frozenset({"/save", "/load", "/transcript", "/plan"})
#: The longest /command read: a path is at most 4,096 bytes on Linux (PATH_MAX).
MAX_COMMAND_CHARS = 4096
#: The most of a loaded save's last answer shown as the question being answered.
_PENDING_CHARS = 2000
DEFAULT_STARTERS = ("What does a sonographer do?", "How long is radiology residency?",
                    "Help me choose a career in radiology")
ALIASES = {"/exit": "/quit", "/q": "/quit", "/?": "/help", "/h": "/help"}
QUIT_WORDS = frozenset({"quit", "exit", ":q"})

STYLE = Style.from_dict({
    "prompt": "bold #5fafd7",
    "heading": "bold",
    "dim": "#8a8a8a",
    "notice": "#5f87af",
    "error": "bold #d75f5f",
    "fallback": "#d7875f",
    "bar": "#5fafd7",
    "bar.range": "#87d7ff",
    "bottom-toolbar": "noreverse bg:#303030 #d0d0d0",
})

# Linear: no two unbounded quantifiers that can share characters (the text is rstripped after).
_OPTION = re.compile(r"^\s*(?:\(?\d{1,2}[.):]|[•◦*-])\s+(\S.*)")


class Usage(Exception):
    """A command typed the wrong way; the message says the right way."""


def _notice(text: str) -> list[Segment]:
    return [("class:notice", safe_text(text) + "\n")]


def _error(text: str) -> list[Segment]:
    return [("class:error", safe_text(text) + "\n")]


def question_options(text: str) -> tuple[str, ...]:
    """The choices of an interview question: its last run of numbered or bulleted lines."""
    runs: list[list[str]] = [[]]
    for line in text.split("\n"):
        match = _OPTION.match(line)
        if match:
            runs[-1].append(match.group(1).rstrip())
        elif line.strip() and runs[-1]:
            runs.append([])
    options = next((run for run in reversed(runs) if run), [])
    return tuple(dict.fromkeys(options))


def _display_case(phrase: str) -> str:
    """'Sonographer' -> 'sonographer' but 'ARDMS certification' keeps its acronym."""
    words = phrase.split(" ")
    return " ".join(w if sum(c.isupper() for c in w) > 1 else w.lower() for w in words)


def _md_escape(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", text)


def transcript_markdown(transcript: Iterable[tuple[str, str]]) -> str:
    """A conversation as Markdown, the person's words escaped so they stay words."""
    out = ["# Conversation with radiology-advisor", ""]
    for question, answer in transcript:
        out += [f"**You:** {_md_escape(safe_text(question))}", "",
                "**Advisor:**", "", safe_text(answer), ""]
    return "\n".join(out)


def transcript_text(transcript: Iterable[tuple[str, str]]) -> str:
    """A conversation as plain text, questions marked with '> '."""
    out: list[str] = []
    for question, answer in transcript:
        out += [f"> {safe_text(question)}", safe_text(answer), ""]
    return "\n".join(out)


class Chat:
    """The conversation behind the prompt: a line in, styled segments out. No terminal I/O."""

    def __init__(self, advisor: Advisor, explain: bool = False, *,
                 width: Callable[[], int] = render.terminal_width,
                 ascii_only: bool = False) -> None:
        self.advisor = advisor
        self.session: Session = advisor.session()
        self.explain = explain
        self.sources = True
        self.width = width
        self.ascii_only = ascii_only
        self.last: Reply | None = None
        self.options: tuple[str, ...] = ()
        self.done = False
        self._quit_asked = False  # "quit" said once during the interview: asked to confirm
        graph = advisor.graph
        phrases: dict[str, str] = {}
        for node in graph:
            phrases.setdefault(node.name, node.type)
        for node in graph.of_type(*sorted(CAREER_TYPES)):
            for alias in node.aliases:
                phrases.setdefault(alias, node.type)
        # 'sonographers' next to 'sonographer' is noise in a completion menu
        known = {p.lower() for p in phrases}
        phrases = {p: t for p, t in phrases.items()
                   if not (p.lower().endswith("s") and p.lower()[:-1] in known)}
        self.phrases: tuple[tuple[str, str], ...] = tuple(phrases.items())
        self.careers: tuple[str, ...] = tuple(n.name for n in graph if n.type in CAREER_TYPES)

    # -- what the prompt shows ------------------------------------------------------------
    @property
    def starters(self) -> tuple[str, ...]:
        """Three example questions from the language data (via Advisor.starter_questions
        when the facade offers it, else the engine behind it)."""
        found = getattr(self.advisor, "starter_questions", None)
        if not found:
            found = getattr(getattr(self.advisor, "_engine", None), "starter_questions", ())
        return tuple(found or DEFAULT_STARTERS)[:3]

    @property
    def suggestions(self) -> tuple[str, ...]:
        """Whole questions worth offering next: the last reply's suggestions, or starters."""
        if self.last is not None and self.last.suggestions:
            return self.last.suggestions
        return self.starters

    def welcome(self) -> list[Segment]:
        from . import __version__

        lines = [
            ("class:heading",
             f"radiology-advisor {__version__}: a guide to careers in radiology\n"),
            ("", "I explain roles, training, certifications, pay and outlook, compare careers,\n"
                 "draw pathways as timelines, and can interview you to recommend a pathway.\n"
                 "Try:\n"),
        ]
        lines += [("", f"  • {safe_text(q)}\n") for q in self.starters]
        lines.append(("class:dim", "/help lists commands · Tab completes career names · "
                                   "Ctrl-D leaves\n"))
        return lines

    def toolbar(self) -> str:
        """'question 3 of 6 · topic: Sonographer · /help': where the conversation stands."""
        parts: list[str] = []
        if self.session.dialog.active:
            progress = self.last.progress if self.last is not None else None
            parts.append(f"question {progress[0]} of {progress[1]}" if progress
                         else "interview in progress")
        graph = self.advisor.graph
        topic = [graph.node(i).name for i in self.session.context.topic if i in graph]
        if topic:
            parts.append("topic: " + ", ".join(topic))
        if self.explain:
            parts.append("explain on")
        parts.append("/help for commands")
        return safe_text(" " + " · ".join(parts))

    # -- a line ---------------------------------------------------------------------------
    def handle(self, line: str) -> list[Segment]:
        """Answer a question or run a /command; sets `done` when the person leaves."""
        text = line.strip()
        if not text:
            return []
        if text.lower() in QUIT_WORDS:
            if self.session.dialog.active and not self._quit_asked:
                self._quit_asked = True  # mid-interview, "quit" may mean the questions
                return _notice("Leave the chat? Say “quit” again to leave, or “stop the quiz” "
                               "to stop only the questions and keep talking.")
            self.done = True
            return []
        self._quit_asked = False
        if text.startswith("/"):
            try:
                return self.command(text)
            except Usage as exc:
                return _error(str(exc))
        return self.ask(text)

    def ask(self, text: str) -> list[Segment]:
        reply = self.session.ask(text)
        self._remember(reply)
        return render.render_reply(reply, self.advisor.graph, width=self.width(),
                                   explain=self.explain, ascii_only=self.ascii_only,
                                   sources=self.sources)

    def _remember(self, reply: Reply) -> None:
        self.last = reply
        active = self.session.dialog.active
        self.options = question_options(reply.text) if active else ()

    # -- commands -------------------------------------------------------------------------
    def command(self, text: str) -> list[Segment]:
        if len(text) > MAX_COMMAND_CHARS:  # shlex reads ~60 KB/s: a pasted 1 MB took 30 s
            raise Usage(f"that command is longer than {MAX_COMMAND_CHARS:,} characters")
        try:
            words = shlex.split(text)
        except ValueError as exc:
            raise Usage(f"cannot read that command: {exc}") from None
        name, args = words[0].lower(), words[1:]
        name = ALIASES.get(name, name)
        handler = getattr(self, "_cmd_" + name[1:], None) if name in COMMANDS else None
        if handler is None:
            hint = did_you_mean(name, COMMANDS)
            return _error(f"unknown command '{name[:40]}'{hint}. Commands: "
                          + " ".join(COMMANDS) + " (/help explains them)")
        result: list[Segment] = handler(args)
        return result

    def _no_args(self, name: str, args: list[str]) -> None:
        if args:
            raise Usage(f"{name} takes no arguments")

    def _cmd_help(self, args: list[str]) -> list[Segment]:
        self._no_args("/help", args)
        width = max(len(f"{c} {a}".strip()) for c, (a, _) in COMMANDS.items())
        lines = ["Ask anything about careers in radiology, or use a command:"]
        lines += [f"  {f'{c} {a}'.strip():<{width}}  {d}" for c, (a, d) in COMMANDS.items()]
        lines += ["Files are written atomically and never overwritten silently: an existing",
                  "FILE is refused unless you add --force. Tab completes career names,",
                  "commands and the current question's options; Up recalls earlier lines;",
                  "Ctrl-C clears the line; Ctrl-D or /quit leaves."]
        return [("", "\n".join(lines) + "\n")]

    def _cmd_quit(self, args: list[str]) -> list[Segment]:
        self.done = True
        return []

    def _cmd_restart(self, args: list[str]) -> list[Segment]:
        self._no_args("/restart", args)
        self.session = self.advisor.session()
        self.last, self.options = None, ()
        return _notice("Started a new conversation.")

    def _cmd_back(self, args: list[str]) -> list[Segment]:
        self._no_args("/back", args)
        if not self.session.dialog.active:
            return _notice('No interview in progress; say "help me choose a career" to start one.')
        return self.ask("back")

    @staticmethod
    def _on_off(command: str, args: list[str]) -> bool | None:
        """'/explain on' -> True, '/explain' -> None (show the setting), anything else: usage."""
        if not args:
            return None
        if len(args) != 1 or args[0].lower() not in {"on", "off"}:
            raise Usage(f"usage: /{command} on|off")
        return args[0].lower() == "on"

    def _cmd_explain(self, args: list[str]) -> list[Segment]:
        wanted = self._on_off("explain", args)
        if wanted is None:
            return _notice(f"explain is {'on' if self.explain else 'off'}; "
                           "use /explain on or /explain off")
        self.explain = wanted
        return _notice(f"explain {'on: answers now say why' if self.explain else 'off'}")

    def _cmd_sources(self, args: list[str]) -> list[Segment]:
        wanted = self._on_off("sources", args)
        if wanted is None:
            return _notice(f"sources are {'on' if self.sources else 'off'}; "
                           "use /sources on or /sources off")
        self.sources = wanted
        said = "on: answers now say where they come from" if self.sources else "off"
        return _notice(f"sources {said}")

    def _cmd_path(self, args: list[str]) -> list[Segment]:
        graph = self.advisor.graph
        if args:
            try:
                node = resolve_node(graph, " ".join(args))
            except AdvisorError as exc:
                return _error(str(exc))
        else:
            topic = [graph.node(i) for i in self.session.context.topic if i in graph]
            if not topic:
                raise Usage("usage: /path CAREER, for example /path sonographer")
            node = topic[0]
        pathway = graph.pathway(node.id)
        segs = render.timeline(pathway, self.width(), ascii_only=self.ascii_only)
        return segs or _notice(f"No training steps are recorded for {node.name}.")

    def _file_args(self, name: str, args: list[str], optional: bool = False,
                   force: bool = True) -> tuple[Path | None, bool]:
        flags = {a for a in args if a in {"--force", "-f"}}
        rest = [a for a in args if a not in flags]
        usage = f"usage: {name} {COMMANDS[name][0]}"
        if len(rest) > 1 or (not rest and not optional) or (flags and not force):
            raise Usage(usage)
        if rest and not rest[0].strip():
            raise Usage(usage)
        return (Path(rest[0]).expanduser() if rest else None), bool(flags)

    def _write(self, path: Path, text: str, force: bool, what: str) -> list[Segment]:
        shown = safe_text(str(path))
        try:
            storage.write_atomic(path, text, overwrite=force)
        except FileExistsError:
            return _error(f"{shown} exists; not overwritten (add --force to replace it)")
        except IsADirectoryError:
            return _error(f"{shown} is a directory")
        except storage.StorageError as exc:
            return _error(safe_text(str(exc)))
        except OSError as exc:
            return _error(f"cannot write {shown}: {exc.strerror or exc}")
        return _notice(f"{what} written to {shown}")

    def _cmd_save(self, args: list[str]) -> list[Segment]:
        path, force = self._file_args("/save", args)
        assert path is not None
        return self._write(path, storage.dump_json(self.session.to_dict()), force,
                           "Conversation")

    def _cmd_load(self, args: list[str]) -> list[Segment]:
        path, _ = self._file_args("/load", args, force=False)
        assert path is not None
        shown = safe_text(str(path))
        try:
            data = storage.read_json(path)
            session = self.advisor.session(state=data)
        except storage.StorageError as exc:
            return _error(f"cannot load: {exc}; the current conversation goes on")
        except SessionStateError as exc:
            return _error(f"cannot load {shown}: {exc}; the current conversation goes on")
        except (AdvisorError, ValueError, TypeError, KeyError, AttributeError) as exc:
            return _error(f"cannot load {shown}: not a valid saved conversation "
                          f"({type(exc).__name__}); the current conversation goes on")
        self.session, self.last = session, None
        turns = len(session.transcript)
        graph = self.advisor.graph
        topic = [graph.node(i).name for i in session.context.topic if i in graph]
        message = f"Loaded {shown}: {turns} turn{'s' if turns != 1 else ''}"
        message += f"; topic: {', '.join(topic)}." if topic else "."
        segs = _notice(message)
        if session.dialog.active and session.transcript:
            # (the end of the last answer: an interview question is short, and a planted save
            # must not put megabytes on the screen or into Tab completion)
            question = session.transcript[-1][1][-_PENDING_CHARS:]
            self.options = question_options(question)
            segs += [("class:dim", "You were answering:\n"),
                     ("", render.wrap(safe_text(question), self.width()) + "\n")]
        else:
            self.options = ()
        return segs

    def _cmd_transcript(self, args: list[str]) -> list[Segment]:
        path, force = self._file_args("/transcript", args)
        assert path is not None
        if not self.session.transcript:
            return _notice("Nothing to write yet: the conversation is empty.")
        markdown = path.suffix.lower() in {".md", ".markdown"}
        text = (transcript_markdown if markdown else transcript_text)(self.session.transcript)
        return self._write(path, text, force, "Transcript")

    def _plan(self) -> str:
        """The interview's plan; through Session.plan_markdown when the session offers it."""
        method = getattr(self.session, "plan_markdown", None)
        if callable(method):
            return str(method())
        engine = getattr(self.session, "_engine", None)
        interviewer: Any = getattr(engine, "interviewer", None)
        if interviewer is None or not hasattr(interviewer, "plan_markdown"):
            raise AdvisorError("plans are not available in this version")
        return str(interviewer.plan_markdown(self.session.dialog))

    def _cmd_plan(self, args: list[str]) -> list[Segment]:
        path, force = self._file_args("/plan", args, optional=True)
        try:
            plan = self._plan()
        except (AdvisorError, ValueError, KeyError) as exc:
            return _error(f"no plan yet: {exc}")
        if not plan.strip():
            return _notice('No plan yet: say "help me choose a career" and answer a few '
                           "questions first.")
        if path is None:
            return [("", render.wrap(safe_text(plan), self.width()).rstrip("\n") + "\n")]
        return self._write(path, safe_text(plan).rstrip("\n") + "\n", force, "Plan")


def _clean(completion: Completion) -> Completion:
    """A completion with no control or bidi character (a name in someone's knowledge files
    or a file name could hold U+202E), in what is inserted and in what is shown."""
    text, shown = completion.text, completion.display_text
    meta = completion.display_meta_text
    if (text, shown, meta) == (safe_text(text), safe_text(shown), safe_text(meta)):
        return completion
    return Completion(safe_text(text), completion.start_position, display=safe_text(shown),
                      display_meta=safe_text(meta) or None)


class ChatCompleter(Completer):
    """Tab completion: commands and their arguments, career names, the question's options."""

    def __init__(self, chat: Chat) -> None:
        self.chat = chat
        self.paths = PathCompleter(expanduser=True)

    def get_completions(self, document: Document,
                        complete_event: CompleteEvent) -> Iterator[Completion]:
        try:
            for found in self._completions(document, complete_event):
                yield _clean(found)
        except Exception:  # a completion bug must never break typing
            return

    def _completions(self, document: Document, event: CompleteEvent) -> Iterator[Completion]:
        text = document.text_before_cursor
        stripped = text.lstrip()
        if stripped.startswith("/"):
            yield from self._command(stripped, event)
            return
        seen: set[str] = set()
        lowered = stripped.lower()
        whole = [*self.chat.options, *self.chat.suggestions]
        for option in whole:
            if option.lower().startswith(lowered) and option.lower() != lowered \
                    and option not in seen:
                seen.add(option)
                meta = "option" if option in self.chat.options else "question"
                yield Completion(option, -len(stripped), display_meta=meta)
        if stripped:
            yield from self._phrases(text, self.chat.phrases, seen)

    def _phrases(self, text: str, phrases: Iterable[tuple[str, str]],
                 seen: set[str]) -> Iterator[Completion]:
        """Complete the longest tail of `text` that starts a known name ('diagnostic ra')."""
        starts = [m.start() for m in re.finditer(r"\S+", text)]
        for start in starts:
            fragment = text[start:]
            low = fragment.lower()
            found = False
            for phrase, meta in phrases:
                if phrase.lower().startswith(low) and phrase.lower() != low:
                    shown = _display_case(phrase) if fragment[:1].islower() else phrase
                    if shown in seen:
                        continue
                    seen.add(shown)
                    found = True
                    yield Completion(shown, -len(fragment), display_meta=meta)
            if found:
                return

    def _command(self, text: str, event: CompleteEvent) -> Iterator[Completion]:
        if " " not in text:
            for name, (_args, help_text) in COMMANDS.items():
                if name.startswith(text.lower()):
                    yield Completion(name, -len(text), display_meta=help_text)
            return
        name, rest = text.split(" ", 1)
        name = name.lower()
        if name in {"/explain", "/sources"}:
            for word in ("on", "off"):
                if word.startswith(rest.strip().lower()):
                    yield Completion(word, -len(rest.lstrip()))
        elif name == "/path":
            careers = [(c, "career") for c in self.chat.careers]
            yield from self._phrases(rest, careers, set())
        elif name in FILE_COMMANDS:
            arg = rest.rsplit(" ", 1)[-1]
            if arg.startswith("-"):
                if "--force".startswith(arg) and name != "/load":
                    yield Completion("--force", -len(arg))
                return
            yield from self.paths.get_completions(Document(arg), event)


class _FileHistory(FileHistory):
    """prompt-toolkit's FileHistory (one appended record per line, so chats writing at once
    keep every entry), which a failing disk does not stop: the error is kept for one notice."""

    error: OSError | None = None

    def store_string(self, string: str) -> None:
        if self.error is not None:
            return
        try:
            # Under the lock a starting chat trims the file with (trimming rewrites it in
            # place: an append in between was lost).
            fd = os.open(self.filename, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NONBLOCK,
                         0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                super().store_string(string)
            finally:
                os.close(fd)  # (releases the lock)
        except OSError as exc:
            self.error = exc


def _mouse_bindings() -> KeyBindings:
    """prompt-toolkit's mouse handling, made to drop what it cannot parse: an escape sequence
    typed or pasted by hand ('\x1b[31m', '\x1b[1;2M') reached its mouse handler and printed
    a traceback and 'Press ENTER to continue...'."""
    default = next(b.handler for b in load_mouse_bindings().bindings
                   if b.keys == (Keys.Vt100MouseEvent,))
    bindings = KeyBindings()

    @bindings.add(Keys.Vt100MouseEvent)
    def _mouse(event: KeyPressEvent) -> None:
        with contextlib.suppress(ValueError, KeyError, IndexError):
            default(event)

    return bindings


def open_history(path: Path | None = None) -> tuple[History, str | None]:
    """The persistent history, or an in-memory one plus a one-line notice saying why."""
    target = path if path is not None else storage.history_path()
    try:
        storage.prepare_history(target)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return InMemoryHistory(), (f"History is kept in memory only: cannot write "
                                   f"{target} ({reason}).")
    return ThreadedHistory(_FileHistory(str(target))), None


def color_wanted(output: Output | None) -> bool:
    """Colour only for a terminal, never with NO_COLOR set (no-color.org) or TERM=dumb."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    if output is None:
        return sys.stdout.isatty()
    try:
        return os.isatty(output.fileno())
    except (NotImplementedError, OSError, ValueError):
        return False


def run_repl(advisor: Advisor, explain: bool = False, *, input: Input | None = None,
             output: Output | None = None, color: bool | None = None,
             history: Path | History | None = None) -> int:
    """Chat until /quit or Ctrl-D; returns the exit status (0). Input, output and the history
    (a file, or a prompt-toolkit History) are injectable."""
    use_color = color_wanted(output) if color is None else color
    hist, notice = (history, None) if isinstance(history, History) else open_history(history)
    chat = Chat(advisor, explain)
    prompt: PromptSession[str] = PromptSession(
        message=[("class:prompt", "> ")], history=hist, completer=ChatCompleter(chat),
        auto_suggest=AutoSuggestFromHistory(), complete_while_typing=False,
        bottom_toolbar=chat.toolbar, style=STYLE, include_default_pygments_style=False,
        color_depth=None if use_color else ColorDepth.DEPTH_1_BIT,
        input=input, output=output, key_bindings=_mouse_bindings())
    screen = prompt.output
    chat.width = lambda: max(20, screen.get_size().columns)
    chat.ascii_only = "utf" not in (screen.encoding() or "").lower()

    def show(segments: list[Segment]) -> None:
        if not segments:
            return
        shown = segments if use_color else [("", render.plain(segments))]
        print_formatted_text(FormattedText(shown), end="", style=STYLE, output=screen,
                             include_default_pygments_style=False,
                             color_depth=None if use_color else ColorDepth.DEPTH_1_BIT)

    if notice:
        show(_notice(notice))
    show(chat.welcome())
    with _stop_signals() as stopped:
        _converse(chat, prompt, show, hist, stopped)
    return 128 + stopped[0] if stopped else 0


@contextlib.contextmanager
def _stop_signals() -> Iterator[list[int]]:
    """While the chat runs, a stop signal (SIGTERM, SIGHUP) ends it through prompt-toolkit's
    own exit, which puts the terminal back the way it was (the default action left it raw: no
    echo in the shell after). Yields the list that receives the signal's number."""
    got: list[int] = []
    previous: dict[int, Any] = {}
    if threading.current_thread() is threading.main_thread():
        def stop(signum: int, _frame: Any) -> None:
            got.append(signum)
            app = get_app_or_none()
            if app is not None and app.is_running and app.loop is not None:
                # (through the loop: a handler may run anywhere in its code)
                app.loop.call_soon_threadsafe(
                    lambda: None if app.is_done else app.exit(exception=EOFError()))

        for name in ("SIGTERM", "SIGHUP"):
            number = getattr(signal, name, None)
            if number is not None:
                previous[number] = signal.signal(number, stop)
    try:
        yield got
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _converse(chat: Chat, prompt: PromptSession[str], show: Callable[[list[Segment]], None],
              hist: History, stopped: list[int]) -> None:
    """The read-answer loop, until /quit, Ctrl-D or a stop signal."""
    history_failed = False
    def stop_now() -> None:  # (a signal that came just before the prompt started)
        if stopped:
            get_app().exit(exception=EOFError())

    while not chat.done and not stopped:
        try:
            line = prompt.prompt(pre_run=stop_now)
        except KeyboardInterrupt:
            continue
        except EOFError:
            break
        try:
            show(chat.handle(line))
        except KeyboardInterrupt:
            show(_notice("(interrupted)"))
        except Exception as exc:  # a bug in one turn is reported; the chat goes on
            show(_error(f"Sorry, that failed ({type(exc).__name__}: {exc}). "
                        "The conversation goes on."))
        failed = getattr(getattr(hist, "history", None), "error", None)
        if failed is not None and not history_failed:
            history_failed = True
            show(_notice(f"History is no longer saved: {failed.strerror or failed}."))
