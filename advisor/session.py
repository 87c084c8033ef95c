"""A conversation's state: what it is about, the interview, the transcript; save and resume.

The session holds plain data only; each turn is answered by the engine's stateless responder
(`advisor/respond.py`), which returns the new state with the reply.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from dialogs import DialogState, DialogStateError
from knowledge import MAX_INPUT_CHARS, AdvisorError
from knowledge.text import brief

from .reply import Reply
from .respond import Conversation
from .rules import Context
from .textsafe import without_surrogates

if TYPE_CHECKING:
    from .core import Engine

SESSION_FORMAT = "radiology-advisor/session"
SESSION_VERSION = 1
MAX_TRANSCRIPT = 500
#: ... and at most this many characters of them (questions and answers): 500 ordinary turns
#: fit; 500 turns of 2,000-character questions would keep 3 MB a conversation.
MAX_TRANSCRIPT_CHARS = 400_000

__all__ = ["MAX_TRANSCRIPT", "SESSION_FORMAT", "SESSION_VERSION", "Context", "Session",
           "SessionStateError"]


class SessionStateError(AdvisorError, ValueError):
    """A saved session could not be read: corrupted, truncated, foreign or from a newer version.

    Avoid it by passing only what `Session.to_dict()` produced (possibly via JSON).
    """


class Session:
    """One person's conversation. Not shared between threads; the Advisor behind it is."""

    def __init__(self, engine: Engine, state: dict[str, Any] | None = None, *,
                 keep: int = MAX_TRANSCRIPT, keep_chars: int = MAX_TRANSCRIPT_CHARS) -> None:
        self._engine = engine
        #: Turns kept in `transcript` (for /save); 0 where nothing reads it (--jsonl, ask).
        self.keep = max(0, min(keep, MAX_TRANSCRIPT))
        #: ... and at most this many characters of them (the newest turn always stays).
        self.keep_chars = max(0, min(keep_chars, MAX_TRANSCRIPT_CHARS))
        self.context = Context()
        self.dialog = DialogState()
        self.transcript: list[tuple[str, str]] = []
        self._chars = 0  # in the transcript
        self._lock = threading.Lock()
        if state is not None:
            self._restore(state)

    def plan_markdown(self) -> str:
        """The interview's recommendation as a Markdown plan (the chat's /plan, embedders)."""
        return str(self._engine.interviewer.plan_markdown(self.dialog))

    # -- persistence ----------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Everything needed to resume this conversation later, as JSON-ready data."""
        return {
            "format": SESSION_FORMAT,
            "version": SESSION_VERSION,
            "context": {"topic": list(self.context.topic),
                        "last_intent": self.context.last_intent,
                        "last_list": list(self.context.last_list)},
            "dialog": self.dialog.to_dict(),
            "transcript": [list(t) for t in self.transcript[-MAX_TRANSCRIPT:]],
        }

    def _trim(self) -> None:
        """The oldest turns go first, past `keep` turns or `keep_chars` characters
        (the newest always stays), cut in one slice: never one pop per turn."""
        cut, chars = 0, self._chars
        while len(self.transcript) - cut > 1 and (len(self.transcript) - cut > self.keep
                                                 or chars > self.keep_chars):
            question, answer = self.transcript[cut]
            chars -= len(question) + len(answer)
            cut += 1
        if cut:
            del self.transcript[:cut]
            self._chars = chars

    def _restore(self, state: Any) -> None:
        if not isinstance(state, dict):
            raise SessionStateError("a saved session must be a JSON object")
        if state.get("format") != SESSION_FORMAT:
            raise SessionStateError("this is not a radiology-advisor session "
                                    f"(format {brief(state.get('format'))})")
        version = state.get("version")
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise SessionStateError("the saved session has no valid version number")
        if version > SESSION_VERSION:
            raise SessionStateError(f"the saved session is format version {brief(version)}, "
                                    "newer than "
                                    f"this advisor understands ({SESSION_VERSION}); upgrade "
                                    "radiology-advisor to load it")
        ctx = state.get("context", {})
        if not isinstance(ctx, dict):
            raise SessionStateError("the saved session's 'context' must be an object")
        graph = self._engine.graph

        def ids(value: Any, what: str) -> tuple[str, ...]:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise SessionStateError(f"the saved session's {what} must be a list of ids")
            return tuple(v for v in value if v in graph)

        last_intent = ctx.get("last_intent", "")
        if not isinstance(last_intent, str):
            raise SessionStateError("the saved session's 'last_intent' must be text")
        context = Context(ids(ctx.get("topic", []), "topic"), last_intent,
                          ids(ctx.get("last_list", []), "last_list"))
        saved_dialog = state.get("dialog")
        try:
            dialog = DialogState.from_dict({} if saved_dialog is None else saved_dialog)
            # Check it against this flow and graph now: a state that loads but fails every
            # turn would lose the conversation just the same, only later and less clearly.
            self._engine.interviewer.check(dialog)
        except DialogStateError as exc:
            raise SessionStateError(f"the saved interview state is invalid: {exc}") from None
        transcript = state.get("transcript", [])
        if not isinstance(transcript, list) or not all(
                isinstance(t, list) and len(t) == 2 and all(isinstance(x, str) for x in t)
                for t in transcript):
            raise SessionStateError("the saved session's transcript must be a list of "
                                    "[question, answer] pairs")
        self.context, self.dialog = context, dialog
        self.transcript = [(q, a) for q, a in transcript[-self.keep:]] if self.keep else []
        self._chars = sum(len(q) + len(a) for q, a in self.transcript)
        self._trim()  # (a planted state of a million turns keeps what a live one would)

    # -- the turn -------------------------------------------------------------------------
    def ask(self, text: str) -> Reply:
        """Answer one utterance. Never raises on any input string."""
        if not isinstance(text, str):
            text = str(text)
        # A lone surrogate (undecodable bytes, '\ud800' in JSON) can be neither answered nor
        # saved as UTF-8: it is read as U+FFFD, so the turn and its transcript stay readable.
        text = without_surrogates(text)
        with self._lock:
            state, reply = self._engine.responder.respond(
                Conversation(self.context, self.dialog), text)
            self.context, self.dialog = state.context, state.dialog
            if self.keep:
                self.transcript.append((text[:MAX_INPUT_CHARS], reply.text))
                self._chars += len(self.transcript[-1][0]) + len(reply.text)
                self._trim()
            return reply
