"""Reading an utterance against a flow: slot values, interest evidence, controls, choices.

All the words come from the flow's YAML (cues, signal words, answers, controls); this module
only knows how to combine them: the nearest signal before a cue decides its polarity ("don't
want med school" -> no), a negation after it counts too ("med school is not for me"), and a
short list after a negated clause inherits the negation ("I hate sales, blood, needles").
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple, TypeVar, cast

from rapidfuzz import fuzz, process

from knowledge import MAX_INPUT_CHARS, Graph, Memo
from knowledge.index import SemanticIndex
from knowledge.record import field, record, replace

from .model import Flow, Question, Values, frozen_map
from .text import Hit, PhraseIndex, Token, asked_sentences, longest, phrase_words, tokenize

POS, NEG, NEUTRAL, UNSURE = "positive", "negative", "neutral", "unsure"
UNSURE_ANSWER = "?"
_SIGNAL_KINDS = {"negators": "neg", "negators_after": "neg_after", "positives": "pos",
                 "neutral": "neutral", "unsure": "unsure", "breakers": "break",
                 "identity": "identity", "aspiration": "aspire", "corrections": "correct",
                 "retractions": "retract"}
_POLAR = frozenset({"neg", "pos", "neutral", "unsure", "break"})
_VERDICTS = frozenset({"neg", "pos", "neg_after", "aspire"})
_NEGATING = frozenset({"neg", "neg_after"})  # an after-negation negates what follows it too
_BACKWARD = _POLAR | _NEGATING
_ORDINAL = re.compile(r"^(\d+)(?:st|nd|rd|th)?$")
_PLACEHOLDER = re.compile(r"\{([a-z])\}")
_LIST_JOINERS = frozenset({"and", "or", "plus", "then"})
_ARTICLES = frozenset({"a", "an"})
_YEARS = frozenset({"year", "yr", "years", "yrs"})
#: Words that put a cue in relation to the person rather than name them ("great with kids").
_RELATIONS = frozenset({"with", "for", "about", "around", "to", "of", "like", "into", "love",
                        "loves"})
_NEGATION_GAP = 2  # words a negation may stand before the verb it turns ("not really into")
_VERDICT_REACH = 2  # clauses after a cue that may still hold its verdict ("..., scary, no thanks")
_QUOTE_WORDS = 6
#: Words of statements before a question that make them a story of their own, read as said
#: ("She has volunteered at the children's hospital for three years, ... Which path?"); a
#: shorter description belongs to its question ("PhD physicist, no clinical reads. best fit?").
_STORY_WORDS = 20
#: Words a reply may have and still be a bare verdict on the question ("ideally not").
_BARE_WORDS = 10  # a quote longer than this lists the matched words instead
#: Clauses of one message looked up in the semantic index for what the person loves: a
#: description has a few; a 2,000-character flood of them must not cost a lookup each.
_EVIDENCE_CLAUSES = 12

Cue = tuple[str, str, str]  # ("slot", slot, value or "") | ("topic", evidence id, "")
#: An utterance's clauses: sentence of each, sizes and order per sentence, polar signals of each.
_Layout = tuple[dict[int, int], dict[int, dict[int, int]], dict[int, list[int]],
                dict[int, list[Hit[frozenset[str]]]]]
#: An utterance's clauses in order, the word positions of each and the signals of each.
_Clauses = tuple[list[int], dict[int, list[int]], dict[int, list[Hit[frozenset[str]]]]]

#: How many words before a cue say how current it is ("now a resident").
_WHEN_WINDOW = 8
#: How many words before a cue its polarity signals are looked for in ("not really into").
_SIGNAL_WINDOW = 16
_T = TypeVar("_T")


def _clause_index(u: Utterance) -> _Clauses:
    """The utterance's clauses in order, the positions and the signals of each."""
    positions: dict[int, list[int]] = {}
    for i, t in enumerate(u.tokens):
        positions.setdefault(t.clause, []).append(i)
    signals: dict[int, list[Hit[frozenset[str]]]] = {}
    for sig in u.signals:
        signals.setdefault(u.tokens[sig.start].clause, []).append(sig)
    return sorted(positions), positions, signals


class _SignalIndex(NamedTuple):
    """A clause's signals for bisection: those that turn a later cue (by end), and the polar
    ones (by start) with, from each position on, where the first comparison, the first
    after-negation and the first verdict (a signal that is no mere breaker) stand."""

    back_ends: list[int]
    back: list[Hit[frozenset[str]]]
    starts: list[int]
    polar: list[Hit[frozenset[str]]]
    next_comparative: list[int]
    next_negating_after: list[int]
    next_verdict: list[int]


def _signal_index(u: Utterance, mine: list[Hit[frozenset[str]]],
                  comparatives: frozenset[tuple[str, ...]]) -> _SignalIndex:
    back = sorted((s for s in mine if s.payload & _BACKWARD), key=lambda s: s.end)
    polar = sorted((s for s in mine if s.payload & (_POLAR | {"neg_after"})),
                   key=lambda s: s.start)
    n = len(polar)
    comp, neg, verdict = [n] * (n + 1), [n] * (n + 1), [n] * (n + 1)
    for i in range(n - 1, -1, -1):
        s = polar[i]
        words = tuple(t.word for t in u.tokens[s.start:s.end])
        comp[i] = i if words in comparatives else comp[i + 1]
        real = s.payload != {"break"}
        neg[i] = i if real and "neg_after" in s.payload else neg[i + 1]
        verdict[i] = i if real else verdict[i + 1]
    return _SignalIndex([s.end for s in back], back, [s.start for s in polar], polar,
                        comp, neg, verdict)


def _first_ends(by_clause: dict[int, list[Hit[frozenset[str]]]]) -> dict[int, dict[str, int]]:
    """For each clause, where its first signal of each kind ends."""
    firsts: dict[int, dict[str, int]] = {}
    for clause, signals in by_clause.items():
        mine = firsts.setdefault(clause, {})
        for sig in signals:
            for kind in sig.payload:
                mine[kind] = min(mine.get(kind, sig.end), sig.end)
    return firsts


def _sentence_index(u: Utterance) -> tuple[dict[int, int], dict[int, int]]:
    """Where each sentence starts, and how many words (articles aside) it has."""
    starts: dict[int, int] = {}
    sizes: dict[int, int] = {}
    for i, t in enumerate(u.tokens):
        starts.setdefault(t.sentence, i)
        if t.word not in _ARTICLES:
            sizes[t.sentence] = sizes.get(t.sentence, 0) + 1
    return starts, sizes


@record
class Extraction:
    """What one utterance says about the person.

    `slots`: values stated (for scale slots, the value its polarity maps to); `topics`: +1 or
    -1 per evidence id; `unsure`: slots mentioned with doubt but no value; `correction` /
    `retraction`: "actually" / "scratch that" was said; `question`: it reads as a question.
    `interests`: evidence per career from the semantic index of the graph (what the person
    says they love or avoid, in words no cue covers), signed; `quotes`: the person's words
    behind each; `asserted`: slots whose value a signal word stated ("I like training new
    techs, does that count?" asserts teaching even though it ends in a question); `person`:
    the voice the text says the interview is about ("my daughter loves kids": she);
    `denial`: it opens by taking back what was said just before ("actually no, ...");
    `withdraws` / `withdrawn`: the (slot, value) pairs and careers a retraction aimed at
    something ("forget what I said about IR") takes back; `myself`: the speaker speaks of
    themselves in it ("we're moving to my wife's family farm").
    """

    slots: Mapping[str, Values] = field(default_factory=frozen_map)
    topics: Mapping[str, int] = field(default_factory=frozen_map)
    unsure: tuple[str, ...] = ()
    correction: bool = False
    retraction: bool = False
    question: bool = False
    interests: Mapping[str, float] = field(default_factory=frozen_map)
    quotes: Mapping[str, str] = field(default_factory=frozen_map)
    asserted: tuple[str, ...] = ()
    person: str = ""
    denial: bool = False
    withdraws: tuple[tuple[str, str], ...] = ()
    withdrawn: tuple[str, ...] = ()
    myself: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "slots", frozen_map(self.slots))
        object.__setattr__(self, "topics", frozen_map(self.topics))
        object.__setattr__(self, "interests", frozen_map(self.interests))
        object.__setattr__(self, "quotes", frozen_map(self.quotes))

    @property
    def empty(self) -> bool:
        return not self.slots and not self.topics and not self.interests \
            and not self.withdraws and not self.withdrawn


