"""Reading an utterance against a flow: slot values, interest evidence, controls, choices.

All the words come from the flow's YAML (cues, signal words, answers, controls); this module
only knows how to combine them: the nearest signal before a cue decides its polarity ("don't
want med school" -> no), a negation after it counts too ("med school is not for me"), and a
short list after a negated clause inherits the negation ("I hate sales, blood, needles").
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Mapping, Sequence

from rapidfuzz import fuzz, process

from knowledge import MAX_INPUT_CHARS, Memo
from knowledge.record import field, record

from .model import Flow, Question, Values, frozen_map
from .text import Hit, PhraseIndex, Token, longest, phrase_words, tokenize

POS, NEG, NEUTRAL, UNSURE = "positive", "negative", "neutral", "unsure"
UNSURE_ANSWER = "?"
_SIGNAL_KINDS = {"negators": "neg", "negators_after": "neg_after", "positives": "pos",
                 "neutral": "neutral", "unsure": "unsure", "breakers": "break",
                 "identity": "identity", "aspiration": "aspire", "corrections": "correct",
                 "retractions": "retract"}
_POLAR = frozenset({"neg", "pos", "neutral", "unsure", "break"})
_NEGATING = frozenset({"neg", "neg_after"})  # an after-negation negates what follows it too
_BACKWARD = _POLAR | _NEGATING
_ORDINAL = re.compile(r"^(\d+)(?:st|nd|rd|th)?$")
_PLACEHOLDER = re.compile(r"\{([a-z])\}")
_LIST_JOINERS = frozenset({"and", "or", "plus", "then"})
_ARTICLES = frozenset({"a", "an"})
_NEGATION_GAP = 2  # words a negation may stand before the verb it turns ("not really into")

Cue = tuple[str, str, str]  # ("slot", slot, value or "") | ("topic", evidence id, "")
#: An utterance's clauses: sentence of each, sizes and order per sentence, polar signals of each.
_Layout = tuple[dict[int, int], dict[int, dict[int, int]], dict[int, list[int]],
                dict[int, list[Hit[frozenset[str]]]]]


@record
class Extraction:
    """What one utterance says about the person.

    `slots`: values stated (for scale slots, the value its polarity maps to); `topics`: +1 or
    -1 per evidence id; `unsure`: slots mentioned with doubt but no value; `correction` /
    `retraction`: "actually" / "scratch that" was said; `question`: it reads as a question.
    """

    slots: Mapping[str, Values] = field(default_factory=frozen_map)
    topics: Mapping[str, int] = field(default_factory=frozen_map)
    unsure: tuple[str, ...] = ()
    correction: bool = False
    retraction: bool = False
    question: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "slots", frozen_map(self.slots))
        object.__setattr__(self, "topics", frozen_map(self.topics))

    @property
    def empty(self) -> bool:
        return not self.slots and not self.topics


@record
class Utterance:
    """A tokenised utterance with its signal words found, shared by every reading of it."""

    text: str
    tokens: tuple[Token, ...]
    signals: tuple[Hit[frozenset[str]], ...]
    core: tuple[str, ...]  # words with leading/trailing fillers stripped
    question: bool


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

    def __init__(self, flow: Flow) -> None:
        self.flow = flow
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
        self._said: tuple[Utterance | None, dict[int, str], _Layout] = (
            None, {}, ({}, {}, {}, {}))
        self._extractions: Memo[tuple[str, str | None], Extraction] = Memo()
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
            self.controls[kind] = {self._strip(phrase_words(p, self.respell))
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
        """Cheap pre-check: can this utterance hold any slot cue, evidence or correction?"""
        return not self._triggers.isdisjoint([t.word for t in u.tokens])

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
        core = self._strip([t.word for t in tokens])
        opens = {h.start for h in self.openers.scan(tokens)}
        opener = 0 in opens or len(tokens) - len(core) in opens
        question = text.rstrip().endswith("?") or opener or bool(self.markers.scan(tokens))
        return Utterance(text, tokens, signals, core, question)

    # -- controls, numbers, answers -------------------------------------------------------
    def control(self, u: Utterance) -> str | None:
        """The control command the utterance is ("go back", "why?"), or contains when the
        command has three words or more ("ok, just give me your best suggestion")."""
        if not u.core:
            return None
        core = self._strip(u.core)
        for kind, phrases in self.controls.items():
            if core in phrases or u.core in phrases:
                return kind
        joined = " " + " ".join(t.word for t in u.tokens) + " "
        for phrase, kind in self._inside_text:  # longest first
            if phrase in joined:
                return kind
        return None

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

    def scan_answer(self, u: Utterance, q: Question) -> tuple[set[str], bool]:
        """Option values mentioned inside a longer answer, and whether one of them is the
        whole first clause ("no, I'd rather work with machines")."""
        hits = longest(self.answer_index[q.id].scan(u.tokens), lambda _v: 0)
        first = len(u.tokens) - len(u.core)
        values = {h.payload for h in hits}
        leads = any(h.start <= first and (h.end == len(u.tokens)
                                          or u.tokens[h.end].clause != u.tokens[h.start].clause)
                    for h in hits)
        return values, leads

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

    def _polarity(self, u: Utterance, hit: Hit[Cue],
                  until: int | None = None) -> tuple[str, bool]:
        """The polarity and whether a signal word said so (rather than the default).

        `until`: where the next cue starts; a signal after the cue counts only before it
        ("I'm in college and medical school is not for me" negates medical school only).
        """
        pol = self._signal_polarity(u, hit, until)
        if pol is not None:
            return pol, True
        clause = u.tokens[hit.start].clause
        said = self._said_in(u, clause)
        return said, said != POS

    def _said_in(self, u: Utterance, clause: int) -> str:
        """What the clauses around say of a cue's clause: a pure function of the utterance and
        the clause, kept for the utterance being read (each cue asked it again: 400 cues in a
        2,000-character text took 30 ms). One entry, swapped whole, so threads may share it."""
        memo = self._said
        if memo[0] is not u:
            memo = (u, {}, self._layout(u))
            self._said = memo
        said = memo[1].get(clause)
        if said is None:
            said = memo[1][clause] = (self._answered_next(u, clause)
                                      or self._inherited(memo[2], clause))
        return said

    def _signal_polarity(self, u: Utterance, hit: Hit[Cue],
                         until: int | None = None) -> str | None:
        clause = u.tokens[hit.start].clause
        mine = [s for s in u.signals if u.tokens[s.start].clause == clause]
        before = sorted((s for s in mine if s.end <= hit.start and s.payload & _BACKWARD),
                        key=lambda s: s.end)
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
                    and nearest.start - before[-2].end <= _NEGATION_GAP:
                return NEG  # "I don't really like patients", "not really into kids"
            return POS
        after = [s for s in mine if s.start >= hit.end and (until is None or s.start < until)
                 and s.payload & (_POLAR | {"neg_after"})]
        if after:
            if any("neg_after" in s.payload for s in after):
                return NEG  # "medical school is definitely not for me"
            kinds = min(after, key=lambda s: s.start).payload
            if "unsure" in kinds:
                return UNSURE
            if "neutral" in kinds:
                return NEUTRAL  # "kids occasionally would be fine"
            if "pos" in kinds:
                return POS  # "kids are great"
        return None

    @staticmethod
    def _answered_next(u: Utterance, clause: int) -> str | None:
        """A bare negation right after the cue's clause: "Med school? No way." """
        later = [t.clause for t in u.tokens if t.clause > clause]
        if not later:
            return None
        nxt = min(later)
        span = [i for i, t in enumerate(u.tokens) if t.clause == nxt]
        covered: set[int] = set()
        for s in u.signals:
            if s.start in span and s.payload & {"neg", "neg_after"}:
                covered.update(range(s.start, s.end))
        return NEG if covered >= set(span) else None

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
        if u.tokens[hit.start - 1].word in owners:
            return True  # "my kids"
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

    def identity(self, u: Utterance, hit: Hit[Cue]) -> bool:
        """Is the cue said about the speaker ("I'm a nurse"), not asked about ("what does...")?"""
        clause = u.tokens[hit.start].clause
        mine = [s for s in u.signals if u.tokens[s.start].clause == clause and s.end <= hit.start]
        if any("aspire" in s.payload for s in mine):
            return False
        if any("identity" in s.payload for s in mine):
            return True
        if hit.end - hit.start >= len(u.core):
            return False  # the name alone ("radiologic technologist") looks it up
        first = len(u.tokens) - len(u.core)
        while first < hit.start and u.tokens[first].word in _ARTICLES:
            first += 1
        return hit.start == first and not u.question

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
        return self._extractions.put(key, self._extract(u, pending_slot))

    def _extract(self, u: Utterance, pending_slot: str | None) -> Extraction:
        hits = longest(self.cues.scan(u.tokens), lambda c: (c[0], c[1]))
        found: dict[str, list[str]] = {}
        unsure: list[str] = []
        topics: dict[str, int] = {}
        starts = sorted(h.start for h in hits)
        for hit in hits:
            kind, name, value = hit.payload
            if self._family(u, hit):
                continue  # "I have two small kids" is about family, not a wish to image children
            # A fact about where the person stands ("I'm in college and medical school is not
            # for me") is not turned by a negation that follows it; a preference in a list is
            # ("ultrasound and radioactive stuff don't interest me").
            background = kind == "slot" and self.flow.slots[name].background
            at = bisect_left(starts, hit.end) if background else len(starts)
            pol, explicit = self._polarity(u, hit, starts[at] if at < len(starts) else None)
            if kind == "topic":
                if pol in (POS, NEG) and (explicit or not u.question):
                    topics[name] = 1 if pol == POS else -1
                continue
            slot = self.flow.slots[name]
            if u.question and not explicit and not slot.in_questions and name != pending_slot \
                    and not (slot.needs_identity and self.identity(u, hit)):
                continue  # "tell me about breast imaging" asks; it does not say "I like"
            if slot.kind == "choice":
                if pol != POS:
                    continue
                if slot.needs_identity and name != pending_slot and not self.identity(u, hit):
                    continue
                values = found.setdefault(name, [])
                if slot.multi:
                    if value not in values:
                        values.append(value)
                elif not values or not slot.background:
                    # a background fact keeps its first statement: "I'm a resident and I
                    # played college football" is a resident
                    values[:] = [value]
                continue
            mapped = slot.polarity.get(pol)
            if mapped is None:
                if pol == UNSURE and name not in unsure:
                    unsure.append(name)
                continue
            found[name] = [mapped]
        kinds = set().union(*(s.payload for s in u.signals)) if u.signals else set()
        return Extraction({k: tuple(v) for k, v in found.items() if v}, topics,
                          tuple(s for s in unsure if s not in found),
                          "correct" in kinds, "retract" in kinds, u.question)
