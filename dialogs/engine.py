"""The interviewer: a pure `(state, text) -> (state, turn)` engine over a flow and a graph.

It asks only what it still needs: among the questions whose slot is unset and whose `ask_if`
holds, it picks the highest-priority one that could still change the top pick, stops once
enough is known (or at the flow's question limit), and then recommends. It never prints and
never raises on any user text; a saved state that does not fit the flow raises
DialogStateError.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal, get_args

from knowledge import Graph, Memo, Node
from knowledge.record import evolve, record, replace
from knowledge.text import brief

from .model import Flow, Option, Question, Values, all_hold
from .render import (
    compare_text,
    credentials,
    detail_text,
    next_steps,
    profile,
    question_text,
    recommendation_text,
    stage_of,
)
from .render import plan_markdown as render_plan
from .scoring import Fit, Recommendation, Scorer
from .state import DialogState, DialogStateError, Entry
from .text import Voicing
from .understand import NEG as NEGATIVE
from .understand import POS as POSITIVE
from .understand import UNSURE_ANSWER, Extraction, Reader, Utterance

TurnKind = Literal["question", "recommendation", "not_an_answer", "control", "reask",
                   "detail", "compare", "ended"]
TURN_KINDS: tuple[TurnKind, ...] = get_args(TurnKind)
_LEADERS = 1  # a question is worth asking while it could change the top pick
_SHORT_ANSWER = 6  # words: an option named anywhere in a reply this short answers
_TOP_REFS = frozenset({"it", "that", "that one", "this one", "this", "top pick", "the top pick",
                       "your top pick", "my top pick", "best one", "the best one", "best",
                       "the top one", "top one", "first one"})


@record
class Change:
    """One slot whose earlier value an utterance replaced (None: it was unset / is now)."""

    slot: str
    old: Values | None
    new: Values | None


@record
class Turn:
    """What the interviewer says back, as data.

    `kind` is one of TURN_KINDS. `text` is what a person reads: the question with numbered
    options, a recommendation, a re-ask hint... For "not_an_answer" it is the pending
    question, to be asked again after the caller has answered the digression. `progress` is
    (number of this question, expected total) for "question 3 of 6". `control` names the
    control command that was recognised ("back", "why", ...), `changes` the earlier answers
    this turn replaced.
    """

    kind: TurnKind
    text: str
    question_id: str | None = None
    options: tuple[Option, ...] = ()
    progress: tuple[int, int] | None = None
    node_ids: tuple[str, ...] = ()
    control: str | None = None
    changes: tuple[Change, ...] = ()
    recommendation: Recommendation | None = None


class _Edit:
    """A working copy of a state while one utterance is applied to it: what changes, and
    what it was before (for "back" and for the "Changed ..." lines)."""

    def __init__(self, state: DialogState) -> None:
        self.slots: dict[str, Values] = dict(state.slots)
        self.topics: dict[str, int] = dict(state.topics)
        self.history: list[Entry] = list(state.history)
        self.asked: list[str] = list(state.asked)
        self.before: dict[str, Values | None] = {}
        self.delta: dict[str, int] = {}
        self.gained: dict[str, float] = {}
        self.learnt: list[tuple[str, str]] = []

    def put(self, name: str, new: Values | None, quiet: bool = False) -> None:
        """Set (None: unset) a slot, remembering its first value; `quiet` for implied
        values, which a turn does not announce."""
        old = self.slots.get(name)
        if new == old:
            return
        self.before.setdefault(name, old)
        if new is None:
            self.slots.pop(name, None)
        else:
            self.slots[name] = new
        if not old and new and not quiet:
            self.learnt.extend((name, v) for v in new)


class Interviewer:
    """Runs a flow against a graph. Immutable after construction: share one across sessions
    and threads; all conversation state lives in the DialogState passed in and returned."""

    def __init__(self, graph: Graph, flow: Flow) -> None:
        self.graph = graph
        self.flow = flow
        self.scorer = Scorer(graph, flow)
        self.reader = Reader(flow, graph, self.scorer.links)
        self._questions = {q.id: q for q in flow.questions}
        self._ordered = tuple(sorted(flow.questions, key=lambda q: -q.priority))
        self._question_slots = frozenset(q.slot for q in flow.questions)
        self._careers = flow.scope.career_types | flow.scope.fellowship_types
        self._voices = {name: Voicing(v.words) for name, v in flow.voices.items()}
        self._trusted: Memo[int, DialogState] = Memo(items=4096)
        # Plans depend only on what is known and what was asked; people repeat those.
        self._plans: Memo[tuple[Any, ...], tuple[Question, ...]] = Memo(items=4096)
        self._recs: Memo[tuple[Any, ...], Recommendation] = Memo(items=2048)

    # -- public API -----------------------------------------------------------------------
    def extract(self, text: str) -> Extraction:
        """Slot values and interest evidence in any utterance, asked or not."""
        return self.reader.extract(self.reader.read(text))

    def observe(self, state: DialogState, text: str) -> DialogState:
        """Fill slots from an utterance said outside (or beside) the interview."""
        self._check(state)
        u = self.reader.read(text)
        if not self.reader.may_hold_cues(u):
            return state  # most factual questions say nothing about the person
        ext = self.reader.extract(u)
        if not (ext.slots or ext.topics or ext.interests or ext.unsure or ext.correction
                or ext.retraction or (ext.person and ext.person != state.person)):
            return state
        new, _, _ = self._apply(state, ext)
        return self._trust(new)

    def _trust(self, state: DialogState) -> DialogState:
        """Remember a state this engine made, so it is not re-validated on every turn."""
        return self._trusted.put(id(state), state)  # the value keeps the id from being reused

    def start(self, state: DialogState) -> tuple[DialogState, Turn]:
        """Begin (or resume) the interview: ask the first question still needed, or, when
        nothing more is needed, recommend at once."""
        new, turn = self._start(state)
        return self._trust(new), turn

    def _start(self, state: DialogState) -> tuple[DialogState, Turn]:
        self._check(state)
        if state.phase == "asking" and state.pending in self._questions:
            q = self._questions[state.pending]
            return state, self._question_turn(state, q, "question")
        state = evolve(state, phase="asking", pending=None, flow=self.flow.id, shown=False)
        return self._next(state)

    def advance(self, state: DialogState, text: str) -> tuple[DialogState, Turn]:
        """One utterance while the interview runs (or while its recommendation is reviewed)."""
        new, turn = self._advance(state, text)
        return self._trust(new), turn

    def _advance(self, state: DialogState, text: str) -> tuple[DialogState, Turn]:
        self._check(state)
        u = self.reader.read(text)
        if state.phase == "asking" and state.pending in self._questions:
            follow = self._follow_up(state, u, numbers_only=False) if state.shown else None
            if follow is not None:
                return follow  # a ranking is on screen: "compare 1 and 2" is about it
            return self._answer(state, u, self._questions[state.pending])
        if state.phase == "reviewing":
            return self._review(state, u)
        if self.reader.control(u) == "restart":
            return self._restart()
        new, changes, _ = self._apply(state, self.reader.extract(u))
        return new, Turn("not_an_answer", "", changes=tuple(changes))

    def asks_for_pick(self, state: DialogState, text: str) -> bool:
        """Does `text` ask for the pick ("ok so what do you think I should do?", "give me
        your number one"), from someone who has already said what they like or avoid?"""
        return self.knows_something(state) and self.reader.control(
            self.reader.read(text)) == "finish"

    def voice(self, state: DialogState, text: str) -> str:
        """`text` as said about the person the interview is about ("you're" -> "she's" for a
        parent asking for a daughter); unchanged when it is about the speaker."""
        voicing = self._voices.get(state.person)
        return voicing(text) if voicing is not None else text

    def set_aside(self, state: DialogState) -> DialogState:
        """The person moved on from the ranking (another list is on screen): keep every
        answer, but "compare 1 and 2" no longer refers to the ranking."""
        self._check(state)
        if state.phase != "reviewing":
            return state
        return self._trust(evolve(state, phase="idle", pending=None))

    def current_careers(self, state: DialogState) -> frozenset[str]:
        """The careers the person already has ('an x-ray tech for 8 years'): theirs, never a
        suggestion."""
        return self.scorer.current(state.slots)

    def knows_something(self, state: DialogState) -> bool:
        """Has the person said what they like or avoid (a preference answered, a topic, an
        interest), so that a ranking asked for outright is more than a guess? Where they
        stand alone ('I'm a lawyer') is not enough: that calls for the questions."""
        standing = self._implied(state.slots)
        prefers = any(v and s in self._question_slots and not self.flow.slots[s].background
                      and standing.get(s) != v for s, v in state.slots.items())
        return prefers or any(c > 0 for c in state.topics.values()) or any(
            w > 0 for w in state.interests.values())

    def enough_to_rank(self, state: DialogState) -> bool:
        """Has the person said enough (answers plus interests) for a meaningful ranking?"""
        return self._signals(state) >= self.flow.enough_signals

    def recommend(self, state: DialogState, scope: str = "auto") -> Recommendation:
        """Careers ranked best first, with the top pick's pathway, credential and next steps.

        `scope`: "fellowship" ranks subspecialties only, "career" every career, "auto" the
        former for a medical student or resident who asked about a fellowship.
        """
        self._check(state)
        key = (tuple(sorted(state.slots.items())), tuple(sorted(state.topics.items())),
               tuple(sorted(state.interests.items())), tuple(sorted(state.quotes.items())),
               state.person, scope)
        cached = self._recs.get(key)
        if cached is not None:
            return cached  # a pure function of what is known: people ask for it again
        return self._recs.put(key, self._recommend(state, scope))

    def _recommend(self, state: DialogState, scope: str) -> Recommendation:
        resolved = self.scorer.resolve(state.slots, scope)
        fits, out, mine = self.scorer.rank(state.slots, state.topics, resolved,
                                           state.interests, state.quotes)
        top = fits[0] if fits and fits[0].score > 0 else None
        pathway = creds = via = None
        steps: tuple[str, ...] = ()
        if top is not None:
            pathway = self.graph.pathway(top.node.id)
            creds, via = credentials(self.graph, top.node)
            steps = next_steps(self.flow.say, top.node, pathway, stage_of(self.flow, state.slots))
        rec = Recommendation(tuple(fits), tuple(out), tuple(mine), resolved,
                             self.enough_to_rank(state), pathway, creds or (), via, steps,
                             self.flow.show)
        text = recommendation_text(self.flow.say, rec)
        return replace(rec, text=self.voice(state, text))

    def plan_markdown(self, state: DialogState, scope: str = "auto") -> str:
        """The person's plan as Markdown, to save or print."""
        return self.voice(state, render_plan(
            self.flow, self.graph, self.recommend(state, scope), state.slots, state.topics,
            self._implied(state.slots), self._quoted(state)))

    def describe_profile(self, state: DialogState) -> str:
        """What the person has told us so far, as one line ("you're a resident, ...")."""
        self._check(state)
        return self.voice(state, ", ".join(profile(self.flow, state.slots, state.topics,
                                                   self._implied(state.slots),
                                                   self._quoted(state))))

    @staticmethod
    def _quoted(state: DialogState) -> dict[str, str]:
        """The person's quoted words, each once: "+" when said with liking, "-" avoided."""
        out: dict[str, str] = {}
        for node, quote in state.quotes.items():
            out.setdefault(quote, "+" if state.interests.get(node, 0.0) > 0 else "-")
        return out

    # -- state checks ---------------------------------------------------------------------
    def check(self, state: DialogState) -> None:
        """Raise DialogStateError unless `state` fits this flow and graph (its flow, slots and
        values, interests, questions and nodes); call it when resuming a saved state."""
        self._validate(state)

    def _check(self, state: DialogState) -> None:
        if self._trusted.get(id(state)) is state:
            return
        self._validate(state)
        self._trust(state)

    def _validate(self, state: DialogState) -> None:
        if not isinstance(state, DialogState):
            raise DialogStateError(f"expected a DialogState, not {type(state).__name__}")
        if state.flow and state.flow != self.flow.id:
            raise DialogStateError(f"this dialog state belongs to flow {brief(state.flow)}, "
                                   f"not '{self.flow.id}'")
        for entry_slots in (state.slots, *(e.slots for e in state.history)):
            self._validate_slots(entry_slots)
        if state.person and state.person not in self._voices:
            raise DialogStateError(f"unknown voice {brief(state.person)} in dialog state")
        topics = {e.id for e in self.flow.evidence}
        for counts in (state.topics, *(e.topics for e in state.history)):
            for name in counts:
                if name not in topics:
                    raise DialogStateError(f"unknown interest {brief(name)} in dialog state")
        for qid in (*state.asked, *(e.question for e in state.history if e.question)):
            if qid not in self._questions:
                raise DialogStateError(f"unknown question {brief(qid)} in dialog state")
        if state.phase == "asking" and state.pending not in self._questions:
            raise DialogStateError(f"the pending question {brief(state.pending)} is not in "
                                   "the flow")
        for node_id in (*state.ranking, *state.interests, *state.quotes):
            if node_id not in self.graph:
                raise DialogStateError(f"unknown node {brief(node_id)} in dialog state")

    def _validate_slots(self, slots: Mapping[str, Values | None]) -> None:
        for name, values in slots.items():
            slot = self.flow.slots.get(name)
            if slot is None:
                raise DialogStateError(f"unknown slot {brief(name)} in dialog state")
            for v in values or ():
                if v not in slot.values:
                    raise DialogStateError(f"unknown value {brief(v)} for slot '{name}' "
                                           "in dialog state")

    # -- applying what was said -----------------------------------------------------------
    def _merge_interests(self, interests: Mapping[str, float], delta: Mapping[str, float]
                         ) -> dict[str, float]:
        """Interests plus (or, with a negated delta, minus) what one utterance added; the
        total per career is capped, so repeating a word does not outweigh every answer."""
        cap = self.flow.tune("evidence_cap")
        out = dict(interests)
        for node, weight in delta.items():
            out[node] = round(max(-cap, min(cap, out.get(node, 0.0) + weight)), 3)
        return {k: v for k, v in out.items() if v}

    def _apply(self, state: DialogState, ext: Extraction, question: str | None = None,
               answer: Values | None = None
               ) -> tuple[DialogState, list[Change], list[tuple[str, str]]]:
        """Merge an extraction (and maybe a question's answer) into a new state.

        Returns the state, the earlier values replaced, and the (slot, value) pairs newly
        learnt, so the turn can say so.
        """
        edit = _Edit(state)
        if ext.withdraws or ext.withdrawn:
            self._withdraw(edit, state, ext)
        if ext.retraction:
            self._retract(edit)
        elif ext.denial:  # ("scratch that" already took it back)
            self._deny_last(edit)
        self._fill(edit, ext, question, answer)
        slots = edit.slots
        # One change per slot, from what it was before the utterance to what it is after:
        # "scratch that ... aren't for me" is "yes → no", not "dropped" and then "noted".
        changes = [Change(name, old, slots.get(name)) for name, old in edit.before.items()
                   if old and slots.get(name) != old]
        learnt = [(n, v) for n, v in edit.learnt if v in slots.get(n, ())
                  and not edit.before.get(n)]
        for topic, count in ext.topics.items():
            edit.topics[topic] = edit.topics.get(topic, 0) + count
            edit.delta[topic] = edit.delta.get(topic, 0) + count
        interests, quotes, gained = self._gain(state, edit.gained, ext)
        if question is not None and question not in edit.asked:
            edit.asked.append(question)
        entry = Entry(question, edit.before, {k: v for k, v in edit.delta.items() if v},
                      gained)
        if not entry.empty:
            edit.history.append(entry)
        new = replace(state, slots=slots, topics={k: v for k, v in edit.topics.items() if v},
                      interests=interests, quotes=quotes, history=tuple(edit.history),
                      asked=tuple(edit.asked), flow=self.flow.id,
                      person=self._person(state, ext))
        return new, changes, learnt

    def _person(self, state: DialogState, ext: Extraction) -> str:
        """Who the interview is about: set once, by the first message that names someone
        else, unless the speaker, having said where they stand, speaks of themselves in it
        ("we're moving to my wife's family farm", from a radiologist, is about them)."""
        if state.person or (ext.myself and any(
                self.flow.slots[n].background and not self.flow.slots[n].in_questions
                for n in state.slots)):
            return state.person
        return ext.person

    def _fill(self, edit: _Edit, ext: Extraction, question: str | None,
              answer: Values | None) -> None:
        """The slot values the utterance states (and the question's answer), with the values
        they imply where nothing is known yet."""
        found = dict(ext.slots)
        if ext.question and not ext.correction:
            # a question adds what it says of the person, but changes no answer: "which
            # jobs don't need medical school?" asks; it does not take medical school back
            found = {k: v for k, v in found.items() if k not in edit.slots}
        if question is not None and answer is not None:
            found[self._questions[question].slot] = answer
        revising = ext.correction or ext.retraction or ext.denial
        for name, values in found.items():
            old = edit.slots.get(name)
            if self.flow.slots[name].multi and old and values and not revising \
                    and question is None:
                values = tuple(dict.fromkeys((*old, *values)))
            if not revising and name not in edit.before and self._reverses(name, old, values) \
                    and (question is None or self._questions[question].slot != name):
                # "managing PACS servers, no thanks" after loving technology: a narrower
                # dislike, weighed through the index; only a correction turns the answer
                continue
            edit.put(name, values)
        for name in list(found):
            for v in edit.slots.get(name, ()):
                for target, value in self.flow.slots[name].values[v].implies.items():
                    if target not in edit.slots:
                        edit.put(target, (value,), quiet=True)

    def _restated(self, state: DialogState, ext: Extraction) -> str:
        """A correction that says again what is already known ("wait, I said NOT med
        school"), acknowledged: "That is what I have: you'd rather not go to medical school."
        """
        if not ext.correction:
            return ""
        facts = [self.flow.slots[n].values[v].says for n, values in ext.slots.items()
                 if state.slots.get(n) == values and not self.flow.slots[n].in_questions
                 for v in values]
        return self.flow.say("kept", facts="; ".join(facts)) if facts else ""

    def _reverses(self, name: str, old: Values | None, new: Values) -> bool:
        """Would `new` turn a scale answer to its opposite (a lot <-> as little as possible)?"""
        polarity = self.flow.slots[name].polarity
        ends = {polarity.get(POSITIVE), polarity.get(NEGATIVE)} - {None}
        return bool(old) and len(ends) == 2 and set(old or ()) <= ends and \
            set(new) <= ends and set(old or ()) != set(new)

    def _gain(self, state: DialogState, gained: dict[str, float], ext: Extraction
              ) -> tuple[dict[str, float], dict[str, str], dict[str, float]]:
        """Interests and quotes after the utterance, and what it added (as far as the cap
        let it, so "back" removes exactly that)."""
        quotes = dict(state.quotes)
        for node, weight in ext.interests.items():
            gained[node] = gained.get(node, 0.0) + weight
            quotes[node] = ext.quotes.get(node) or quotes.get(node, "")
        interests = self._merge_interests(state.interests, gained)
        added = {k: round(interests.get(k, 0.0) - state.interests.get(k, 0.0), 3)
                 for k in gained}
        return (interests, {k: v for k, v in quotes.items() if k in interests and v},
                {k: v for k, v in added.items() if v})

    def _retract(self, edit: _Edit) -> None:
        """"scratch that": the preferences (and interests) of the last utterance that had
        any go back to what they were; where the person stands stays."""
        standing = self._implied(edit.slots)
        history = edit.history
        for i in range(len(history) - 1, -1, -1):
            entry = history[i]
            prefs = {k: v for k, v in entry.slots.items()
                     if not self.flow.slots[k].background
                     and edit.slots.get(k) != standing.get(k, ())}
            if not prefs and not entry.topics and not entry.interests:
                continue
            for name, old in prefs.items():
                edit.put(name, old)
            for topic, count in entry.topics.items():
                edit.topics[topic] = edit.topics.get(topic, 0) - count
                edit.delta[topic] = edit.delta.get(topic, 0) - count
            for node, weight in entry.interests.items():
                edit.gained[node] = edit.gained.get(node, 0.0) - weight
            kept = {k: v for k, v in entry.slots.items() if k not in prefs}
            answered = entry.question
            if answered and self._questions[answered].slot in prefs:
                if answered in edit.asked:
                    edit.asked.remove(answered)
                answered = None
            history[i] = Entry(answered, kept, {}, {})
            return

    def _withdraw(self, edit: _Edit, state: DialogState, ext: Extraction) -> None:
        """"forget what I said about IR": the careers named lose the interest gathered for
        them, and so do the preferences that mostly pointed at them (wanting procedures,
        for IR); the slots named go back to unknown. Where the person stands stays."""
        careers = set(ext.withdrawn)
        named = {name for name, _ in ext.withdraws}
        for name, values in state.slots.items():
            slot = self.flow.slots[name]
            if slot.background:
                continue
            for value in values:
                weights = self.scorer.slot_weights.get((name, value), ())
                best = max(weights, key=lambda p: p[1], default=None)
                if name in named or (best is not None and best[1] > 0 and best[0] in careers):
                    named.add(name)
            if name in named:
                edit.put(name, None)
        for career in careers:
            had = state.interests.get(career, 0.0)
            if had > 0:
                edit.gained[career] = edit.gained.get(career, 0.0) - had

    def _deny_last(self, edit: _Edit) -> None:
        """"actually no, ...": the preferences the last utterance set turn around (a scale
        answer to its negative value, a choice is dropped); where the person stands stays."""
        standing = self._implied(edit.slots)
        for entry in reversed(edit.history):
            prefs = [k for k in entry.slots if not self.flow.slots[k].background
                     and edit.slots.get(k) and edit.slots.get(k) != standing.get(k)]
            if not prefs:
                continue
            for name in prefs:
                negative = self.flow.slots[name].polarity.get(NEGATIVE)
                edit.put(name, (negative,) if negative else None)
            return

    def _implied(self, slots: Mapping[str, Values]) -> dict[str, Values]:
        """Values implied by background facts; a retraction keeps them, since the fact behind
        them still stands, and a turn does not announce them."""
        return self.scorer.implied(slots)

    def _said(self, state: DialogState, changes: Iterable[Change],
              learnt: Iterable[tuple[str, str]], skip_slot: str | None = None,
              topics: Mapping[str, int] | None = None, ext: Extraction | None = None) -> str:
        """'Changed ...' and 'Noted: ...' lines for what an utterance changed; what the
        question just answered or a background fact implies goes without saying."""
        lines = []
        for change in changes:
            if change.slot == skip_slot and change.new:
                continue
            slot = self.flow.slots[change.slot]
            old = ", ".join(slot.values[v].label for v in change.old or ()) or "not sure"
            if change.new is None:
                lines.append(self.flow.say("dropped", slot=slot.label, old=old))
            else:
                new = ", ".join(slot.values[v].label for v in change.new) or "not sure"
                lines.append(self.flow.say("changed", slot=slot.label, old=old, new=new))
        standing = self._implied(state.slots)
        facts = list(dict.fromkeys(
            self.flow.slots[name].values[v].says for name, v in learnt
            if name != skip_slot and v not in standing.get(name, ())))
        for topic, count in (topics or {}).items():
            label = self.scorer.topic_labels[topic]
            fact = (self.flow.mentioned if count > 0 else self.flow.avoided).format(label=label)
            if not any(label in f for f in facts) and fact not in facts:
                facts.append(fact)
        quoted: list[str] = []  # one note per thing said, however many careers it points at
        for node, weight in sorted(ext.interests.items() if ext else (),
                                   key=lambda p: -abs(p[1])):
            words = ext.quotes.get(node) if ext else None
            if not words or any(words in q or q in words for q in quoted):
                continue
            quoted.append(words)
            template = self.flow.mentioned if weight > 0 else self.flow.avoided
            facts.append(template.format(label=self.flow.say("quote", words=words)))
        if facts:
            lines.append(self.flow.say("noted", facts="; ".join(facts)))
        return "\n".join(lines)

    # -- choosing the next question -------------------------------------------------------
    def _signals(self, state: DialogState) -> int:
        """Things the person said that point somewhere; values merely implied do not count.
        Free-text evidence counts once when strong: said in a slot's words ("I like
        procedures") it is a liking as well as the answer; in other words of the person's own
        only while no preference question is answered (it stands in for one)."""
        standing = self._implied(state.slots)
        answered = sum(1 for s, v in state.slots.items()
                       if v and s in self._question_slots and standing.get(s) != v)
        signals = answered + sum(1 for c in state.topics.values() if c > 0)
        prefers = any(v and s in self._question_slots and not self.flow.slots[s].background
                      and standing.get(s) != v for s, v in state.slots.items())
        strong = self.flow.tune("evidence_weight") * self.flow.tune("evidence_share")
        liked = [n for n, w in state.interests.items() if w >= strong]
        if any(w > 0 and n not in state.quotes for n, w in state.interests.items()):
            signals += 1  # a liking said in a slot's own words ("I like procedures"), as a topic
        elif not prefers and liked:
            signals += 1  # what they said they love stands in for a preference answered
        return signals

    def _known(self, state: DialogState) -> int:
        """Question slots the person has settled; values merely implied do not count."""
        standing = self._implied(state.slots)
        return sum(1 for s, v in state.slots.items()
                   if s in self._question_slots and (not v or standing.get(s) != v))

    def _eligible(self, state: DialogState) -> list[Question]:
        return [q for q in self._ordered if q.slot not in state.slots
                and q.id not in state.asked and all_hold(q.ask_if, state.slots)]

    def _plan(self, state: DialogState) -> list[Question]:
        """The questions still worth asking, best first (the first is asked next), as far as
        anyone looks: the first `_shown(state)` of them (all, when there are fewer).

        A question is worth asking when some answer to it could change the top pick. The
        state's totals and ranking are computed once; each hypothetical answer rescores only
        the careers its weights reach (`Scorer.top_after`); and questions after the ones the
        progress figure can show are not examined at all.
        """
        key = (tuple(sorted(state.slots.items())), tuple(sorted(state.topics.items())),
               tuple(sorted(state.interests.items())), tuple(state.asked))
        cached = self._plans.get(key)
        if cached is not None:
            return list(cached)
        plan = self._make_plan(state)
        self._plans.put(key, tuple(plan))
        return plan

    def _make_plan(self, state: DialogState) -> list[Question]:
        room = self.flow.max_questions - len(state.asked)
        eligible = self._eligible(state)
        if room <= 0 or not eligible:
            return []
        scorer = self.scorer
        totals = scorer.totals(state.slots, state.topics, state.interests)
        ranked = scorer.ranked(totals)
        current = scorer.current(state.slots)
        top = scorer.top_after(totals, ranked, state.slots, (),
                               scorer.resolve(state.slots, "auto"), _LEADERS, current)
        missing = self.flow.min_known - self._known(state)
        enough = min(room, self._shown(state))
        useful: list[Question] = []
        for q in eligible:
            if self._informative(state, q, top, totals, ranked, current):
                useful.append(q)
                if len(useful) == enough >= missing:  # (short of `missing`, fillers join in)
                    return useful
        if len(useful) < missing:
            useful += [q for q in eligible if q not in useful][:missing - len(useful)]
            useful.sort(key=lambda q: self._ordered.index(q))
        return useful[:room]

    def _informative(self, state: DialogState, q: Question, top: tuple[str, ...],
                     totals: Mapping[str, tuple[float, float]],
                     ranked: list[tuple[tuple[int, float, int], str]],
                     current: frozenset[str]) -> bool:
        """Could some answer to `q` change the top pick? If not, asking is a waste.

        `current` is the careers the state says the person has; an answer only adds to them.
        """
        scorer = self.scorer
        for option in q.options:
            pair = (q.slot, option.value)
            hypo = dict(state.slots)
            hypo[q.slot] = (option.value,)  # q is eligible: its slot is not set yet
            added = [pair]
            now = current | scorer.now_of[pair]
            for target, implied in scorer.implies_of[pair]:
                if target not in hypo:
                    hypo[target] = (implied,)
                    added.append((target, implied))
                    now |= scorer.now_of.get((target, implied), frozenset())
            scope = scorer.resolve(hypo, "auto")
            if scorer.top_after(totals, ranked, hypo, added, scope, _LEADERS, now) != top:
                return True
        return False

    def _progress(self, state: DialogState, plan_size: int) -> tuple[int, int]:
        """(this question's number, expected total): the questions still needed to reach
        `min_known`, plus one the answers will probably make worth asking. The total shown
        never grows back once it was said (it only shrinks, or follows the number), so
        "question 2 of 5" does not jump around."""
        number = len(state.asked) + 1
        total = max(number, len(state.asked) + min(plan_size, self._shown(state)))
        if state.planned:
            total = min(total, state.planned)
        return number, max(number, total)

    def _shown(self, state: DialogState) -> int:
        """How many planned questions the progress figure counts: those still needed to
        reach `min_known`, plus one (so the plan never needs to be longer)."""
        return max(1, self.flow.min_known - self._known(state)) + 1

    def _wording(self, q: Question, asks: int) -> str:
        """The question as put for the `asks`-th time: in full with numbered options first,
        then asked another way over the same options, then as one line of numbers; never
        twice alike in a row."""
        if asks <= 0:
            return question_text(q)
        labels = [o.label[0].lower() + o.label[1:] for o in q.options]
        label = self.flow.slots[q.slot].label
        if asks == 1:
            options = question_text(q).split("\n", 1)[1:]
            return "\n".join([self.flow.say("rephrase", label=label), *options])
        numbered = "; ".join(f"{i} = {text}" for i, text in enumerate(labels, 1))
        return self.flow.say("rephrase_numbers", label=label, numbered=numbered)

    def _put(self, state: DialogState, q: Question, kind: TurnKind, prefix: str = "",
             control: str | None = None, changes: Iterable[Change] = (),
             again: bool | None = None) -> tuple[DialogState, Turn]:
        """Ask `q` (pending from now on). Put again while it is still pending, it is worded
        differently (see `_wording`), so the same question never comes twice in the same
        words; `again=False` puts it as first worded ("repeat the question")."""
        if again is None:
            again = state.phase == "asking" and state.pending == q.id
        asks = (1 if state.asks >= 2 else state.asks + 1) if again else 0  # 0, 1, 2, 1, 2...
        plan = self._plan(state)  # (the plan does not depend on what is pending)
        size = len(plan) if q in plan else len(plan) + 1
        progress = self._progress(state, size)
        state = evolve(state, phase="asking", pending=q.id, asks=asks, planned=progress[1])
        text = self.voice(state, (prefix + "\n\n" if prefix else "") + self._wording(q, asks))
        return state, Turn(kind, text, q.id, q.options, progress, control=control,
                           changes=tuple(changes))

    def _question_turn(self, state: DialogState, q: Question, kind: TurnKind, prefix: str = "",
                       control: str | None = None, changes: Iterable[Change] = ()) -> Turn:
        """The pending question as first worded (resuming; "repeat the question")."""
        return self._put(state, q, kind, prefix, control, changes, again=False)[1]

    def _next(self, state: DialogState, kind: TurnKind = "question", prefix: str = "",
              control: str | None = None, changes: Iterable[Change] = ()
              ) -> tuple[DialogState, Turn]:
        plan = self._plan(state)
        if not plan or state.shown:
            # nothing left to ask, or a ranking was shown before: rank (again)
            return self._finish(state, prefix, control, changes)
        return self._put(state, plan[0], kind, prefix, control, changes)

    def _finish(self, state: DialogState, prefix: str = "", control: str | None = None,
                changes: Iterable[Change] = ()) -> tuple[DialogState, Turn]:
        # (ranked as the state it becomes: a start with nothing left to ask has no pending
        # question yet, which a state still "asking" may not have)
        state = evolve(state, phase="reviewing", pending=None)
        rec = self.recommend(state)
        state = evolve(state, phase="reviewing", pending=None, ranking=rec.node_ids,
                       shown=True, asks=0, planned=0)
        text = self.voice(state, prefix + "\n\n") if prefix else ""
        text += rec.text
        if control != "finish":  # ("just tell me" wants the ranking, not one more question)
            state, note = self.separate(state, rec)
        else:
            note = self._close_only(rec)
        q = self._questions.get(state.pending or "") if state.phase == "asking" else None
        if note or rec.shown:
            text += "\n\n" + (note or self.flow.say("followup"))
        return state, Turn("recommendation", text, q.id if q else None,
                           q.options if q else (), node_ids=rec.node_ids, control=control,
                           changes=tuple(changes), recommendation=rec)

    def separate(self, state: DialogState, rec: Recommendation) -> tuple[DialogState, str]:
        """After a ranking: when the top two are close, say so, and ask the one question
        still open that would put them in a different order (the state then waits for its
        answer, and re-ranks after it); "" when they are not close. For a ranking shown
        outside the interview too ("which career fits me?")."""
        self._check(state)
        if not self._close(rec):
            return state, ""
        q = self._separating(state, rec)
        if q is None:
            return state, self._close_only(rec)
        names = {"first": rec.shown[0].node.name, "second": rec.shown[1].node.name}
        state = evolve(state, phase="asking", pending=q.id, asks=0, shown=True,
                       ranking=rec.node_ids, flow=self.flow.id)
        note = self.flow.say("close", **names) + "\n" + self.voice(state, question_text(q))
        return self._trust(state), note

    def _close_only(self, rec: Recommendation) -> str:
        if not self._close(rec):
            return ""
        return self.flow.say("close_only", first=rec.shown[0].node.name,
                             second=rec.shown[1].node.name)

    def _close(self, rec: Recommendation) -> bool:
        """Are the top two within `close_margin` fit points?"""
        shown = rec.shown
        return len(shown) >= 2 and \
            shown[0].score - shown[1].score <= self.flow.tune("close_margin")

    def _separating(self, state: DialogState, rec: Recommendation) -> Question | None:
        """When the top two are within `close_margin` fit points, the one question still
        open whose answers would put them in different orders (asked next, then re-ranked).
        """
        a, b = rec.shown[0].node.id, rec.shown[1].node.id
        totals = self.scorer.totals(state.slots, state.topics, state.interests)
        for q in self._eligible(state):
            orders = set()
            for option in q.options:
                pos = {c: list(totals.get(c, (0.0, 0.0))) for c in (a, b)}
                for career, w in self.scorer.slot_weights.get((q.slot, option.value), ()):
                    if career in pos:
                        pos[career][0 if w > 0 else 1] += abs(w)
                damping = self.flow.fit_damping
                fits = {c: pos[c][0] / (pos[c][0] + pos[c][1] + damping or 1.0)
                        for c in (a, b)}  # (unrounded: the display rounds ties together)
                if abs(fits[a] - fits[b]) > 1e-9:
                    orders.add(fits[a] > fits[b])
            if len(orders) == 2:
                return q
        return None

    # -- answering a question -------------------------------------------------------------
    def _hint(self, q: Question) -> str:
        example = q.options[0].synonyms[0] if q.options[0].synonyms else q.options[0].label
        return self.flow.say("hint", count=len(q.options), example=example.lower())

    def _reask(self, state: DialogState, q: Question, key: str, **values: object
               ) -> tuple[DialogState, Turn]:
        message = self.flow.say(key, hint=self._hint(q), **values)
        return self._put(state, q, "reask", message)

    def _answered(self, state: DialogState, q: Question, values: Values, ext: Extraction,
                  kind: TurnKind = "question", control: str | None = None, note: str = ""
                  ) -> tuple[DialogState, Turn]:
        slot = self.flow.slots[q.slot]
        values = tuple(dict.fromkeys(values))
        if not slot.multi:
            values = values[-1:]
        new, changes, learnt = self._apply(state, ext, q.id, values)
        said = self._said(new, changes, learnt, q.slot, ext=ext)
        if not values and not note:
            note = self.flow.say("unsure")
        prefix = "\n".join(p for p in (note, said) if p)
        return self._next(new, kind, prefix, control, changes)

    def _answer(self, state: DialogState, u: Utterance, q: Question
                ) -> tuple[DialogState, Turn]:
        slot = self.flow.slots[q.slot]
        command = self.reader.control(u)
        if command is not None:
            return self._control(state, u, command, q)
        if not u.tokens:
            return self._reask(state, q, "reask")
        numbers = self.reader.numbers_in([t.word for t in u.tokens])
        if numbers is not None:
            count = len(q.options)
            picked = [count if n == -1 else n for n in numbers]
            bad = next((n for n in picked if not 1 <= n <= count), None)
            if bad is not None:
                return self._reask(state, q, "out_of_range", number=bad, count=count)
            if len(set(picked)) > 1 and not slot.multi:
                return self._reask(state, q, "one_only")
            return self._answered(state, q, tuple(q.options[n - 1].value for n in picked),
                                  Extraction())
        exact = self.reader.exact_answer(u, q)
        if exact is not None:
            return self._answered(state, q, () if exact == UNSURE_ANSWER else (exact,),
                                  Extraction())
        ext = self.reader.extract(u, q.slot)
        if u.question and not (ext.asserted and self.reader.tag_question(u)):
            # (a statement that ends in a question tag, "I like training new techs, does
            # that count?", is a statement)
            new, changes, _ = self._apply(state, ext)
            return self._put(new, q, "not_an_answer", changes=changes)
        if q.slot in ext.slots:
            return self._answered(state, q, ext.slots[q.slot], ext)
        values, leads = self.reader.scan_answer(u, q)
        # (a doubt before a verdict is no answer: "idk, a decade sounds like forever.
        # probably not" is no)
        concrete = [o.value for o in q.options if o.value in leads] or [
            o.value for o in q.options if o.value in values]
        # An option's words answer when they lead the reply ("some. but no needles"), or
        # in a short reply; deep in a long one ("I'm fine with continuing education and
        # another certification") they are just words.
        # (and not when it names another slot: "procedures maybe a few" is about procedures)
        short = not ext.slots and not ext.topics and len(u.core) <= _SHORT_ANSWER \
            and all(s == q.slot for s in ext.unsure)
        if concrete and ((leads and not ext.correction) or short) \
                and not self._echo(q, concrete, ext):  # ("some. but no needles")
            if len(concrete) == 1 or slot.multi:
                return self._answered(state, q, tuple(concrete), ext)
            return self._reask(state, q, "one_only")
        if (UNSURE_ANSWER in values or q.slot in ext.unsure) and ext.empty:
            return self._answered(state, q, (), ext)
        if not ext.empty or ext.retraction:
            new, changes, learnt = self._apply(state, ext)
            said = self._said(new, changes, learnt, topics=ext.topics, ext=ext)
            return self._next(new, "question", said, changes=changes)
        fuzzy = self.reader.fuzzy_answer(u, q)
        if fuzzy is not None:
            return self._answered(state, q, (fuzzy,), ext)
        verdict = slot.polarity.get(self.reader.bare_verdict(u) or "")
        if verdict is not None and any(o.value == verdict for o in q.options):
            return self._answered(state, q, (verdict,), ext)  # "I don't think I could handle that"
        return self._reask(state, q, "reask")

    def _echo(self, q: Question, concrete: list[str], ext: Extraction) -> bool:
        """Is a leading "nah" the verdict on what the rest names, not an answer to the
        question ("nah, IR isn't for me after all", asked about patients)? Only a no, and
        only when everything the rest says is against something."""
        if concrete != [self.flow.slots[q.slot].polarity.get(NEGATIVE)]:
            return False
        signs = [w > 0 for w in ext.interests.values()] + [c > 0 for c in ext.topics.values()]
        for name, values in ext.slots.items():
            if name != q.slot and not self.flow.slots[name].background:
                signs.append(self.flow.slots[name].polarity.get(NEGATIVE) not in values)
        return bool(signs) and not any(signs)

    def _control(self, state: DialogState, u: Utterance, command: str, q: Question | None
                 ) -> tuple[DialogState, Turn]:
        if command == "restart":
            return self._restart()
        if command == "quit":
            ended = evolve(state, phase="ended", pending=None)
            return ended, Turn("ended", self.flow.say("quit"), control="quit")
        if command == "back":
            return self._back(state, q)
        if command == "finish":
            new, changes, _ = self._apply(state, self.reader.extract(u))
            return self._finish(new, control="finish", changes=changes)
        if q is None:
            if command == "skip":
                return state, Turn("control", self.flow.say("nothing_to_skip"), control="skip")
            return self._review_again(state, command)
        if command == "why":
            return self._put(state, q, "control", q.why, control="why")
        if command == "repeat":
            return state, self._question_turn(state, q, "control", control="repeat")
        # skip: the question counts as asked, with nothing known
        return self._answered(state, q, (), Extraction(), "control", "skip",
                              self.flow.say("skipped"))

    def _restart(self) -> tuple[DialogState, Turn]:
        fresh = DialogState(phase="asking", flow=self.flow.id)
        return self._next(fresh, "control", self.flow.say("restart"), "restart")

    def _back(self, state: DialogState, current: Question | None
              ) -> tuple[DialogState, Turn]:
        history = list(state.history)
        at = next((i for i in range(len(history) - 1, -1, -1) if history[i].question), None)
        if at is None:
            message = self.flow.say("back_none")
            if current is not None:
                return state, self._question_turn(state, current, "control", message,
                                                  control="back")
            return state, Turn("control", message, control="back")
        slots = dict(state.slots)
        topics = dict(state.topics)
        interests: dict[str, float] = dict(state.interests)
        for entry in reversed(history[at:]):
            for name, old in entry.slots.items():
                if old is None:
                    slots.pop(name, None)
                else:
                    slots[name] = old
            for topic, count in entry.topics.items():
                topics[topic] = topics.get(topic, 0) - count
            interests = self._merge_interests(interests, {k: -v for k, v in
                                                          entry.interests.items()})
        qid = history[at].question
        assert qid is not None
        asked = list(state.asked)
        if qid in asked:
            del asked[asked.index(qid):]
        topics = {k: v for k, v in topics.items() if v}
        new = replace(state, slots=slots, topics=topics, interests=interests,
                      quotes={k: v for k, v in state.quotes.items() if k in interests},
                      history=tuple(history[:at]), asked=tuple(asked), phase="asking",
                      pending=qid)
        q = self._questions[qid]
        return new, self._question_turn(new, q, "control", self.flow.say("back"),
                                        control="back")

    # -- after the recommendation ---------------------------------------------------------
    def _ref(self, state: DialogState, text: str) -> tuple[str | None, str | None]:
        """A career named in a follow-up: by its number in the ranking, or by its name."""
        words = [t.word for t in self.reader.read(text).tokens]
        key = " ".join(words)
        ranking = state.ranking
        if key in _TOP_REFS:
            return (ranking[0], None) if ranking else (None, self.flow.say("no_ranking"))
        numbers = self.reader.numbers_in(words)
        if numbers is not None and len(numbers) == 1:
            if not ranking:
                return None, self.flow.say("no_ranking")
            n = len(ranking) if numbers[0] == -1 else numbers[0]
            if not 1 <= n <= len(ranking):
                return None, self.flow.say("no_rank", number=n, count=len(ranking))
            return ranking[n - 1], None
        node = self.graph.lookup(text)
        if node is None:
            match = self.graph.find(text)
            node = match.node if match else None
        if node is not None and node.type in self._careers:
            return node.id, None
        return None, self.flow.say("unknown_ref", text=text.strip())

    def _fit(self, state: DialogState, node_id: str) -> tuple[Fit | None, int | None]:
        rec = self.recommend(state, "career")
        fit = next((f for f in (*rec.fits, *rec.ruled_out) if f.node.id == node_id), None)
        rank = state.ranking.index(node_id) + 1 if node_id in state.ranking else None
        return fit, rank

    def _detail(self, state: DialogState, node_id: str) -> tuple[DialogState, Turn]:
        node = self.graph.node(node_id)
        fit, rank = self._fit(state, node_id)
        steps = next_steps(self.flow.say, node, self.graph.pathway(node_id),
                           stage_of(self.flow, state.slots))
        text = self.voice(state, detail_text(self.flow.say, self.graph, fit, node, rank, steps))
        return state, Turn("detail", text, node_ids=(node_id,), control="detail")

    def _compare(self, state: DialogState, ids: list[str]) -> tuple[DialogState, Turn]:
        items: list[tuple[Node, Fit | None, int | None]] = []
        for node_id in ids:
            fit, rank = self._fit(state, node_id)
            items.append((self.graph.node(node_id), fit, rank))
        return state, Turn("compare", self.voice(state, compare_text(self.flow.say, self.graph,
                                                                    items)),
                           node_ids=tuple(ids),
                           control="compare")

    def _review_again(self, state: DialogState, command: str) -> tuple[DialogState, Turn]:
        rec = self.recommend(state)
        if command == "why" and rec.top is not None:
            text = self.flow.say("review_why", name=rec.top.node.name,
                                 reasons="; ".join(rec.top.reasons) or "—")
            return state, Turn("control", text, node_ids=(rec.top.node.id,), control="why")
        return self._finish(state, control=command)

    def _follow_up(self, state: DialogState, u: Utterance, numbers_only: bool = True
                   ) -> tuple[DialogState, Turn] | None:
        """"compare 1 and 3", "tell me more about the second", "2": the list last shown.
        (`numbers_only=False` while a question waits: a bare number answers it.)"""
        fill = self.reader.template(u, "compare")
        if fill is not None:
            refs = [self._ref(state, fill[k]) for k in ("x", "y")]
            if all(r[0] for r in refs):
                return self._compare(state, [str(r[0]) for r in refs])
            numeric = all(self.reader.numbers_in(fill[k].split()) for k in ("x", "y"))
            if any(r[0] for r in refs) or numeric:
                why_not = next((r[1] for r in refs if r[1]), "")
                return state, Turn("reask", str(why_not), control="compare")
        fill = self.reader.template(u, "detail")
        if fill is not None:
            picked, problem = self._ref(state, fill["x"])
            if picked is not None:
                return self._detail(state, picked)
            if fill["x"].split()[0].isdigit():
                return state, Turn("reask", str(problem), control="detail")
        if not numbers_only:
            return None
        numbers = self.reader.numbers_in([t.word for t in u.tokens])
        if numbers is not None and len(numbers) == 1:
            picked, problem = self._ref(state, str(numbers[0]))
            if picked is not None:
                return self._detail(state, picked)
            return state, Turn("reask", str(problem), control="detail")
        if len(numbers or ()) == 2:
            refs = [self._ref(state, str(n)) for n in numbers or ()]
            if all(r[0] for r in refs):
                return self._compare(state, [str(r[0]) for r in refs])
        return None

    def _review(self, state: DialogState, u: Utterance) -> tuple[DialogState, Turn]:
        """After a ranking: follow-ups on it, controls, and anything that changes what is
        known (shown, then the ranking again); everything else is not for the interview."""
        follow = self._follow_up(state, u)
        if follow is not None:
            return follow
        command = self.reader.control(u)
        if command is not None:
            return self._control(state, u, command, None)
        ext = self.reader.extract(u)
        new, changes, learnt = self._apply(state, ext)
        # Naming a kind of career ("list the fellowships") asks; it does not re-rank.
        learnt = [(n, v) for n, v in learnt if not self.flow.slots[n].in_questions]
        changes = [c for c in changes if not self.flow.slots[c.slot].in_questions]
        kept = self._restated(state, ext) if not changes and not learnt else ""
        if kept:  # "wait i said probably NOT med school": that is what is known
            return self._finish(new, kept, "change")
        if not changes and (u.question or (not learnt and new.topics == state.topics
                                           and new.interests == state.interests)):
            return new, Turn("not_an_answer", "", changes=tuple(changes))
        said = self._said(new, changes, learnt, topics=ext.topics, ext=ext)
        prefix = "\n".join(p for p in (said, self.flow.say("updated")) if p)
        return self._finish(new, prefix, "change", changes)