@record
class Utterance:
    """A tokenised utterance with its signal words found, shared by every reading of it."""

    text: str
    tokens: tuple[Token, ...]
    signals: tuple[Hit[frozenset[str]], ...]
    core: tuple[str, ...]  # words with leading/trailing fillers stripped
    question: bool
    lead: int = 0  # how many leading words the stripping took (where `core` starts)
    #: Sentences that ask, when only some do ("She loves kids. Which fellowship fits her?");
    #: empty when the whole utterance is the question (or none is).
    asking: frozenset[int] = frozenset()
    #: Sentences of a short story before its question in which the person speaks of
    #: themselves: a cue there says what they like, though the story is part of the question.
    stated: frozenset[int] = frozenset()
    #: Those of them with a verdict word ("- want to develop new imaging techniques"): the
    #: words there, not only the cues, say what the person likes.
    judged: frozenset[int] = frozenset()

    def asks_at(self, position: int) -> bool:
        """Is the word at `position` in a question (a story before a question tells)?"""
        if not self.question:
            return False
        return not self.asking or self.tokens[position].sentence in self.asking


def _choose(values: list[str], value: str, multi: bool, background: bool) -> None:
    """Add a choice: to the others for a multi slot; a background fact keeps its first
    statement ("I'm a resident and I played college football" is a resident)."""
    if multi:
        if value not in values:
            values.append(value)
    elif not values or not background:
        values[:] = [value]


def _outside_longer(hits: list[Hit[Cue]]) -> list[Hit[Cue]]:
    """The hits not inside a longer one (one sweep by start: linear after the sort)."""
    kept: list[Hit[Cue]] = []
    end, start = -1, -1  # the furthest-reaching hit so far
    for h in sorted(hits, key=lambda h: (h.start, -h.end)):
        if not (end > h.end or (end == h.end and start < h.start)):
            kept.append(h)
        if h.end > end:
            end, start = h.end, h.start
    return kept


def _join(tokens: Sequence[Token]) -> str:
    """Tokens as text again, with their clause and sentence breaks (for reading a part)."""
    out: list[str] = []
    for i, t in enumerate(tokens):
        if i and t.sentence != tokens[i - 1].sentence:
            out.append(". ")
        elif i and t.clause != tokens[i - 1].clause:
            out.append(", ")
        elif i:
            out.append(" ")
        out.append(t.raw)
    return "".join(out)


@record
class _Template:
    """A detail/compare phrasing ("compare {x} and {y}"): the literal text before, between
    and after its placeholders. Matched with string searches in time linear in the text,
    where the equivalent regex (`^compare (.+?) and (.+?)$`) backtracks quadratically."""

    names: tuple[str, ...]
    literals: tuple[str, ...]  # one more than names

    def match(self, text: str) -> dict[str, str] | None:
        """Each placeholder as short as it can be (as a lazy `.+?` would), or None."""
        head, *seps, tail = self.literals
        if not self.names or not text.startswith(head) or not text.endswith(tail):
            return None
        end = len(text) - len(tail)
        if end < len(head):
            return None
        found: dict[str, str] = {}
        start = len(head)
        for name, sep in zip(self.names, seps, strict=False):
            at = text.find(sep, start + 1, end) if sep else -1
            if at < 0 or at + len(sep) >= end:
                return None
            found[name] = text[start:at].strip()
            start = at + len(sep)
        if start >= end:
            return None
        found[self.names[-1]] = text[start:end].strip()
        return found


