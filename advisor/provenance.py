"""Where each answer comes from, and what an answer must add to stay faithful to the source.

Runs once per turn on the finished reply, whatever composed it:

* `sources`: every fact of the graph the reply's text states, with the section path and the
  quoted source line (a computed total shows the lengths it adds, so their facts are cited);
* a reply reached through a `related:` term ('women's imaging') first says that the document
  does not mention the term, and which node is the closest it has;
* a term the source states of two careers ('cardiac': thoracic radiology and sonographers)
  names the other career too;
* a question pairing a career with a credential the document names for another career ('does
  a nuclear medicine technologist need ARRT?') is told whose credential it is.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import pairwise

from knowledge import CAREER_TYPES, MAX_INPUT_CHARS, Graph, Node
from knowledge.index import stem
from knowledge.memo import Memo
from knowledge.model import Fact, Source
from knowledge.record import replace
from knowledge.source import normal
from knowledge.text import join_words

from .compose import Answer, Composer, article
from .nlu import MONEY as _MONEY
from .nlu import Parse, Understander, inflection
from .reply import Reply
from .resources import IntentSpec, Lexicon

#: Replies that state facts of the graph; greetings, declines and interview prompts do not.
_ANSWER_KINDS = frozenset({"answer", "recommendation", "detail", "compare"})
_MAX_NOTES = 2
#: A word of the question another ending of a word the answer states this long or longer
#: ('safety', 'safely') is no word said only of another career.
_INFLECTED = 4
_MAX_NAMED = 4  # at most this many lines of other things a question names
#: A respelling of a word this long is a typo, not another word ('requirments'; 'master' is
#: no typo of 'matter').
_LONG_TYPO = 8
_POINTING_WORDS = 8  # a follow-up that points back ('and before that?') is short
#: Intents whose cue words are about what is declined, not how a question asks.
_DECLINING_INTENTS = frozenset({"medical_advice", "out_of_scope"})
_LONGEST_WORD = 30  # a longer 'word' is noise, never echoed back
_SCAN_ALL = 2000  # graphs up to this many nodes are scanned whole for the nodes a text names
#: Aspects of a career an answer may give; one the question never asks about in so many words
#: ('do radiologists see patients?' read as pay) gives way to what the career is.
_ASPECTS = frozenset({"pay", "outlook", "certification", "skills"})
#: How like an example phrasing (rapidfuzz ratio) a question must be to ask its aspect.
_EXAMPLE_AS_ASKED = 90
#: Aspects a comparison shows as a row, by the intent that asks for them.
_COMPARED = {"duration": "Time", "pay": "Pay", "certification": "Certification"}
#: '3 years', '4-5 years', '2-year' in a normalised question.
_LENGTH = re.compile(r" (\d+(?:\.\d+)?)(?: (\d+(?:\.\d+)?))? (years?|months?) ")


#: The fields of a career whose text is one of its lines in the document.
_LINE_FIELDS = ("summary", "focus", "duties", "statements")
#: The lengths (and steps named) a question is read for: nobody gives more in one question;
#: a flood of them (2,000 characters of 'IR is 5 years.') once cost 15 times a turn.
_MAX_LENGTHS = 8
#: Where a line's sentences end (and, for a claim checked against them, a lead before ':').
_SENTENCE = re.compile(r"(?<=\.) ")
_SENTENCE_OR_LEAD = re.compile(r"(?<=\.) |: ")
_IDENTITY_REACH = 3  # a job named by a few words before 'here' or after 'I'm a'
_REPORT_REACH = 6  # a claim is reported by a word this near the start ('my cousin says')
_GAP = 4  # at most this many words between two words of a question an answer says


def _in_order(wanted: list[str], said: list[str]) -> bool:
    """Every word of `wanted` occurs in `said`, in that order, each at most `_GAP` words after
    the one before ('audit imaging practices', 'specialize in CT, MRI')."""
    for start in (i for i, w in enumerate(said) if _near(wanted[0], [w])):
        at, ok = start, True
        for word in wanted[1:]:
            nxt = next((j for j in range(at + 1, min(len(said), at + _GAP + 2))
                        if _near(word, [said[j]])), None)
            if nxt is None:
                ok = False
                break
            at = nxt
        if ok:
            return True
    return False


def _spelled(line: str, acronym: str) -> bool:
    """The words before '(ACRONYM)' in `line` begin with its letters ('American Board of
    Radiology (ABR)'; small words like 'of' aside)."""
    before = line.split(f"({acronym})", 1)[0].split()
    initials = "".join(w[0] for w in before if w[:1].isupper())
    return initials.upper().endswith(acronym)


def _near(word: str, line: list[str]) -> bool:
    """`word` or another ending of it is a word of `line` ('safety' of 'safely', 'pelvis' of
    'pelvic'; not 'care' of 'career')."""
    def close(a: str, b: str) -> bool:
        if a == b:
            return True
        if abs(len(a) - len(b)) > 1 or a[:4] != b[:4]:  # (a shared start of 4 is needed)
            return False
        common = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y),
                      min(len(a), len(b)))
        return common >= max(4, max(len(a), len(b)) - 2)
    return any(close(w, word) for w in line)


def _has(text: str, phrase: str) -> bool:
    """`phrase` (normalised) occurs in padded normalised `text` as whole words, plural or not."""
    return bool(phrase) and (f" {phrase} " in text or f" {phrase}s " in text)


_ITEMS = re.compile(r",? (?:and|or) |, ")
#: The content words a declined yes/no question must share, in order, with a line that
#: then confirms it.
_CONFIRMED_WORDS = 3
#: The alternatives of a 'which careers ... a or b?' question looked up, at most.
_MAX_ALTERNATIVES = 4
#: A length in a question ('a two year fellowship', '4-5 yrs'), in digits or the number words
#: the lexicon reads.
_ASKED_LENGTH = re.compile(r"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten)"
                           r"(?: |-)?(?:years?|yrs?|months?|weeks?)\b")
#: A sum of money: '$100,000', '£80k', '100k', '200,000 dollars'.


def _stem_in(wanted: Mapping[str, str], stems: set[str]) -> str:
    """A wanted stem the line holds, or one a line's stem starts (five letters at least:
    'pelvis' and 'pelvic' are one word, 'car' and 'cardiac' are not); '' when none."""
    for key in wanted:
        if key in stems or (len(key) >= 5 and any(s.startswith(key) or key.startswith(s)
                                                  for s in stems if len(s) >= 5)):
            return key
    return ""


def _repeats(note: str, text: str) -> bool:
    """A note quoting what the answer already says ('The document says: After residency,
    radiologists may pursue fellowships' above the list that opens with it)."""
    quoted = normal(note.split(":", 1)[1]) if ":" in note else ""
    return len(quoted.split()) >= 3 and quoted in normal(text)


def _spans(words: Sequence[str], name: Sequence[str]) -> Iterator[int]:
    """The positions of `words` inside each occurrence of the phrase `name`."""
    size = len(name)
    for i in range(len(words) - size + 1):
        if list(words[i:i + size]) == list(name):
            yield from range(i, i + size)


def _joined(opener: str, text: str) -> str:
    """An opener before the answer, without the answer's first sentence twice when the
    opener ends by quoting it ('... it says: After residency, radiologists may pursue
    fellowships in subspecialties.')."""
    first = text.split("\n", 1)[0]
    if first and opener.endswith(first):
        return f"{opener}{text[len(first):]}"
    lead = first.split(". ", 1)[0].rstrip(".")
    if len(lead.split()) >= 4 and opener.rstrip(".").endswith(lead):
        return f"{opener}{first[len(lead):].lstrip('.')}{text[len(first):]}"
    return f"{opener} {text}"


def _items_counted(text: str) -> int:
    """How many things an answer lists: its bullets, or the items of its one line that lists
    three or more ('cardiac, vascular, obstetric, or abdominal ultrasound': 4); 0 for none."""
    lines = [x for x in text.split("\n") if x.strip()]
    bullets = [x for x in lines if x.lstrip().startswith("•")]
    if len(bullets) >= 2:
        return len(bullets)
    listing = [_ITEMS.split(x.split(". ", 1)[0]) for x in lines
               if not bullets and x.count(", ") >= 2]
    listing = [parts for parts in listing if len(parts) >= 3]
    if len(listing) != 1 or any(p.startswith("other") for p in listing[0]):
        return 0  # (none, several, or an open list: 'CT, MRI, mammography, or other modalities')
    return len(listing[0])


def _item_with(fact: str, term: str) -> str:
    """Of a fact that lists things ('Mammography, breast ultrasound, and breast MRI'), the
    one item that holds `term` ('breast ultrasound'): a note on another career quotes what
    overlaps, not the whole list."""
    parts = _ITEMS.split(fact)
    if len(parts) < 3:
        return fact
    hit = next((p for p in parts if _has(f" {normal(p)} ", term)), None)
    if hit is None:
        return fact
    return hit


#: A verb form ('compared', 'running', 'choosing'): what someone does with a thing, never the
#: thing a question asks about that the document might lack.
_VERB_FORM = re.compile(r"^[a-z]{3,}(?:ed|ing)$")


def _inflected(word: str) -> bool:
    """'compared', 'running', 'applying': a verb form (not 'bed', 'king', 'thing')."""
    return bool(_VERB_FORM.match(word)) and not word.endswith(("eed", "thing"))


def _sentence(text: str) -> str:
    """A line as a sentence: a capital first, a full stop last."""
    text = text.strip()
    return f"{text[:1].upper()}{text[1:]}{'' if text.endswith(('.', '?', '!')) else '.'}"


