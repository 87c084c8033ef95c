"""The structured reply every turn returns, and its explain view."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from dialogs import TurnKind
from knowledge.model import Source
from knowledge.record import field, record, replace, to_dict


@record
class Explanation:
    """Why the advisor answered as it did: intent scores, cues, examples, entities, context."""

    intent: str
    score: float
    cues: tuple[str, ...] = ()
    example: str = ""
    similarity: float = 0.0
    entities: tuple[tuple[str, str, str], ...] = ()  # (node id, matched text, how)
    corrections: tuple[tuple[str, str], ...] = ()
    context: tuple[str, ...] = ()
    alternatives: tuple[tuple[str, float], ...] = ()
    notes: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data = to_dict(self)
        data["sources"] = [to_dict(s) for s in self.sources]
        return data

    def __str__(self) -> str:
        lines = [f"intent: {self.intent} (score {self.score:.2f})"]
        if self.cues:
            lines.append("cues matched: " + ", ".join(repr(c) for c in self.cues))
        if self.example:
            lines.append(f"closest example: {self.example!r} (similarity {self.similarity:.0f})")
        for node_id, text, how in self.entities:
            lines.append(f"entity: {node_id} from {text!r} ({how})")
        for wrong, right in self.corrections:
            lines.append(f"typo corrected: {wrong!r} -> {right!r}")
        for item in self.context:
            lines.append(f"context used: {item}")
        if self.alternatives:
            lines.append("runners-up: " + ", ".join(f"{i} {s:.2f}" for i, s in self.alternatives))
        lines.extend(f"note: {n}" for n in self.notes)
        lines.extend(f"source: {s.section}: {s.quote!r} (line {s.line})" for s in self.sources)
        return "\n".join(lines)


#: What a reply is: an answer, one of the interview's turns, or a notice of the chat's own.
ReplyKind = TurnKind | Literal["answer", "fallback", "error", "notice", "smalltalk"]


@record
class Reply:
    """One answer: the text a person reads plus what a program needs to act on it."""

    text: str
    intent: str
    entities: tuple[str, ...] = ()
    confidence: float = 0.0
    fallback: bool = False
    suggestions: tuple[str, ...] = ()
    explainer: Callable[[], Explanation] | None = field(default=None, repr=False,
                                                        compare=False)
    kind: ReplyKind = "answer"
    table: tuple[tuple[str, ...], ...] = ()
    progress: tuple[int, int] | None = None
    listed: tuple[str, ...] = ()
    options: tuple[str, ...] = ()
    #: For every fact the text states: the source section path and the quoted line.
    sources: tuple[Source, ...] = ()

    @property
    def explain(self) -> Explanation:
        """Why this answer: intent and score, cues, closest example, entities, context.

        Built on first access, so a turn nobody inspects does not pay for it.
        """
        why = self.explainer() if self.explainer is not None else Explanation("none", 0.0)
        return replace(why, sources=self.sources) if self.sources else why

    @property
    def answer(self) -> str:
        """Alias of `text`, the name the JSON Lines protocol uses."""
        return self.text

    def to_dict(self, *, explain: bool = False) -> dict[str, Any]:
        """The reply's fields as JSON-ready data."""
        data: dict[str, Any] = {
            "answer": self.text,
            "intent": self.intent,
            "entities": list(self.entities),
            "confidence": round(self.confidence, 3),
            "fallback": self.fallback,
            "suggestions": list(self.suggestions),
            "kind": self.kind,
            "sources": [{"section": s.section, "quote": s.quote, "line": s.line}
                        for s in self.sources],
        }
        if self.progress is not None:
            data["progress"] = list(self.progress)
        if self.listed:
            data["listed"] = list(self.listed)
        if self.options:
            data["options"] = list(self.options)
        if self.table:
            data["table"] = [list(r) for r in self.table]
        if explain:
            data["explain"] = self.explain.to_dict()
        return data