class Reader:
    """Compiled phrase indexes of one flow; immutable after construction (but for its
    bounded caches of pure results), so thread-safe."""

    def __init__(self, flow: Flow, graph: Graph | None = None,
                 reach: Callable[[str], tuple[str, ...]] | None = None) -> None:
        self.flow = flow
        self.graph = graph
        self.reach = reach
        # Built now, not on first use, so a pickled engine (the start-up cache) carries it.
        self._index: SemanticIndex | None = SemanticIndex.of(graph) if graph else None
        self._owners = frozenset(flow.language.get("family", ()))
        self._identities: PhraseIndex[str] = PhraseIndex(
            ((p, "i") for p in flow.language.get("identity", ())), flow.respell)
        self._comparatives = frozenset(phrase_words(p, flow.respell)
                                       for p in flow.language.get("comparatives", ()))
        self._family_verbs = frozenset(flow.language.get("family_verbs", ()))
        self._here = frozenset(w for p in flow.language.get("identity_after", ())
                               for w in phrase_words(p, flow.respell))
        self._now = frozenset(phrase_words(p, flow.respell) for p in flow.language.get("now", ()))
        self._past = frozenset(phrase_words(p, flow.respell)
                               for p in flow.language.get("past", ()))
        self._first_person = frozenset(w for p in flow.language.get("first_person", ())
                                       for w in phrase_words(p, flow.respell))
        self._objects = frozenset(phrase_words(p, flow.respell)
                                  for p in flow.language.get("objects", ()))
        #: Words that carry no content of their own ("that", "sounds", "honestly"): a clause
        #: of only these and signal words is a verdict on what came before.
        self._plain = frozenset(w for p in flow.language.get("plain_words", ())
                                for w in phrase_words(p, flow.respell))
        self._subjects = self._first_person | frozenset(
            w for p in flow.language.get("third_person", ()) for w in phrase_words(p, flow.respell))
        self._person_nouns = frozenset(w for p in flow.language.get("person_nouns", ())
                                       for w in phrase_words(p, flow.respell))
        self._tags = frozenset(w for p in flow.language.get("question_tags", ())
                               for w in phrase_words(p, flow.respell))
        #: "so what's the move?", "ok what do you think?": a question of only these words,
        #: with one of `pick_words`, asks for the ranking (see `asks_for_pick`).
        self._pick_words = frozenset(w for p in flow.language.get("pick_words", ())
                                     for w in phrase_words(p, flow.respell))
        self._pick_frame = self._pick_words | self._plain | frozenset(
            w for name in ("pick_frame", "fillers", "question_openers")
            for p in flow.language.get(name, ()) for w in phrase_words(p, flow.respell))
        self.voices: PhraseIndex[str] = PhraseIndex(
            ((cue, v.name) for v in flow.voices.values() for cue in v.cues), flow.respell)
        self._retract_about: PhraseIndex[str] = PhraseIndex(
            ((p, "r") for p in flow.language.get("retract_about", ())), flow.respell)
        self._reported: PhraseIndex[str] = PhraseIndex(
            ((p, "h") for p in flow.language.get("reported", ())), flow.respell)
        self._statement_openers: PhraseIndex[str] = PhraseIndex(
            ((p, "s") for p in flow.language.get("statement_openers", ())), flow.respell)
        self.respell = dict(flow.respell)
        lang = flow.language
        cues: list[tuple[str, Cue]] = []
        for slot in flow.slots.values():
            cues.extend((cue, ("slot", slot.name, "")) for cue in slot.cues)
            for spec in slot.values.values():
                cues.extend((cue, ("slot", slot.name, spec.value)) for cue in spec.cues)
        for evidence in flow.evidence:
            cues.extend((p, ("topic", evidence.id, "")) for p in evidence.phrases)
        self.cues: PhraseIndex[Cue] = PhraseIndex(cues, self.respell)
        kinds: dict[str, set[str]] = {}
        spelled: dict[str, str] = {}
        for name, kind in _SIGNAL_KINDS.items():
            for phrase in lang.get(name, ()):
                words = " ".join(phrase_words(phrase, self.respell))
                kinds.setdefault(words, set()).add(kind)
                spelled.setdefault(words, phrase)
        self.signals: PhraseIndex[frozenset[str]] = PhraseIndex(
            ((spelled[w], frozenset(k)) for w, k in kinds.items()), self.respell)
        revising = [phrase_words(p, self.respell)[:1]
                    for name in ("corrections", "retractions") for p in lang.get(name, ())]
        self._triggers = self.cues.first_words | {w[0] for w in revising if w}
        self._reads: Memo[str, Utterance] = Memo()
        self._extractions: Memo[tuple[str, str | None], Extraction] = Memo()
        #: Facts about the message being read that every cue asks (see `_once`).
        self._message: tuple[Utterance | None, dict[str, Any]] = (None, {})
        self.fillers = sorted({phrase_words(f, self.respell) for f in lang.get("fillers", ())},
                              key=len, reverse=True)
        # (rank in `fillers`, filler) by first and by last word, for _strip.
        self._fillers_first: dict[str, list[tuple[int, tuple[str, ...]]]] = {}
        self._fillers_last: dict[str, list[tuple[int, tuple[str, ...]]]] = {}
        for rank, filler in enumerate(self.fillers):
            if filler:
                self._fillers_first.setdefault(filler[0], []).append((rank, filler))
                self._fillers_last.setdefault(filler[-1], []).append((rank, filler))
        self.openers: PhraseIndex[str] = PhraseIndex(
            ((p, "q") for p in lang.get("question_openers", ())), self.respell)
        self.markers: PhraseIndex[str] = PhraseIndex(
            ((p, "q") for p in lang.get("question_markers", ())), self.respell)
        self._closing_tags = frozenset(lang.get("closing_tags", ()))
        self._tag_agreements = frozenset(lang.get("tag_agreements", ()))
        self.unsure_answers = {self._strip(phrase_words(p, self.respell))
                               for p in lang.get("unsure_answers", ())}
        self.numbers = {k: v for k, v in flow.numbers.items()}
        self.controls: dict[str, set[tuple[str, ...]]] = {}
        self.inside: list[tuple[tuple[str, ...], str]] = []
        self.templates: dict[str, list[_Template]] = {}
        for kind, phrases in flow.controls.items():
            if kind in {"detail", "compare"}:
                self.templates[kind] = [self._template(p) for p in phrases]
                continue
            self.controls[kind] = {self._control_key(phrase_words(p, self.respell))
                                   for p in phrases} - {()}
            self.inside.extend((w, kind) for p in phrases
                               if len(w := phrase_words(p, self.respell)) >= 3)
        self.inside.sort(key=lambda pair: -len(pair[0]))
        self._inside_text = [(" " + " ".join(words) + " ", kind) for words, kind in self.inside]
        self.answer_index: dict[str, PhraseIndex[str]] = {}
        self.answer_keys: dict[str, dict[str, str]] = {}
        for q in flow.questions:
            entries: list[tuple[str, str]] = []
            for option in q.options:
                names = [option.label, option.value.replace("_", " "), *option.synonyms,
                         *flow.answers.get(option.value, ())]
                entries.extend((n, option.value) for n in names)
            entries.extend((p, UNSURE_ANSWER) for p in lang.get("unsure_answers", ()))
            self.answer_index[q.id] = PhraseIndex(entries, self.respell)
            keys: dict[str, str] = {}
            for text, value in entries:
                keys.setdefault(" ".join(phrase_words(text, self.respell)), value)
            self.answer_keys[q.id] = keys

    @property
    def index(self) -> SemanticIndex | None:
        """The graph's semantic index (the one `SemanticIndex.of(graph)` shares)."""
        return self._index

    # -- basics ---------------------------------------------------------------------------
    def _strip(self, words: Sequence[str]) -> tuple[str, ...]:
        """Drop filler phrases ("ok", "please", "I'd say") from both ends.

        Only fillers that begin with the first word or end with the last are tried; of those,
        the one earliest in `fillers` (longest first) goes, as a scan of all of them would do.
        """
        words = list(words)
        while words:
            best: tuple[int, bool, int] | None = None  # (rank, at the end?, length)
            for rank, filler in self._fillers_first.get(words[0], ()):
                n = len(filler)
                if n < len(words) and tuple(words[:n]) == filler:
                    best = (rank, False, n)
                    break
            for rank, filler in self._fillers_last.get(words[-1], ()):
                if best is not None and rank >= best[0]:
                    break
                n = len(filler)
                if n < len(words) and tuple(words[-n:]) == filler:
                    best = (rank, True, n)
                    break
            if best is None:
                break
            if best[1]:
                del words[-best[2]:]
            else:
                del words[:best[2]]
        return tuple(words)

    def _control_key(self, words: tuple[str, ...]) -> tuple[str, ...]:
        """A control phrase without its fillers, unless that leaves one word of several:
        "what's the answer" must not become "what" (which asks to repeat)."""
        stripped = self._strip(words)
        return stripped if len(stripped) > 1 or len(words) == 1 else words

    def _template(self, template: str) -> _Template:
        parts = _PLACEHOLDER.split(template)
        items: list[tuple[bool, str]] = []  # (is a placeholder, its name or literal words)
        for i, part in enumerate(parts):
            if i % 2:
                items.append((True, part))
            elif words := phrase_words(part, self.respell):
                items.append((False, " ".join(words)))
        # Items are joined by single spaces; what stands between placeholders is literal.
        names: list[str] = []
        literals = [""]
        for index, (is_name, value) in enumerate(items):
            space = " " if index else ""
            if is_name:
                literals[-1] += space
                names.append(value)
                literals.append("")
            else:
                literals[-1] += space + value
        return _Template(tuple(names), tuple(literals))

    def may_hold_cues(self, u: Utterance) -> bool:
        """Cheap pre-check: can this utterance hold any slot cue, evidence or correction?
        (Free evidence needs a statement, or a question with a polar word: "I love kids, so
        what does a sonographer do?")"""
        words = [t.word for t in u.tokens]
        return not self._triggers.isdisjoint(words) or not self.voices.first_words.isdisjoint(
            words) or (self.graph is not None and (not u.question or any(
                s.payload & _POLAR for s in u.signals)))

    def read(self, text: str) -> Utterance:
        """Tokens, signal words and question-ness of an utterance (cut at MAX_INPUT_CHARS).

        Pure in the text, so repeated texts come from a bounded cache."""
        text = (text if isinstance(text, str) else str(text))[:MAX_INPUT_CHARS]
        cached = self._reads.get(text)
        if cached is not None:
            return cached
        return self._reads.put(text, self._read(text))

    def _read(self, text: str) -> Utterance:
        tokens = tokenize(text, self.respell)
        signals = tuple(longest(self.signals.scan(tokens), lambda _k: 0))
        words = [t.word for t in tokens]
        core = self._strip(words)
        # (fillers go from both ends: "..., all of it" loses "it", and the core starts
        # where the leading ones end, not at len(tokens) - len(core))
        lead = next((i for i in range(len(words) - len(core) + 1)
                     if tuple(words[i:i + len(core)]) == core), 0)
        opens = {h.start for h in self.openers.scan(tokens)}
        opener = 0 in opens or lead in opens
        if opener and not text.rstrip().endswith("?") and any(
                h.start in (0, lead)
                for h in self._statement_openers.scan(tokens)):
            opener = False  # "what I really loved was my neuro rotation" says, not asks
        marked = self.markers.scan(tokens)
        question = text.rstrip().endswith("?") or opener or bool(marked) or self._tagged(words)
        asking: frozenset[int] = frozenset()
        stated: frozenset[int] = frozenset()
        judged: frozenset[int] = frozenset()
        if question and tokens and tokens[-1].sentence > 0:  # several sentences: which ask?
            asking = asked_sentences(text) | {tokens[h.start].sentence for h in marked}
            if opener:
                asking |= {tokens[lead].sentence}
            told = [t for t in tokens if t.sentence not in asking]
            if len(told) < _STORY_WORDS:
                # A short description is part of its question; but what the person says of
                # themselves there ("I want to build algorithms.") still says what they
                # like, as does a line with a verdict of its own (note form drops the "I":
                # "- want to develop new imaging techniques", "- not an MD").
                judged = frozenset(tokens[h.start].sentence for h in signals
                                   if h.payload & _VERDICTS
                                   and tokens[h.start].sentence not in asking)
                stated = judged | frozenset(t.sentence for t in told
                                            if t.word in self._first_person)
                asking = frozenset()
        return Utterance(text, tokens, signals, core, question, lead, asking, stated, judged)

    def _tagged(self, words: list[str]) -> bool:
        """A statement closed by a tag asks ('the prelim year is always in radiology
        right'); an agreement does not ('yes that's right')."""
        return len(words) >= 4 and words[-1] in self._closing_tags \
            and words[-2] not in self._tag_agreements

    # -- controls, numbers, answers -------------------------------------------------------
    def control(self, u: Utterance) -> str | None:
        """The control command the utterance is ("go back", "why?"), or contains when the
        command has three words or more ("ok, just give me your best suggestion")."""
        if not u.core:
            return None
        core = self._strip(u.core)
        joined = " " + " ".join(t.word for t in u.tokens) + " "
        inside = next((kind for phrase, kind in self._inside_text if phrase in joined), None)
        if inside is not None and len(core) == 1 and len(u.tokens) > 2:
            return inside  # "so what's the answer?" is not "what?" (say again)
        for kind, phrases in self.controls.items():
            if core in phrases or u.core in phrases:
                return kind
        if inside is not None:  # longest first
            return inside
        return "finish" if self.asks_for_pick(u) else None

    def asks_for_pick(self, u: Utterance) -> bool:
        """Does a question ask for the pick in words no finish phrase lists ("so what's the
        move?", "ok what do you think I should do?", "what would you tell him?")? Every
        word is a frame word and one asks for a pick; a word of content ("what do you
        think about sonographers?") makes it a question of its own."""
        words = {t.word for t in u.tokens}
        return u.question and bool(words & self._pick_words) and words <= self._pick_frame

    def template(self, u: Utterance, kind: str) -> dict[str, str] | None:
        """Placeholders of the first matching detail/compare template, e.g. {"x": "2"}."""
        text = " ".join(u.core)
        for pattern in self.templates.get(kind, ()):
            match = pattern.match(text)
            if match is not None:
                return match
        return None

    def number(self, word: str) -> int | None:
        match = _ORDINAL.match(word)
        if match:
            return int(match.group(1))
        return self.numbers.get(word)

    def numbers_in(self, words: Sequence[str]) -> list[int] | None:
        """A choice given by number only: "2", "the second one", "1 and 3"; else None."""
        words = list(self._strip(words))
        if len(words) >= 2 and words[-1] in {"one", "ones"} and self.number(words[-2]) is not None \
                and words[-2] != "one":
            words.pop()
        if not words:
            return None
        out: list[int] = []
        expect_number = True
        for word in words:
            if expect_number:
                n = self.number(word)
                if n is None:
                    return None
                out.append(n)
                expect_number = False
            elif word in _LIST_JOINERS:
                expect_number = True
            else:
                n = self.number(word)
                if n is None:
                    return None
                out.append(n)
        return out if not expect_number else None

    def exact_answer(self, u: Utterance, q: Question) -> str | None:
        """The option value when the whole utterance is an option label, value or synonym."""
        keys = self.answer_keys[q.id]
        for words in (tuple(t.word for t in u.tokens), u.core, self._strip(u.core)):
            found = keys.get(" ".join(words))
            if found is not None:
                return found
        if self._strip(u.core) in self.unsure_answers:
            return UNSURE_ANSWER
        return None

    def scan_answer(self, u: Utterance, q: Question) -> tuple[set[str], set[str]]:
        """Option values mentioned inside a longer answer, and those that are the whole
        first clause ("no, I'd rather work with machines"; "some. but no needles please":
        the answer is "some", the rest says more)."""
        hits = longest(self.answer_index[q.id].scan(u.tokens), lambda _v: 0)
        first = u.lead
        values = {h.payload for h in hits}
        leads = {h.payload for h in hits if h.start <= first and (
            h.end == len(u.tokens) or u.tokens[h.end].clause != u.tokens[h.start].clause)}
        return values, leads

    def tag_question(self, u: Utterance) -> bool:
        """Is the question only a tag after a statement ("..., does that count?"): its last
        clause has no words of its own?"""
        if not u.tokens:
            return False
        last = u.tokens[-1].clause
        span = [i for i, t in enumerate(u.tokens) if t.clause == last]
        return len(span) < len(u.tokens) and all(
            u.tokens[i].word in self._plain or u.tokens[i].word in self._tags for i in span)

    def bare_verdict(self, u: Utterance) -> str | None:
        """The verdict of a short reply that names nothing ("I don't think I could handle
        that", "ideally not", "I could see myself doing it"): every word a signal or a
        word without content, and the signals agree. None otherwise."""
        if not u.tokens or len(u.tokens) > _BARE_WORDS:
            return None
        covered = {i for s in u.signals for i in range(s.start, s.end)}
        if any(i not in covered and t.word not in self._plain for i, t in enumerate(u.tokens)):
            return None
        kinds = [s.payload for s in u.signals if s.payload & (_POLAR | _NEGATING) - {"break"}]
        verdicts = {next(v for k, v in (("unsure", UNSURE), ("neutral", NEUTRAL), ("neg", NEG),
                                        ("neg_after", NEG), ("pos", POS)) if k in kinds_)
                    for kinds_ in kinds}
        return verdicts.pop() if len(verdicts) == 1 else None

    def fuzzy_answer(self, u: Utterance, q: Question) -> str | None:
        """A typo of a short answer ("collge"); None unless one option is clearly meant."""
        if not u.core or len(u.core) > 4:
            return None
        keys = self.answer_keys[q.id]
        found = process.extractOne(" ".join(u.core), list(keys), scorer=fuzz.ratio,
                                   score_cutoff=85)
        if found is None:
            return None
        value = keys[found[0]]
        return value if value != UNSURE_ANSWER else None

    # -- slot filling ---------------------------------------------------------------------
    def polarity(self, u: Utterance, hit: Hit[Cue]) -> str:
        """How the cue is meant: positive, negative, neutral ("don't mind") or unsure."""
        return self._polarity(u, hit)[0]

    def _polarity(self, u: Utterance, hit: Hit[Cue], until: int | None = None,
                  cue_clauses: frozenset[int] = frozenset()) -> tuple[str, bool]:
        """The polarity and whether a signal word said so (rather than the default).

        `until`: where the next cue starts; a signal after the cue counts only before it
        ("I'm in college and medical school is not for me" negates medical school only).
        """
        if self._corrects(u):
            late = self._late_verdict(u, hit, until, cue_clauses)
            if late is not None:
                return late, True
        pol = self._signal_polarity(u, hit, until)
        if pol is not None:
            return pol, True
        clause = u.tokens[hit.start].clause
        said = self._said_in(u, clause, cue_clauses)
        return said, said != POS

    def _late_verdict(self, u: Utterance, hit: Hit[Cue], until: int | None,
                      cue_clauses: frozenset[int]) -> str | None:
        """In a correction, the verdict that comes last about a cue wins: "I said yes to med
        school earlier but now I'm thinking no", "I guess med school is actually fine, yes"."""
        clause = u.tokens[hit.start].clause
        after = sorted((s for s in u.signals if s.start >= hit.end and u.tokens[s.start].clause
                        == clause and (until is None or s.start < until)), key=lambda s: s.start)
        broke = next((i for i, s in enumerate(after) if s.payload == {"break"}), None)
        if broke is not None:
            for s in after[broke + 1:]:
                for kind, verdict in (("unsure", UNSURE), ("neutral", NEUTRAL), ("neg", NEG),
                                      ("neg_after", NEG), ("pos", POS)):
                    if kind in s.payload:
                        return verdict
        return self._answered_next(u, clause, cue_clauses)

    def _said_in(self, u: Utterance, clause: int, cue_clauses: frozenset[int]) -> str:
        """What the clauses around say of a cue's clause: a pure function of the utterance and
        the clause, kept for the utterance being read (each cue asked it again: 400 cues in a
        2,000-character text took 30 ms). One entry, swapped whole, so threads may share it."""
        known: dict[tuple[int, frozenset[int]], str] = self._once(u, "said", dict)
        said = known.get((clause, cue_clauses))
        if said is None:
            layout = self._once(u, "layout", lambda: self._layout(u))
            said = known[clause, cue_clauses] = (self._answered_next(u, clause, cue_clauses)
                                                 or self._inherited(layout, clause))
        return said

    def _once(self, u: Utterance, name: str, make: Callable[[], _T]) -> _T:
        """A fact about the utterance being read, worked out once: every cue asks it, and
        asking it per cue over the whole text was quadratic in a 2,000-character flood. One
        slot for the utterance, swapped whole, so threads may share it."""
        slot = self._message
        if slot[0] is not u:
            slot = (u, {})
            self._message = slot
        if name not in slot[1]:
            slot[1][name] = make()
        return cast("_T", slot[1][name])

    def _signal_polarity(self, u: Utterance, hit: Hit[Cue],
                         until: int | None = None) -> str | None:
        clause = u.tokens[hit.start].clause
        mine = self._clauses(u)[2].get(clause, [])
        index = self._signal_index(u, clause)
        # (signals near the cue only, found by bisection: a scan of a flooded clause per cue
        # was quadratic)
        lo = bisect_left(index.back_ends, hit.start - _SIGNAL_WINDOW)
        before = index.back[lo:bisect_right(index.back_ends, hit.start)]
        if before and before[-1].payload == {"break"}:
            before = []  # "..., but medical school is off the table": look after the cue
        if before:
            nearest = before[-1]
            kinds = nearest.payload
            if "unsure" in kinds:
                return UNSURE
            if "neutral" in kinds:
                return NEUTRAL
            if kinds & _NEGATING:
                return NEG
            if "pos" in kinds and len(before) > 1 and before[-2].payload & _NEGATING \
                    and nearest.start - before[-2].end <= _NEGATION_GAP \
                    and not any(t.word in self._first_person
                                for t in u.tokens[before[-2].end:nearest.start]):
                return NEG  # "I don't really like patients" (not "nah i want the heart")
            return POS
        if self._turned_down(u, hit, mine):
            return NEG
        fronted = self._fronted(u, hit, mine)
        if fronted is not None:
            return fronted
        return self._verdict_after(u, hit, until, index)

    def _verdict_after(self, u: Utterance, hit: Hit[Cue], until: int | None,
                       index: _SignalIndex) -> str | None:
        """The polarity the signals after a cue give it, before `until` (bisection in the
        clause's index: a scan of the clause per cue was quadratic)."""
        clause = u.tokens[hit.start].clause
        starts = index.starts
        lo = bisect_left(starts, hit.end)
        hi = len(starts) if until is None else bisect_left(starts, until)
        # ("radioactive stuff fascinates me more than it scares me": what follows the
        # comparison is about the other thing; "nice but not essential": a breaker is no verdict)
        comp = index.next_comparative[lo]
        if comp < hi:
            hi = bisect_left(starts, starts[comp])
        if index.next_negating_after[lo] < hi:
            return NEG  # "medical school is definitely not for me"
        at = index.next_verdict[lo]
        if at < hi:
            first = index.polar[at]
            kinds = first.payload
            if "unsure" in kinds:
                return UNSURE
            if "neutral" in kinds:
                return NEUTRAL  # "kids occasionally would be fine"
            if "pos" in kinds:
                return POS  # "kids are great"
            if kinds & _NEGATING and first.start - hit.end <= 1 and (
                    first.end == len(u.tokens) or u.tokens[first.end].clause != clause):
                return NEG  # "kids are great but needles no" (not "... have no radiologist")
        return None

    def _signal_index(self, u: Utterance, clause: int) -> _SignalIndex:
        """Per utterance and clause, once: its signals ordered for bisection, so each cue
        finds those near it without scanning the clause."""
        known: dict[int, _SignalIndex] = self._once(u, "signal_index", dict)
        found = known.get(clause)
        if found is None:
            mine = self._clauses(u)[2].get(clause, [])
            found = known[clause] = _signal_index(u, mine, self._comparatives)
        return found

    def _fronted(self, u: Utterance, hit: Hit[Cue],
                 mine: Sequence[Hit[frozenset[str]]]) -> str | None:
        """A thing named first and judged after: "Radioactive injections I'd probably rather
        avoid", "kids I could take or leave", "catheters I love". The verdict is the first
        polar signal after the speaker, a word or two after the thing."""
        clause = u.tokens[hit.start].clause
        start = hit.start
        while start > 0 and u.tokens[start - 1].clause == clause \
                and u.tokens[start - 1].word in self._plain - self._first_person:
            start -= 1
        if start > 0 and u.tokens[start - 1].clause == clause:
            return None  # the thing does not open its clause: "I want to do heart ultrasounds"
        signalled = {i for s in mine for i in range(s.start, s.end)}
        at = hit.end
        while at < min(len(u.tokens), hit.end + 3) and u.tokens[at].clause == clause \
                and u.tokens[at].word not in self._subjects and at not in signalled:
            at += 1
        if at >= len(u.tokens) or u.tokens[at].clause != clause \
                or u.tokens[at].word not in self._subjects:
            return None
        at += 1
        while at < len(u.tokens) and u.tokens[at].clause == clause \
                and u.tokens[at].word in self._plain and not any(
                    s.start == at and s.payload & _POLAR for s in mine):
            at += 1
        sig = next((s for s in mine if s.start == at and s.payload & (_POLAR | _NEGATING)), None)
        if sig is None:
            return None
        for kind, verdict in (("unsure", UNSURE), ("neutral", NEUTRAL), ("neg", NEG),
                              ("neg_after", NEG), ("pos", POS)):
            if kind in sig.payload:
                return verdict
        return None

    def _turned_down(self, u: Utterance, hit: Hit[Cue],
                     mine: Sequence[Hit[frozenset[str]]]) -> bool:
        """A thing weighed and then refused in the same clause: "I thought sales might pay
        more but no, ...", "I considered PACS admin but nah i want ...", "... but probably
        not". A breaker, then a bare negation that ends the clause or is followed by a new
        statement of the speaker's ("i ..."): the refusal is about what came before it."""
        clause = u.tokens[hit.start].clause
        if self._background(hit):
            return False  # "an xray tech for 8 years and I'm burnt out" is still one
        for brk in (s for s in mine if s.start >= hit.end and s.payload == {"break"}
                    and s.end - s.start == 1):
            at = brk.end
            while at < len(u.tokens) and u.tokens[at].clause == clause \
                    and u.tokens[at].word in self._plain - self._first_person:
                at += 1  # "but probably not", "but honestly no"
            neg = next((s for s in mine if s.start == at == s.end - 1
                        and s.payload & _NEGATING), None)
            if neg is not None and (neg.end >= len(u.tokens) or u.tokens[neg.end].clause
                                    != clause or u.tokens[neg.end].word in self._first_person):
                return True
        return False

    def _answered_next(self, u: Utterance, clause: int,
                       cue_clauses: frozenset[int] = frozenset()) -> str | None:
        """A verdict in a clause after the cue's, before any other cue: "Med school? No
        way.", "brain and spine, probably not", "radioactive?? that sounds scary, no thanks",
        "patients, idk, maybe a little". A verdict clause says nothing of its own (only signal
        words and words without meaning), and a hedge keeps the direction ("probably not" is
        a soft no). "..., not stay in a lab forever" is about the lab, not a verdict."""
        order, positions, by_clause = self._clauses(u)
        at = bisect_left(order, clause + 1)
        for nxt in order[at:at + _VERDICT_REACH]:
            if nxt in cue_clauses:
                return None
            span = positions[nxt]
            signals = by_clause.get(nxt, [])
            covered = {i for s in signals for i in range(s.start, s.end)}
            if any(i not in covered and u.tokens[i].word not in self._plain for i in span):
                return None  # a clause with content of its own
            kinds: set[str] = set().union(*(s.payload for s in signals)) if signals else set()
            for kind, verdict in (("neutral", NEUTRAL), ("neg", NEG), ("neg_after", NEG),
                                  ("pos", POS), ("unsure", UNSURE)):
                if kind in kinds:
                    return verdict
        return None

    def _clauses(self, u: Utterance) -> _Clauses:
        """Per utterance, once: its clauses in order, the positions and the signals of each
        (each cue looked them up in the whole text)."""
        return self._once(u, "clauses", lambda: _clause_index(u))

    @staticmethod
    def _layout(u: Utterance) -> _Layout:
        """Per utterance, once: each clause's sentence, the clauses of each sentence in order
        with their sizes, and the polar signals of each clause."""
        sentence_of: dict[int, int] = {}
        sizes: dict[int, dict[int, int]] = {}
        for t in u.tokens:
            sentence_of.setdefault(t.clause, t.sentence)
            counts = sizes.setdefault(t.sentence, {})
            counts[t.clause] = counts.get(t.clause, 0) + 1
        polar: dict[int, list[Hit[frozenset[str]]]] = {}
        for s in u.signals:
            if s.payload & (_POLAR | {"neg_after"}):
                polar.setdefault(u.tokens[s.start].clause, []).append(s)
        order = {sentence: sorted(counts) for sentence, counts in sizes.items()}
        return sentence_of, sizes, order, polar

    @staticmethod
    def _inherited(layout: _Layout, clause: int) -> str:
        """A short signal-free clause continues a negated list: "I hate sales, blood, needles"."""
        sentence_of, sizes, order, polar = layout
        sentence = sentence_of[clause]
        counts, clauses = sizes[sentence], order[sentence]
        current = clause
        while True:
            if counts.get(current, 0) > 4:
                return POS
            at = bisect_left(clauses, current)
            if at == 0:
                return POS
            current = clauses[at - 1]  # the nearest clause before, in the same sentence
            if current in polar:
                last = max(polar[current], key=lambda s: s.end).payload
                return NEG if "neg" in last or "neg_after" in last else POS

    def _family(self, u: Utterance, hit: Hit[Cue]) -> bool:
        """Is the cue someone the speaker has ('my kids', 'two small kids')?"""
        owners = set(self.flow.language.get("family", ()))
        if hit.start == 0:
            return False
        if self._said_of_others(u, hit.start):
            return True  # "my kids"; "coding since I was a teenager": their own past
        kind, name, _ = hit.payload
        if u.tokens[hit.start - 1].word in self._family_verbs and not (
                kind == "slot" and self.flow.slots[name].background):
            return True  # "I have kids and a mortgage"
        if (hit.start >= 2 and u.tokens[hit.start - 1].word in {"young", "small", "little",
                                                                 "first", "second", "new"}
                and u.tokens[hit.start - 2].word in owners | {"have", "has", "had"}):
            return True  # "I have young kids"
        if (hit.start >= 3 and u.tokens[hit.start - 1].word in {"young", "small", "little"}
                and u.tokens[hit.start - 2].word == "with"
                and u.tokens[hit.start - 3].word not in {"working", "work", "works", "time"}):
            return True  # "a radiologist with young kids", not "working with young kids"
        # "two small kids": a count two words back
        return hit.start >= 2 and u.tokens[hit.start - 2].word in owners - {"my", "our"}

    def _said_of_others(self, u: Utterance, i: int) -> bool:
        """A word about someone the person has or about their own past ('my teenage son',
        'since I was a teenager'): no evidence of what they want to work with."""
        lang = self.flow.language
        before = " ".join(t.word for t in u.tokens[max(0, i - 2):i])
        return (i > 0 and u.tokens[i - 1].word in lang.get("family", ())) \
            or before in lang.get("own_past", ())

    def _aside(self, u: Utterance, hit: Hit[Cue], used: list[Hit[Cue]]) -> bool:
        """Is the cue no wish of the person's: someone they have ("my kids"), the object of
        something else ("tools safe to use on patients"), or a word for the person ("a
        computer kid", whose words then say nothing else either)?"""
        if self._describes(u, hit):
            used.append(hit)
            return True
        return self._family(u, hit) or self._object(u, hit)

    def _describes(self, u: Utterance, hit: Hit[Cue]) -> bool:
        """Is the cue a word for the person themselves ("he's a total computer kid", "I'm
        a big kid at heart"), not for whom they would work with ("I'm great with kids")?"""
        if not all(t.word in self._person_nouns for t in u.tokens[hit.start:hit.end]):
            return False
        end = self._identity_end(u).get(u.tokens[hit.start].clause)
        return end is not None and end <= hit.start and hit.start - end <= 3 and not any(
            t.word in _RELATIONS for t in u.tokens[end:hit.start])

    def _background(self, hit: Hit[Cue]) -> bool:
        kind, name, _ = hit.payload
        return kind == "slot" and self.flow.slots[name].background

    def _when(self, u: Utterance, hit: Hit[Cue]) -> int:
        """How current a fact about where the person stands is said to be: 2 "now a
        resident", 0 "I was a college athlete", 1 otherwise (the first such fact wins)."""
        clause = u.tokens[hit.start].clause
        # the markers ("now", "used to be") stand near the cue: a window of words before it
        # (walking the whole clause was quadratic in a 2,000-character flood)
        start, low = hit.start, max(0, hit.start - _WHEN_WINDOW)
        while start > low and u.tokens[start - 1].clause == clause:
            start -= 1
        before = [t.word for t in u.tokens[start:hit.start]]
        spans = {tuple(before[i:j]) for i in range(len(before))
                 for j in range(i + 1, min(len(before), i + 4) + 1)}
        if spans & self._now:
            return 2
        return 0 if spans & self._past else 1

    def _object(self, u: Utterance, hit: Hit[Cue]) -> bool:
        """Is the cue the object of something else ("tools safe to use on patients")?"""
        words = tuple(t.word for t in u.tokens[max(0, hit.start - 3):hit.start])
        # (each ending of the few words before is one set lookup, not a scan of the phrases)
        return any(words[len(words) - k:] in self._objects for k in range(len(words) + 1))

    def _corrects(self, u: Utterance) -> bool:
        """Per utterance, once: does it correct something said before?"""
        return self._once(u, "corrects", lambda: any("correct" in s.payload for s in u.signals))

    def _first_ends(self, u: Utterance) -> dict[int, dict[str, int]]:
        """Per utterance, once: for each clause, where its first signal of each kind ends
        ('aspire', 'identity'), so 'is there one before the cue?' is one lookup (a scan of
        the clause per cue was quadratic in a flood)."""
        return self._once(u, "firsts", lambda: _first_ends(self._clauses(u)[2]))

    def _identity_end(self, u: Utterance) -> dict[int, int]:
        """Per utterance, once: where the first statement of identity ('I am') of each clause
        ends (it was scanned over the whole text once per cue)."""
        def make() -> dict[int, int]:
            ends: dict[int, int] = {}
            for h in self._identities.scan(u.tokens):
                clause = u.tokens[h.start].clause
                ends[clause] = min(ends.get(clause, h.end), h.end)
            return ends
        return self._once(u, "identity_ends", make)

    def identity(self, u: Utterance, hit: Hit[Cue]) -> bool:
        """Is the cue said about the speaker ("I'm a nurse"), not asked about ("what does...")?"""
        clause = u.tokens[hit.start].clause
        firsts = self._first_ends(u).get(clause, {})
        if firsts.get("aspire", hit.start + 1) <= hit.start:
            return False
        first_end = self._identity_end(u).get(clause)
        if firsts.get("identity", hit.start + 1) <= hit.start or (
                first_end is not None and first_end <= hit.start):
            return True  # (also "... and I am a resident", where "and I" took the words)
        if hit.end < len(u.tokens) and u.tokens[hit.end].clause == clause \
                and u.tokens[hit.end].word in self._here:
            return True  # "MS2 here, ...", "second-year resident here"
        if self._for_years(u, hit.end, clause):
            return True  # "ob sonographer 9 years", "an accountant for 12 yrs"
        if hit.end - hit.start >= len(u.core):
            return False  # the name alone ("radiologic technologist") looks it up
        sentence = u.tokens[hit.start].sentence
        first = u.lead
        starts, sizes = self._sentences(u)
        if sentence != u.tokens[first].sentence:  # "... . Second year med student."
            first = starts[sentence]
        while first < hit.start and (u.tokens[first].word in _ARTICLES or self.number(
                u.tokens[first].word) is not None or u.tokens[first].word in _YEARS):
            first += 1  # "a", "second year", "3rd yr"
        # ("Second year med student. Could you help me?": a statement, then a question; but
        # "A sonographer. What do they earn?" names what is asked about)
        return hit.start == first and (not u.question or (
            sentence != u.tokens[-1].sentence and sizes[sentence] > hit.end - hit.start))

    def _for_years(self, u: Utterance, at: int, clause: int) -> bool:
        """Does a span of time worked follow at `at` ("9 years", "for 12 yrs", "for over
        ten years")? Said after a role, it is the speaker's own ("sonographer 9 years")."""
        words = [t.word for t in u.tokens[at:at + 4] if t.clause == clause]
        while words and words[0] in {"for", "over", "almost", "nearly", "about", "like"}:
            words.pop(0)
        return len(words) >= 2 and words[1] in _YEARS and self.number(words[0]) is not None

    def _sentences(self, u: Utterance) -> tuple[dict[int, int], dict[int, int]]:
        """Per utterance, once: where each sentence starts and how many words (articles
        aside) it has (both were counted over the whole text per cue)."""
        return self._once(u, "sentences", lambda: _sentence_index(u))

    def extract(self, u: Utterance, pending_slot: str | None = None) -> Extraction:
        """Slot values and interest evidence in the utterance (see the module docstring).

        In a question, a mention counts only when a signal word gives it a polarity ("by the
        way I love kids, ..."), unless its slot is `in_questions` (asking about a fellowship
        is itself the evidence that one is being chosen). Pure in the utterance's text and
        the pending slot, so repeated texts come from a bounded cache, as `read` does.
        """
        key = (u.text, pending_slot)  # only `_read` makes utterances: the text determines one
        cached = self._extractions.get(key)
        if cached is not None:
            return cached
        return self._extractions.put(key, self._aimed(u, pending_slot))

    def _aimed(self, u: Utterance, pending_slot: str | None) -> Extraction:
        """A retraction aimed at something ("forget what I said about IR, I hated the
        needles"): what its clause names is taken back, the rest is read as said. What
        others said ("Someone said there's no fellowship for imaging children") is their
        claim, not the person's wish: left out to the end of its sentence."""
        told = longest(self._reported.scan(u.tokens), lambda _v: 0)
        if told:  # (every reported span at once, and the rest read once: one re-read per
            # sentence was quadratic in a text of many short reported sentences)
            cut: dict[int, int] = {}  # sentence -> where its first reported span starts
            for hit in told:
                sentence = u.tokens[hit.start].sentence
                cut[sentence] = min(cut.get(sentence, hit.start), hit.start)
            kept = tuple(t for i, t in enumerate(u.tokens)
                         if t.sentence not in cut or i < cut[t.sentence])
            return self._retracted(self.read(_join(kept)), pending_slot) if kept \
                else Extraction()
        return self._retracted(u, pending_slot)

    def _retracted(self, u: Utterance, pending_slot: str | None) -> Extraction:
        """A retraction aimed at something: what its clause names is taken back."""
        aim = longest(self._retract_about.scan(u.tokens), lambda _v: 0)
        if not aim or aim[0].end >= len(u.tokens):
            return self._extract(u, pending_slot)
        start, end = aim[0].start, aim[0].end
        clause = u.tokens[end].clause
        stop = next((i for i in range(end, len(u.tokens)) if u.tokens[i].clause != clause),
                    len(u.tokens))
        target = self._extract(self.read(_join(u.tokens[end:stop])), None)
        rest = _join((*u.tokens[:start], *u.tokens[stop:]))
        said = self._extract(self.read(rest), pending_slot) if rest else Extraction()
        pairs = tuple((k, v) for k, values in target.slots.items() for v in values)
        return replace(said, correction=True, retraction=False, withdraws=pairs,
                       withdrawn=tuple(c for c, w in target.interests.items() if w > 0)
                       + tuple(target.topics))

    def _extract(self, u: Utterance, pending_slot: str | None) -> Extraction:
        hits = longest(self.cues.scan(u.tokens), lambda c: (c[0], c[1]))
        # A cue inside a longer cue of another slot is part of it: "writing procedures" is
        # about standards, not about hands-on procedures.
        # (not inside where the person stands: "pre-med student" also says medical school)
        hits = sorted(_outside_longer([h for h in hits if not self._background(h)])
                      + [h for h in hits if self._background(h)],
                      key=lambda h: (h.start, -h.length))
        found: dict[str, list[str]] = {}
        unsure: list[str] = []
        topics: dict[str, int] = {}
        starts = sorted(h.start for h in hits)
        cue_clauses = frozenset(u.tokens[h.start].clause for h in hits)
        used: list[Hit[Cue]] = []
        asserted: set[str] = set()
        standing: dict[str, int] = {}  # background slot -> how current its value is said
        for hit in hits:
            kind, name, value = hit.payload
            if self._aside(u, hit, used):
                continue  # "I have two small kids" is about family, not a wish to image children
            # A fact about where the person stands ("I'm in college and medical school is not
            # for me") is not turned by a negation that follows it; a preference in a list is
            # ("ultrasound and radioactive stuff don't interest me").
            background = kind == "slot" and self.flow.slots[name].background
            at = bisect_left(starts, hit.end) if background else len(starts)
            pol, explicit = self._polarity(u, hit, starts[at] if at < len(starts) else None,
                                           cue_clauses)
            if kind == "topic":
                sign = self._topic_sign(u, hit, pol, explicit)
                if sign:
                    topics[name] = sign
                    used.append(hit)
                continue
            slot = self.flow.slots[name]
            if pol == NEG and not background and self._turned_down(
                    u, hit, self._clauses(u)[2].get(u.tokens[hit.start].clause, [])):
                continue  # "I thought about AI stuff but probably not": that one career, read
                # from the words themselves, not the whole of technology
            if u.asks_at(hit.start) and not explicit and not slot.in_questions \
                    and name != pending_slot \
                    and not (slot.needs_identity and self.identity(u, hit)):
                continue  # "tell me about breast imaging" asks; it does not say "I like"
            if slot.kind == "choice":
                if pol != POS or (slot.needs_identity and name != pending_slot
                                  and not self.identity(u, hit)):
                    continue
                used.append(hit)
                if explicit:
                    asserted.add(name)
                if slot.background and not slot.multi:
                    when = self._when(u, hit)
                    if when > standing.get(name, -1):
                        standing[name] = when
                        found[name] = [value]  # "a college athlete, now a resident"
                    continue
                _choose(found.setdefault(name, []), value, slot.multi, slot.background)
                continue
            mapped = slot.polarity.get(pol)
            used.append(hit)
            if mapped is None:
                if pol == UNSURE and name not in unsure:
                    unsure.append(name)
                continue
            if explicit:
                asserted.add(name)
            found[name] = [mapped]
        kinds = set().union(*(s.payload for s in u.signals)) if u.signals else set()
        # (the words of a phrase known as a place someone stands, said of anyone, keep that
        # meaning: "babysat all through high school" says nothing of sonography school)
        taken = set(used)  # (a list's `in` made this quadratic in a flood of cues)
        known = [h for h in hits if self._background(h) and h not in taken]
        interests, quotes = self._evidence(u, used, cue_clauses, self._favoured(found, topics),
                                           known)
        voiced = longest(self.voices.scan(u.tokens), lambda _v: 0)
        myself = not self._first_person.isdisjoint(t.word for t in u.tokens)
        return Extraction({k: tuple(v) for k, v in found.items() if v}, topics,
                          tuple(s for s in unsure if s not in found),
                          "correct" in kinds, self._retracts_before(u, cue_clauses), u.question,
                          interests, quotes, tuple(sorted(asserted & set(found))),
                          voiced[0].payload if voiced else "", self._denial(u, cue_clauses),
                          myself=myself)

    @staticmethod
    def _retracts_before(u: Utterance, cue_clauses: frozenset[int]) -> bool:
        """Does a "scratch that" take back what was said before this message? Not when it
        follows what this message itself says ("maybe sales? no, i hate selling, scratch
        that" takes back the sales idea, already refused, not the answer before it)."""
        first = min(cue_clauses, default=None)
        return any("retract" in s.payload and (first is None or u.tokens[s.start].clause <= first)
                   for s in u.signals)

    def _denial(self, u: Utterance, cue_clauses: frozenset[int]) -> bool:
        """Does the text open with a bare "actually no" / "no wait" (a correction and a
        negation, nothing of its own), taking back what was said just before?"""
        if not u.tokens or u.tokens[0].clause in cue_clauses:
            return False
        first = u.tokens[0].clause
        span = [i for i, t in enumerate(u.tokens) if t.clause == first]
        signals = [s for s in u.signals if s.start in span]
        kinds: set[str] = set().union(*(s.payload for s in signals)) if signals else set()
        covered = {i for s in signals for i in range(s.start, s.end)}
        return "correct" in kinds and bool(kinds & _NEGATING) and all(
            i in covered or u.tokens[i].word in self._plain for i in span)

    def _free_words(self, u: Utterance, used: Sequence[Hit[Cue]]) -> dict[int, list[int]]:
        """Per clause, the positions of the words that may say what the person loves or
        avoids (not someone the speaker has: "my kids")."""
        # The rest of a clause that says where the person stands describes them ("a second
        # year diagnostic radiology resident"), not what they would love to do, up to a
        # word of liking or not ("a nursing student who loves ultrasound").
        polar = sorted(s.start for s in u.signals if s.payload & _POLAR)
        standing: dict[int, int] = {}  # clause -> first position that counts again
        for h in used:
            if h.payload[0] == "slot" and self.flow.slots[h.payload[1]].background:
                clause = u.tokens[h.start].clause
                after = next((p for p in polar if p >= h.end
                              and u.tokens[p].clause == clause), len(u.tokens))
                standing[clause] = max(standing.get(clause, 0), after)
        clauses: dict[int, list[int]] = {}
        for i, token in enumerate(u.tokens):
            if i < standing.get(token.clause, 0) or (
                    i and u.tokens[i - 1].word in self._owners):
                continue
            clauses.setdefault(token.clause, []).append(i)
        return clauses

    def _topic_sign(self, u: Utterance, hit: Hit[Cue], pol: str, explicit: bool) -> int:
        """+1 or -1 for evidence said for or against, 0 for none: in a question only with a
        signal word, or in what the person says of themselves before it; what the person
        does ("I've been a systems administrator") counts for it."""
        told = not u.asks_at(hit.start) or u.tokens[hit.start].sentence in u.stated
        if pol in (POS, NEG) and (explicit or told):
            return 1 if pol == POS else -1
        return 1 if pol not in (NEG, UNSURE) and told and self.identity(u, hit) else 0

    def _favoured(self, found: Mapping[str, Sequence[str]], topics: Mapping[str, int]
                  ) -> frozenset[tuple[str, str]]:
        """(career, polarity) pairs the slot values and evidence just found weigh on, for
        (positive) or against (negative; a category reaches its careers): the only ones words
        a cue took may still sharpen, in the same direction."""
        if self.reach is None:
            return frozenset()
        weighed: list[tuple[str, float]] = []
        for name, values in found.items():
            for value in values:
                spec = self.flow.slots[name].values.get(value)
                weighed.extend(spec.weights.items() if spec else ())
        for evidence in self.flow.evidence:
            sign = topics.get(evidence.id, 0)
            weighed.extend((node, sign * w) for node, w in evidence.nodes.items() if sign)
        return frozenset((c, POS if weight > 0 else NEG) for node, weight in weighed
                         for c in self.reach(node))

    def _evidence(self, u: Utterance, used: Sequence[Hit[Cue]], cue_clauses: frozenset[int],
                  favoured: frozenset[tuple[str, str]] = frozenset(),
                  known: Sequence[Hit[Cue]] = ()) -> tuple[dict[str, float], dict[str, str]]:
        """Careers the person's own words point at, through the semantic index of the graph.

        Each clause is looked up; the best matches (a share of the best score and above a
        floor) count for the careers they are, or a smaller share for
        the careers linked to them (a modality, a credential, a training step), signed by the
        polarity of their first word, as for cues ("radioactive?? that sounds scary, no
        thanks"). Words a slot cue took still weigh, for the careers that slot favours and in
        its direction ("AI and algorithms" is technology, and more so the AI specialist whose
        duties say algorithms), but give no reason of their own: the slot's reason says it
        (one reason per fact)."""
        index, reach = self.index, self.reach
        if index is None or reach is None:
            return {}, {}
        tune = self.flow.tune
        floor, share = tune("evidence_min_score"), tune("evidence_share")
        interests: dict[str, float] = {}
        quotes: dict[str, str] = {}
        covered = {i for h in (*used, *known) for i in range(h.start, h.end)}
        for positions in list(self._free_words(u, used).values())[:_EVIDENCE_CLAUSES]:
            # (words without content say nothing of a career: "handle" in "I don't think I
            # could handle that" is no wish to handle radioactive materials)
            positions = [i for i in positions if u.tokens[i].word not in self._plain
                         and not self._said_of_others(u, i)]
            if not positions:
                continue
            words = [u.tokens[i].word for i in positions]
            # (a node that reaches many careers, "residency", says nothing about which one)
            found = [(hit, careers) for hit in index.query(
                " ".join(words), limit=8, min_score=floor - 1e-9,
                phrase_parts=tune("evidence_phrase_parts"))
                     if len(careers := reach(hit.node.id)) <= tune("evidence_reach")]
            if not found:
                continue
            best = found[0][0].score
            full = tune("evidence_weight") * min(1.0, best / tune("evidence_strong"))
            for hit, careers in found:
                if hit.score < share * best:
                    break
                at = [i for i in positions if u.tokens[i].word in hit.words]
                first = at[0] if at else positions[0]
                pol, explicit = self._polarity(u, Hit(first, first + 1, ("topic", "", "")),
                                               None, cue_clauses)
                if pol not in (POS, NEG) or (u.asks_at(first) and not explicit
                                             and u.tokens[first].sentence not in u.judged):
                    continue
                own = [i for i in at if i not in covered]
                if not own:  # only a cue's words: sharpen what that cue said, nothing else
                    careers = tuple(c for c in careers if (c, pol) in favoured)
                factor = 1.0 if careers == (hit.node.id,) else tune("evidence_linked")
                for career in careers:
                    weight = (1.0 if pol == POS else -1.0) * full * factor * hit.score / best
                    if abs(weight) > abs(interests.get(career, 0.0)):
                        interests[career] = round(weight, 3)
                        quotes[career] = self._quote(u, own, hit.words) if own else ""
        return interests, quotes

    @staticmethod
    def _quote(u: Utterance, positions: Sequence[int], words: Sequence[str]) -> str:
        """The person's own words for a match, as typed: the stretch from the first matched
        word to the last when only "and"/"or" come between ("x-ray and CT"), else the
        matched words listed."""
        wanted = set(words)
        at = [i for i in positions if u.tokens[i].word in wanted]
        if not at:
            return " ".join(words)
        between = {t.word for t in u.tokens[at[0]:at[-1] + 1]} - wanted
        if at[-1] - at[0] < _QUOTE_WORDS and between <= _LIST_JOINERS:
            return " ".join(t.raw for t in u.tokens[at[0]:at[-1] + 1])  # "x-ray and CT"
        return ", ".join(dict.fromkeys(u.tokens[i].raw for i in at))
