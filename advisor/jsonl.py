"""The JSON Lines protocol, served in one process: `serve(advisor, lines, write) -> int`.

One request object per line in, `{"session": ID, "text": QUESTION}` (and optionally
`"explain": true`), exactly one line out per non-blank line, written at once: a reply
`{"session", "answer", "fallback", ...}` or an error `{"error", "line", "session"}`. Sessions
are independent and may interleave; a session id is a string or an integer, and `1` and
`"1"` are two conversations. At most `MAX_SESSIONS` conversations are open: past that the one
unused longest is forgotten (its next request starts afresh). The command line's
`ask --jsonl` is this function on standard input and output; library users can call it too.

One process, on purpose: the forked server it replaces split the session limit between its
processes (so conversations lost their context), and was no faster (issue 14).
"""

from __future__ import annotations

import json
import re
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from typing import IO, TYPE_CHECKING, Any

from knowledge import AdvisorError

from .status import ExitStatus

if TYPE_CHECKING:
    from .core import Advisor
    from .session import Session

__all__ = ["MAX_LINE_BYTES", "MAX_SESSIONS", "ReadError", "json_line", "read_lines", "serve"]

MAX_SESSIONS = 5000
MAX_LINE_BYTES = 1_000_000
#: Longer session ids are kept by a digest: 5,000 open sessions with 1 MB ids would hold 5 GB.
MAX_KEY_CHARS = 64

SessionId = str | int


class ReadError(AdvisorError):
    """The request stream could not be read (a vanished device, a closed descriptor).
    Avoid it by passing an open, readable stream."""


class LongLine(str):
    """A line that was longer than MAX_LINE_BYTES; only its first MAX_LINE_BYTES were kept."""


def read_lines(stream: IO[bytes], name: str = "stdin") -> Iterator[str]:
    """Lines of a byte stream as text: BOM dropped, invalid UTF-8 replaced, over-long lines
    cut (as `LongLine`). Reads one line at a time, never ahead, so a program can drive the
    protocol turn by turn."""
    first = True
    while True:
        try:
            raw = stream.readline(MAX_LINE_BYTES + 1)
            cut = len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n")
            while cut:  # drop the rest of an over-long line
                more = stream.readline(MAX_LINE_BYTES)
                if not more or more.endswith(b"\n"):
                    break
        except (OSError, ValueError) as exc:
            detail = getattr(exc, "strerror", None) or exc
            raise ReadError(f"cannot read {name}: {detail}") from None
        if not raw:
            return
        line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
        if first:
            line, first = line.removeprefix("\ufeff"), False
        yield LongLine(line) if cut else line


# Characters json.dumps(ensure_ascii=False) leaves raw that a terminal or a line splitter
# could take for something else (C1 controls, bidi marks, U+2028/9), and lone surrogates
# that UTF-8 cannot encode: written as \uXXXX escapes, which decode to the same string (a
# session id sent as "\ud800" is echoed exactly).
_JSON_UNSAFE = re.compile(r"[\x7f-\x9f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
                          r"\ud800-\udfff]")

# One encoder for every line: json.dumps(..., ensure_ascii=False) would build a new one per
# call. Replies are trees of fresh lists and dicts, so the cycle check is not needed either.
_ENCODE = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode


def json_line(data: Any) -> str:
    """One JSON object on one line, safe for terminals, UTF-8 pipes and str.splitlines()."""
    return json_safe(_ENCODE(data))


def json_safe(text: str) -> str:
    """JSON text with the characters a terminal or a line splitter could take for something
    else written as \\uXXXX escapes (the same string once decoded)."""
    if text.isascii():  # plain ASCII needs no scan (most replies)
        return text
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class Sessions:
    """The open conversations by session id, the least recently used dropped past `cap`.

    The server's sessions keep no transcript: nothing reads it."""

    def __init__(self, advisor: Advisor, cap: int = MAX_SESSIONS) -> None:
        self.advisor, self.cap = advisor, cap
        self._open: OrderedDict[SessionId | tuple[str, bytes], Session] = OrderedDict()

    def get(self, session_id: SessionId) -> Session:
        key = _key(session_id)
        session = self._open.get(key)
        if session is None:
            session = self._open[key] = self.advisor.session(transcript=False)
            if len(self._open) > self.cap:  # bound memory: the least recently used goes
                self._open.popitem(last=False)
        else:
            self._open.move_to_end(key)
        return session

    def __len__(self) -> int:
        return len(self._open)


def _key(session_id: SessionId) -> SessionId | tuple[str, bytes]:
    """What a session is kept under: its id, or a digest of a long one (the type stays part
    of it, so 1 and "1" remain two sessions)."""
    if isinstance(session_id, int) and session_id.bit_length() <= 4 * MAX_KEY_CHARS:
        return session_id
    if isinstance(session_id, str) and len(session_id) <= MAX_KEY_CHARS:
        return session_id
    from hashlib import blake2b

    text = session_id if isinstance(session_id, str) else f"int:{session_id:x}"
    return (type(session_id).__name__,
            blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest())


def _error(number: int, message: str, session: Any = None) -> str:
    if not isinstance(session, str | int) or isinstance(session, bool):
        session = None
    return json_line({"error": f"line {number}: {message}", "line": number, "session": session})


def parse_request(number: int, line: str) -> tuple[SessionId, str, bool] | str:
    """A request line as (session id, text, explain?), or the error line to write for it."""
    if isinstance(line, LongLine):
        return _error(number, f"the line is longer than {MAX_LINE_BYTES:,} bytes, the limit "
                              "for one request; it was skipped")
    try:
        request = json.loads(line)
    except (ValueError, RecursionError) as exc:
        return _error(number, f"not valid JSON ({exc})")
    if not isinstance(request, dict) or not isinstance(request.get("text"), str):
        session = request.get("session") if isinstance(request, dict) else None
        return _error(number, "a request must be an object with a 'text' string (and "
                              "optionally 'session')", session)
    session = request.get("session", "default")
    if not isinstance(session, str | int) or isinstance(session, bool):
        return _error(number, "'session' must be a string or an integer")
    return session, request["text"], request.get("explain") is True


def serve(advisor: Advisor, lines: Iterable[str], write: Callable[[str], None], *,
          explain: bool = False, strict: bool = False, cap: int = MAX_SESSIONS) -> int:
    """Answer request lines in order, calling `write` with each reply line (no newline).

    Returns the exit status: 2 when some line was malformed, else 1 with `strict` when some
    question was not understood, else 0. Errors of `write` propagate (the caller decides
    what a closed output means).
    """
    sessions = Sessions(advisor, cap)
    malformed = not_understood = False
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        request = parse_request(number, line)
        if isinstance(request, str):
            write(request)
            malformed = True
            continue
        key, text, wants = request
        reply = sessions.get(key).ask(text)
        not_understood = not_understood or reply.fallback
        write(json_line({"session": key, **reply.to_dict(explain=explain or wants)}))
    if malformed:
        return ExitStatus.ERROR
    return ExitStatus.NOT_UNDERSTOOD if strict and not_understood else ExitStatus.OK
