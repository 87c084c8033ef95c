"""The immutable data a dialog flow is made of, as read from YAML and validated at load.

Nothing here knows radiology: slots, questions, evidence and scoring weights only name graph
node ids, and the loader checks every one of them against the graph it is given.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from knowledge.record import field, record

#: Optional numbers that tune how free text counts and how rankings separate (`flow:` in YAML):
#: the weight of the best index match of a clause, the least index score that counts, the share
#: of the best score a second match needs, the score at which a match counts in full, the share
#: a match on a non-career node passes to the careers linked to it (when it reaches at most
#: `evidence_reach` of them: "residency" says nothing about which one), the most evidence one
#: career gathers from free text, the fit points within which the top two are "close", and
#: how much a word counts that is only part of a longer alias ("blood" of "blood vessels"),
#: and the evidence for a post-residency career (telemedicine) that lists it among fellowships.
TUNING: dict[str, float] = {"evidence_weight": 3.5, "evidence_min_score": 4.5,
                            "evidence_share": 0.6, "evidence_strong": 12.0,
                            "evidence_linked": 0.4, "evidence_reach": 3, "evidence_cap": 5.0,
                            "close_margin": 4.0, "evidence_phrase_parts": 0.8,
                            "scope_widen": 4.0}

#: Slot values as the state keeps them: a tuple, empty when the person was unsure or skipped.
Values = tuple[str, ...]


def frozen_map(data: Mapping[Any, Any] | None = None) -> Mapping[Any, Any]:
    """A read-only view of a fresh copy, so frozen records stay frozen all the way down."""
    return MappingProxyType(dict(data or {}))


@record
class Condition:
    """`slot` must hold one of `values` (or, when `negate`, none of them; unset then passes)."""

    slot: str
    values: frozenset[str]
    negate: bool = False

    def holds(self, slots: Mapping[str, Values]) -> bool:
        current = slots.get(self.slot)
        if self.negate:
            return current is None or self.values.isdisjoint(current)
        return current is not None and not self.values.isdisjoint(current)


def all_hold(conditions: tuple[Condition, ...], slots: Mapping[str, Values]) -> bool:
    """True when every condition holds; an empty tuple always holds."""
    return all(c.holds(slots) for c in conditions)


@record
class SlotValue:
    """One value a slot can take: how it reads, what it says about the person, what it weighs.

    `weights` maps graph node ids to a signed weight; a weight toward a career applies to it,
    a weight toward any other node (a category, a training step...) to every career linked to
    it. `done`/`current` name pathway steps already behind the person or under way (used for
    next steps), `is_now` the careers the person already has.
    """

    value: str
    label: str
    says: str
    cues: tuple[str, ...] = ()
    weights: Mapping[str, float] = field(default_factory=frozen_map)
    implies: Mapping[str, str] = field(default_factory=frozen_map)
    done: tuple[str, ...] = ()
    current: str | None = None
    is_now: tuple[str, ...] = ()


@record
class Slot:
    """A fact about the person. `choice` slots take values by their own cues; `scale` slots
    have topic cues whose polarity (love / avoid / don't mind / not sure) picks the value.

    `background` facts (where the person stands) survive "scratch that"; `needs_identity`
    cues count only when said of oneself ("I'm a nurse"); `in_questions` cues count even
    inside a question without a signal word ("which fellowship suits me?").
    """

    name: str
    label: str
    kind: str
    values: Mapping[str, SlotValue]
    multi: bool = False
    background: bool = False
    needs_identity: bool = False
    cues: tuple[str, ...] = ()
    polarity: Mapping[str, str] = field(default_factory=frozen_map)
    in_questions: bool = False


@record
class Option:
    """One numbered answer of a question."""

    value: str
    label: str
    synonyms: tuple[str, ...] = ()


@record
class Question:
    """A question that fills one slot, asked only while its slot is unset and `ask_if` holds."""

    id: str
    slot: str
    text: str
    why: str
    options: tuple[Option, ...]
    ask_if: tuple[Condition, ...] = ()
    priority: int = 0

    def option(self, value: str) -> Option | None:
        return next((o for o in self.options if o.value == value), None)


@record
class Evidence:
    """Free interest evidence: phrases that, said positively or negatively, point at nodes."""

    id: str
    label: str
    phrases: tuple[str, ...]
    nodes: Mapping[str, float]


@record
class Exclusion:
    """A rule out: when `when` holds, careers whose pathway has `step` are ruled out; with
    `through` (a relation), instead the careers of a category that relation links to a career
    whose pathway has it ('Emerging Career Paths for Radiologists')."""

    when: tuple[Condition, ...]
    step: str
    reason: str
    through: str = ""


@record
class Scope:
    """Which node types each scope ranks, and when "auto" means "fellowship"."""

    fellowship_types: frozenset[str]
    career_types: frozenset[str]
    fellowship_when: tuple[Condition, ...]


@record
class Voice:
    """Someone else the interview can be about: the cues that say so ("my daughter") and the
    phrases that turn what is said to "you" into them ("you're" -> "she's")."""

    name: str
    cues: tuple[str, ...]
    words: Mapping[str, str]


@record
class Flow:
    """A whole validated dialog flow. Build it with `load_dialogs`; it does no I/O."""

    id: str
    title: str
    min_known: int
    max_questions: int
    enough_signals: int
    fit_damping: float
    show: int
    mentioned: str
    avoided: str
    slots: Mapping[str, Slot]
    questions: tuple[Question, ...]
    evidence: tuple[Evidence, ...]
    exclusions: tuple[Exclusion, ...]
    scope: Scope
    language: Mapping[str, tuple[str, ...]]
    answers: Mapping[str, tuple[str, ...]]
    numbers: Mapping[str, int]
    respell: Mapping[str, str]
    controls: Mapping[str, tuple[str, ...]]
    messages: Mapping[str, str] = field(default_factory=frozen_map)
    source: str = ""
    tuning: Mapping[str, float] = field(default_factory=frozen_map)
    voices: Mapping[str, Voice] = field(default_factory=frozen_map)

    def tune(self, name: str) -> float:
        """A tuning number of the flow (`flow:` in YAML), else its default (loader.TUNING)."""
        value = self.tuning.get(name)
        return TUNING[name] if value is None else value

    def say(self, key: str, **values: object) -> str:
        """A message of the flow with its placeholders filled (all checked at load)."""
        return self.messages.get(key, key).format(**values)

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def topic(self, evidence_id: str) -> Evidence | None:
        return next((e for e in self.evidence if e.id == evidence_id), None)
