"""The dialog state: plain, immutable data that round-trips through JSON.

A conversation can be saved (`to_dict`, then `json.dumps`) and resumed later, in another
process, by `DialogState.from_dict`. Everything the engine needs is in here; the Interviewer
itself keeps nothing between turns.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, ClassVar

from knowledge import AdvisorError
from knowledge.record import field, record
from knowledge.text import brief

from .model import Values, frozen_map

FORMAT_VERSION = 1
STATE_TYPE = "dialog_state"
PHASES = ("idle", "asking", "reviewing", "ended")
MAX_HISTORY = 64
#: Interest counts and weights beyond this are corruption, not conversation; refusing them
#: keeps every score finite, so a resumed state can always be saved and resumed again.
MAX_NUMBER = 1e9


class DialogStateError(AdvisorError, ValueError):
    """A saved dialog state is corrupted, foreign, from a newer version, or from another flow.

    Avoid it by passing only what `DialogState.to_dict()` produced (through JSON is fine) to
    `DialogState.from_dict`, with the same dialogs it was saved with.
    """


@record
class Entry:
    """What one utterance changed, so "back" and "scratch that" can undo exactly that.

    `slots` holds the values the slots had before (None: it was unset); `topics` the evidence
    counts it added; `interests` the weights per career it added.
    """

    question: str | None = None
    slots: Mapping[str, Values | None] = field(default_factory=frozen_map)
    topics: Mapping[str, int] = field(default_factory=frozen_map)
    interests: Mapping[str, float] = field(default_factory=frozen_map)

    def __post_init__(self) -> None:
        object.__setattr__(self, "slots", frozen_map(self.slots))
        object.__setattr__(self, "topics", frozen_map(self.topics))
        object.__setattr__(self, "interests", frozen_map(self.interests))

    @property
    def empty(self) -> bool:
        return self.question is None and not self.slots and not self.topics \
            and not self.interests


@record
class DialogState:
    """Where an interview stands. Treat as immutable: every engine call returns a new one.

    `slots` maps slot names to the values given (an empty tuple: asked, but "not sure" or
    skipped); `topics` counts free interest evidence per evidence id (negative: avoided);
    `interests` is the evidence of the person's own words per career (from the semantic index
    of the graph; negative: avoided) and `quotes` those words. `asks` counts how often the
    pending question was put, so it is never put twice in the same words; `shown` is set once a
    ranking was shown, so a changed answer shows it again; `planned` is the question total last
    shown ("question 2 of 5"); `person` names the voice (flow `voices`) when the interview
    is about someone else ("my daughter": she). `phase` is "idle", "asking"
    (a question is pending), "reviewing" (a recommendation was given; follow-ups such as "tell
    me more about 2" still work) or "ended" (quit).
    """

    FORMAT_VERSION: ClassVar[int] = FORMAT_VERSION

    slots: Mapping[str, Values] = field(default_factory=frozen_map)
    topics: Mapping[str, int] = field(default_factory=frozen_map)
    interests: Mapping[str, float] = field(default_factory=frozen_map)
    phase: str = "idle"
    pending: str | None = None
    asked: tuple[str, ...] = ()
    history: tuple[Entry, ...] = ()
    ranking: tuple[str, ...] = ()
    flow: str = ""
    quotes: Mapping[str, str] = field(default_factory=frozen_map)
    asks: int = 0
    shown: bool = False
    planned: int = 0
    person: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "slots", frozen_map({k: tuple(v) for k, v in
                                                      self.slots.items()}))
        object.__setattr__(self, "topics", frozen_map(self.topics))
        object.__setattr__(self, "interests", frozen_map(self.interests))
        object.__setattr__(self, "quotes", frozen_map(self.quotes))
        object.__setattr__(self, "asked", tuple(self.asked))
        object.__setattr__(self, "history", tuple(self.history)[-MAX_HISTORY:])
        object.__setattr__(self, "ranking", tuple(self.ranking))
        if self.phase not in PHASES:
            raise DialogStateError(f"unknown dialog phase {brief(self.phase)}; expected one of "
                                   f"{', '.join(PHASES)}")

    @property
    def active(self) -> bool:
        """Is the interview running, i.e. is a question waiting for its answer?"""
        return self.phase == "asking"

    @property
    def reviewing(self) -> bool:
        """Was a recommendation given that follow-ups ("compare 1 and 3") can refer to?"""
        return self.phase == "reviewing"

    # -- serialisation --------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """JSON-compatible plain data; `from_dict` reads it back."""
        return {
            "type": STATE_TYPE,
            "format_version": FORMAT_VERSION,
            "flow": self.flow,
            "phase": self.phase,
            "pending": self.pending,
            "slots": {k: list(v) for k, v in self.slots.items()},
            "topics": dict(self.topics),
            "interests": dict(self.interests),
            "asked": list(self.asked),
            "ranking": list(self.ranking),
            "quotes": dict(self.quotes),
            "asks": self.asks,
            "shown": self.shown,
            "planned": self.planned,
            "person": self.person,
            "history": [{"question": e.question,
                         "slots": {k: (None if v is None else list(v)) for k, v in
                                   e.slots.items()},
                         "topics": dict(e.topics), "interests": dict(e.interests)}
                        for e in self.history],
        }

    @classmethod
    def from_dict(cls, data: Any) -> DialogState:
        """Rebuild a state saved by `to_dict`; `{}` gives a fresh state.

        Raises DialogStateError naming what is wrong when `data` is corrupted, foreign, or
        written by a newer version.
        """
        if not isinstance(data, Mapping):
            raise DialogStateError(f"a saved dialog state must be a mapping, not "
                                   f"{type(data).__name__}")
        if not data:
            return cls()
        if "format_version" not in data:
            raise DialogStateError("not a saved dialog state: 'format_version' is missing")
        version = data["format_version"]
        if isinstance(version, bool) or not isinstance(version, int):
            raise DialogStateError(f"'format_version' must be a whole number, not "
                                   f"{brief(version)}")
        if version > FORMAT_VERSION:
            raise DialogStateError(f"this dialog state was saved by a newer version (format "
                                   f"{brief(version)}); this version reads format "
                                   f"{FORMAT_VERSION}: "
                                   "upgrade radiology-advisor to resume it")
        if version < 1:
            raise DialogStateError(f"unsupported dialog state format {version}")
        if data.get("type") != STATE_TYPE:
            raise DialogStateError(f"not a saved dialog state: 'type' is "
                                   f"{brief(data.get('type'))}, "
                                   f"expected {STATE_TYPE!r}")
        known = {"type", "format_version", "flow", "phase", "pending", "slots", "topics",
                 "interests", "asked", "ranking", "history", "quotes", "asks", "shown",
                 "planned", "person"}
        unknown = [k for k in data if k not in known]
        if unknown:
            raise DialogStateError(f"unknown key {brief(unknown[0])} in saved dialog state")
        phase = _text(data.get("phase", "idle"), "phase")
        if phase not in PHASES:
            raise DialogStateError(f"'phase' must be one of {', '.join(PHASES)}, not "
                                   f"{brief(phase)}")
        pending = data.get("pending")
        if pending is not None:
            pending = _text(pending, "pending")
        history = data.get("history", [])
        if not isinstance(history, list):
            raise DialogStateError("'history' must be a list")
        entries = []
        for i, item in enumerate(history):
            where = f"history[{i}]"
            if not isinstance(item, Mapping) or set(item) - {"question", "slots", "topics",
                                                              "interests"}:
                raise DialogStateError(f"{where} must be an object with question, slots, "
                                       "topics, interests")
            question = item.get("question")
            if question is not None:
                question = _text(question, f"{where}.question")
            entries.append(Entry(question, _slots(item.get("slots", {}), f"{where}.slots",
                                                  allow_none=True),
                                 _numbers(item.get("topics", {}), f"{where}.topics", int),
                                 _numbers(item.get("interests", {}), f"{where}.interests",
                                          float)))
        return cls(
            slots=_slots(data.get("slots", {}), "slots"),
            topics=_numbers(data.get("topics", {}), "topics", int),
            interests=_numbers(data.get("interests", {}), "interests", float),
            phase=phase, pending=pending,
            asked=_names(data.get("asked", []), "asked"),
            history=tuple(entries),
            ranking=_names(data.get("ranking", []), "ranking"),
            flow=_text(data.get("flow", ""), "flow", empty=True),
            quotes=_quotes(data.get("quotes", {})),
            asks=_count(data.get("asks", 0), "asks"),
            shown=_flag(data.get("shown", False), "shown"),
            planned=_count(data.get("planned", 0), "planned"),
            person=_text(data.get("person", ""), "person", empty=True),
        )


def _at(what: str, key: Any) -> str:
    """'slots.stage' for a plain key; 'slots'['a\\nb'] (escaped, clipped) for any other."""
    if isinstance(key, str) and key.isprintable() and "'" not in key and len(key) <= 40:
        return f"'{what}.{key}'"
    return f"'{what}'[{brief(key)}]"


def _text(value: Any, what: str, empty: bool = False) -> str:
    if not isinstance(value, str) or (not empty and not value):
        raise DialogStateError(f"'{what}' must be text, not {brief(value)}")
    return value


def _names(value: Any, what: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise DialogStateError(f"'{what}' must be a list of names")
    return tuple(value)


def _slots(value: Any, what: str, allow_none: bool = False) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise DialogStateError(f"'{what}' must be an object of slot names to lists of values")
    out: dict[str, Any] = {}
    for k, v in value.items():
        if not isinstance(k, str):
            raise DialogStateError(f"'{what}' has a key that is not text: {brief(k)}")
        if v is None and allow_none:
            out[k] = None
        elif isinstance(v, list) and all(isinstance(x, str) for x in v):
            out[k] = tuple(v)
        else:
            raise DialogStateError(f"{_at(what, k)} must be a list of values, not {brief(v)}")
    return out


def _quotes(value: Any) -> dict[str, str]:
    if not isinstance(value, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) and len(v) <= 2000
            for k, v in value.items()):
        raise DialogStateError("'quotes' must be an object of names to short texts")
    return dict(value)


def _count(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 1000:
        raise DialogStateError(f"'{what}' must be a whole number from 0 to 1000, not "
                               f"{brief(value)}")
    return value


def _flag(value: Any, what: str) -> bool:
    if not isinstance(value, bool):
        raise DialogStateError(f"'{what}' must be true or false, not {brief(value)}")
    return value


def _numbers(value: Any, what: str, kind: type) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise DialogStateError(f"'{what}' must be an object of names to numbers")
    out: dict[str, Any] = {}
    for k, v in value.items():
        ok = isinstance(v, (int, float)) and not isinstance(v, bool)
        if ok:
            try:
                number = float(v)
            except OverflowError:  # an int beyond float range, which JSON can carry
                ok = False
            else:
                ok = math.isfinite(number) and abs(number) <= MAX_NUMBER and (
                    kind is not int or number.is_integer())
        if not isinstance(k, str) or not ok:
            raise DialogStateError(f"{_at(what, k)} must be a number, not {brief(v)}")
        out[k] = kind(v)
    return out