def _lower_first(text: str) -> str:
    """'May specialize in CT' as it reads after a colon: 'may specialize in CT' (an acronym
    or a name kept: 'AI', 'PET')."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _adverb_bases(word: str) -> tuple[str, ...]:
    """The words an adverb in -ly may be made from: 'mainly' main, 'fully' full, 'easily'
    easy, 'possibly' possible."""
    body = word[:-2]
    return (body, word[:-1], f"{word[:-3]}y", f"{body}e", f"{body}le")


class Provenance:
    """Sources and faithfulness notes for replies over one graph. Stateless after start-up."""

    def __init__(self, graph: Graph, composer: Composer, responses: Mapping[str, str],
                 understander: Understander, lexicon: Lexicon, plain: Iterable[str] = (),
                 intents: Mapping[str, IntentSpec] | None = None) -> None:
        self.g = graph
        self.c = composer
        self.r = responses
        self.understander = understander
        #: The cue phrases of the aspects an answer may be about ('pay': 'salary', 'earn').
        self._cues = {name: tuple(normal(c) for c, _w in spec.cues)
                      for name, spec in (intents or {}).items() if name in _ASPECTS}
        #: The strong cues of each aspect a comparison may leave out ('how long', 'takes').
        self._strong_cues = {name: tuple(normal(c) for c, w in spec.cues if w >= 1)
                             for name, spec in (intents or {}).items()
                             if name in _COMPARED}
        #: The words of those cues: an aspect a comparison shows in a row of its own.
        self._aspect_words = frozenset(w for cues in self._strong_cues.values() for c in cues
                                       for w in c.split())
        meta = graph.meta
        self._doc = frozenset(str(w) for w in meta.get("document_words", ()))
        self._doc |= frozenset(stem(w) for w in self._doc)
        # Words that ask how rather than about what: the language data's (and the reply
        # policy's `plain` words: cue words, fillers, negations, vague words).
        # (Not the intents' cue words nor the words the source never covers: 'best',
        # 'replace', 'nights' ask about something the document may well not say.)
        cue_words = {w for spec in (intents or {}).values() for c, _w in spec.cues
                     for w in normal(c).split()}
        asked = cue_words | set(lexicon.uncovered)
        # The field's words that ask how (need, order, count, sameness, yes/no, which) and
        # everyday English never say what a question is about either ('mandatory', 'main').
        asking_meta = ("plain_words", "everyday_words", "need_words", "order_words",
                       "order_after_words", "count_words", "identity_words", "yes_no_words",
                       "listing_words")
        self._ignore = frozenset((*lexicon.stopwords, *lexicon.question_words, *lexicon.pronouns,
                                  *lexicon.sets.get("relations", ()),
                                  *(w for n in lexicon.negations for w in n.split()),
                                  *(w for key in asking_meta for p in meta.get(key, ())
                                    for w in normal(p).split()),
                                  *(w for w in plain if w not in asked)))
        # ...but never the field's own words: 'radiation' is the field's and the document
        # never says it of anyone (the words it does use are known from the document).
        self._ignore -= {w for t in meta.get("domain_terms", ()) for w in normal(t).split()}
        self._numbers = {normal(k): v for k, v in lexicon.numbers.items()}
        self._career_words = frozenset(w for n in graph.of_type(*CAREER_TYPES)
                                       for w in normal(n.name).split() if len(w) > 3)
        #: Words asking what the source never covers ('stressful', 'nights'): an answer that
        #: opens by saying so keeps that point, and is not rewritten into another.
        self._uncovered_words = frozenset(lexicon.uncovered)
        #: ... of them, the figures it never gives (a price, a fee, a percentage): a question
        #: about one is flagged, whatever the closest facts it is answered with.
        self._figures = frozenset(lexicon.sets.get("figure_words", ()))
        self._lexicon = lexicon
        self._order_words = tuple(normal(w) for w in meta.get("order_words", ()))
        self._count_words = tuple(normal(w) for w in meta.get("count_words", ()))
        self._expansion = tuple(normal(w) for w in meta.get("expansion_words", ()))
        self._placement = tuple(normal(w) for w in meta.get("placement_words", ()))
        self._ranking = frozenset(normal(w) for w in meta.get("ranking_words", ()))
        self._superlatives = frozenset(normal(w) for w in meta.get("superlative_words", ()))
        self._count_listed = tuple(normal(w) for w in meta.get("count_listed_words", ()))
        # Words that make a question a yes/no one (first word; a tag at the end), and words
        # that make a yes unsure ('does pediatric radiology cover *only* adults?').
        self._yes_no = frozenset(normal(w) for w in meta.get("yes_no_words", ()))
        self._yes_no_tags = frozenset(normal(w) for w in meta.get("yes_no_tags", ()))
        self._listing = frozenset(normal(w) for w in meta.get("listing_words", ()))
        self._listing_nouns = frozenset(normal(w) for w in meta.get("listing_nouns", ()))
        self._not_under = responses.get("listed_under_not", "").split("{", 1)[0] or "\x00"
        self._yes_under = responses.get("listed_under_yes", "").split("{", 1)[0] or "\x00"
        self._need_words = tuple(normal(w) for w in meta.get("need_words", ()))
        #: The need words as a verdict compares them ('required' -> 'requir').
        self._need_keys = frozenset(self._key(w) for n in self._need_words for w in n.split())
        self._optional = tuple(normal(w) for w in meta.get("optional_asked", ()))
        self._purpose_keys = frozenset(self._key(w) for w in meta.get("purpose_words", ()))
        self._identity = tuple(normal(w) for w in meta.get("identity_words", ()))
        self._steps_by_word: dict[str, list[tuple[tuple[str, ...], Node]]] | None = None
        self._said_lines: list[tuple[Node, Fact, dict[str, tuple[str, ...]]]] | None = None
        self._document: str | None = None  # (the document's lines and headings, once)
        self._difference = tuple(normal(w) for w in meta.get("difference_words", ()))
        #: Words that weigh one career's pay against another's ('more', 'less', 'higher').
        self._pay_weighing = tuple(normal(w) for w in meta.get("pay_weighing", ()))
        self._pay_unweighed = responses.get("pay_unweighed", "").split("{", 1)[0] or "\x00"
        #: Words that weigh two careers on an aspect ('which is longer?': the time of each).
        self._comparatives = {aspect: tuple(normal(w) for w in words) for aspect, words in (
            ("duration", meta.get("time_comparatives", ())),
            ("pay", meta.get("pay_comparatives", ())))}
        self._blockers = frozenset(normal(w) for w in meta.get("verdict_blockers", ()))
        #: A claim's words -> the document's words saying the opposite ('lowest': 'highest').
        opposites = meta.get("opposite_words") or {}
        self._opposites = {normal(k): tuple(normal(w) for w in v)
                           for k, v in (opposites.items() if isinstance(opposites, dict) else ())}
        self._limits = frozenset(normal(w) for w in meta.get("limit_words", ()))
        #: Words reporting a claim heard ('I *heard* ...', 'my friend *says* ...').
        self._reporting = frozenset(normal(w) for w in meta.get("reporting_words", ()))
        self._limit_exempt = frozenset(normal(w) for w in meta.get("limit_exempt", ()))
        #: Other professions' names (the lexicon's): asked of, the point is not covered.
        self._other_fields = tuple(normal(n) for n in lexicon.sets["other_fields"])
        self._field_names = frozenset(normal(n) for n in meta.get("field_words", ()))
        self._universal = tuple(normal(w) for w in meta.get("universal_words", ()))
        self._discourse = frozenset(normal(w) for w in meta.get("discourse_openers", ()))
        self._claim_negations = tuple(normal(w) for w in meta.get("claim_negations", ()))
        self._order_before = frozenset(normal(w) for w in meta.get("order_before_words", ()))
        self._preceding = frozenset(normal(w) for w in meta.get("preceding_words", ()))
        self._length_links = frozenset(normal(w) for w in meta.get("length_links", ()))
        self._likening = tuple(normal(n) for n in meta.get("likening_words", ()))
        self._identity_leads = tuple(normal(n) for n in meta.get("identity_leads", ()))
        self._identity_tails = frozenset(normal(n) for n in meta.get("identity_tails", ()))
        #: Each node's lines as `_line_stating` reads them (bounded by the graph).
        self._lines_memo: dict[tuple[str, bool], tuple[tuple[str, list[str], list[str]], ...]] = {}
        #: Words naming a kind of job ('a clinical *role*').
        self._role_words = frozenset(normal(w) for w in lexicon.sets.get("role_words", ()))
        self._pronouns = frozenset(lexicon.pronouns)
        self._demonstratives = frozenset(lexicon.sets["demonstratives"])
        #: Words that say a thing is not needed ('do *not* need'), as single words.
        self._not_words = frozenset(n for n in lexicon.negations if " " not in n)
        #: The opening of 'It names no certification for X.' (the point asked not covered).
        self._none_named = responses["credential_none_named"].split("{", 1)[0]
        #: Dealings with people no line describes ('do radiologists *see* patients?').
        self._dealing = frozenset(normal(w) for w in meta.get("dealing_words", ()))
        #: Words of a line that make what it says optional ('radiologists *may* pursue').
        self._optional_words = tuple(normal(w) for w in meta.get("optional_words", ()))
        #: The openers asking whether a thing exists ('is there a ... fellowship?').
        self._existence = frozenset(normal(w) for w in meta.get("existence_openers", ()))
        self._silent = tuple(responses[k].split("{", 1)[0] for k in (
            "silent", "silent_general", "silent_on", "no_bridge") if k in responses)
        # Terms too general to say a question is about one career ('radiology', 'imaging').
        self._general_terms = frozenset(normal(w) for w in meta.get("domain_terms", ()))
        # The node of the document's opening section: what the field is, for questions on
        # the field as a whole.
        self._overview = next((n for n in graph.of_type("topic") if any(
            ">" not in s.section for f in n.facts if f.field == "summary"
            for s in f.sources)), None)
        self._order_after = tuple(normal(w) for w in meta.get("order_after_words", ()))
        self._facts: dict[str, list[tuple[str, str, tuple[Source, ...]]]] = {}
        self._stated: dict[str, tuple[str, ...]] = {}
        self._names: dict[str, tuple[str, ...]] = {}
        self._related: dict[str, tuple[tuple[str, str], ...]] = {}
        self._general = tuple(n.id for n in graph if n.type in {"topic", "category"})
        for node in graph:
            related = {normal(r) for r in node.related}
            self._related[node.id] = tuple((normal(r), r) for r in node.related if normal(r))
            names = [node.id.replace("_", " "), node.name, *node.aliases]
            self._names[node.id] = tuple(dict.fromkeys(
                t for t in (normal(x) for x in names) if t and t not in related))
            self._stated[node.id] = tuple(dict.fromkeys((*self._names[node.id], *(
                t for t in (normal(x) for x in node.keywords) if t and t not in related))))
            facts: list[tuple[str, str, tuple[Source, ...]]] = []
            for fact in node.facts:
                if fact.field == "duration" and node.duration is not None:
                    forms = (normal(str(node.duration)), normal(node.duration.short()))
                    facts.extend((fact.field, f, fact.sources) for f in forms)
                elif ":" in fact.field:  # a relation: 'requires:abr'
                    facts.append((fact.field, fact.text, fact.sources))
                else:
                    facts.append((fact.field, normal(fact.text), fact.sources))
            self._facts[node.id] = facts
        #: The keywords of each node (no names, no related terms): what its lines state.
        self._keyword_terms = {n.id: tuple(dict.fromkeys(
            t for t in (normal(k) for k in n.keywords) if t and t in self._stated[n.id]
            and t not in self._names[n.id])) for n in graph}
        self._general_terms -= frozenset(t for n in graph.of_type(*CAREER_TYPES)
                                         for t in self._stated[n.id])
        # Words of what the graph states (names, aliases, keywords; not related terms).
        self._term_words = frozenset(w for terms in self._stated.values() for t in terms
                                     for w in t.split())
        self._term_words |= frozenset(stem(w) for w in self._term_words)  # 'teleradiologists'
        # The careers each stated term is stated of, and the longest term in words: a turn
        # finds the terms of its question in one pass instead of testing every career's.
        self._careers_of: dict[str, list[str]] = {}
        for node in graph.of_type(*CAREER_TYPES):
            for term in self._stated[node.id]:
                self._careers_of.setdefault(term, []).append(node.id)
        self._term_len = max((len(t.split()) for t in self._careers_of), default=1)
        # Names of careers and categories (and, as a question may say them, their related
        # names): who a line or a question says does what.
        self._actor_terms = {t: n.id for n in graph.of_type(*CAREER_TYPES, "category")
                             for t in self._names[n.id]}
        self._actor_terms_related = {**{t: n.id for n in graph.of_type(*CAREER_TYPES, "category")
                                        for t, _shown in self._related[n.id]},
                                     **self._actor_terms}
        self._term_starts = frozenset(t.split()[0] for t in self._careers_of if t.split())
        # The words of the names of a category's careers ('technologist' of the technical
        # careers): a related term made of them is what the document lists there, not absent.
        self._member_words = {c.id: frozenset(
            w for m in graph.neighbours(c.id, incoming=True) if m.type in CAREER_TYPES
            for t in self._names[m.id] for w in (*t.split(), *(f"{x}s" for x in t.split())))
            for c in graph.of_type("category")}
        self._known_words: Memo[str, bool] = Memo(items=20_000, chars=200_000)
        # The words of the intents' cue phrases: they say which aspect is asked, not a thing
        # the document might lack ("what's the residency *length*", "who *manages* PACS").
        asks = [(spec.name, phrase.split()) for spec in understander.intents.values()
                for phrase, _ in spec.cues]
        self._asking = frozenset(
            w for name, words in asks for w in (words if len(words) == 1 else words[1:])
            if len(words) == 1 or (words[0] in lexicon.question_words
                                   and name not in _DECLINING_INTENTS))
        self._sources_memo: Memo[str, tuple[Source, ...]] = Memo(items=4096, chars=2_000_000)
        self._normal_names = [(n.id, normal(n.name)) for n in graph]  # (scanned every reply)
        self._near = {n.id: frozenset(x.id for x in (*graph.neighbours(n.id),
                                                     *graph.neighbours(n.id, incoming=True)))
                      for n in graph}
        # Per table of terms ('names', 'stated'), built on first use: its terms by first word.
        self._by_first_word: dict[str, dict[str, tuple[tuple[str, str], ...]]] = {}
        self._holding_slot: tuple[str, dict[str, tuple[Node, ...]]] = ("", {})
        self._careers: frozenset[str] | None = None
        #: The names of the fellowship the subspecialties are kinds of ('fellowship').
        self._fellowship_id = next((k.id for n in graph.of_type("subspecialty")
                                    for k in graph.neighbours(n.id, "kind_of")), "")
        #: The fellowship and what its subspecialties are kinds of, need or specialize.
        self._fellowship_near = frozenset(
            (self._fellowship_id, *(k.id for n in graph.of_type("subspecialty")
                                    for k in graph.neighbours(n.id))))
        self._doctor_words = frozenset(lexicon.sets.get("doctor_words", ()))
        self._fellowship_of = frozenset(normal(w) for w in meta.get("subject_words", ()))
        self._fellowship_words = frozenset(
            w for t in self._names.get(self._fellowship_id, ()) for w in t.split()
            if w.startswith(normal(graph.node(self._fellowship_id).name).split()[0])
        ) if self._fellowship_id else frozenset()

    # -- sources --------------------------------------------------------------------------
    def _name_of(self, node_id: str) -> str:
        node = self.g.get(node_id)
        return normal(node.name) if node is not None else ""

    def _stated_in(self, node_id: str, said: str,
                   main: list[str]) -> Iterable[tuple[int, tuple[Source, ...]]]:
        """(where in the text, sources) of each fact of a node that the text states."""
        node = self.g.node(node_id)
        named = any(_has(said, normal(n)) for n in (node.name, node.label))
        for field_name, fact, sources in self._facts.get(node_id, ()):
            if field_name in {"specialties", "section"}:  # the line that lists them is cited
                continue
            if ":" in field_name:  # a relation of the answer's node, or to it from one named
                target = self.g.get(fact)
                if target is None or not (node_id in main or (named and fact in main)) \
                        or not any(_has(said, normal(n)) for n in (target.name, target.label)):
                    continue
                yield said.find(f" {normal(target.label)} "), sources
            elif field_name == "duration" or len(fact.split()) < 3:
                if named and _has(said, fact):
                    yield said.find(f" {fact}"), sources
            elif f" {fact} " in said:
                yield said.find(f" {fact} "), sources

    def candidates(self, ids: Iterable[str], said: str = "") -> list[str]:
        """The nodes an answer about `ids` may quote: them, their neighbours and pathway
        steps, the field-wide topics (pay, outlook), and (on a graph of modest size) every
        node the text names."""
        out: dict[str, None] = {}
        if said and len(self.g) <= _SCAN_ALL:
            out.update(dict.fromkeys(i for i, name in self._normal_names if _has(said, name)))
        for node_id in ids:
            if node_id not in self.g:
                continue
            out[node_id] = None
            for other in (*self.g.neighbours(node_id), *self.g.neighbours(node_id, incoming=True),
                          *self.g.pathway(node_id).steps, *self.c.credentials(self.g.node(node_id)),
                          *self.c.categories(self.g.node(node_id))):
                out[other.id] = None
        out.update(dict.fromkeys(self._general))
        return list(out)

    def sources(self, text: str, ids: Iterable[str],
                focus: tuple[str, ...] | None = None) -> tuple[Source, ...]:
        """The sources of every fact of the candidate nodes that `text` states, in the order
        the text states them; for an answer that states none of them (what the document does
        not say of X), where X stands in the document. Memoised: the text, the nodes and the
        node the answer is about decide them."""
        ids = tuple(ids)
        main = tuple(focus) if focus is not None else ids[:1]  # what the answer is about
        memo_key = "\x00".join((text, *ids, "\x01", *main))
        found = self._sources_memo.get(memo_key)
        if found is None:
            found = self._sources_memo.put(memo_key, self._sources(text, ids, main))
        return found

    def _sources(self, text: str, ids_: Iterable[str],
                 main_: Iterable[str]) -> tuple[Source, ...]:
        said = f" {normal(text)} "
        found: list[tuple[int, Source]] = []
        ids, main = list(ids_), list(main_)
        for node_id in self.candidates(ids, said):
            for at, sources in self._stated_in(node_id, said, main):
                found.extend((at, s) for s in sources)
        for node_id in ids:  # where the answer's nodes stand in the document (a list's items)
            if not found or (node_id not in main and _has(said, self._name_of(node_id))):
                found.extend((said.find(f" {self._name_of(node_id)} "), s)
                             for f, _t, sources in self._facts.get(node_id, ())
                             if f == "section" for s in sources)
        # (ties in a fixed order: the quote kept must not depend on the hash seed)
        found.sort(key=lambda pair: (pair[0], pair[1].section, pair[1].line, pair[1].quote))
        # One source per line, its quotes joined ('Enter a ... program … 4-5 years').
        best: dict[tuple[str, int], Source] = {}
        for _at, source in found:
            held = best.get((source.section, source.line))
            if held is None or normal(held.quote) in normal(source.quote):
                best[(source.section, source.line)] = source
            elif normal(source.quote) not in normal(held.quote):
                best[(source.section, source.line)] = replace(
                    held, quote=f"{held.quote} … {source.quote}")
        return tuple(dict.fromkeys(best[(s.section, s.line)] for _at, s in found))

    # -- notes ----------------------------------------------------------------------------
    def related_notice(self, question: str, ids: tuple[str, ...]) -> tuple[list[str], Node | None]:
        """The related terms of the answer's node the question used ('women's imaging'),
        and that node."""
        for node_id in ids[:1]:
            if node_id not in self.g:
                continue
            members = self._member_words.get(node_id, frozenset())
            node = self.g.node(node_id)
            terms = [shown for term, shown in self._related[node_id]
                     if _has(self._masked(question, term, (node_id,), self._stated), term)
                     and not set(term.split()) <= members and not self._in_lines(term, node)]
            return terms[:1], node
        return [], None

    def _in_lines(self, term: str, node: Node) -> bool:
        """Every word of a related term is a word of the node's own lines ('boards': the
        American *Board* of Radiology): the document does say it there."""
        said = {stem(w) for f in node.facts if ":" not in f.field
                for w in normal(f.text).split()} | {
            stem(w) for n in (node.name, str(node.get("full_name") or ""))
            for w in normal(n).split()}
        return all(stem(w) in said for w in term.split())

    def uncovered(self, question: str, text: str) -> list[str]:
        """Words of the question that the source document never uses and that name nothing
        ('abroad', 'valves'), typos and plain asking words aside."""
        parse = self.understander.parse(text)
        respelled = dict(parse.corrections)
        kept = set(parse.tokens)
        out: list[str] = []
        words = normal(text).split()
        seen: set[str] = self._identity_words(words)  # ('pharmacy tech asking': who they are)
        # (each word once, and no further than the third found: what a word is depends on
        # the word alone, and a 2,000-character text repeats its words)
        for at, word in enumerate(words):
            if len(out) == 3:
                break
            if word in seen:
                continue
            seen.add(word)
            if len(word) < 2 or len(word) > _LONGEST_WORD or "'" in word \
                    or any(ch.isdigit() for ch in word) or words[at + 1:at + 2] == ["about"]:
                continue  # ('3rd year': a number; 'does it *talk* about': what is said of it)
            if word not in kept and word not in respelled:
                continue  # rewritten by the language data ('skils' -> 'skills'): no word
            if word in respelled:
                continue  # a typo ('lenght', 'wich'): the corrector keeps real words as typed
            if _inflected(word):
                continue  # 'running', 'compared': how a question asks, not what about
            if word in self.understander.everyday and word not in self._uncovered_words \
                    and word not in self._blockers:
                continue  # 'spend', 'proud': an everyday word (not a limit, 'best') asks
                # nothing the document could lack (a point it never covers is said silent)
            fixed = respelled.get(word, "")
            if word in self._asking or (fixed in self._asking and len(word) >= _LONG_TYPO):
                continue  # a word that asks how ('length', 'manages', 'qualifications'; a
                # long typo of one, 'requirments'): the answer says what is asked
            if not self._known(word) and not self._swapped(word):
                out.append(word)  # (a real word respelled to an unknown one is kept)
        return out

    def _identity_words(self, words: list[str]) -> set[str]:
        """The words saying who the person is ('*pharmacy tech* here', 'lab tech asking', 'I'm
        a *vet tech*'): never a point the document lacks."""
        reach = _IDENTITY_REACH
        padded = f" {' '.join(words)} "
        found: set[str] = set()
        for i, word in enumerate(words):
            if word in self._identity_tails:
                found.update(words[max(0, i - reach):i])
        for lead in self._identity_leads:
            at = padded.find(f" {lead} ")
            if at >= 0:
                start = len(padded[:at].split()) + len(lead.split())
                found.update(words[start:start + reach])
        return found - self._term_words

    def _swapped(self, word: str) -> bool:
        """Two neighbouring letters of a known word swapped ('waht'): a typo, never a word
        the document lacks (a longer word is left to the corrector)."""
        return len(word) < _LONG_TYPO and any(
            self._known(swap) or swap in self._asking  # ('lenght': a cue word's typo)
            for swap in (word[:i] + word[i + 1] + word[i] + word[i + 2:]
                         for i in range(len(word) - 1) if word[i] != word[i + 1]))

    def _known(self, word: str) -> bool:
        """A word of the document (memoised: every turn asks about the same words)."""
        found = self._known_words.get(word)
        if found is None:
            found = self._known_words.put(word, self._known_uncached(word))
        return found

    def _known_uncached(self, word: str) -> bool:
        """A word of the document (or a form of one: 'subspecialists', 'subspecialties'), of
        a node's terms, or a plain asking word."""
        def of_ours(w: str) -> bool:
            return w in self._ignore or w in self._doc or w in self._term_words

        if of_ours(word) or of_ours(stem(word)):  # (the stem only when the word is not)
            return True
        if word.endswith("ly") and len(word) >= 5 and any(
                of_ours(base) for base in _adverb_bases(word)):
            return True  # an adverb of a known word ('mainly', 'fully', 'remotely')
        head = word[:max(6, len(word) - 4)]
        return len(word) >= 8 and any(w.startswith(head) for w in self._doc)

    def absent_notice(self, question: str, text: str, reply: Reply) -> tuple[str, list[str]]:
        """'The document does not mention X; the closest it has is Y.' (or '... X for Y; what
        it does say:') for related terms and words the document never uses; and those terms."""
        terms, node = self.related_notice(question, reply.entities)
        if not terms and reply.listed:
            node = None  # a list is about its items, not the constraint it was asked with
        for word in self.uncovered(question, text):
            if not any(stem(word) == stem(w) for t in terms for w in normal(t).split()):
                terms.append(word)
        if any(reply.text.startswith(p) for p in self._silent):
            # the answer already says what the document does not cover: unless it is another
            # thing than the words asked ('nights' answered with 'the outlook')
            said = {stem(w) for w in normal(reply.text.split(".", 1)[0]).split()}
            # (nor a second word of what it never covers: 'MCAT ... score')
            terms = [t for t in terms if t not in self._uncovered_words and not any(
                stem(w) in said or any(
                s.startswith(stem(w)) for s in said) for w in normal(t).split())]
        if not terms:
            return "", []
        shown = " or ".join(terms)
        if node is None:
            return self.r["absent_notice"].format(term=shown), terms
        named = any(_has(question, s) for s in self._stated[node.id])
        # (a term the document uses of something else, 'surgery' of the preliminary year, is
        # only absent from the node it led to)
        # (one such term is enough: 'surgery or surgical' is not absent from the document)
        used = any(all(self._known(w) for w in normal(t).split()) for t in terms)
        key = "related_notice_named" if named or used else "related_notice"
        notice = self.r[key].format(term=shown, name=node.name)
        first_used = next((t for t in terms if all(self._known(w) for w in normal(t).split())),
                          "")
        where = self._used_of(first_used, node) if used and first_used else ""
        return (f"{where}\n{notice}" if where else notice), terms

    def _absent(self, q: str, question: str, reply: Reply) -> tuple[str, Reply]:
        """The absent notice, and the reply flagged when what is absent is what it asks."""
        notice, missing = self.absent_notice(q, question[:MAX_INPUT_CHARS], reply)
        # (a figure asked, 'what percentage growth?', is flagged whether or not the notice
        # names it: an answer that opens silent on the outlook leaves it out)
        figures = self._figures.intersection(missing) or {
            w for w in q.split() if w in self._figures and not self._known(w)} or (
            _MONEY.findall(question))  # ('sonographers start at 80k, right?': no sum is given)
        asked = self._unlikened(question, missing) if missing else missing
        return notice, replace(reply, fallback=True) if self._mostly_absent(
            asked, question) or figures or self._other_field(question, asked) else reply

    def _unlikened(self, question: str, terms: list[str]) -> list[str]:
        """The terms that are not what the asker likens something to: those are named as
        absent, but are not what is asked ('is PACS like Dropbox for X-rays?')."""
        p = self.understander.parse(question[:MAX_INPUT_CHARS])
        likened = {p.tokens[i] for i in p.likened}
        return [t for t in terms if not set(normal(t).split()) <= likened]

    def _absent_unless(self, q: str, question: str, text: str, reply: Reply,
                       unlisted: str) -> tuple[str, Reply]:
        """The absent notice (`_absent`), but none where an unlisted fellowship is said or
        the claim is contradicted: 'lowest paid, right?' is answered no, not absent."""
        if unlisted or self._contradicted(q, text, reply):
            return "", reply
        return self._absent(q, question, reply)

    def _other_field(self, question: str, missing: list[str]) -> bool:
        """What is asked about is another profession, named before anything of the field
        ('is a radiation therapist the same as a rad tech?', 'could I become a vet instead?'):
        the closest facts, flagged as not covered. Not a wrong guess offered after the field's
        own words ('vascular ultrasound, a sonographer or a vascular surgeon job?')."""
        said = set(missing)
        if not said:
            return False
        words = normal(question).split()
        domain = self.understander.domain
        padded = f" {' '.join(words)} "
        inside = {i for name in self._other_fields if _has(padded, name)
                  for i in _spans(words, name.split())}
        first = next((i for i, w in enumerate(words) if w in domain and i not in inside
                      and w not in self._field_names), len(words))  # ('*radiation* therapist'
        # is no word of the field)
        head = f" {' '.join(words[:first])} "
        return any(set(name.split()) <= said and _has(head, name) and not any(
            _has(head, f"{w} {name}") for w in self._likening) and not self._own_job(head, name)
                   for name in self._other_fields)

    def _own_job(self, head: str, name: str) -> bool:
        """The profession is the person's own ('*Pharmacy tech* exploring options - ...', 'I'm
        a dental assistant ...', 'Vet tech here.'): they say who they are, not what they ask."""
        words = head.split()
        size = len(name.split())
        at = next((i for i in range(len(words) - size + 1)
                   if " ".join(words[i:i + size]) in (name, f"{name}s")), None)
        if at is None:
            return False
        before = f" {' '.join(words[max(0, at - 4):at])} "
        return any(_has(before, w) for w in self._identity_leads) or (
            words[at + size:at + size + 1] in (["here"], ["again"]))

    @staticmethod
    def _mostly_absent(terms: list[str], question: str) -> bool:
        """A question about a name of its own the document never mentions, capitalised
        inside a sentence ('Johns Hopkins', 'Siemens', 'Tuesday'): answered with the closest
        facts, but flagged as a point the source does not cover."""
        words = question.split()
        return any(w[:1].isupper() and w.strip(".,!?;:'\"()").lower() in terms
                   and not before.endswith((".", "!", "?"))
                   for before, w in pairwise(words))

    def _used_of(self, term: str, node: Node) -> str:
        """Where the document does use a term a question asked of another node ('surgery':
        the preliminary year, often surgery, internal medicine or a transitional year)."""
        phrase = normal(term)
        for other in sorted(self.g, key=lambda n: (self.g.order(n.id), n.id)):
            if other.id == node.id or other.type in {"topic", "category"}:
                continue
            fact = min((f.text for f in other.facts if f.field in (*_LINE_FIELDS, "detail")
                        and _has(f" {normal(f.text)} ", phrase)), default="",
                       key=lambda t: (len(t), t))
            if fact:
                return self.r["also_named"].format(
                    term=term, name=other.name, fact=_item_with(fact.rstrip("."), phrase)
                    if len(_ITEMS.split(fact)) < 3 else fact.rstrip("."))
        return ""

    def _holding(self, question: str, which: str, *types: str) -> list[Node]:
        """The nodes (of `types`, if given), in declaration order, of which the (padded,
        normalised) question holds a term of table `which` ('names' or 'stated'), plural or
        not: as testing each node's terms with `_has` would find them, but looked up from the
        question's words (testing every node's terms was most of a turn on a large graph).
        Worked out once per question and table: a turn asks it several times."""
        slot = self._holding_slot
        if slot[0] != question:
            slot = (question, {})
            self._holding_slot = slot  # (swapped whole: threads may share it)
        found = slot[1].get(which)
        if found is None:
            index = self._by_first_word.get(which)
            if index is None:
                index = self._by_first_word[which] = self._first_word_index(which)
            # A term held as ' term ' or ' terms ' begins with a word the question holds
            # between spaces (with an 's' when it is one word long).
            ids = {node_id for word in set(question.split(" "))
                   for node_id, term in index.get(word, ()) if _has(question, term)}
            found = slot[1][which] = tuple(self.g.node(i) for i in sorted(ids, key=self.g.order))
        return [n for n in found if n.type in types] if types else list(found)

    def _first_word_index(self, which: str) -> dict[str, tuple[tuple[str, str], ...]]:
        table = self._names if which == "names" else self._stated
        index: dict[str, list[tuple[str, str]]] = {}
        for node_id, terms in table.items():
            for term in terms:
                first = term.split(" ", 1)[0]
                index.setdefault(first, []).append((node_id, term))
                if " " not in term:
                    index.setdefault(first + "s", []).append((node_id, term))
        return {word: tuple(pairs) for word, pairs in index.items()}

    def _masked(self, question: str, term: str, ids: Iterable[str],
                terms: Mapping[str, tuple[str, ...]] | None = None) -> str:
        """The question without the names (or `terms`) of `ids` that contain `term` ('nuclear
        medicine technologist' hides 'nuclear medicine')."""
        for node_id in ids:
            for name in (terms or self._names).get(node_id, ()):
                if name != term and f" {term} " in f" {name} " and _has(question, name):
                    question = question.replace(f" {name} ", " # ")
        return question

    def others(self, question: str, reply: Reply) -> list[tuple[Node, str]]:
        """Other careers a term of the question is stated of ('cardiac' is said of thoracic
        radiology and of sonographers; 'ultrasound' of sonographers when asked of radiologic
        technologists), each with the term, when the reply does not already name them."""
        ids = (*reply.entities, *reply.listed)
        said = f" {normal(reply.text)} "
        out: list[tuple[Node, str]] = []
        asked = {i for t in self._terms_in(question) for i in self._careers_of[t]}
        for node in sorted((self.g.node(i) for i in asked), key=lambda n: self.g.order(n.id)):
            if node.id in ids or _has(said, normal(node.name)) \
                    or self._linked(node.id, ids):
                continue
            term = self._other_term(node.id, question, ids, said)
            if term is not None:
                out.append((node, term))
        return out[:_MAX_NOTES]

    def _other_term(self, node_id: str, question: str, ids: tuple[str, ...],
                    said: str) -> str | None:
        """A term of the question stated of `node_id`: one the answer's careers share, or one
        the answer does not speak to at all."""
        shared = self._stated_of(ids)
        for term in self._stated[node_id]:
            if term in self._general_terms or not _has(question, term):
                continue  # (the cheap test first: masking is the costly part of a turn)
            if term in shared and _has(self._masked(question, term, ids), term):
                return term  # said of both: name both sides
            if not _has(said, term) and _has(self._masked(question, term, ids, self._stated),
                                             term):
                return term  # not spoken to by the answer at all
        return None

    def _terms_in(self, question: str) -> set[str]:
        """The stated terms of careers that occur in a (padded, normalised) question, plural
        or not, found by looking its word runs up."""
        words = question.split()
        found: set[str] = set()
        starts = self._term_starts
        for i in range(len(words)):
            if words[i] not in starts and words[i][:-1] not in starts:
                continue  # no term begins with this word (plural or not)
            for n in range(1, min(self._term_len, len(words) - i) + 1):
                run = " ".join(words[i:i + n])
                for term in (run, run[:-1] if run.endswith("s") else ""):
                    if term in self._careers_of:
                        found.add(term)
        return found

    def _linked(self, node_id: str, ids: Iterable[str]) -> bool:
        """`node_id` is a neighbour of one of `ids` (a fellowship of the radiologist, a
        step that maintains a credential): not a separate career or step."""
        near = self._near.get(node_id, frozenset())
        return any(i in near for i in ids)

    def _stated_of(self, ids: Iterable[str]) -> tuple[str, ...]:
        return tuple(t for i in ids for t in self._stated.get(i, ()))

    def note_for(self, node: Node, term: str, reply: Reply | None = None) -> str:
        """'The document also mentions cardiac for Sonographer: Specialize in cardiac, ...',
        or, when the term names the career, 'The document lists X as a separate career: ...'
        (or, where the answer's career is listed as a path for it, under which heading)."""
        if term in self._names[node.id]:
            mine = self.g.get(reply.entities[0]) if reply and reply.entities else None
            under = next((c for c in (self.c.categories(mine) if mine else ()) if _has(
                f" {normal(str(c.get('full_name') or c.name))} ", normal(node.name))), None)
            if mine is not None and under is not None:
                return self.r["listed_under"].format(
                    name=mine.name, category=self.c.heading(under))
            return self.r["separate_career"].format(name=node.name, fact=self.c.what(node))
        fact = _item_with(self.fact_with(node, term).rstrip("."), term)
        found = re.search(r"\W+".join(map(re.escape, term.split())), fact, re.IGNORECASE)
        return self.r["also_named"].format(term=found.group(0) if found else term,
                                           name=node.name, fact=fact)

    def requirement_note(self, question: str, reply: Reply) -> str:
        """What the document names for a career when a question asks about a step it does not
        name for it ('Does a research scientist need an MD?')."""
        # (a step's word inside another career's name asks about that career: 'the nuclear
        # medicine fellowship' is no fellowship asked of the technologist)
        careers = [self.g.node(i) for i in reply.entities
                   if i in self.g and self.g.node(i).type in CAREER_TYPES]
        others = [i for i in self._careers_named(question) if i != careers[:1][0].id] \
            if careers else []
        asked = [n for n in self._holding(question, "stated", "training")
                 if any(_has(question, t) and _has(self._masked(question, t, others), t)
                        for t in self._stated[n.id])]
        if len(asked) != 1 or not careers:
            return ""
        step, career = asked[0], careers[0]
        steps = self.g.pathway(career.id).steps
        if step in steps or step.id in reply.entities or self._linked(step.id, (career.id,)):
            return ""
        holders = sorted(self.c.needed_by(step),
                         key=lambda i: (len(self.g.pathway(i).steps), self.g.order(i)))
        text = self.r["credential_not_for"].format(credential=step.name, career=career.name)
        if holders:
            text += " " + self.r["credential_holders"].format(
                credential=step.name, holders=self.g.node(holders[0]).name, summary=step.summary)
        if steps:
            text += " " + self.r["requirements_listed"].format(
                career=career.name, steps="; ".join(self.c.step_text(s) for s in steps))
        else:
            text += " " + self.r["requirements_none"].format(career=career.name)
        return text

    def _careers_named(self, question: str) -> list[str]:
        """The careers a (padded, normalised) question names by one of their names."""
        return [n.id for n in self._holding(question, "names", *CAREER_TYPES)]

    def credential_note(self, question: str, reply: Reply) -> tuple[str, str]:
        """Whose credential a question's credential is, when it asks about a career the
        document names it not for ('Does a nuclear medicine technologist need ARRT?'), and
        the yes/no it gives: no when the career has another credential, unsaid when none."""
        asked = self._holding(question, "names", "credential")
        careers = [self.g.node(i) for i in reply.entities
                   if i in self.g and self.g.node(i).type in CAREER_TYPES]
        if len(asked) != 1 or not careers:
            return self.requirement_note(question, reply), "unsaid"
        named = [self.g.node(m.node_ids[0]) for m in self.understander.parse(
            question).alias_mentions if m.node_ids[0] in self.g]
        distinct = list(dict.fromkeys(n for n in (*careers, *named) if n.type in CAREER_TYPES))
        if len(distinct) >= 2:  # ('is ARRT for rad techs or sonos?': each one's credential)
            lines = dict.fromkeys(self.c.certification(c).text for c in distinct[:3])
            return "\n".join(lines), ""
        credential, career = asked[0], careers[0]
        own = self.c.credentials(career)
        if credential in own:
            if self._need_denied_at(question.split()) is not None:
                return self.c.certification(career).text, "no"  # ('... don't need ARDMS?')
            if reply.intent == "certification":
                return "", "yes"
            return self.r["credential_is_for"].format(credential=credential.name,
                                                      career=career.name) + " " + \
                self.c.certification(career).text, "yes"
        holders = [h.name for h in self.g.neighbours(credential.id, "certified_by",
                                                     incoming=True)]
        text = self.r["credential_not_for"].format(credential=credential.name,
                                                   career=career.name)
        if holders:
            text += " " + self.r["credential_holders"].format(
                credential=credential.name, holders=" and ".join(holders),
                summary=credential.summary)
        if not own:
            text += " " + self.r["credential_none_named"].format(career=career.name)
            return text, "unsaid"
        # A claim tagged for agreement ('sonographers need ARRT, right?') is answered no: the
        # document names another credential for them; a plain question gets what it names,
        # no verdict (it never says they do not need it).
        tagged = question.split()[-1:] and question.split()[-1] in self._yes_no_tags
        return f"{text} {self.c.certification(career).text}", "no" if tagged else ""

    def _length_corrected(self, question: str, reply: Reply) -> Reply:
        """A ranking or an interview turn is never rewritten, but a length it was told that
        the document states otherwise is said first ('after my 3 year residency, which
        fellowship?': 'The document says ... takes 4–5 years, not 3 years.')."""
        if reply.kind == "answer":
            return reply  # (an answer's own notes say it)
        words = self.understander.parse(question[:MAX_INPUT_CHARS]).tokens
        whole = f" {' '.join(words)} "
        if not _LENGTH.search(self._digits(whole)) or not any(
                self._length_of_step(sentence)
                for sentence in self.understander.split_sentences(question)[:_MAX_LENGTHS]):
            return reply  # (only a length said right before a step: 'my 3 year residency';
            # not 'within two or three years. Med school is out': the person's own limit)
        note, said = self.duration_note(whole, reply)
        return replace(reply, text=f"{note}\n{reply.text}") if note and said == "no" else reply

    def _length_of_step(self, sentence: str) -> bool:
        """A sentence gives a length right before a step it names ('my 3 year residency')."""
        q = self._digits(f" {' '.join(self.understander.parse(sentence).tokens)} ")
        starts = {at[0] for at, _n in self._steps_at(q)}
        return any(len(q[:m.end()].split()) in starts for m in _LENGTH.finditer(q))

    def duration_note(self, question: str, reply: Reply) -> tuple[str, str]:
        """'The document says Interventional Radiology takes 2 years, not 3.' for each length
        a question gives that the document does not state for the step it is said of (each
        length is read with the step named next to it: '4 years med school plus 2 years
        residency'), and a total the stated lengths do not add up to; with 'no' when the
        document states another length."""
        question = self._digits(question)
        sets = self._lexicon.sets  # ('an EMT *for* five years', '5 years *ago*': theirs)
        lengths = [m for m in itertools.islice(_LENGTH.finditer(question), _MAX_LENGTHS)
                   if question[:m.start()].rsplit(None, 1)[-1:] not in ([w] for w in sets[
                       "own_years_words"])
                   and question[m.end():].split(None, 1)[:1] not in ([w] for w in sets[
                       "own_years_after"])]
        if not lengths or reply.listed or question.split()[0] in self._listing:
            return "", ""  # (what lasts that long is asked, or a list of it answers itself)
        low = float(lengths[0].group(1))
        high = float(lengths[0].group(2) or low)
        if question.split()[0] not in self._yes_no and any(
                n.duration is not None and n.duration.low <= low <= high <= n.duration.high
                for n in (self.g.node(i) for i in reply.entities if i in self.g)):
            return "", ""  # 'which fellowship is 2 years?' answered with the one that is
        named = self._steps_at(question)[:_MAX_LENGTHS]
        nodes = {n.id: n for _at, n in named}
        if len(nodes) == 1:
            only = next(iter(nodes.values()))
            if only.duration is None:
                return self.c.duration(only, fellowship_only=True).text, ""
        pairs, loose = self._paired(lengths, named, question)
        if not pairs and not named:  # no step named: the answer's own node (one named far
            # from the length is not what it is said of: 'a 2 year-ish degree ... or med school')
            node = next((self.g.node(i) for i in reply.entities
                         if i in self.g and self.g.node(i).duration is not None), None)
            pairs = [(lengths[0], node)] if node is not None else []
            loose = lengths[1:]
        lines, said = [], ""
        for match, node in pairs:
            line, verdict = self._length_line(match, node)
            lines.append(line)
            said = said or verdict
        lines.append(self._total_line(loose, [n for _m, n in pairs]) if said else "")
        return " ".join(x for x in lines if x), said

    def _digits(self, question: str) -> str:
        """Number words as digits ('one year' -> '1 year')."""
        return " ".join(str(self._numbers.get(w, w)) for w in question.split()).join("  ")

    def _steps_at(self, question: str) -> list[tuple[tuple[int, int], Node]]:
        """(first and last word index, node) of each training step or subspecialty a (padded,
        normalised) question names; a fellowship named beside a subspecialty is that one's.
        Names are looked up by the word they start with: one pass over the words, whatever
        their number (issue 14: joining every window for every name was 60x a turn)."""
        words = question.split()
        index = self._step_index()
        found: list[tuple[tuple[int, int], Node]] = []
        for i, word in enumerate(words):
            for name, node in index.get(word, ()):
                end = i + len(name)
                if end <= len(words) and (tuple(words[i:end]) == name or (
                        *words[i:end - 1], words[end - 1].removesuffix("s")) == name):
                    found.append(((i, end - 1), node))
        # the longest name at a place: a span inside another (not the same) is dropped
        found.sort(key=lambda f: (f[0][0], -f[0][1]))
        kept: list[tuple[tuple[int, int], Node]] = []
        reach = -1
        for at, node in found:
            if at[1] <= reach and not any(k_at == at for k_at, _n in kept[-4:]):
                continue
            kept.append((at, node))
            reach = max(reach, at[1])
        subs = [n for _at, n in kept if n.type == "subspecialty" and n.duration is not None]
        return [(at, next((m for m in subs if self._linked(n.id, (m.id,))), n)
                 if n.duration is None else n) for at, n in kept]

    def _step_index(self) -> dict[str, list[tuple[tuple[str, ...], Node]]]:
        """The names of training steps and subspecialties by their first word (built once)."""
        if self._steps_by_word is None:
            index: dict[str, list[tuple[tuple[str, ...], Node]]] = {}
            for node in self.g.of_type("training", "subspecialty"):
                for name in self._names[node.id]:
                    parts = tuple(name.split())
                    if parts:
                        index.setdefault(parts[0], []).append((parts, node))
            self._steps_by_word = index
        return self._steps_by_word

    def _paired(self, lengths: list[re.Match[str]], named: list[tuple[tuple[int, int], Node]],
                question: str) -> tuple[list[tuple[re.Match[str], Node]], list[re.Match[str]]]:
        """Each length with the step named nearest to it (a length just before a name first:
        '3 year fellowship'), each step once; and the lengths left over (a total). Words that
        only link a step to its length ('residency *is like* 7 years') count for nothing; a
        step the length is said to come before or after ('7 years *after* med school') is not
        its step."""
        def index(pos: int) -> int:
            return len(question[:pos].split())

        words = question.split()
        options = []
        for k, match in enumerate(lengths):
            first, last = index(match.start() + 1), index(match.end() - 1) - 1
            for (start, end), node in named:
                between = words[last + 1:start] if start > last else words[end + 1:first]
                if any(w in self._order_words for w in between):
                    continue
                gap = sum(1 for w in between if w not in self._length_links)
                options.append((gap, 0 if start > last else 1, k, node))
        pairs: dict[int, Node] = {}
        used: set[str] = set()
        for gap, _side, k, node in sorted(options, key=lambda o: o[:3]):
            if gap <= _GAP and k not in pairs and node.id not in used:
                pairs[k] = node
                used.add(node.id)
        return ([(lengths[k], pairs[k]) for k in sorted(pairs)],
                [m for k, m in enumerate(lengths) if k not in pairs])

    def _length_line(self, match: re.Match[str], node: Node) -> tuple[str, str]:
        """What the document says of one length given for one step, and 'no' when it states
        another."""
        stated = node.duration
        if stated is None:
            return "", ""
        low = float(match.group(1))
        high = float(match.group(2) or low)
        unit = match.group(3).rstrip("s")
        if unit != stated.unit:
            return "", ""
        if (stated.low, stated.high) == (low, high):
            return "", ""
        if stated.low <= low <= high <= stated.high:  # '4 years' of '4-5 years': not a yes
            return self.r["duration_within"].format(name=node.name, duration=stated), ""
        asked = f"{match.group(1)}–{match.group(2)}" if match.group(2) else match.group(1)
        return self.r["duration_not"].format(name=node.name, duration=stated, asked=asked,
                                             unit=unit + ("" if asked == "1" else "s")), "no"

    def _total_line(self, loose: list[re.Match[str]], nodes: list[Node]) -> str:
        """'The lengths the document states for those steps add up to 10–11 years, not 12.'
        for a total the question gives after two or more steps' lengths."""
        if len(loose) != 1 or len(nodes) < 2 or any(n.duration is None for n in nodes):
            return ""
        total = sum((n.duration for n in nodes[1:] if n.duration is not None),
                    start=nodes[0].duration) if nodes[0].duration is not None else None
        asked = float(loose[0].group(1))
        if total is None or total.low <= asked <= total.high:
            return ""
        return self.r["duration_total_not"].format(total=total, asked=loose[0].group(1))

    def order_note(self, question: str, reply: Reply, text: str = "") -> str:
        """What the document says of the order of a training step asked about: 'After
        residency, radiologists may pursue fellowships' where it says so, else that it lists
        the steps in no stated order (with the steps, unless the answer `text` shows them)."""
        if not any(_has(question, w) for w in self._order_words):
            return ""
        words = question.split()
        named = [n.id for n in self._holding(question, "names", "training", "credential")]
        if any((w in self._order_words and nxt in self._pronouns and words[-1] == nxt
                and self._holding(f" {' '.join(words[max(0, i - 3):i])} ", "names", "training"))
               or (w in self._demonstratives and nxt in self._order_words)
               for i, (w, nxt) in enumerate(pairwise(words))):
            return ""  # ('and the residency after that?': the step named, asked next; 'that
            # first step': a step of the list shown, no order asked)
        step = next((self.g.node(i) for i in (*reply.entities, *named)
                     if i in self.g and self.g.node(i).type in {"training", "credential"}), None)
        fellowship = next(iter(self._holding(question, "names", "subspecialty")), None)
        if step is None:
            return self._before_fellowship(question, reply, fellowship)
        stated = self._stated_step(fellowship)
        if stated is not None and step.id not in stated.field:
            # ('right after med school I go into an IR fellowship?': the order stated is
            # the fellowship's, after residency)
            return self.r["order_stated"].format(quote=stated.sources[0].quote)
        for own in step.facts:  # the step's own stated order: 'After residency, ...'
            earlier = self.g.get(own.field.split(":", 1)[1]) if ":" in own.field else None
            if earlier is not None and earlier.type == "training":
                return self._order_stated(own.sources[0].quote, step, question, reply)
        after = any(_has(question, w) for w in self._order_after)
        said_after = ""  # (what the document says comes after the step, asked or not)
        for later in self.g.neighbours(step.id, "requires", incoming=True):
            fact = next((f for f in later.facts if f.field == f"requires:{step.id}"), None)
            asked = after or any(_has(question, t) for t in self._names[later.id])
            if fact is not None and later.type in {"training", "subspecialty"}:
                if asked:
                    return self._order_stated(fact.sources[0].quote, later, question, reply)
                said_after = said_after or fact.sources[0].quote
        careers = sorted(self.c.needed_by(step),
                         key=lambda i: (len(self.g.pathway(i).steps), self.g.order(i)))
        if not careers:
            return ""
        career = self.g.node(careers[0])
        steps = [s.label for s in self.g.pathway(career.id).steps]
        # ('and what comes before residency?': silent on before, not on after, which it
        # says: 'After residency, radiologists may pursue fellowships')
        note = self.r["order_before_unstated"].format(
            name=step.label, career=career.name, steps=", ".join(steps),
            quote=said_after.rstrip(".")) if said_after else self.r["order_unstated"].format(
            name=step.label, career=career.name, steps=", ".join(steps))
        path = self.c.pathway_line(career)  # ('what comes after med school?': every step
        # the document lists, with the lengths it states; once: not above the same steps)
        shown = normal(text)
        if not path or all(normal(label) in shown for label in steps) \
                or normal(path) in shown:
            return note
        return f"{note}\n{self.r['path_to'].format(name=career.name, path=path)}"

    def _before_fellowship(self, question: str, reply: Reply, fellowship: Node | None) -> str:
        """'How long is the IR fellowship?' then 'and before that?': what the document says
        comes before a fellowship, nothing it never says comes after one. Only of the
        fellowship named, or pointed at in a short follow-up naming nothing else (not 'before
        I commit' in a question about something else)."""
        fellowship = fellowship or next(
            (self.g.node(i) for i in reply.entities
             if i in self.g and self.g.node(i).type == "subspecialty"), None)
        stated = self._stated_step(fellowship)
        words = question.split()
        if fellowship is None or stated is None or len(words) > _POINTING_WORDS \
                or not any(_has(question, w) for w in self._preceding):
            return ""
        names = {i for m in self.understander.parse(question).alias_mentions
                 for i in m.node_ids}
        pointed = not names and any(w in self._lexicon.pronouns for w in words)
        return self.r["order_stated"].format(quote=stated.sources[0].quote) \
            if fellowship.id in names or pointed else ""

    def _stated_step(self, fellowship: Node | None) -> Fact | None:
        """The training step a fellowship's stated line puts before it ('After residency,
        radiologists may pursue fellowships'), if any."""
        return next((f for f in (fellowship.facts if fellowship else ())
                     if f.field.startswith("requires:") and f.sources
                     and self.g.get(f.field.split(":", 1)[1]) is not None
                     and self.g.node(f.field.split(":", 1)[1]).type == "training"), None)

    def _order_stated(self, quote: str, later: Node, question: str, reply: Reply) -> str:
        """'The document says: After residency, radiologists may pursue fellowships in
        subspecialties.', and when what comes after is the fellowship (none named), the ones
        it lists."""
        note = self.r["order_stated"].format(quote=quote)
        about = self.g.get(reply.entities[0]) if reply.entities else None
        if (later.id != self._fellowship_id and later.type != "subspecialty") \
                or any(n.type == "subspecialty" or n.id == self._fellowship_id
                       for n in self._holding(question, "names")) \
                or about is None or reply.intent in _ASPECTS or about.type not in {
                    "training", "credential", *CAREER_TYPES} \
                or any(self.g.node(i).type == "subspecialty"
                       for i in (*reply.listed, *reply.entities) if i in self.g):
            return note  # (an answer about a step: 'what comes after residency?')
        names = [n.name for n in self.g.of_type("subspecialty")]
        return f"{note} {self.r['fellowships_listed'].format(names=join_words(names))}"

    def unasked_aspect(self, question: str, text: str, reply: Reply) -> str:
        """What a career (or, with none, the field) is, when the answer gives an aspect (pay,
        outlook, certification, skills) the question names in no words of it."""
        cues = self._cues.get(reply.intent)
        parse = self.understander.parse(text)
        if cues is None or any(_has(question, c) for c in cues) or not parse.score(
                reply.intent) or self._asked_as_example(parse, reply.intent) or (
                reply.intent == "pay" and _MONEY.search(text)):  # ('make 500k?': pay)
            return ""  # (an aspect carried over from the conversation was asked before)
        career = next((self.g.node(i) for i in reply.entities
                       if i in self.g and self.g.node(i).type in CAREER_TYPES), None)
        if career is None and not reply.entities and self._overview is not None:
            return self.c.describe(self._overview).text
        return self.c.describe(career).text if career is not None else ""

    @staticmethod
    def _asked_as_example(parse: Parse, intent: str) -> bool:
        """The question is one of the intent's example phrasings all but word for word ('what
        do sonographers make': 'what do X make'), so it asks that aspect without a cue."""
        top = parse.intents[0] if parse.intents else None
        return top is not None and top.intent == intent and top.similarity >= _EXAMPLE_AS_ASKED

    def aspect_of_named(self, question: str, reply: Reply) -> str:
        """An aspect answered for the field as a whole when the question names what it asks
        about ('which fellowship pays the most?'): the same aspect for that node."""
        if reply.intent not in _ASPECTS or reply.entities:
            return ""
        node = next((n for n in self._holding(question, "names")
                     if n.type not in {"topic", "skill"}), None)
        if node is None:
            return ""
        answer: Answer = getattr(self.c, reply.intent)(node)
        return answer.text

    def missed_step(self, question: str, reply: Reply) -> str:
        """A list answered for a step the question names but the list is not about ('what
        specialties can the preliminary year be in?' listed the fellowships): the same
        question about that step."""
        if not reply.listed or not hasattr(self.c, reply.intent):
            return ""
        said = f" {normal(reply.text)} "
        ids = (*reply.entities, *reply.listed)
        for step in self._holding(question, "names", "training", "credential"):
            if step.id in ids:
                continue
            kin = {n.id for rel in ("kind_of", "specializes")
                   for n in self.g.neighbours(step.id, rel, incoming=True)}
            if kin & set(ids) or any(_has(said, normal(x)) for x in (step.name, step.label)):
                continue
            answer: Answer = getattr(self.c, reply.intent)(step)
            if "\n" not in answer.text.strip() and answer.text.rstrip().endswith(":"):
                return self.c.describe(step).text  # (a heading with nothing under it)
            return answer.text
        return ""

    def lacking_note(self, reply: Reply) -> str:
        """Careers a list of those that 'do not need' something leaves out because the
        document never says what training they need."""
        lacking = self.r["list_lacking"].split("{", 1)[0].strip()
        if not reply.listed or lacking not in reply.text.split("\n", 1)[0]:
            return ""
        unstated = [n.name for n in self.g.of_type(*CAREER_TYPES)
                    if n.id not in reply.listed and not self.g.pathway(n.id).steps
                    and not self.c.credentials(n)]
        if not unstated:
            return ""
        names = ", ".join(unstated[:-1]) + f" and {unstated[-1]}" if len(unstated) > 1 \
            else unstated[0]
        return self.r["training_unstated"].format(names=names)

    def count_note(self, question: str, reply: Reply) -> str:
        """'The document gives no number for that.' when a question asks how many and the
        answer neither lists nor counts anything."""
        if not any(_has(question, w) for w in self._count_words):
            return ""
        if any(_has(question, f"{w} {unit}") for w in self._count_words
               for unit in self._lexicon.sets["time_units"]):
            return ""  # ('how many yrs of school?': a length, which the answer speaks to)
        people = self._counts_people(question)
        # (only a list the answer shows: a reply whose text went to another point, skills
        # for 'how many key skills ...?', does not count the careers it first listed)
        if reply.listed and not people and all(
                i in self.g and self.g.node(i).name in reply.text for i in reply.listed):
            return self.r["count_listed"].format(count=len(reply.listed))
        if any(ch.isdigit() for ch in reply.text) and not people and any(
                _has(question, unit) for unit in self._lexicon.sets["time_units"]):
            return ""  # (a length answers 'how many years'; 'how many radiologists' it does not,
            # nor 'how many residency positions' a residency's length)
        listing = any(_has(question, w) for w in self._count_listed)
        counted = _items_counted(reply.text) if listing and not people else 0
        if counted:
            return self.r["count_listed"].format(count=counted)
        return self.r["count_unstated"]

    def _silent_head(self, question: str, reply: Reply) -> tuple[str, Reply]:
        """The note that the point asked is never covered ('will AI replace radiologists?'),
        and the reply flagged as a fallback when there is one."""
        note = self.uncovered_head(question, reply)
        return note, (replace(reply, fallback=True) if note else reply)

    def _counted(self, question: str, reply: Reply) -> tuple[str, Reply]:
        """The count note, and the reply flagged as a fallback where the number asked is
        nowhere stated."""
        count = self.count_note(question, reply)
        if count == self.r["count_unstated"]:
            reply = replace(reply, fallback=True)
        return count, reply

    def _counts_people(self, question: str) -> bool:
        """'How many radiologists are there?': the word counted names a career."""
        for phrase in self._count_words:
            _before, found, after = question.partition(f" {phrase} ")
            counted = after.split()[:2]
            if not found or not counted:
                continue
            if len(counted) > 1 and counted[1] not in self._ignore:
                continue  # ('how many sonography *specialties*': the next word is counted)
            if counted[0] in self._careers_of or (
                    counted[0].endswith("s") and counted[0][:-1] in self._careers_of):
                return True
        return False

    def compare_note(self, question: str, reply: Reply) -> str:
        """A comparison's missing row when the question asks for that aspect ('which takes
        longer?': the stated lengths of each)."""
        if reply.intent != "compare" or not reply.table:
            return ""
        rows = {row[0] for row in reply.table[1:]}
        nodes = [self.g.node(i) for i in reply.entities if i in self.g]
        lines = []
        for intent, label in _COMPARED.items():
            cues = (*self._strong_cues.get(intent, ()), *self._comparatives.get(intent, ()))
            if label in rows or not any(_has(question, c) for c in cues):
                continue
            cells = "; ".join(f"{n.name}: {self.c.cell(n, label)}" for n in nodes)
            lines.append(self.r["compare_row"].format(label=label, cells=cells))
        return "\n".join(lines)

    def criterion_note(self, question: str, reply: Reply) -> str:
        """'Academic or telemedicine, which is more flexible?': of the careers compared, the
        one whose own lines say the word they are weighed by, quoted (the table has no row for
        it). Nothing when none or all of them say it: the table shows each."""
        nodes = [self.g.node(i) for i in reply.entities if i in self.g]
        if reply.intent != "compare" or len(nodes) < 2:
            return ""
        names = {w for n in nodes for t in self._names.get(n.id, ()) for w in t.split()}
        wanted = self._content_stems(question.split(), names | self._aspect_words)
        # (an aspect has its row: 'certs')
        said = self._saying(nodes, wanted, headings=False) or self._saying(
            nodes, wanted, headings=True)  # (their own lines; else their headings' too:
        # 'radiologists are physicians who specialize in interpreting ...')
        if not said or {n.id for n, _w, _f in said} == {n.id for n in nodes}:
            return ""
        # (the same line every time: the first node's shortest, whatever order facts come in)
        node, key, fact = min(said, key=lambda x: (nodes.index(x[0]), len(x[2]), x[2]))
        return self.r["compare_said_of"].format(term=wanted[key], name=node.name,
                                                fact=fact.rstrip(".") + ".")

    def _saying(self, nodes: list[Node], wanted: Mapping[str, str],
                headings: bool) -> list[tuple[Node, str, str]]:
        """(node, the wanted stem, the line) for each line of the nodes (and, with
        `headings`, of the headings they are listed under) that says a wanted word of them,
        not of another career the line names."""
        return [(node, found, fact.text)
                for node in nodes
                for owner in ((node, *self.c.categories(node)) if headings else (node,))
                for fact in owner.facts
                if fact.field in _LINE_FIELDS and (found := _stem_in(wanted, {
                    stem(w) for w in normal(fact.text).split()}))
                and not self._done_by_other(node, found, fact.text)]

    def doers(self, line: str, word: str) -> list[str]:
        """The careers (or headings) a line gives a doing to ('... capture images that
        radiologists interpret', 'interprets' -> the radiologist)."""
        return self._doers_of(line, stem(normal(word)))

    def _doers_of(self, line: str, key: str) -> list[str]:
        """The careers (or headings) a line gives the doing of stem `key` to."""
        return [actor for actor, doing in self._predicates(normal(line).split()).items()
                if key in doing]

    def _done_by_other(self, node: Node, key: str, line: str) -> bool:
        """The line gives the doing `key` to another career it names, not to `node` (nor to
        the heading it is listed under): 'technicians ... capture images that radiologists
        *interpret*' says no technologist interprets."""
        doers = self._doers_of(line, key)
        own = {node.id, *(c.id for c in self.c.categories(node))}
        return bool(doers) and not own.intersection(doers)

    def _weighed(self, question: str, reply: Reply, text: str) -> tuple[str, Reply]:
        """What careers compared are weighed by, said first: the one whose lines say it, or
        that the document does not set one's pay above the other's (then flagged)."""
        criterion = self.criterion_note(question, reply) or self.pay_unweighed(question, reply)
        if not criterion:
            return text, reply
        if criterion.startswith(self._pay_unweighed):
            reply = replace(reply, fallback=True)
        return f"{criterion}\n{text}", reply

    def pay_unweighed(self, question: str, reply: Reply) -> str:
        """'Which pays more, sono or rad tech?': the document gives no figures, and where it
        says the same of each (or nothing of one) it does not say which pays more: said, and
        flagged as a point it does not cover. Careers whose pay lines differ (physicians 'among
        the highest compensated', technical positions 'good salaries') get those lines."""
        careers = [self.g.node(i) for i in reply.entities
                   if i in self.g and self.g.node(i).type in CAREER_TYPES]
        if len(careers) < 2 or not any(_has(question, w) for w in (
                *self._comparatives.get("pay", ()), *self._strong_cues.get("pay", ()))) \
                or not any(_has(question, w) for w in self._pay_weighing):
            return ""
        lines = {self.c.cell(n, "Pay") for n in careers}
        if len(lines) > 1 and "not stated" not in lines:
            return ""
        return self.r["pay_unweighed"].format(names=join_words([n.name for n in careers]))

    def _swapped_key(self, words: list[str]) -> str:
        """A claim tagged for agreement ('..., right?') that the line contradicts is answered
        no; a plain question ('do technicians interpret images?') gets what the line says of
        whom, the document saying nothing of them doing it."""
        return "verdict_swapped" if words and words[-1] in self._yes_no_tags \
            else "verdict_swapped_asked"

    def swapped_note(self, question: str) -> str:
        """'No: the document says: Medical imaging technicians operate the equipment and
        capture images that radiologists interpret.' for a yes/no question that gives each of
        two careers what a line of the document says of the other ('technicians interpret
        images and radiologists operate the scanners, right?'); 'Yes: ...' when it gives each
        what the line says of it."""
        words = question.split()
        if not words or not (words[0] in self._yes_no or words[-1] in self._yes_no_tags):
            return ""
        asked = self._predicates(words, related=True)
        if not asked:
            return ""
        member = self._said_of_members(asked)
        if member:
            return member
        for node, fact, line_said in self._line_predicates():  # (each read once)
            said = self._as_member(asked, line_said)  # ('do rad techs interpret images?')
            both = [a for a in asked if a in said]
            if len(both) == 1 == len(asked) and node.type in (*CAREER_TYPES, "category") \
                    and self._said_of_other(asked, said):
                # ('do technicians interpret images?': the line says who does)
                return self.r[self._swapped_key(words)].format(
                    quote=fact.text.rstrip("."))
            if len(both) < 2:
                continue
            quote = fact.text.rstrip(".")
            if all(asked[a][0] in said[a] for a in both):
                return self.r["verdict_confirmed"].format(quote=quote)
            if any(asked[a][0] not in said[a] and any(asked[a][0] in said[b]
                                                      for b in both if b != a)
                   for a in both):
                return self.r[self._swapped_key(words)].format(quote=quote)
        return ""

    def lines_sharing(self, node: Node, question: str) -> list[str]:
        """A career's own lines (duties, focus) that use a content word of the question,
        stem for stem ('I want to serve places like that': 'Serve rural or underserved
        areas')."""
        words = self._content_stems(normal(question).split()).keys()
        return [f.text.rstrip(".") + "." for f in node.facts if f.field in ("duties", "focus")
                and words & {stem(w) for w in normal(f.text).split()}]

    def _content_stems(self, words: Iterable[str],
                       also: frozenset[str] | set[str] = frozenset()) -> dict[str, str]:
        """The stems of a question's content words (not plain or asking words, not a
        career's name, nor the words in `also`), each with the word it came from."""
        return {stem(w): w for w in words if len(w) > 3 and w not in self._ignore
                and w not in self._career_words and w not in also}

    def _said_of_members(self, asked: Mapping[str, tuple[str, ...]]) -> str:
        """'Do rad techs operate the imaging equipment?': a line says it of the category the
        one career asked belongs to ('Medical imaging technicians operate the equipment ...'),
        so it is said of them as members: yes, with the line and whose it is."""
        if len(asked) != 1:
            return ""
        (actor, doing), = asked.items()
        node = self.g.get(actor)
        if node is None or node.type not in CAREER_TYPES:
            return ""
        lines = self._line_predicates()
        if len(doing) < 2 or any(doing[0] in said.get(actor, ()) for _o, _f, said in lines):
            return ""  # (its own lines say it, or too little is asked to be sure)
        for cat in self.c.categories(node):
            for _owner, fact, said in lines:
                if set(doing) <= set(said.get(cat.id, ())):
                    return self.r["verdict_member"].format(
                        category=self.c.heading(cat),
                        quote=fact.text.rstrip("."))
        return ""

    def _line_predicates(self) -> list[tuple[Node, Fact, dict[str, tuple[str, ...]]]]:
        """Every line of the graph with the careers it names and what it says they do (the
        lines do not change: read once, not on every yes/no question)."""
        if self._said_lines is None:
            self._said_lines = [(node, fact, self._predicates(normal(fact.text).split()))
                                for node in self.g for fact in node.facts
                                if fact.field in _LINE_FIELDS]
        return self._said_lines

    def _as_member(self, asked: Mapping[str, tuple[str, ...]],
                   said: Mapping[str, tuple[str, ...]]) -> Mapping[str, tuple[str, ...]]:
        """What a line says of a category, as said of the one career asked that belongs to
        it, when the line does not name the career itself ('medical imaging technicians ...
        capture images that radiologists interpret' of a radiologic technologist)."""
        if len(asked) != 1:
            return said
        actor = next(iter(asked))
        node = self.g.get(actor)
        if actor in said or node is None or node.type not in CAREER_TYPES:
            return said
        cats = [c.id for c in self.c.categories(node) if c.id in said]
        if not cats:
            return said
        return {**{k: v for k, v in said.items() if k != cats[0]}, actor: said[cats[0]]}

    @staticmethod
    def _said_of_other(asked: Mapping[str, tuple[str, ...]],
                       said: Mapping[str, tuple[str, ...]]) -> bool:
        """The one career asked is given a doing ('interpret') that the line gives another
        career it names, and not it ('technicians ... capture images that radiologists
        interpret')."""
        (actor, doing), = asked.items()
        return doing[0] not in said[actor] and any(
            doing[0] in what for other, what in said.items() if other != actor)

    def _predicates(self, words: list[str], related: bool = False) -> dict[str, tuple[str, ...]]:
        """The careers (or categories) named in `words`, each with the stems of the words after
        its name, up to the next name, that say what it does ('technicians operate the
        equipment and capture images' -> operat, equip, captur, imag)."""
        terms = self._actor_terms_related if related else self._actor_terms
        found: dict[str, list[str]] = {}
        current: list[str] | None = None
        i = 0
        while i < len(words):
            size = next((n for n in range(min(self._term_len, len(words) - i), 0, -1)
                         if " ".join(words[i:i + n]) in terms
                         or " ".join(words[i:i + n]).removesuffix("s") in terms), 0)
            if size:
                run = " ".join(words[i:i + size])
                current = found.setdefault(terms.get(run) or terms[run.removesuffix("s")], [])
                i += size
                continue
            if current is not None and len(current) < 4 and words[i] not in self._ignore \
                    and words[i] not in self._general_terms:
                current.append(stem(words[i]))
            i += 1
        return {k: tuple(v) for k, v in found.items() if v}

    def acronym_note(self, question: str, reply: Reply) -> str:
        """'The document does not spell out ARRT.' when asked what an acronym stands for and no
        line of the document gives its words ('Picture Archiving and Communication Systems
        (PACS)' does; 'Pass certification exam (ARRT)' does not)."""
        if not reply.entities or not any(_has(question, w) for w in self._expansion):
            return ""
        node = self.g.get(reply.entities[0])
        if node is None:
            return ""
        texts = [node.name, str(node.get("full_name") or ""), *(f.text for f in node.facts)]
        acronyms = dict.fromkeys(a for t in texts for a in re.findall(r"\b[A-Z]{2,6}\b", t)
                                 if _has(question, a.lower()))
        for acronym in acronyms:
            lines = [f.text for n in self.g for f in n.facts if f"({acronym})" in f.text]
            if not any(_spelled(line, acronym) for line in lines):
                return self.r["acronym_unexpanded"].format(acronym=acronym)
        return ""

    def unranked_note(self, question: str, reply: Reply) -> str:
        """'The document does not say which is better; what it says of each:' over a
        comparison asked with a word that ranks ('better', 'easier'): the document ranks none."""
        words = question.split()
        if reply.intent == "compare" and reply.table:
            word = next((w for w in words if w in self._ranking), "")
            return self.r["compare_unranked"].format(word=word) if word else ""
        if len(reply.listed) >= 2 and "which" in words and any(
                w in self._superlatives for w in words):  # ('which is the most important?')
            return self.r["list_unranked"]
        return ""

    def category_note(self, question: str, reply: Reply) -> str:
        """'The document lists Telemedicine Radiologist under Emerging Career Paths for
        Radiologists.' when a question names a category of the career it asks about."""
        career = next((self.g.node(i) for i in reply.entities
                       if i in self.g and self.g.node(i).type in CAREER_TYPES), None)
        if career is None:
            return ""
        said = f" {normal(reply.text)} "
        own = self.c.categories(career)
        placed = any(_has(question, w) for w in self._placement)  # ('where is it listed?')
        unnamed = question  # (the career's own name aside: the 'techs' of 'rad techs')
        for name in sorted(self._names[career.id], key=len, reverse=True):
            unnamed = unnamed.replace(f" {name}s ", " ").replace(f" {name} ", " ")
        for cat in own:
            shown = self.c.heading(cat)
            if (placed or any(_has(unnamed, t) for t in self._names[cat.id])) and not _has(
                    said, normal(shown)):
                return self.r["listed_under"].format(name=career.name, category=shown)
        doctor = self._doctor_category(question)  # ('is a rad tech a doctor?')
        other = next((c for c in self._holding(question, "names", "category")
                      if c not in own), None) or (doctor if doctor not in own else None)
        others_named = any(n.id != career.id for n in self._holding(  # ('more than rad
            unnamed, "names", *CAREER_TYPES))  # techs' compares; the 'radiologist' of
        # 'telemedicine radiologist' is its own name)
        words = question.split()  # (a claim tagged 'right?' / 'correct?' asks as well)
        asks_yes_no = bool(words) and (words[0] in self._yes_no or words[-1] in
                                       self._yes_no_tags) and not any(
            _has(question, w) for w in self._need_words)  # ('do both radiologists and techs
        # need continuing education?' asks what each needs, not where one is listed)
        if doctor is not None and doctor in own and asks_yes_no and not others_named \
                and " or " not in question and not _has(said, normal(doctor.name)):
            return self.r["listed_under_yes"].format(  # ('is a radiologist a doctor?')
                name=career.name, category=self.c.heading(doctor))
        # ('is the AI specialist a doctor?': listed under paths *for radiologists*; 'is a
        # research scientist a doctor?': under a heading of the radiologist's)
        for_doctors = doctor is not None and other is doctor and (any(
            doctor in self.c.categories(n) for c in own
            for n in self.g.neighbours(c.id, "paths_for")) or self._under_heading(
                career, doctor))
        if other is not None and own and len(reply.entities) == 1 and not others_named \
                and asks_yes_no:  # ('who operates it, the radiologist or the technician?')
            if " or " in question or for_doctors:  # ('is it a technical role or an
                # industry role?': which one, no yes or no)
                return self.r["listed_under"].format(
                    name=career.name, category=self._narrowest(own))
            return self._listed_path(career, other) or self.r["listed_under_not"].format(
                name=career.name, category=self._narrowest(own),
                other=self.c.heading(other))
        return ""

    def _listed_path(self, career: Node, category: Node) -> str:
        """'Can radiologists work in academia?': not listed there themselves, but a path
        that needs them is ('Yes: the document lists Academic Radiologist under Academic and
        Research Careers.'); '' when none is."""
        path = next((c for c in self.g.neighbours(category.id, "in_category", incoming=True)
                     if career in self.g.neighbours(c.id, "requires")), None)
        return "" if path is None else self.r["listed_under_yes"].format(
            name=path.name, category=self.c.heading(category))

    def _under_heading(self, node: Node, category: Node) -> bool:
        """The document places `node`'s lines under the heading `category` stands for
        (Research Scientist under Radiologist › Physician Training Pathway): no plain 'not
        under' it, whatever headings the graph files the node by."""
        heading = category.section or ""
        return bool(heading) and any(
            heading in (p.strip() for p in src.section.split(">"))
            for f in node.facts for src in f.sources)

    def _narrowest(self, cats: Sequence[Node]) -> str:
        """The heading a career is listed under most narrowly (the fewest careers: the
        telemedicine radiologist under Emerging Career Paths for Radiologists, not the
        physician careers that heading is part of), as shown."""
        cat = min(cats, key=lambda c: (len(self.c.members(c)), self.g.order(c.id)))
        return self.c.heading(cat)

    def _doctor_category(self, question: str) -> Node | None:
        """The category a word for a doctor names ('doctor', 'physicians'), as the graph
        looks it up (its singular by its plural: 'doctor' by 'doctors'), when the question
        ends asking it ('is a rad tech a doctor?'; not 'does the doc say ...?')."""
        words = question.split()
        tags = 1 if words[-1:] and words[-1] in self._yes_no_tags else 0
        for word in words[max(0, len(words) - 1 - tags):len(words) - tags]:
            if word in self._doctor_words:
                node = self.g.lookup(word) or self.g.lookup(f"{word}s")
                if node is not None and node.type == "category":
                    return node
        return None

    def membership_note(self, question: str, reply: Reply) -> str:
        """'Is the AI specialist listed under technician careers?' answered with the list of a
        category: whether the one career the question names is in it, and where the document
        lists it instead ('No: ... under Emerging Career Paths for Radiologists, not under ...')."""
        words = question.split()
        asks = bool(words) and (words[0] in self._yes_no or words[-1] in self._yes_no_tags)
        cat = self.g.get(reply.entities[0]) if len(reply.entities) == 1 else None
        if not asks or cat is None or cat.type != "category":
            return ""
        named = [i for i in self._careers_named(self._masked(question, "", ()))
                 if not self._linked(i, (cat.id,)) or i in reply.listed]
        named = [i for i in named if not any(  # ('nuclear medicine' inside the technologist)
            o != i and any(_has(f" {t} ", n) for t in self._names[o] for n in self._names[i])
            for o in named)]
        if len(named) != 1:
            return ""
        career = self.g.node(named[0])
        own = self.c.categories(career)
        shown = self.c.heading(cat)
        if cat in own or career.id in reply.listed:
            return self.r["listed_under_yes"].format(name=career.name, category=shown) + \
                "\n" + self.c.what(career)
        if not own:
            return ""
        return self._listed_path(career, cat) or self.r["listed_under_not"].format(
            name=career.name, category=self._narrowest(own),
            other=shown) + "\n" + self.c.what(career)

    def careers_with(self, question: str, reply: Reply) -> tuple[str, tuple[str, ...]]:
        """'Which careers involve ultrasound?' answered with every career the document states
        the term of, instead of the whole list of careers; and the careers it lists (what
        the next question may point at)."""
        if self._careers_of_thing(question, reply) or self._none_listed(reply):
            return self._careers_linked(self.g.node(reply.entities[0]))
        if not self._every_career(reply):
            return "", ()  # only the plain list of every career, or what a thing is, gives way
        found = [(node, t) for node in self._holding(question, "stated", *CAREER_TYPES)
                 for t in self._stated[node.id] if _has(question, t)
                 and t not in self._general_terms]
        if not found:  # a skill or credential it names ('do careers need attention to detail?')
            if any(w in self._blockers for w in question.split()):
                return "", ()  # ('careers that don't involve patient care': the list answers)
            return self._instead_of_every_career(question), ()
        seen: dict[str, tuple[Node, str]] = {}
        for node, term in found:
            seen.setdefault(node.id, (node, term))
        lines = [self.r["careers_with_term"].format(term=found[0][1])]
        lines += [f"• {node.name}: {self.fact_with(node, term).rstrip('.')}"
                  for node, term in seen.values()]
        return "\n".join(lines), tuple(seen)

    def _listing_careers(self, reply: Reply, careers: tuple[str, ...]) -> Reply:
        """A reply about a thing ('who manages it?' of PACS) answered with the careers it is
        said of: one career is what 'that person' is next; several are a list to pick from."""
        if not careers or any(e in self.g and self.g.node(e).type in CAREER_TYPES
                              for e in reply.entities):
            return reply
        return replace(reply, entities=(*careers, *reply.entities)) if len(careers) == 1 \
            else replace(reply, listed=careers)

    def _instead_of_every_career(self, question: str) -> str:
        """What a question answered with the plain list of every career asks instead: a
        skill, credential or topic it names ('which skills does the guide list?'), the
        careers the document names a certification for, the careers whose lines say what it
        asks ('which jobs bridge clinical and IT?'), or, for a question on something the
        document never covers, what it does cover."""
        thing = next((n for n in self.g.of_type("skill", "credential", "topic")
                      if n.id not in self._general
                      or any(_has(question, t) for t in self._names[n.id])
                      if any(_has(question, t) for t in self._stated[n.id])), None)
        if thing is not None and thing.type == "topic" and any(
                _has(question, c) for c in self._cues.get("skills", ())):
            return self.c.skills(None).text
        if thing is not None:
            return self.c.describe(thing).text
        if any(_has(question, c) for c in self._cues.get("certification", ())):
            lines = [f"• {n.name}: {self.c.certification(n).text}"
                     for n in self.g.of_type(*CAREER_TYPES)
                     if any(self._linked(c.id, (n.id,)) for c in self.c.credentials(n))]
            if lines:
                return "\n".join([self.r["careers_certified"], *lines])
        stating = self._careers_stating(question)
        if stating:
            return stating
        if self.uncovered(question, question) and not self._lists_plainly(question):
            return self.r["coverage"]
        return ""

    def _lists_plainly(self, question: str) -> bool:
        """The question asks for a list from its first listing word on, with no word the
        document lacks there ('plumber here, *what radiology jobs are there*?'): the words it
        lacks told about the person."""
        words = question.split()
        at = next((i for i, w in enumerate(words) if w in self._listing), None)
        if at is None:
            return False
        rest = " ".join(words[at:])
        return at == 0 or not self.uncovered(rest, rest)

    def _careers_linked(self, thing: Node) -> tuple[str, tuple[str, ...]]:
        """The careers the graph links a thing to (PACS: the informatics specialist), each
        with its line that names the thing; and those careers."""
        careers = tuple(dict.fromkeys(
            n for n in (*self.g.neighbours(thing.id, incoming=True), *self.g.neighbours(
                thing.id)) if n.type in CAREER_TYPES))
        if not careers:
            return "", ()
        lines = [self.r["careers_with_term"].format(term=thing.name)]
        for career in careers:
            own = thing.summary if any(_has(f" {normal(thing.summary)} ", t)
                                       for t in self._names[career.id]) else ""
            fact = own or next((f for t in self._names[thing.id]
                                if (f := self.fact_with(career, t))
                                and _has(f" {normal(f)} ", t)), self.c.what(career))
            lines.append(f"• {career.name}: {fact.rstrip('.')}")
        return "\n".join(lines), tuple(c.id for c in careers)

    def _careers_of_thing(self, question: str, reply: Reply) -> bool:
        """The question asks which careers ('which careers involve PACS?', 'who works with
        PACS?') and the reply is about a thing that is no career."""
        words = question.split()
        node = self.g.get(reply.entities[0]) if len(reply.entities) == 1 else None
        return bool(words) and node is not None and not reply.listed and node.type in {
            "credential", "concept"} and (
            words[0] == "who" or (words[0] in self._listing and len(words) > 1
                                  and words[1] in self._listing_nouns))

    def _none_listed(self, reply: Reply) -> bool:
        """'The document names no careers that need continuing education.' although a career
        is linked to it another way (continuing education maintains the technologists'
        licence): the careers linked to it answer."""
        none = self.r.get("list_none", "").split("{", 1)[0]
        return reply.intent == "list_careers" and not reply.listed and len(reply.entities) == 1 \
            and bool(none) and reply.text.startswith(none) and reply.entities[0] in self.g

    def _every_career(self, reply: Reply) -> bool:
        """The reply is the plain list of every career (nothing asked narrowed it)."""
        if self._careers is None:
            self._careers = frozenset(n.id for n in self.g.of_type(*CAREER_TYPES))
        return reply.intent == "list_careers" and not reply.entities and \
            set(reply.listed) == self._careers

    def fact_with(self, node: Node, term: str) -> str:
        """The fact of `node` that says `term` ('Investigate applications of AI ...'), else
        what the node is."""
        for field_name in ("focus", "duties", "statements", "summary"):
            for fact in node.facts:
                if fact.field == field_name and _has(f" {normal(fact.text)} ", term):
                    return fact.text
        what = self.c.what(node)
        return what[len(node.name) + 2:] if what.startswith(node.name + ": ") else what

    def verdict(self, question: str, typed: str, reply: Reply, text: str, said: str,
                elsewhere: bool) -> str:
        """'Yes.', 'No.' or 'The document does not say so.' to open the answer to a yes/no
        question: what a note found (a length or credential the document states otherwise),
        else yes where the answer states the question's own words of what it asks about,
        close together and in the question's order; unsaid where they are stated of another
        career instead. Nothing where that is unsure (a limiting word: 'only', 'not')."""
        words = question.split()
        if not words or not (words[0] in self._yes_no or words[-1] in self._yes_no_tags):
            # ('ultrasound tech vs sonographer, same thing?': asks whether two are one)
            return self._same_thing(question, reply)
        if any(_has(question, w) for w in self._optional):
            return self._optional_verdict(question, text)
        if said:
            return self.r[f"verdict_{said}"]
        ordered = self._order_verdict(question) or self._contradicted(question, text, reply)
        if ordered:  # ('does the IR fellowship come before residency?': the order stated;
            return ordered  # 'lowest paid, right?': 'among the highest'; 'only infants?')
        if self._length_unconfirmed(question, text):
            return self.r["verdict_loose"]  # ('is there a two year fellowship in neuro?')
        said_so = f" {normal(text)} "
        rank = [w for i, w in enumerate(words) if self._superlative(w)
                and not (i >= 2 and f" {' '.join(words[i - 2:i + 1])} " in said_so)]
        if rank:  # 'the highest paid': the document says 'among the highest' at most (a
            # question in its words, 'among the highest', is checked as any other)
            return self.r["verdict_loose"] if any(_has(said_so, w) for w in rank) else ""
        same = self._same_thing(question, reply)
        # ('does the intern year *have to be* in radiology?': what the step must be, which a
        # line naming the step does not settle)
        if any(_has(question, f"{w} be") for w in self._need_words) or " or " in question:
            return ""  # (nor 'before or after residency?': a choice, not a yes or a no)
        body = words[:-1] if words[-1:] and words[-1] in self._yes_no_tags else words
        step = "" if same else self._step_needed(question, reply, universal=True)
        if step:  # ('do all radiologists do a fellowship?', 'radiologists don't need a
            return step  # residency, right?': whether the document lists the step)
        if same or any(w in self._blockers for w in body) or (
                reply.listed and text.startswith(reply.text)):
            return same  # (a list answers 'are there careers that don't need ...?' itself)
        needed = self._step_needed(question, reply) or self._may_verdict(question, text)
        if needed:
            return needed
        needs = self._asks_need(question)
        shown = [] if needs else [  # ('is it an academic career?'; but a heading's name
            self.c.heading(c) for i in reply.entities[:1] if i in self.g  # states no need:
            for c in self.c.categories(self.g.node(i))]  # 'do AI specialists need to be
        listed = self.r["listed_under"].split("{", 1)[0]  # radiologists?')
        lines = [[self._key(w) for w in normal(line).split()]
                 for line in (*text.split("\n"), *shown)
                 if not (needs and line.startswith(listed))]
        # A node the question names by an alias ('continuing ed') that the answer states by
        # its name ('continuing education is required') is said, whatever the alias's words.
        # (stated as needed: 'continuing education is *required*', not 'Breast Imaging is a
        # radiology fellowship subspecialty' for 'do I need a fellowship to read mammograms?')
        named = tuple(i for m in self.understander.parse(question).alias_mentions
                      for i in m.node_ids[:1] if i in self.g and i not in reply.entities
                      and any(_in_order(
                          [stem(w) for w in normal(self.g.node(i).name).split()], line)
                          and self._need_keys.intersection(line) for line in lines))
        content: list[str] = []
        # as respelled, as typed ('safely', not 'safety'), and in the words the source uses
        # for the keywords it says in others ('heart imaging': 'cardiac imaging')
        # (not for a need question: what a line includes is no requirement)
        synonymous = "" if any(_has(question, w) for w in self._need_words) else \
            self._as_stated(question, reply)
        if not synonymous:  # (a need question: what a line requires, not what it is for)
            lines = [self._required_part(line) for line in lines]
        for asked in dict.fromkeys(a for a in (question, typed, synonymous) if a):
            content = self._content(asked, replace(reply, entities=(*reply.entities, *named)))
            if not content:  # 'is attention to detail important?': a skill the document lists
                skill = reply.entities[:1] and self.g.get(reply.entities[0])
                return self.r["verdict_yes"] if named or (skill and skill.type == "skill") \
                    else ""
            if any(_in_order(content, line) for line in self._aspect_lines(reply, lines)):
                return self._unsure_yes(question, content, text, shown)
        return self._verdict_missing(reply, content, lines, elsewhere)

    def _aspect_lines(self, reply: Reply, lines: list[list[str]]) -> list[list[str]]:
        """The lines that may confirm a yes: for a question of pay, only a line of pay ('do
        residents get a salary?' is not confirmed by 'mentor residents and fellows')."""
        if reply.intent != "pay":
            return lines
        cues = {self._key(w) for c in self._strong_cues.get("pay", ()) for w in c.split()}
        return [line for line in lines if cues.intersection(line)]

    def _verdict_missing(self, reply: Reply, content: list[str], lines: list[list[str]],
                         elsewhere: bool) -> str:
        """The verdict when the answer's lines do not hold the question's words in order:
        said of another career instead, said by a line of the node the answer leaves out,
        or not in those words (nothing when every word is there)."""
        stated = {w for line in lines for w in line}
        heads = {w[:6] for w in stated if len(w) >= 6}
        missing = [w for w in content if w not in stated and w[:6] not in heads]
        if elsewhere and [w for w in missing if not any(
                len(s) >= _INFLECTED and inflection(w, s) for s in stated)]:
            # said of another career instead ('breast ultrasound'), not also of this one
            # ('vascular ultrasound': 'specialize in cardiac, vascular, ... ultrasound')
            return self.r["verdict_unsaid"]
        if missing:  # a line of the node the answer leaves out may say it ('technical
            own = self._own_line_stating(reply, content)  # positions offer ... opportunities
            if own:  # for specialization')
                return self.r["verdict_confirmed"].format(quote=own.rstrip("."))
        return self.r["verdict_loose"] if missing else ""

    def _own_line_stating(self, reply: Reply, content: list[str]) -> str:
        """A line of the answer's node (any of its facts: its pay too) holding every content
        word of the question in order; '' when none."""
        node = self.g.get(reply.entities[0]) if reply.entities else None
        if node is None or not content:
            return ""
        # (its lines and pay: a relation's fact states an id, its section a heading)
        said = (f for f in node.facts if f.field in (*_LINE_FIELDS, "pay"))
        for fact in sorted(said, key=lambda f: (f.field != "summary", len(f.text), f.text)):
            if _in_order(content, [self._key(w) for w in normal(fact.text).split()]):
                return fact.text  # (its summary first, then the shortest: the same each run)
        return ""

    def _order_verdict(self, question: str) -> str:
        """'No: the document says: After residency, radiologists may pursue fellowships.' for
        a question putting two steps in the order the document states the other way round
        ('does the IR fellowship come before residency?'); 'Yes: ...' for the order it
        states. Nothing where it states no order between them."""
        words = question.split()
        body = words[:-1] if words[-1:] and words[-1] in self._yes_no_tags else words
        if " or " in question or any(w in self._blockers or w in self._listing for w in body) \
                or any(_has(question, w) for w in self._need_words):
            return ""  # (which of two, 'mandatory after residency', 'only three options
            # after residency', 'list the fellowships after residency': not the order asked)
        named = self._steps_at(self._digits(question))[:_MAX_LENGTHS]
        for (a_at, a), (b_at, b) in pairwise(named):
            between = words[a_at[1] + 1:b_at[0]]
            before = any(w in self._order_before for w in between)
            after = any(w in self._order_after for w in between)
            if before == after:
                continue
            for later, earlier, a_later in ((a, b, True), (b, a, False)):
                quote = self._stated_after(later, earlier)
                if quote:  # (a said before b: true when b is the later one)
                    agrees = (before and not a_later) or (after and a_later)
                    return self.r["verdict_confirmed" if agrees else "verdict_swapped"].format(
                        quote=quote.rstrip("."))
        return ""

    def _claim_negated(self, question: str) -> bool:
        """A claim holding a negation or a choice ('jobs aren't declining, right?', 'growing
        or shrinking?'): no single line says it no. A question opening with one asks the claim
        itself ('isn't sonography just for pregnant women?')."""
        words = question.split()
        if words and any(_has(f" {words[0]} ", w) for w in self._claim_negations):
            words = words[1:]
        body = f" {' '.join(words)} "
        return " or " in body or any(_has(body, w) for w in self._claim_negations)

    def _contradicted(self, question: str, text: str, reply: Reply | None = None) -> str:
        """The no a claim gets from a line contradicting it, or '': a yes/no claim, or one
        reported ('I heard ...', 'my friend says ...'); the line is the answer's, or one of
        its node's own ('lowest paid?' answered by what a radiologist is: their pay line)."""
        words = question.split()
        reported = any(w in self._reporting for w in words[:_REPORT_REACH])
        if not words or not (words[0] in self._yes_no or words[-1] in self._yes_no_tags
                             or reported):
            return ""
        denied = self._denied_need(question, text)
        if denied or not (self._limits.intersection(words) or any(
                _has(question, claimed) for claimed in self._opposites)):
            return denied  # (no word either other check reads: nothing to gather)
        node = self.g.get(reply.entities[0]) if reply is not None and reply.entities else None
        own = "\n".join([*(f.text for f in node.facts if f.field in (*_LINE_FIELDS, "pay")),
                         self.c.pay(node).text]) if node is not None else ""  # (pay: its
        # category's line where it has none of its own)
        said = {normal(k): v for k, v in node.synonyms.items()} if node is not None else {}
        return self._opposed_verdict(question, f"{text}\n{own}") or self._limited_verdict(
            question, f"{text}\n{own}", said)

    def _denied_need(self, question: str, text: str) -> str:
        """'No: the document says: For radiologic technologists, continuing education is
        required for license maintenance.' for a claim that a career does not need what a
        line of the answer states of it ('rad techs don't need continuing education, right?',
        'sales reps don't need technical knowledge, right?')."""
        words = question.split()
        at = self._need_denied_at(words)
        steps = set(self._holding(question, "names", "training", "credential"))
        if at is None or any(steps.intersection(self.g.pathway(c).steps)
                             for c in self._careers_named(question)):
            return ""  # (a step of the path named: whether it lists it, `_step_needed`)
        claimed = [self._key(w) for w in words[at + 1:at + 5]
                   if w not in self._ignore and w not in self._yes_no_tags and len(w) > 2][:2]
        if not claimed:
            return ""
        for line in text.split("\n"):
            for sentence in _SENTENCE.split(line):
                if _in_order(claimed, [self._key(w) for w in normal(sentence).split()]):
                    return self.r["verdict_swapped"].format(quote=sentence.strip().rstrip(".:"))
        return ""

    def _need_denied_at(self, words: Sequence[str]) -> int | None:
        """Where a question says something is not needed ('don't *need*', 'do not *require*')."""
        return next((i for i in range(1, len(words)) if words[i] in self._need_words
                     and self._not_words.intersection(words[max(0, i - 2):i])), None)

    def _opposed_verdict(self, question: str, text: str) -> str:
        """'No: the document says: Physician radiologists rank among the highest compensated
        specialists.' for a claim ('among the lowest paid, right?') whose word a sentence of
        the answer contradicts (the document's opposites, in the knowledge's data)."""
        if self._claim_negated(question):
            return ""
        for claimed, opposite in self._opposites.items():
            if not _has(question, claimed):
                continue
            for line in text.split("\n"):
                for sentence in _SENTENCE.split(line):
                    said = f" {normal(sentence)} "
                    if any(_has(said, w) for w in opposite) and not _has(said, claimed):
                        return self.r["verdict_swapped"].format(quote=sentence.rstrip(".:"))
        return ""

    def _limited_verdict(self, question: str, text: str,
                         synonyms: Mapping[str, str] | None = None) -> str:
        """'No: the document says: Breast Imaging: mammography, breast ultrasound, and breast
        MRI.' for a claim limiting a thing to one item ('breast imaging is only mammography,
        right?') that a line lists among others, the item ending its own part of the list
        and not the last part ('... or abdominal ultrasound' shares its head word)."""
        words = question.split()
        at = next((i for i, w in enumerate(words) if w in self._limits), None)
        if at is None or self._claim_negated(question) or any(
                w in self._limit_exempt for w in words[:at]):
            return ""  # ('with just an associate?': enough, not limited)
        said = synonyms or {}
        claimed = {self._key(normal(said.get(w, w))) for w in words[at + 1:at + 5]
                   if len(w) > 3 and w not in self._ignore}  # (in the document's word:
        if not claimed:  # 'pregnant' is 'obstetric', 'mammograms' 'mammography')
            return ""
        for line in text.split("\n"):
            for sentence in _SENTENCE.split(line):
                items = [normal(i).split() for i in _ITEMS.split(sentence)]
                if len(items) >= 2 and any(
                        item and self._key(item[-1]) in claimed for item in items[:-1]):
                    return self.r["verdict_swapped"].format(quote=sentence.rstrip(".:"))
        return ""

    def _stated_after(self, later: Node, earlier: Node) -> str:
        """The line stating that `later` comes after `earlier` ('After residency, ...'), if any
        (a fellowship's kinds share the fellowship's line)."""
        return next((q for node in (later, *self.g.neighbours(later.id, "kind_of"))
                     if (q := self.c.order_quote(node, earlier))), "")

    def _may_verdict(self, question: str, text: str) -> str:
        """'A mandatory 2 year fellowship, is that right?': a thing claimed to be needed that
        a line says one *may* do is said no, with the line (a claim only: 'do I need a
        fellowship to read mammograms?' gets what the lines say)."""
        words = question.split()
        if not words or words[-1] not in self._yes_no_tags \
                or not any(_has(question, w) for w in self._need_words):
            return ""
        subject = {w for n in self._holding(question, "names", *CAREER_TYPES)  # (what the
                   for t in self._names[n.id] for w in t.split()}  # career needs is asked,
        for sentence, words in self._sentences_asked(  # not what else it may do)
                question, text, (*self._need_words, *subject), _SENTENCE_OR_LEAD):
            if any(w in self._optional_words for w in words):
                return self.r["verdict_swapped"].format(quote=sentence.rstrip(".:"))
        return ""

    def _sentences_asked(self, question: str, text: str, drop: Iterable[str],
                         ends: re.Pattern[str]) -> Iterator[tuple[str, list[str]]]:
        """The sentences (split at `ends`) of the answer's lines, then of the lines of what
        the question names, that hold a content word of the question (the words in `drop`
        aside), each with its normalised words."""
        asked = set(self._content_stems(question.split(), frozenset(drop)))
        named = [n.summary for n in self._holding(question, "names") if n.summary]
        for line in (*text.split("\n"), *named):
            for sentence in ends.split(line):
                words = normal(sentence).split()
                if asked & {stem(w) for w in words}:
                    yield sentence, words

    def _optional_verdict(self, question: str, text: str) -> str:
        """'Is ARRT optional for rad techs?': never a yes (the document calls nothing
        optional); no where a line of the answer says the thing asked is required
        ('continuing education is required ...'), else that the document does not say so."""
        for sentence, words in self._sentences_asked(question, text, self._optional,
                                                     _SENTENCE):
            if {self._key(w) for w in words} & self._need_keys:
                return self.r["verdict_swapped"].format(quote=sentence.rstrip("."))
            if any(w in self._optional_words for w in words):
                return ""  # ('radiologists *may* pursue fellowships': the line says)
        return self.r["verdict_optional"]

    def _required_part(self, line: list[str]) -> list[str]:
        """A line's words up to what a requirement is for ('continuing education is
        required | for license maintenance'): a need question's 'license' is no thing the
        line says is required."""
        for at, word in enumerate(line[:-1]):
            if word in self._need_keys and line[at + 1] in self._purpose_keys:
                return line[:at + 1]
        return line

    def _length_unconfirmed(self, question: str, text: str) -> bool:
        """A length asked about ('a two year fellowship in neuroradiology?') that the answer
        does not state: no verdict can rest on the other words."""
        found = _ASKED_LENGTH.search(question)
        if found is None:
            return False
        number = found.group(1)
        digits = str(self._lexicon.numbers.get(number, number))
        said = normal(text)
        return not any(f"{digits}{gap}{unit}" in said for gap in (" ", "-", "")
                       for unit in ("year", "month", "week"))

    def _unsure_yes(self, question: str, content: list[str], text: str,
                    shown: Sequence[str] = ()) -> str:
        """'Yes.' where the answer's lines state the question's words, unless the yes would
        say more than they do: a thing asked to exist by words that are not its name
        ('is there a cardiac radiology fellowship?': cardiac imaging is part of thoracic
        radiology), or one of the line's alternatives asked as required ('does a rad tech need
        a bachelor's degree?': an associate or bachelor's degree)."""
        words = question.split()
        said = len(content) >= 2 and any(  # ('is there growing demand for imaging services?':
            _in_order(content, [self._key(w) for w in normal(line).split()])  # said so)
            for line in text.split("\n"))
        if " ".join(words[:2]) in self._existence and not said:
            return self.r["verdict_loose"]
        if any(w in self._dealing for w in words):
            return self.r["verdict_loose"]  # ('do radiologists *see* patients?')
        needs = any(_has(question, w) for w in self._need_words)
        if needs and any(_has(f" {normal(line)} ", w) for line in text.split("\n")
                         for w in self._optional_words):
            return self.r["verdict_loose"]  # ('is a fellowship required?': radiologists *may*)
        filed = {self._key(w) for name in shown for w in normal(name).split()}
        if any(self._key(w) in content and nxt in self._role_words and self._key(w) not in filed
               and (not after or after in self._ignore or after in self._yes_no_tags)
               # (not 'drives *job growth*': a word naming what the role word qualifies)
               for w, nxt, after in zip(words, words[1:], [*words[2:], ""], strict=False)):
            return self.r["verdict_loose"]  # ('is informatics a *clinical role*?': a kind of
            # role the document never files it under, whatever words its lines share)
        if " or " in question or not any(_has(question, w) for w in self._need_words):
            return self.r["verdict_yes"]
        for line in normal(text).split("\n"):
            parts = line.split()
            at = [i for i, w in enumerate(parts) if w == "or"]
            near = {self._key(w) for i in at for w in parts[max(0, i - 1):i + 2]}
            if near.intersection(content):
                return self.r["verdict_loose"]
        return self.r["verdict_yes"]

    def _as_stated(self, question: str, reply: Reply) -> str:
        """The (padded, normalised) question with each declared synonym of a keyword of the
        answer's nodes put as the keyword the source says ('does thoracic radiology include
        heart imaging?': 'cardiac imaging'), a word doubled by that said once."""
        pairs = sorted(((normal(form), normal(head)) for i in reply.entities if i in self.g
                        for form, head in self.g.node(i).synonyms.items()),
                       key=lambda pair: -len(pair[0]))
        for form, head in pairs:
            if form and head and form != head:
                for shown in (f"{form}s", form):
                    question = question.replace(f" {shown} ", f" {head} ")
        words = question.split()
        kept = [w for i, w in enumerate(words) if not i or w != words[i - 1]]
        return f" {' '.join(kept)} "

    def _path_for(self, node: Node, reply: Reply) -> bool:
        """`node` is listed under a category named as paths for the answer's career
        ('Emerging Career Paths for Radiologists' of a radiologist)."""
        asked = [normal(self.g.node(i).name) for i in reply.entities[:1] if i in self.g]
        return bool(asked) and any(
            _has(f" {normal(str(c.get('full_name') or c.name))} ", asked[0])
            for c in self.c.categories(node))

    def _asks_need(self, question: str) -> bool:
        """A yes/no question whether something is needed ('do I need ...?', '... required?')."""
        words = question.split()
        return bool(words) and (words[0] in self._yes_no or words[-1] in self._yes_no_tags) \
            and any(_has(question, w) and not _has(question, f"{w} be")
                    for w in self._need_words) and " or " not in question

    def _superlative(self, word: str) -> bool:
        """'highest', 'largest', 'easiest': a word in -est made from a known word."""
        if len(word) < 6 or not word.endswith("est"):
            return False
        body = word[:-3]
        return any(self._known(b) and b in self._doc | self._ignore for b in (
            body, f"{body}e", body[:-1], f"{body[:-1]}y") if len(b) >= 3)

    def _key(self, word: str) -> str:
        """A word as a verdict compares it: its stem, but a word of a career's name as itself
        ('technologists' is no form of 'technology', which Snowball stems alike)."""
        single = word[:-1] if word.endswith("s") else word
        return single if single in self._career_words else stem(word)

    def _content(self, question: str, reply: Reply) -> list[str]:
        """The stems of the words of a (padded, normalised) yes/no question that say what it
        asks of the answer's nodes: without their names, the opening word and plain words."""
        words = question.split()
        question = f" {' '.join(words[1:] if words and words[0] in self._yes_no else words)} "
        own: set[str] = set()
        for node_id in reply.entities:
            for name in sorted(self._names.get(node_id, ()), key=len, reverse=True):
                for form in (name, f"{name}s"):
                    question = question.replace(f" {form} ", " ")
            if node_id in self.g:  # the words of its own name ('research'), not its aliases'
                own.update(stem(w) for w in normal(self.g.node(node_id).name).split())
        return [self._key(w) for w in question.split() if w not in self._ignore
                and w not in self._yes_no_tags and w not in self._general_terms
                and stem(w) not in own]

    def _step_needed(self, question: str, reply: Reply, universal: bool = False) -> str:
        """'Is the internship required for radiology?': whether the document lists that step
        among a career's steps (yes), or lists steps for it without that one (then what the
        step's own line says: 'radiologists may pursue fellowships'). With `universal`, also
        'do all radiologists do a fellowship?', and a claim denied ('don't need a residency,
        right?') gets 'No' for a step the document lists; 'only', 'instead' and the like ask
        something else (nothing)."""
        words = (*self._need_words, *(self._universal if universal else ()))
        if not any(_has(question, w) and not _has(question, f"{w} be") for w in words):
            return ""  # ('does the intern year *have to be* in radiology?' asks what it is)
        denied = any(_has(question, w) for w in self._claim_negations)
        if universal and not any(_has(question, w) for w in self._need_words):
            said = [i for i, w in enumerate(question.split()) if w in self._universal]
            at = [span[0] for span, _n in self._steps_at(self._digits(question))]
            if not said or not at or min(at) < min(said):  # ('do *all* radiologists do a
                return ""  # fellowship?'; not 'the prelim year is *always* surgery')
        if universal and any(_has(question, w) for w in self._blockers
                             if w not in self._claim_negations and w not in self._universal
                             and w not in self._need_words and w not in self._yes_no_tags):
            return ""
        steps = self._holding(question, "names", "training")
        careers = [self.g.node(i) for i in reply.entities
                   if i in self.g and self.g.node(i).type in CAREER_TYPES]
        if len(steps) != 1:
            return ""
        step = steps[0]
        if not careers:  # 'for radiology': the career the step is needed by, else linked to
            holders = sorted(self.c.needed_by(step), key=self.g.order) or [
                n.id for n in self.g.neighbours(step.id, "requires")
                if n.type in CAREER_TYPES]
            careers = [self.g.node(holders[0])] if holders else []
        if not careers or not self.g.pathway(careers[0].id).steps:
            return ""
        career = careers[0]
        label = str(step.get("full_name") or step.name)
        label = label[:1].lower() + label[1:] if label[1:2].islower() else label
        if step in self.g.pathway(career.id).steps:
            return self.r["verdict_step_listed_denied" if denied else "verdict_step_listed"].format(
                step=label, career=career.name)
        if step in self.g.neighbours(career.id):
            return ""  # (continuing education keeps their license: the career's own line says)
        return self.r["verdict_step_unlisted"].format(step=label, career=career.name,
                                                      summary=step.summary)

    def uncovered_head(self, question: str, reply: Reply) -> str:
        """'The source document does not say whether AI will replace a radiologist.' for a
        question asking what the source never covers ('replace') that was answered with an
        aspect it does cover (the outlook): the point asked is said to be silent first."""
        word = next((w for w in question.split() if w in self._uncovered_words
                     and w in self._asking), None)
        if word is None or not any(reply.text.startswith(p) for p in self._silent):
            return ""  # (only where the answer says it is silent on some other aspect, which
            # a cue word of that aspect led to: 'replace' read as the outlook)
        named = self._holding(question, "names", *CAREER_TYPES)
        node = named[0] if named else next(
            (self.g.node(i) for i in reply.entities if i in self.g), None)
        if node is None:
            return ""
        name = " ".join(w if w.isupper() else w.lower() for w in node.name.split())
        who = article(name) if node.type == "role" else name
        subject = self.r["being"].format(who=who) if node.type == "role" else name
        what = self._lexicon.uncovered[word].format(subject=subject, who=who)
        said = normal(reply.text)
        if normal(what) in said or any(normal(self._lexicon.uncovered[word].format(
                subject=s, who=w)) in said for s, w in ((self.r["field_subject"],
                                                         self.r["field_people"]),)):
            return ""
        if _has(f" {normal(reply.text.split('.', 1)[0])} ", word):
            return ""  # (the answer opens by saying so already)
        return self.r["silent"].format(what=what)

    def figure_note(self, question: str, reply: Reply) -> str:
        """A sum of money asked about ('radiologists make about $100,000 a year, right?')
        but answered with something else: what the document says of the pay (it gives no
        figures), above what the answer says."""
        if not _MONEY.search(question) or reply.intent == "pay":
            return ""
        node = next((self.g.node(i) for i in reply.entities
                     if i in self.g and self.g.node(i).type in CAREER_TYPES), None)
        pay: Answer = self.c.pay(node)
        if not pay.text or normal(pay.text) in normal(reply.text):
            return ""
        return f"{pay.text}\n{reply.text}"

    def named_unanswered(self, question: str, text: str) -> str:
        """The lines of the other credentials and skills the question names that the answer
        leaves out ('match ABR, ARRT and ARDMS to their careers' answered with ABR alone; 'do
        radiologists need lifelong learning?' answered with what radiologists are)."""
        said = normal(text)
        lines = []
        for node in self._holding(question, "names", "credential", "skill", "training"):
            options = node.get("options", ())
            if node.type == "training" and (not options or all(  # (a step with options:
                    _has(f" {said} ", normal(o)) for o in options)):  # 'what kind of intern
                continue  # year?' asks them, whatever the answer says of its order)
            if (node.type != "training" and any(
                    _has(f" {said} ", normal(n)) for n in (node.name, node.label))) \
                    or normal(node.summary) in said:
                continue
            line = _sentence(node.summary)
            lines.append(f"{line} {self.r['skill_is_general']}" if node.type == "skill"
                         else line)
        return "\n".join(lines[:_MAX_NAMED])

    def own_term_line(self, question: str, reply: Reply, text: str) -> str:
        """The line of the answer's career that states a keyword the question asks with and
        the answer leaves out ('how do I become an MRI tech?': radiologic technologists 'may
        specialize in CT, MRI, mammography, or other modalities')."""
        node = self.g.get(reply.entities[0]) if len(reply.entities) == 1 else None
        if node is None or node.type not in CAREER_TYPES or reply.listed:
            return ""
        said = f" {normal(text)} "
        for term in self._keyword_terms.get(node.id, ()):
            if not _has(question, term) or _has(said, term):
                continue
            fact = min((f.text for f in node.facts if f.field in _LINE_FIELDS
                        and _has(f" {normal(f.text)} ", term)), default="",
                       key=lambda t: (len(t), t))  # (the line itself, whatever the order)
            if fact and normal(fact) not in normal(text):
                return self.r["own_term_line"].format(name=node.name,
                                                     fact=_lower_first(fact.rstrip(".")))
        return ""

    def unlisted_fellowship(self, question: str) -> str:
        """'The document lists no telemedicine fellowship; ...': a fellowship the question
        names by words that name no subspecialty the document lists (another career,
        'telemedicine', or a word it never uses, 'emergency'): a trap never taken up. Named by
        words of a subspecialty's line that are none of its names ('a cardiac imaging
        fellowship', 'a fellowship in cardiac imaging specifically'), it is no fellowship the
        document lists as such: what it does list is said instead of a yes."""
        words = question.split()
        for at, word in enumerate(words):
            if word not in self._fellowship_words:
                continue
            for run in (self._run_before(words, at), self._run_after(words, at)):
                note = self._fellowship_named_by(run, word)
                if note:
                    return note
        return ""

    def _unlisted_answer(self, reply: Reply, note: str) -> Reply:
        """A question declined as outside the field that names a fellowship the document
        does not list: said so, with the fellowships it lists (still flagged: the document
        is silent on the one asked)."""
        ids = tuple(n.id for n in self.g.of_type("subspecialty"))
        return replace(reply, text=note, intent="subspecialties", kind="answer",
                       sources=self.sources(note, ids, ()))

    def _run_before(self, words: list[str], at: int) -> list[str]:
        """The words naming a fellowship before the word 'fellowship' (at most three)."""
        run: list[str] = []
        for before in reversed(words[max(0, at - 3):at]):
            if before in self._ignore or before in self._numbers or before.isdigit() \
                    or before in self._fellowship_words or "'" in before \
                    or before in self._ranking or self._superlative(before):
                break  # ('which *best* fellowship', 'a 2 year fellowship')
            run.insert(0, before)
        while run and run[0] in self._general_terms:
            run.pop(0)
        return run

    def _run_after(self, words: list[str], at: int) -> list[str]:
        """The words naming a fellowship after 'fellowship in/for' (at most three)."""
        if at + 1 >= len(words) or words[at + 1] not in self._fellowship_of:
            return []
        run: list[str] = []
        for after in words[at + 2:at + 5]:
            if after in self._ignore or after.isdigit() or after in self._fellowship_words:
                break
            run.append(after)
        return run

    def _fellowship_named_by(self, run: list[str], word: str) -> str:
        """The note for a fellowship named by `run` ('' when it names a listed one)."""
        if not run or all(w in self._general_terms for w in run):
            return ""
        phrase = " ".join(run)
        subs = [n for n in self._holding(f" {phrase} {word} ", "stated")
                if n.type == "subspecialty"]
        if subs:  # ('IR fellowship', 'chest fellowship'; 'cardiac imaging': a line's words)
            return self._fellowship_part(run, word, subs)
        named = self._holding(f" {phrase} ", "stated")
        if any(n.id in self._fellowship_near for n in named):
            return ""  # ('subspecialty fellowship', 'a radiologist fellowship')
        unknown = [w for w in run if not self._known(w)]
        if named or (len(unknown) == 1 and len(unknown[0]) >= 5):  # ('wich': a typo)
            names = [n.name for n in self.g.of_type("subspecialty")]
            return self.r["fellowship_unlisted"].format(term=phrase, names=join_words(names))
        return ""

    def _fellowship_part(self, run: list[str], word: str, subs: list[Node]) -> str:
        """'The document names no fellowship for cardiac imaging alone; it lists Thoracic
        Radiology: ...' when the words are only in the one subspecialty's line, none of its
        names; '' when they name it."""
        if len(subs) != 1:
            return ""
        node, focus = subs[0], str(subs[0].get("focus") or "")
        phrase = f" {' '.join(run)} "
        if not focus or any(_has(f"{phrase}{word} ", t) or _has(phrase, t)
                            for t in self._names.get(node.id, ())):
            return ""  # ('nuclear medicine fellowship', 'a fellowship in IR': its names)
        said = {stem(w) for w in normal(focus).split()}
        while len(run) > 1 and stem(run[-1]) not in said:
            run = run[:-1]  # ('cardiac imaging specifically': the words the line states)
        phrase = " ".join(run)
        return self.r["fellowship_part"].format(term=phrase, name=node.name)

    def _same_thing(self, question: str, reply: Reply) -> str:
        """'Yes: ...' when a question asks whether two names are one thing and both are names
        of the answer's node ('Is a sonographer the same as an ultrasound technician?'); 'No:
        ...' when it asks whether they are two ('... actually two different jobs?')."""
        differ = any(_has(question, w) for w in self._difference)
        if not differ and not any(_has(question, w) for w in self._identity):
            return ""
        for node_id in reply.entities[:1]:
            found = [t for t in self._names.get(node_id, ()) if _has(question, t)]
            distinct = [t for t in found if not any(t != o and t in o for o in found)]
            if not all(self._in_document(t) for t in distinct):
                return ""  # ('radiology technician': a name the document never uses)
            if len(distinct) >= 2 and node_id in self.g:
                key = "verdict_not_different" if differ else "verdict_same"
                return self.r[key].format(name=self.g.node(node_id).name)
        return ""

    def _in_document(self, name: str) -> bool:
        """The document itself uses the name (in a line or a heading it is quoted from), its
        words whole or cut short ('ultrasound techs' of 'Ultrasound Technician'): an alias of
        the graph's own ('radiology technician') is no name of the document's."""
        if self._document is None:
            self._document = " " + " ".join(dict.fromkeys(
                normal(t) for n in self.g for f in n.facts
                for t in (f.text, *(q for s in f.sources for q in (s.section, s.quote))))) + " "
        words = [w[:-1] if len(w) > 3 and w.endswith("s") else w  # (plural or not, and
                 for w in normal(name).split()]  # cut short: 'ultrasound techs')
        return bool(words) and re.search(
            r"\b" + r"\w* ".join(map(re.escape, words)) + r"\w*\b", self._document) is not None

    def line_confirming(self, question: str, reply: Reply) -> Reply | None:
        """'Is there an increasing need for subspecialized expertise?' declined as out of
        scope although a line of the document says it: a yes/no question of three content
        words or more all of whose stems a line holds in order gets that line, quoted."""
        words = question.split()
        if not words or words[0] not in self._yes_no:
            return None
        content = [self._key(w) for w in words[1:] if w not in self._ignore
                   and w not in self._general_terms]
        if len(content) < _CONFIRMED_WORDS:
            return None
        for node in self.g:
            for text, _raw, _line in self._stated_lines(node, True):
                if _in_order(content, [self._key(w) for w in _raw]):
                    quote = text.rstrip(".")
                    answer = self.r["verdict_confirmed"].format(quote=quote)
                    return replace(reply, text=answer, intent="describe", fallback=False,
                                   kind="answer", entities=(node.id,), confidence=0.5,
                                   suggestions=(), sources=self.sources(answer, (node.id,), ()))
        return None

    def _not_annotated(self, question: str, reply: Reply) -> Reply | None:
        """The reply as it goes out without notes: no answer at all; a ranking or an
        interview turn (cited); an answer another node's line states (`_confirmed_elsewhere`).
        None for an answer to annotate."""
        if reply.kind not in _ANSWER_KINDS:  # (a point the source never covers is still an
            return reply  # answer: it says so, and is cited for what it goes on to say)
        if reply.kind != "answer":  # a ranking or an interview turn: cited
            ids = (*reply.entities, *reply.listed)
            return replace(reply, sources=self.sources(reply.text, ids, reply.entities[:1]))
        return self._confirmed_elsewhere(question, reply)

    def _declined(self, reply: Reply, question: str) -> Reply:
        """A decline, unless careers' lines or a line state what was asked, or it names a
        fellowship the document does not list ('the dermatology radiology fellowship')."""
        q = f" {' '.join(self.understander.parse(question[:MAX_INPUT_CHARS]).tokens)} "
        unlisted = self.unlisted_fellowship(q)
        return self.careers_stating(q, reply) or self.line_confirming(q, reply) or (
            self._unlisted_answer(reply, unlisted) if unlisted else reply)

    def _confirmed_elsewhere(self, question: str, reply: Reply) -> Reply | None:
        """'Is there an increasing need for subspecialized expertise?' answered with the
        fellowships: a yes/no question naming no career and pointing back at none, whose words
        a line of another node states in order, gets that line (`line_confirming`)."""
        if reply.kind != "answer":
            return None
        parse = self.understander.parse(question[:MAX_INPUT_CHARS])
        if parse.pronoun or any(self.g.node(i).type in CAREER_TYPES
                                for m in parse.alias_mentions for i in m.node_ids[:1]):
            return None
        confirmed = self.line_confirming(f" {' '.join(parse.tokens)} ", reply)
        return confirmed if confirmed is not None and not set(
            confirmed.entities) & set(reply.entities) else None

    def careers_stating(self, question: str, reply: Reply) -> Reply | None:
        """'Which careers involve teaching?' declined as out of scope although careers' own
        lines say it ('combine clinical practice with teaching responsibilities'): the careers
        whose lines state every word the question asks with, close together and in order."""
        words = question.split()
        if reply.intent != "out_of_scope" or not words or words[0] not in self._listing:
            return None
        found = self._lines_stating(question)
        if not found:
            return None
        text = self._careers_stating(question, found)
        return replace(reply, text=text, intent="list_careers", fallback=False, kind="answer",
                       listed=tuple(found), confidence=0.5, suggestions=(),
                       sources=self.sources(text, tuple(found), ()))

    def _careers_stating(self, question: str,
                         found: dict[str, tuple[Node, str]] | None = None) -> str:
        """'Careers whose lines in the document say that:' and each with its line."""
        found = self._lines_stating(question) if found is None else found
        if not found:
            return ""
        lines = [self.r["careers_stating"]]
        lines += [f"• {node.name}: {text.rstrip('.')}" for node, text in found.values()]
        return "\n".join(lines)

    def _lines_stating(self, question: str) -> dict[str, tuple[Node, str]]:
        """The careers with a line that states what a 'which careers ...' question asks:
        each of its alternatives ('teaching or training others'), all of whose words the line
        says close together and in order, or (for a question of three words or more) its
        first word and one other ('bridge clinical and technical worlds')."""
        words = question.split()
        if not words or words[0] not in self._listing or not (
                words[0] == "who" or self._listing_nouns.intersection(words[1:3])):
            return {}  # ('which careers ...', 'who ...'; not 'what's the pass rate ...')
        found: dict[str, tuple[Node, str]] = {}
        parts = list(dict.fromkeys(" ".join(words[1:]).split(" or ")))[:_MAX_ALTERNATIVES]
        for part in parts:  # (a question names a few alternatives: 'who a or b or ... z' of
            content = [w for w in part.split() if w not in self._ignore  # 2,000 characters
            # once cost half a second, each part against every career's lines)
                       and w not in self._general_terms]
            if not content:
                continue
            for node in self.g.of_type(*CAREER_TYPES):
                own = len(content) == 1 and any(_near(content[0], t.split())
                                                for t in self._names[node.id])
                hit = self._line_stating(node, content, len(content) > 1 or own)
                if hit is not None and node.id not in found:
                    found[node.id] = (node, hit)
        return found

    def _line_stating(self, node: Node, content: list[str],
                      summary: bool = True) -> str | None:
        """A line of `node` that states `content` (see `_lines_stating`); one word alone
        only in a line of its own, not in the summary that joins them ('sonographers *train*
        in diagnostic medical sonography' is no training of others)."""
        stems = [stem(w) for w in content]
        for text, raw, line in self._stated_lines(node, summary):

            def near(k: int, line: list[str] = line, raw: list[str] = raw) -> bool:
                return stems[k] in line or _near(content[k], raw)

            if _in_order(stems, line) or (len(content) == 1 and near(0)):
                return text
            if len(content) >= 3 and near(0) and any(near(k) for k in range(1, len(content))):
                return text
        return None

    def _stated_lines(self, node: Node, summary: bool
                      ) -> tuple[tuple[str, list[str], list[str]], ...]:
        """A node's lines (with or without its summary) as (text, words, stems), in the order
        `_line_stating` reads them; worked out once per node."""
        key = (node.id, summary)
        found = self._lines_memo.get(key)
        if found is None:
            fields = _LINE_FIELDS if summary else _LINE_FIELDS[1:]
            said = sorted((f for f in node.facts if f.field in fields),
                          key=lambda f: (_LINE_FIELDS.index(f.field), f.text))
            found = tuple((f.text, (raw := normal(f.text).split()), [stem(w) for w in raw])
                          for f in said)
            self._lines_memo[key] = found
        return found

    def _asked_words(self, question: str) -> str:
        """The question's respelled words, padded, after the words that open it without being
        part of it ('*so* are sonographers doctors or technical staff?')."""
        words = list(self.understander.parse(question).tokens)
        while len(words) > 2 and words[0] in self._discourse:
            words = words[1:]
        return f" {' '.join(words)} "

    def annotate(self, reply: Reply, question: str, asking: str | None = None) -> Reply:
        """The reply with its sources and the notes that keep it faithful to the source.
        `asking`: the sentences of the question that ask, when a story comes with them: only
        their words are named as ones the document never uses (not 'toddlers' of 'my
        daughter has two toddlers')."""
        if reply.fallback and reply.intent == "out_of_scope":
            return self._declined(reply, question)
        reply = self._length_corrected(question, reply)
        early = self._not_annotated(question, reply)
        if early is not None:
            return early
        # Terms are matched on the respelled words ('sonogrpher'); words the document never
        # uses are looked for in what was typed (a real word respelled is no typo).
        question = question[:MAX_INPUT_CHARS]
        q = self._asked_words(question)
        silent = any(reply.text.startswith(p) for p in self._silent) and bool(
            self._uncovered_words.intersection(q.split()))
        listing, careers = self.careers_with(q, reply)
        text = (listing
                or ("" if silent else self.aspect_of_named(q, reply)
                    or self.unasked_aspect(q, question, reply))  # (what is not covered stays
                or self.missed_step(q, reply) or reply.text)  # said)
        if text != reply.text:  # answered after all, from what the lines say
            reply = self._listing_careers(replace(reply, fallback=False), careers)
        swapped = "" if silent else self.swapped_note(q)
        replacing, said = ("", "") if silent else (
            swapped or self.membership_note(q, reply), "")
        if not replacing and not silent:
            replacing, said = self.duration_note(q, reply)
        if not replacing and not silent:  # (a note opening 'The document does not name...')
            replacing, said = self.credential_note(q, reply)
            said = "" if said == "unsaid" or not (replacing or said == "yes") else said
        if not replacing and not silent:  # ('$100,000 a year, right?': the pay lines)
            replacing = self.figure_note(question, reply)
        if replacing:  # the point asked (whose credential, which length): that is the answer
            text = replacing  # (a flagged one where it says the document is silent on it)
            reply = replace(reply, fallback=any(replacing.startswith(p) for p in self._silent)
                            or self._none_named in replacing)  # ('does a nuc med tech need
            # ARRT?': it names no certification for them, the point asked)
        category = "" if swapped else self.category_note(q, reply)
        head_silent, reply = self._silent_head(q, reply)
        unlisted = self.unlisted_fellowship(q) or head_silent
        absent, reply = self._absent_unless(q, asking or question, text, reply, unlisted)
        ordered = said != "no" or bool(self._holding(q, "names", "subspecialty"))  # (a length
        # said wrongly is the point, not its 'after'; unless a fellowship is put out of order)
        notices = [n for n in (unlisted, absent, self.order_note(q, reply, text) if ordered else "",
                               category if category.startswith(
                                   (self._not_under, self._yes_under)) else "")
                   if n and not _repeats(n, text)]
        count, counted = self._counted(q, replace(reply, text=text))  # (of what is shown)
        reply = replace(reply, fallback=counted.fallback)
        acronym = self.acronym_note(q, reply)  # (what it stands for: a point not covered)
        reply = replace(reply, fallback=True) if acronym else reply
        head = [*notices, *(n for n in (category, count,
                                        self.unranked_note(q, reply), acronym)
                            if n and n not in notices)]
        text, reply = self._weighed(q, reply, text)
        for extra in (self.compare_note(q, reply), self.lacking_note(reply),
                      self.own_term_line(q, reply, text), self.named_unanswered(q, text)):
            if extra:
                text = f"{text}\n{extra}"
        others = self.others(q, reply) if not replacing else []
        # (a career the document lists as a path for the one asked, 'Emerging Career Paths
        # for Radiologists', is no other career the point is said of instead)
        elsewhere = bool(others) and not any(self._path_for(node, reply) for node, _t in others)
        opener = "" if notices or (replacing and not said) else self.verdict(
            q, f" {normal(question)} ", reply, text, said, elsewhere)
        if not opener and not notices and not replacing and self._asks_need(q):
            opener = self.r["verdict_loose"]  # ('do I need a fellowship to read mammograms?':
            # what the lines say, never a yes they do not state)
        if head:
            text = "\n".join([*head, text])
        if opener and not any(text.startswith(p) for p in self._silent):
            text = _joined(opener, text)
        if others:
            text = "\n".join([text, *(self.note_for(node, term, reply) for node, term in others)])
        ids = (*reply.entities, *reply.listed, *(n.id for n, _t in others))
        return replace(reply, text=text, sources=self.sources(text, ids, reply.entities[:1]))
