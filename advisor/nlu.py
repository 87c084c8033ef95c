"""Rule-based language understanding: normalise, spell-correct, link entities, score intents.

Everything searched per turn is indexed once at start-up: entity names and keywords in dicts
keyed by word n-grams, intent cue phrases likewise, the vocabulary bucketed by first letter and
length for typo correction. Only the example similarity runs rapidfuzz over a list, and that
list has a few hundred short strings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import pairwise

import jellyfish
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, Levenshtein

from knowledge import CAREER_TYPES, MAX_INPUT_CHARS, MAX_SENTENCES, Graph, Memo, key, strip_control
from knowledge.record import field, record, replace

from .resources import IntentSpec, Lexicon

_REPEATS = re.compile(r"(\w)\1{2,}")
_MAX_NGRAM = 6
#: At most this many distinct words per turn go to the typo corrector, and at most this many
#: word runs to the misspelt-name matcher: a text of hundreds of unknown words is no question
#: with a typo, and must not cost hundreds of fuzzy searches (issue 14).
_MAX_CORRECTED = 24
_MAX_FUZZY_SPANS = 24
#: Words of a text looked at as a slip inside a name, at most (a slip is in a question).
_MAX_SLIP_WORDS = 60
#: A negation reaches a name this many words ahead ("I do *not* want to go to med school").
NEGATION_REACH = 4
#: How many words a likeness reaches ('like *a lab tech*', 'basically *the nurse* of ...').
LIKENESS_REACH = 4
#: ... and a far negation ('not', 'never') this many, over bridging words only.
FAR_NEGATION_REACH = 7
#: An English word seen at least this often in pyspellchecker's frequency list is a real word;
#: rarer ones ('brest', a town) may still be typos.
_REAL_WORD_COUNT = 100
#: ... and one seen this often an everyday word (about the 1,500 most frequent words).
_EVERYDAY_COUNT = 150_000
#: A run of at most this many words may be heard as one name ('so no grapher').
_SOUND_SPAN = 3
#: The clause marks of a sentence opening with a condition that are tried as its end.
_MAX_CONDITION_MARKS = 4
#: How alike in letters a run and the name it sounds like must be (rapidfuzz ratio): one
#: word the corrector could not place ('pax'), and a run of words ('new row' for 'neuro').
_SOUND_ONE, _SOUND_RUN = 55.0, 70.0
#: ... and how many letters longer or shorter it may be; a known word of at most this many
#: letters may be a fragment of a name ('rad take').
_SOUND_LENGTH, _FRAGMENT = 2, 4
#: ... and a run of fewer letters than this is heard as said ('a b', 'c t' spelt out aside).
_SOUND_LETTERS = 4
#: Two words read as one name word split in two ('radio logic', 'sonogram her') when they
#: make at least this many letters, and at most this many edits from it (the second for
#: words of ten letters or more: 'radio list' is 'radiologist').
_JOINED_LETTERS, _JOINED_EDITS, _JOINED_LONG_EDITS = 8, 1, 2
#: A single unknown word is heard for a name only when this short: a longer one is the typo
#: corrector's ('barista' is no 'breast').
_SHORT_HEARD = 5
#: A word spelt by ear ('wat', 'werk', 'yeer', 'docter') is read as the word of the
#: vocabulary that sounds the same (metaphone or NYSIIS) and is this alike in letters (at
#: the lower floor when it makes a pair of words the vocabulary holds: 'what dus' is 'what
#: does'); never an English word of pyspellchecker's list (`_REAL_WORD_COUNT`: 'crew' is no
#: 'care', 'solo' no 'school', 'spain' no 'spine'), nor into a shorter word.
_EAR_FLOOR, _EAR_GRAMMAR_FLOOR = 75.0, 55.0


def _capitalised(text: str) -> frozenset[str]:
    """The words a text capitalises inside a sentence ('... from Siemens'), lower-cased:
    names, which are never read as a word they sound like."""
    words = text.split()
    return frozenset(w.strip(".,!?;:'\"()").lower() for prev, w in pairwise(words)
                     if w[:1].isupper() and not prev.endswith((".", "!", "?")))


def _by_sound(phrases: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Phrases by how their letters sound (each of `_sound_keys`), for what is heard or spelt
    by ear."""
    index: dict[str, set[str]] = {}
    for phrase in phrases:
        for code in _sound_keys(phrase.replace(" ", "")):
            index.setdefault(code, set()).add(phrase)
    return {code: tuple(sorted(found)) for code, found in index.items()}


def _sound_keys(letters: str) -> tuple[str, ...]:
    """What a word sounds like, two ways (metaphone hears 'new row' as 'neuro', NYSIIS 'rad
    take' as 'rad tech'); keys of one letter say too little to compare."""
    keys = (f"m{jellyfish.metaphone(letters)}", f"n{jellyfish.nysiis(letters)}")
    return tuple(k for k in keys if len(k) > 2)


def _english_counts() -> dict[str, int]:
    """pyspellchecker's bundled English frequency list (read only while an engine is built;
    the engine keeps the few words it needs). Imported here: a start-up from the engine cache
    needs none of it."""
    import gzip
    import json
    from importlib import resources

    data = (resources.files("spellchecker") / "resources" / "en.json.gz").read_bytes()
    counts: dict[str, int] = json.loads(gzip.decompress(data))
    return counts


def _english_words(counts: dict[str, int]) -> Iterable[str]:
    """The common English words of the frequency list, five letters or more."""
    return (w for w, n in counts.items()
            if n >= _REAL_WORD_COUNT and len(w) >= 5 and w.isalpha() and w.isascii())


def everyday_words(counts: dict[str, int]) -> frozenset[str]:
    """The most frequent English words ('spend', 'proud', 'move'): a question using one asks
    nothing the document could lack, so no note names it as a word it never uses."""
    return frozenset(w for w, n in counts.items()
                     if n >= _EVERYDAY_COUNT and w.isalpha() and w.isascii())


@record
class Mention:
    """A span of the text that names graph nodes: by name/alias (strong) or keyword (weak)."""

    node_ids: tuple[str, ...]
    start: int
    end: int
    text: str
    kind: str  # "alias" | "keyword"
    negated: bool = False


@record
class IntentScore:
    """How well one intent fits, and why (for the explain view)."""

    intent: str
    score: float
    cues: tuple[str, ...]
    example: str
    similarity: float


_POINTING = frozenset({"it", "they", "them", "their", "its"})
_SPACES = re.compile(r"\s+")
#: A sum of money ('$100,000', '500k', '70k a year', '90,000', '60 dollars'): the document
#: gives no figure, so a question naming one asks about pay it cannot state.
MONEY = re.compile(r"[$£€]\s?\d|\b\d+(?:[.,]\d+)?\s?k\b|\b\d{2,3},\d{3}\b"
                   r"|\d\s?(?:dollars|usd)\b", re.IGNORECASE)
#: The end of a sentence: after '.', '!' or '?' and a space, or at a line break.
_SENTENCE_END = re.compile(r"(?<=[.!?]) |\n")
_BLANKS = re.compile(r"[^\S\n]+")
_DESCRIPTIVE = re.compile(r"[.,;:!?()]|\bbut\b|\bthough\b|\bhowever\b", re.IGNORECASE)


@lru_cache(maxsize=512)
def _phrases_pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    """One search for a whole list of phrases (as whole words of a padded text)."""
    if not phrases:
        return re.compile(r"(?!)")  # matches nothing
    return re.compile("|".join(re.escape(f" {p} ") for p in sorted(set(phrases), key=len,
                                                                   reverse=True)))


@lru_cache(maxsize=512)
def _split_phrases(phrases: tuple[str, ...]) -> tuple[frozenset[str], tuple[str, ...]]:
    """The one-word phrases as a set, the others as whole words (' x ray ')."""
    return (frozenset(p for p in phrases if " " not in p),
            tuple(f" {p} " for p in set(phrases) if " " in p))


def _has_phrase(phrases: tuple[str, ...], padded: str, words: Iterable[str]) -> bool:
    """True when any phrase occurs as whole words in a padded text (whose words are
    `words`): one set test for the one-word phrases, a substring test for each other one.
    Linear in the text, where one alternation of them all tries every phrase at every
    position (1 ms on a 2,000-character text)."""
    single, multi = _split_phrases(phrases)
    return not single.isdisjoint(words) or any(p in padded for p in multi)


@record
class Parse:
    """What the language layer read in one utterance, before context is applied."""

    text: str
    tokens: tuple[str, ...]
    corrections: tuple[tuple[str, str], ...]
    mentions: tuple[Mention, ...]
    intents: tuple[IntentScore, ...]
    question: bool
    pronoun: bool
    unknown: tuple[str, ...]
    domain: bool
    truncated: bool = False
    numbers: tuple[int, ...] = field(default=())
    padded: str = ""  # ' tok tok ... ', for whole-word phrase tests
    words: frozenset[str] = frozenset()  # the tokens as a set, for the many "any of" tests
    #: The kind of node asked for by its words ("which fellowship": "subspecialty"), if any.
    requested: str | None = None
    #: Words that point back at something said before ("it", "they", "the job").
    points_back: bool = False
    #: Positions of the words something is likened to ('is a sonographer basically *the
    #: nurse* of radiology?'): what the asker compares with, not what is asked about.
    likened: frozenset[int] = frozenset()

    def score(self, intent: str) -> float:
        for item in self.intents:
            if item.intent == intent:
                return item.score
        return 0.0

    def has(self, *phrases: str) -> bool:
        """True when any phrase occurs as whole words in the normalised text."""
        return _has_phrase(phrases, self.padded, self.words)

    @property
    def alias_mentions(self) -> tuple[Mention, ...]:
        return tuple(m for m in self.mentions if m.kind == "alias")


def inflection(word: str, other: str) -> bool:
    """True when two words differ only in their endings ('answers', 'answer';
    'administrative', 'administration'), not in their stems ('spent', 'spect')."""
    common = 0
    for a, b in zip(word, other, strict=False):
        if a != b:
            break
        common += 1
    return common >= max(4, min(len(word), len(other)) - 3)


def _reach(phrases: Iterable[str], cap: int) -> dict[str, int]:
    """The longest phrase (in words, at most `cap`) starting with each word."""
    reach: dict[str, int] = {}
    for phrase in phrases:
        words = phrase.split()
        if words:
            reach[words[0]] = min(cap, max(reach.get(words[0], 0), len(words)))
    return reach


class Understander:
    """Turns text into a Parse. Immutable after construction and safe to share across threads."""

    def __init__(self, graph: Graph, intents: Iterable[IntentSpec], lexicon: Lexicon) -> None:
        self.graph = graph
        self.lexicon = lexicon
        self.intents = {spec.name: spec for spec in intents}
        self.aliases: dict[str, str] = {self._phrase(k): i for k, i in graph.names.items()}
        self.keywords = self._keyword_index(graph)
        self.cues: dict[str, list[tuple[str, float]]] = {}
        for spec in self.intents.values():
            for phrase, weight in spec.cues:
                self.cues.setdefault(self._phrase(phrase), []).append((spec.name, weight))
        self.cue_n = max((len(c.split()) for c in self.cues), default=1)
        # The longest phrase starting with each word, so a turn only tries n-grams that can
        # exist ("the" starts no alias: one dict lookup, not six joins).
        self._cue_reach = _reach(self.cues, self.cue_n)
        self.entity_n = min(_MAX_NGRAM, max((len(a.split()) for a in self.aliases), default=1))
        self._long_names = [a for a in self.aliases if " " in a]
        #: The words of those names, and each name by its words around each one of them
        #: ((words before, words after) -> (the word, the name)): a slip's lookup.
        self._long_name_words = frozenset(w for a in self._long_names for w in a.split())
        self._slip_index: dict[tuple[tuple[str, ...], tuple[str, ...]],
                               list[tuple[str, str]]] = {}
        for alias in sorted(self._long_names):
            words = alias.split()
            if len(words) > 4:
                continue
            for k, w in enumerate(words):
                others = words[:k] + words[k + 1:]  # (each a word of its own: not the 'it'
                if len(w) >= 5 and w not in lexicon.stopwords and not any(  # of 'it specialist')
                        o in lexicon.stopwords or len(o) < 3 for o in others):
                    self._slip_index.setdefault((tuple(words[:k]), tuple(words[k + 1:])),
                                                []).append((w, alias))
        self._long_name_lengths = (min(map(len, self._long_names), default=0),
                                   max(map(len, self._long_names), default=0))
        self._entity_reach = _reach([*self.aliases, *self.keywords], _MAX_NGRAM)
        self.examples: list[str] = []
        self.example_intents: list[str] = []
        for spec in self.intents.values():
            for example in spec.examples:
                self.examples.append(" ".join(self._rewrite(key(example).split())))
                self.example_intents.append(spec.name)
        self.domain = {self._phrase(t) for t in graph.meta.get("domain_terms", ())}
        #: Words that liken ('like a', 'basically the') as token runs, by their first word,
        #: longest first (one dictionary look-up a word: linear on any text).
        runs = sorted((tuple(key(w).split()) for w in graph.meta.get("likening_words", ())),
                      key=len, reverse=True)
        self._likening: dict[str, tuple[tuple[str, ...], ...]] = {}
        for run in runs:
            if run:
                self._likening[run[0]] = (*self._likening.get(run[0], ()), run)
        #: Softening words left out before a question is compared with the examples.
        self._hedges = frozenset(lexicon.sets["hedges"])
        self._hedge_reach = _reach(self._hedges, 4)
        vocab: set[str] = set(lexicon.stopwords) | set(lexicon.pronouns)
        for phrase in [*self.aliases, *self.keywords, *self.cues, *self.examples, *self.domain]:
            vocab.update(phrase.split())
        vocab.update(w for q in lexicon.question_words for w in q.split())
        vocab.update(w for n in lexicon.negations for w in n.split())
        # other fields' words are words, not typos ('radiotherapy' is never 'radiography'
        # misspelt)
        vocab.update(w for p in lexicon.sets["other_fields"] for w in p.split())
        # ... and so are the words of what the source never covers and of prices ('tution' is
        # 'tuition', 'mony' is 'money')
        vocab.update(lexicon.uncovered)
        vocab.update(lexicon.sets["price_words"])
        vocab.update(lexicon.sets["source_words"])
        self.vocab = frozenset(vocab)
        #: The everyday words the knowledge says name nothing it could lack ('though',
        #: 'guide'): read as words, never unknown, but no spelling a typo is corrected to
        #: ('thought' is no 'though' misspelt).
        self._plain = frozenset(
            w for t in (*graph.meta.get("everyday_words", ()), *graph.meta.get(
                "plain_words", ()), *self._stated_words(graph)) for w in key(str(t)).split())
        buckets: dict[tuple[str, int], list[str]] = {}
        # sorted: a tie between two candidates goes the same way whatever the hash seed
        for word in sorted(self.vocab):
            if len(word) >= 4 and word.isalpha():
                buckets.setdefault((word[0], len(word)), []).append(word)
        self._buckets = buckets
        bigrams: set[str] = set()
        for phrase in [*self.aliases, *self.keywords, *self.cues]:
            words_ = phrase.split()
            bigrams.update(f"{a} {b}" for a, b in pairwise(words_))
        self._bigrams = frozenset(bigrams)
        starts = "|".join(sorted(lexicon.sets["clause_starts"]))
        self._clause_split = re.compile(
            rf"\? |; |,? (?:and|also|plus|\+) (?=(?:{starts})\b)", re.IGNORECASE)
        self.negation_pattern = _phrases_pattern(tuple(self._phrase(n) for n in lexicon.negations))
        self._spell_cache: Memo[str, tuple[tuple[str, float, float], ...]] = Memo(
            items=50_000, chars=1_000_000)
        self._parses: Memo[str, Parse] = Memo()
        #: The words of texts read for their words alone (`tokens`), not parsed whole.
        self._words: Memo[str, tuple[str, ...]] = Memo()
        #: The openers of a condition ('what if', 'suppose'), their first words, and the marks
        #: that may end one (', ', ' - '), read once.
        self._condition_openers = [o.split() for o in lexicon.sets["condition_openers"]]
        self._condition_starts = frozenset(o[0] for o in self._condition_openers)
        self._clause_marks = re.compile("|".join(
            re.escape(m) for m in sorted(lexicon.sets["clause_marks"], key=len, reverse=True)))
        #: A window of words -> (the run heard in it, names listened for): the same window
        #: recurs in every reading of a long message (the whole, its asking sentences...).
        self._windows: Memo[tuple[str, ...], tuple[tuple[int, str | None], int]] = Memo()
        counts = _english_counts()  # (read once per build, for both word lists)
        self.real_words = self._real_words(counts)
        cased = "|".join(map(re.escape, sorted(lexicon.cased, key=len, reverse=True)))
        self._cased = re.compile(rf"\b(?:{cased})\b") if lexicon.cased else None
        self.everyday = everyday_words(counts)
        self._name_words = frozenset(w for a in self.aliases for w in a.split())
        self._sounds = self._sound_index()
        self._ear_cache: Memo[str, tuple[tuple[str, float], ...]] = Memo(
            items=50_000, chars=1_000_000)
        #: The vocabulary's words by how they sound, for words spelt by ear.
        self._by_ear = _by_sound(w for w in self.vocab if w.isalpha() and len(w) >= 2)
        self._as_typed = frozenset(lexicon.sets["kept_as_typed"])
        #: English words that sound like a word of the vocabulary: kept as said.
        self._said_as_is = frozenset(
            w for w, n in counts.items() if n >= _REAL_WORD_COUNT and w.isalpha()
            and w.isascii() and w not in self.vocab and self._ear_pool(w, True))
        self._ear_cache.clear()  # (English words looked up while building: none is asked)
        self._joinable = self._joinable_words()
        #: English words that sound like a name ('peace', 'pics' like 'PACS'): kept as said.
        self._sound_words = frozenset(
            w for w, n in counts.items() if n >= _REAL_WORD_COUNT and len(w) >= 3
            and w.isalpha() and w not in self.vocab
            and any(k in self._sounds for k in _sound_keys(w)))

    def _real_words(self, counts: dict[str, int]) -> frozenset[str]:
        """English words the corrector would respell into another word ('spent' -> 'spect',
        'decade' -> 'decide'): they are kept as typed. An inflection of the word it would
        become ('answers' -> 'answer') is still read as that word."""
        real = {w for w in _english_words(counts) if w not in self.vocab and self._respells(w)}
        self._spell_cache.clear()
        return frozenset(real)

    def _respells(self, word: str) -> bool:
        """True when the corrector would turn a real word into another word."""
        found = self.correct(word)
        # ('stated' is no 'states': another ending of the same length is another word)
        return found is not None and (not inflection(word, found) or (
            len(word) == len(found) and word[:-1] == found[:-1]))

    def _sound_index(self) -> dict[str, tuple[str, ...]]:
        """The names people say, by how they sound: a dictated question holds the words a
        speech recogniser heard ('so no grapher', 'telly medicine', 'pax admin'). Names of
        one everyday word ('body') are left out: they are heard right."""
        # (and the field's own words, 'radiology', 'radiologic': 'radio logy' is one of them)
        heard = []
        for alias in [*self.aliases, *self.domain]:
            words = alias.split()
            letters = "".join(words)
            if not (len(words) > _SOUND_SPAN or len(letters) < 4 or not letters.isalpha() or (
                    len(words) == 1 and letters in self.everyday)):
                heard.append(alias)
        return _by_sound(heard)

    def _ear_word(self, word: str, before: str = "", after: str = "") -> str | None:
        """The one word of the vocabulary `word` is spelt by ear for ('wat' -> 'what', 'yeer'
        -> 'year'; 'what dus' -> 'what does', by the words the vocabulary pairs), or None:
        none alike enough, or several ('lng': long, lung)."""
        pool = self._ear_pool(word, False, before, after)
        if not pool or (len(pool) > 1 and pool[1][:2] == pool[0][:2]):
            return None
        return pool[0][2]

    def _ear_pool(self, word: str, any_pair: bool, before: str = "",
                  after: str = "") -> list[tuple[bool, float, str]]:
        """(pairs with a neighbour, letters alike, word) of each word of the vocabulary that
        `word` may be spelt by ear for, best first; `any_pair`: as if every pair were held."""
        pool: list[tuple[bool, float, str]] = []
        for cand, ratio in self._ear_candidates(word):
            paired = any_pair or f"{before} {cand}" in self._bigrams \
                or f"{cand} {after}" in self._bigrams
            if ratio >= (_EAR_GRAMMAR_FLOOR if paired else _EAR_FLOOR):
                pool.append((paired, ratio, cand))
        return sorted(pool, reverse=True)

    def _ear_candidates(self, word: str) -> tuple[tuple[str, float], ...]:
        """(word, letters alike) of each vocabulary word that sounds like `word`, at the lower
        floor; kept per word (the neighbours only decide among them)."""
        known = self._ear_cache.get(word)
        if known is not None:
            return known
        found: list[tuple[str, float]] = []
        if len(word) >= 3:
            for cand in {c for code in _sound_keys(word) for c in self._by_ear.get(code, ())}:
                # (never shorter: 'didnt' is no 'did', 'bestie' no 'best')
                if len(cand) >= len(word) and len(cand) - len(word) <= _SOUND_LENGTH + 1:
                    ratio = fuzz.ratio(word, cand)
                    if ratio >= _EAR_GRAMMAR_FLOOR:
                        found.append((cand, ratio))
        return self._ear_cache.put(word, tuple(found))

    def _heard(self, words: list[str], floor: float) -> str | None:
        """The name a run of words sounds like, alike enough in letters, or None."""
        letters = "".join(words)
        best: tuple[float, str] | None = None
        for code in _sound_keys(letters):
            for alias in self._sounds.get(code, ()):
                spelt = alias.replace(" ", "")
                if abs(len(spelt) - len(letters)) > _SOUND_LENGTH:
                    continue
                score = fuzz.ratio(letters, spelt)
                if score >= floor and (best is None or (score, alias) > best):
                    best = (score, alias)
        return None if best is None else best[1]

    def _letter_run(self, words: list[str], i: int) -> tuple[int, str | None]:
        """Letters said one by one ('a i', 'p a c s', 'i t'): how many, and the word they
        spell when the advisor knows it (a cased one as cased: 'i t' is 'IT')."""
        j = i
        while j < len(words) and len(words[j]) == 1 and words[j].isalpha():
            j += 1
        if j - i < 2:
            return 0, None
        letters = "".join(words[i:j])
        cased = self.lexicon.cased.get(letters.upper())
        if cased is not None:
            return j - i, cased
        word = " ".join(self._rewrite([letters]))
        return (j - i, letters) if word in self.aliases or word in self.keywords or (
            word in self.domain) else (j - i, None)

    def _spelt_out(self, words: list[str]) -> tuple[list[str], list[tuple[str, str]]]:
        """Letters said one by one, read as the word they spell (before any rewrite: the 'r'
        of 'a r d m s' is no 'are')."""
        out: list[str] = []
        heard: list[tuple[str, str]] = []
        i = 0
        while i < len(words):
            size, found = self._letter_run(words, i)
            if found is not None:
                heard.append((" ".join(words[i:i + size]), found))
                out.append(found)
            else:
                out.extend(words[i:i + max(1, size)])
            i += max(1, size)
        return out, heard

    def _sound_alike(self, words: list[str]) -> tuple[list[str], list[tuple[str, str]]]:
        """Runs of words heard for a name ('so no grapher', 'rad take', 'telly medicine')."""
        out: list[str] = []
        heard: list[tuple[str, str]] = []
        i = 0
        budget = [_MAX_FUZZY_SPANS]  # (runs listened to per text: a flood of fragments is
        # no dictated name, and must not cost thousands of lookups); a word no run may hold
        # (digits, punctuation) or that makes none heard (known and long) is told once
        ok = [w.isalpha() for w in words]
        odd = [w not in self.vocab or len(w) <= _FRAGMENT for w in words]
        while i < len(words):
            joined = self._joined(words[i], words[i + 1]) if i + 1 < len(words) and ok[
                i] and ok[i + 1] and (odd[i] or odd[i + 1]) else None
            if joined is not None:
                heard.append((f"{words[i]} {words[i + 1]}", joined))
                out.append(joined)
                i += 2
                continue
            size, found = self._window_heard(words[i:i + _SOUND_SPAN], budget) if budget[
                0] > 0 and ok[i] and ok[i + 1:i + 2] == [True] and any(
                odd[i:i + _SOUND_SPAN]) else (0, None)
            if found is None:
                out.append(words[i])
                i += 1
                continue
            heard.append((" ".join(words[i:i + size]), found))
            out.extend(found.split())
            i += size
        return out, heard

    @staticmethod
    def _stated_words(graph: Graph) -> Iterator[str]:
        """The texts the knowledge states (summaries, duties, statements...): a word the
        source document uses is never one a question is declined for ('opportunities')."""
        for node in graph:
            for fact in node.facts:
                if ":" not in fact.field and fact.field != "section":
                    yield fact.text

    def _joinable_words(self) -> dict[str, tuple[str, ...]]:
        """Single words of names and of the field, by first letter: what two neighbouring
        words split by a phone's autocorrect make together ('radio logic')."""
        joined: dict[str, set[str]] = {}
        for phrase in [*self.aliases, *self.keywords, *self.domain]:
            for w in phrase.split():
                if len(w) >= _JOINED_LETTERS and w.isalpha():
                    joined.setdefault(w[0], set()).add(w)
        return {k: tuple(sorted(v)) for k, v in joined.items()}

    def _joined(self, first: str, second: str) -> str | None:
        """The name word two neighbours make when a phone split it ('radio logic' ->
        'radiologic', 'thor acid' -> 'thoracic'), or None; never two words each a name's."""
        letters = first + second
        stop = self.lexicon.stopwords
        if len(letters) < _JOINED_LETTERS or min(len(first), len(second)) < 2 \
                or first in stop or second in stop \
                or (first in self._name_words and second in self._name_words):
            return None  # ('research do', 'specialize in': a word and a little one)
        known = first in self.vocab and second in self.vocab
        best: tuple[int, str] | None = None
        for word in self._joinable.get(letters[0], ()):
            edits = _JOINED_LONG_EDITS if len(word) >= 10 else _JOINED_EDITS
            if abs(len(word) - len(letters)) > edits or not word.startswith(first[:3]):
                continue
            distance = Levenshtein.distance(letters, word, score_cutoff=edits)
            if distance <= edits and (distance == 0 or not (
                    known or first in self._name_words)) and (
                    best is None or (distance, word) < best):  # (two words it knows, or a
                # name's word and another, make a name only exactly: 'work flow', not 'med
                # schools')
                best = (distance, word)
        return None if best is None else best[1]

    def _window_heard(self, window: list[str], budget: list[int]) -> tuple[int, str | None]:
        """`_sounds_like` of a window, memoised: the names listened for are taken from the
        budget as if listened to again, so a memo never changes what is heard."""
        key_ = tuple(window)
        found = self._windows.get(key_)
        if found is None:
            left = [budget[0]]
            result = self._sounds_like(window, 0, left)
            found = self._windows.put(key_, (result, budget[0] - left[0]))
        budget[0] -= found[1]
        return found[0]

    def _sounds_like(self, words: list[str], i: int,
                     budget: list[int]) -> tuple[int, str | None]:
        """A run of fragments heard for one name: a word of it unknown ('telly medicine') or
        every word short ('rad take'); one of them no everyday word ('son is' is no 'sonos');
        not ending in a little word of grammar ('tech is'; two words, nor opening with one:
        'and i'); no end of it a name already ('to radiologist')."""
        stop = self.lexicon.stopwords
        for size in range(min(_SOUND_SPAN, len(words) - i), 1, -1):
            run = words[i:i + size]
            phrase = " ".join(run)
            if not all(w.isalpha() for w in run) or not (
                    any(w not in self.vocab for w in run)
                    or all(len(w) <= _FRAGMENT for w in run)) \
                    or phrase in self.aliases or phrase in self._bigrams \
                    or (size == 2 and run[0] in stop) or run[-1] in stop \
                    or all(w in self.everyday for w in run):
                continue
            if sum(map(len, run)) < _SOUND_LETTERS or any(
                    self._names(run[:k]) or self._names(run[k:]) for k in range(1, size)) or (
                    run[0] in self.domain and all(len(w) <= _FRAGMENT for w in run[1:])):
                # ('radiology c', 'radiology-ish': the field's word and a scrap)
                continue
            budget[0] -= 1
            found = self._heard(run, _SOUND_RUN)
            letters, spelt = "".join(run), (found or "").replace(" ", "")
            if found is not None and found != phrase and (letters == spelt or not (
                    spelt.startswith(letters) or letters.startswith(spelt))):
                return size, found  # ('tech job' is no misheard 'tech jobs')
        return 0, None

    def _names(self, words: list[str]) -> bool:
        phrase = " ".join(words)
        return phrase in self.aliases or phrase in self.keywords

    def _keyword_index(self, graph: Graph) -> dict[str, tuple[str, ...]]:
        """Keyword phrases (that are no name or alias) to the nodes they point at."""
        keywords: dict[str, tuple[str, ...]] = {}
        for node in graph:
            for word in node.keywords:
                phrase = self._phrase(word)
                if phrase and phrase not in self.aliases and node.id not in keywords.get(
                        phrase, ()):
                    keywords[phrase] = (*keywords.get(phrase, ()), node.id)
        return keywords

    def normal(self, text: str) -> str:
        """A text as the matcher reads it: folded, respelled ('dont' -> 'do not')."""
        return self._phrase(strip_control(text[:MAX_INPUT_CHARS]))

    def names_something(self, words: list[str]) -> bool:
        """True when some run of the words is a name, alias or keyword of a node."""
        for i in range(len(words)):
            for size in range(1, min(self._entity_reach.get(words[i], 0), len(words) - i) + 1):
                phrase = " ".join(words[i:i + size])
                if phrase in self.aliases or phrase in self.keywords:
                    return True
        return False

    def split_descriptive(self, text: str) -> list[str]:
        """The clauses of a description: split at punctuation and at 'but' (a contrast starts a
        new clause: 'I love kids but hate needles'). Linear: one character class, one word."""
        return [c for c in _DESCRIPTIVE.split(text[:MAX_INPUT_CHARS]) if c.strip()]

    def split_sentences(self, text: str) -> list[str]:
        """The sentences of a message, white space folded first (linear: one fixed-width
        look-behind, no unbounded quantifier)."""
        folded = _BLANKS.sub(" ", text[:MAX_INPUT_CHARS])
        found = [s.strip() for s in _SENTENCE_END.split(folded) if s.strip()]
        if found:
            found[:1] = self.condition_split(found[0])
        if len(found) > MAX_SENTENCES:  # (the rest read as one: bounded work per message)
            found[MAX_SENTENCES - 1:] = [" ".join(found[MAX_SENTENCES - 1:])]
        return found

    def opens_with_condition(self, sentence: str) -> bool:
        """'If I finish residency ...', 'what if I don't want ...', 'suppose I ...' (not
        'what if I'm ...': what the person is, a story)."""
        first = sentence[:16].split(maxsplit=1)[:1]
        if not first or first[0].lower().strip(",.;:!?\"'") not in self._condition_starts:
            return False  # (the cheap test first: most sentences open with no condition)
        return self._opener_size(key(sentence[:80]).split()[:3]) > 0 \
            and not self._describes_self(sentence)

    def _opener_size(self, words: list[str]) -> int:
        """How many of the words a condition's opener takes (0: none opens them)."""
        return next((len(o) for o in self._condition_openers if words[:len(o)] == o), 0)

    def _describes_self(self, sentence: str) -> bool:
        """'What if I'm more of an IT person ...', 'suppose I'm really into chest stuff':
        a condition that says what the person is, read whole as a story is (not split)."""
        words = self._rewrite(key(sentence[:80]).split()[:6])
        at = self._opener_size(words)
        return " ".join(words[at:at + 2]) in self.lexicon.sets["self_states"]

    def condition_split(self, sentence: str) -> list[str]:
        """A sentence opening with a condition before a question ('if I finish residency, do
        I have to do a fellowship?') as [the condition, the question]; else [the sentence]."""
        if not self.opens_with_condition(sentence):
            return [sentence]
        ends = sorted({m.start() for m in self._clause_marks.finditer(
            sentence[:MAX_INPUT_CHARS])})
        for end in ends[:_MAX_CONDITION_MARKS]:  # (the first that a question follows)
            head, rest = sentence[:end].strip(), sentence[end:].lstrip(" ,;-–—:")
            words = key(rest[:80]).split()
            if head and words and (words[0] in self.lexicon.question_words or _has_phrase(
                    tuple(self.lexicon.sets["inversions"]), f" {' '.join(words[:3])} ",
                    frozenset(words[:3]))):
                return [head, rest]
        return [sentence]

    def last_clause(self, sentence: str) -> str:
        """What follows a sentence's last clause mark (the lexicon's `clause_marks`: 'im
        premed, | which radiology fellowship'); '' when it has none."""
        ends = [m.end() for m in self._clause_marks.finditer(sentence[:MAX_INPUT_CHARS])]
        return sentence[ends[-1]:].strip() if ends else ""

    def split_clauses(self, text: str) -> list[str]:
        """The questions of a compound message: split after a '?' and before 'and' + a
        question word ('how long is it and how much do they make?'). White space is folded
        first, so the pattern has no unbounded quantifier and runs in linear time."""
        folded = _SPACES.sub(" ", text[:MAX_INPUT_CHARS])
        return self._clause_split.split(folded)

    # -- normalisation --------------------------------------------------------------------
    def _rewrite(self, words: Iterable[str]) -> list[str]:
        out: list[str] = []
        for word in words:
            out.extend(self.lexicon.rewrites.get(word, word).split())
        return out

    def _phrase(self, text: str) -> str:
        return " ".join(self._rewrite(key(text).split()))

    def correct(self, word: str, before: str = "", after: str = "") -> str | None:
        """The vocabulary word a typo stands for, or None. One edit for short words, two for long.

        Ties are broken by the neighbouring words ('brest imaging' -> 'breast', not 'best'),
        then by similarity.
        """
        found = self._candidates(word)
        if not found:
            return None

        def rank(item: tuple[str, float, float]) -> tuple[int, float, float]:
            cand = item[0]
            pair = (f"{before} {cand}" in self._bigrams) or (f"{cand} {after}" in self._bigrams)
            return (-int(pair), item[1], -item[2])

        return min(found, key=rank)[0]

    def _candidates(self, word: str) -> tuple[tuple[str, float, float], ...]:
        """(vocabulary word, edits, similarity) of each spelling `word` may be a typo of;
        kept per word, since the neighbours only rank them."""
        known = self._spell_cache.get(word)
        if known is not None:
            return known
        found: list[tuple[str, float, float]] = []
        if len(word) >= 5 and word.isalpha():
            limit = 1 if len(word) < 7 else 2
            pool: list[str] = []
            for length in range(len(word) - limit, len(word) + limit + 1):
                pool.extend(self._buckets.get((word[0], length), ()))
            near = process.extract(word, pool, scorer=OSA.distance,  # (a swap is one edit)
                                   score_cutoff=limit, limit=8)
            # Two edits only for a close spelling ('injection' is not 'inspection').
            floor = 0 if limit == 1 else (85 if len(word) < 10 else 88)
            for cand, edits, _ in near:
                ratio = fuzz.ratio(word, cand)
                if edits < 2 or ratio >= floor:
                    found.append((cand, edits, ratio))
            if not found and len(word) >= 10:
                found = self._far_candidates(word)
        return self._spell_cache.put(word, tuple(found))

    def _far_candidates(self, word: str) -> list[tuple[str, float, float]]:
        """A long word three edits or more off ('intervenshunal' -> 'interventional')."""
        pool = [w for length in range(len(word) - 3, len(word) + 4)
                for w in self._buckets.get((word[0], length), ()) if w[:2] == word[:2]]
        near = process.extractOne(word, pool, scorer=fuzz.ratio, score_cutoff=78)
        if near is None or word.startswith(near[0][:-1]):
            return []  # 'cardiologist' is a word of its own, not a typo of 'cardiology'
        return [(near[0], 3, near[1])]

    def _plural(self, word: str) -> str | None:
        for suffix, repl in (("ies", "y"), ("es", ""), ("s", "")):
            if word.endswith(suffix) and len(word) > len(suffix) + 2:
                stem = word[: -len(suffix)] + repl
                if stem in self.vocab:
                    return stem
        return None

    # -- the parse ------------------------------------------------------------------------
    def parse(self, text: str) -> Parse:
        """Read one utterance. Never raises on any string.

        A Parse depends on the text alone, so repeated texts ("how long is residency?",
        "1", "just tell me") are served from a bounded cache.
        """
        if len(text) > MAX_INPUT_CHARS:  # (a turn cuts it first; kept only when cut)
            return self._parse(text)
        cached = self._parses.get(text)
        if cached is not None:
            return cached
        return self._parses.put(text, self._weigh_story(self._parse(text)))

    def _weigh_story(self, p: Parse) -> Parse:
        """A story told with a question ("My daughter is applying to grad school. What do
        research scientists work on?"): the intent is what the asking sentences ask; an intent
        only the story's words cue counts the lexicon's story `weight` of its score. What is
        outside the field, and what a story asks for (a pick, a word about oneself), are
        judged on the whole. One more parse, of the asking sentences, and only for a story."""
        sentences = self.split_sentences(p.text)
        if len(sentences) < 2:
            return p
        words = [key(s).split() for s in sentences]
        short = self.lexicon.story["min_words"]
        # A sentence asks when it is a question, when it is too short to tell anything
        # ("personality-wise"), or when the question after it points back at it ("One says
        # four years, another five. Which is it?").
        asks = [self._asks(s, w) or len(w) < short for s, w in zip(sentences, words, strict=True)]
        lex = self.lexicon
        for i in range(len(sentences) - 1):
            said = [w for w in words[i + 1] if w not in lex.stopwords
                    and w not in lex.question_words and w not in lex.pronouns]
            if asks[i + 1] and len(said) < short / 2 and not lex.pronouns.isdisjoint(
                    words[i + 1]) and not self._asks_clearly(sentences[i + 1]):
                asks[i] = True  # (a question that says nothing but points back)
        if all(asks) or not any(asks):
            return p
        q = self.parse(" ".join(s for s, a in zip(sentences, asks, strict=True) if a))
        weight = self.lexicon.story["weight"]
        whole = {s.intent: s for s in p.intents}
        asked = {s.intent: s for s in q.intents}
        # (what is outside the field is judged on the whole, unless the question asks
        # something clearly of its own: "I had an MRI once and loved the tech. How do I
        # become one?")
        clear = bool(q.intents) and q.intents[0].score >= self.lexicon.story["asked_floor"]
        # (a condition before the question, 'if I go into AI, would I ...?', asks for no
        # pick and says nothing about the person: its cues count as a story's do)
        conditions = all(self.opens_with_condition(s)
                         for s, a in zip(sentences, asks, strict=True) if not a)
        exempt = (frozenset() if conditions else self.lexicon.sets["story_intents"]) | (
            frozenset() if clear else self.lexicon.sets["outside_intents"])
        scores = []
        for name in self.intents:
            base = asked.get(name) or whole.get(name)
            if base is None:
                continue
            w = whole[name].score if name in whole else 0.0
            kept = w if name in exempt or name in asked else weight * w
            if kept > 0:
                scores.append(replace(base, score=round(kept, 3)))
        scores.sort(key=lambda r: -r.score)
        return replace(p, intents=tuple(scores))

    def tokens(self, text: str) -> tuple[str, ...]:
        """The words of a text as its parse reads them (respelled, typos corrected), without
        the rest of the parse (mentions, intents): what a rule that only looks at words needs
        of each sentence of a long message. The same words `parse(text).tokens` holds."""
        parsed = self._parses.get(text) if len(text) <= MAX_INPUT_CHARS else None
        if parsed is not None:
            return parsed.tokens
        found = self._words.get(text)
        if found is None:
            found = tuple(self._read_words(strip_control(text)[:MAX_INPUT_CHARS])[0])
            if len(text) <= MAX_INPUT_CHARS:
                self._words.put(text, found)
        return found

    def _read_words(self, clean: str) -> tuple[list[str], list[tuple[str, str]], list[str]]:
        """(tokens, corrections, unknown words) of a cleaned text."""
        if self._cased is not None:  # ('IT' as typed is information technology, not 'it')
            clean = self._cased.sub(lambda m: self.lexicon.cased[m.group(0)], clean)
        spelt, corrections = self._spelt_out(key(clean).split())
        words, heard = self._sound_alike(self._rewrite(spelt))
        corrections.extend(heard)
        units = self.lexicon.sets["counted_units"]
        words = [f"{w}s" if w in units and i and (words[i - 1].isdigit() or words[
            i - 1] in self.lexicon.numbers) and words[i + 1:i + 2] != ["old"] else w
                 for i, w in enumerate(words)]
        # ('the 2-year one' counts years as '2 years' does; 'intern year' is a name, and a
        # '37-year-old' an age)
        unknown: list[str] = []
        tokens: list[str] = []
        tried: set[str] = set()
        capitals: frozenset[str] | None = None
        for index, word in enumerate(words):
            if word in self.vocab or word.isdigit():
                tokens.append(word)
                continue
            stem = self._plural(word)
            if stem is not None:
                tokens.append(word)
                continue
            squeezed = _REPEATS.sub(r"\1", word)  # "heyyy" -> "hey", "sooo" -> "so"
            if squeezed != word and squeezed in self.vocab:
                corrections.append((word, squeezed))
                tokens.append(squeezed)
                continue
            fixed = None
            if word not in self.real_words and len(tried) < _MAX_CORRECTED:
                tried.add(word)
                fixed = self.correct(word, tokens[-1] if tokens else "",
                                     words[index + 1] if index + 1 < len(words) else "")
                if fixed is None and 3 <= len(word) <= _SHORT_HEARD \
                        and word not in self._sound_words:
                    fixed = self._heard([word], _SOUND_ONE)  # ('pax admin')
                if fixed is None and word.isalpha() and word not in self._said_as_is \
                        and word not in self._plain and word not in self._as_typed:
                    if capitals is None:  # (read once a text, when first needed)
                        capitals = _capitalised(clean)
                    if word not in capitals:  # (a name, 'Siemens', is kept as said)
                        fixed = self._ear_word(  # ('wat dus a sonografer do')
                            word, tokens[-1] if tokens else "",
                            words[index + 1] if index + 1 < len(words) else "")
            if fixed is not None:
                corrections.append((word, fixed))
                tokens.extend(fixed.split())
            else:  # (a word the knowledge says is plain, 'though', is no unknown one;
                tokens.append(word)  # but an inflection of a word known is still read as
                if len(word) > 1 and word not in self._plain:  # it: 'option' as 'options')
                    unknown.append(word)
        return tokens, corrections, unknown

    def _parse(self, text: str) -> Parse:
        clean = strip_control(text)
        truncated = len(clean) > MAX_INPUT_CHARS
        clean = clean[:MAX_INPUT_CHARS]
        tokens, corrections, unknown = self._read_words(clean)
        mentions = self._link(tokens)
        if unknown and not any(m.kind == "alias" for m in mentions):
            mentions = self._fuzzy_link(tokens, set(unknown), mentions)
        if not any(m.kind == "alias" for m in mentions):
            mentions = self._slip_link(tokens, corrections, mentions)
        intents = self._score(tokens, mentions)
        stripped = clean.strip()
        fillers = self.lexicon.sets["fillers"]
        first = next((t for t in tokens if t not in fillers), "")  # ('bro is it boring')
        joined = f" {' '.join(tokens)} "
        words_set = frozenset(tokens)
        question = ("?" in stripped or first in self.lexicon.question_words
                    or bool(self.lexicon.sets["asking"] & words_set)
                    or self._asks_later(tokens, joined, words_set) or self._tagged(tokens))
        # "the job" points back; "the job outlook" names something (a name is no reference)
        named = {i for m in mentions if m.kind == "alias" for i in range(m.start, m.end)}
        unnamed = f" {' '.join(t if i not in named else '#' for i, t in enumerate(tokens))} "
        refers = any(f" {w} " in unnamed for w in self.lexicon.sets["job_references"])
        pronoun = refers or any(t in self.lexicon.pronouns for t in tokens)
        domain = any(t in self.domain for t in tokens) or any(
            " ".join(tokens[i:i + 2]) in self.domain for i in range(len(tokens) - 1))
        numbers = tuple(int(t) for t in tokens if t.isdigit() and len(t) < 4)
        return Parse(clean, tuple(tokens), tuple(corrections), tuple(mentions), intents,
                     question, pronoun, tuple(unknown), domain, truncated, numbers,
                     joined, words_set, self._requested(words_set, joined),
                     refers or bool(words_set & _POINTING), self._likened(tokens, named))

    def _likened(self, tokens: list[str], named: set[int]) -> frozenset[int]:
        """The words after a likening word ('like some trades', 'the way accountants do'), up
        to a word that asks or joins, a name or a word of the field: never 'I'd like', 'what
        is it like', nor 'like, are they ...' (a filler before a question)."""
        sets = self.lexicon.sets
        ends = sets["likeness_ends"] | self.lexicon.question_words
        out: set[int] = set()
        for i, word in enumerate(tokens):
            run = next((r for r in self._likening.get(word, ())
                        if tuple(tokens[i:i + len(r)]) == r), None)
            if run is None or (i and (run[0],) in self._likening[word]
                               and tokens[i - 1] in sets["liking_subjects"]) \
                    or self._asked_by_likeness(tokens, i, named):
                continue
            found: list[int] = []
            for j in range(i + len(run), min(len(tokens), i + len(run) + LIKENESS_REACH)):
                if j in named or tokens[j] in self.domain \
                        or " ".join(tokens[j:j + 2]) in self.domain:
                    if found and found[-1] == j - 1 and tokens[j - 1] in sets["other_fields"]:
                        found = []  # ('like a *vet* sonographer': another field's word makes
                        # a name of this one another profession, which is what is asked)
                    break
                if tokens[j] in ends:
                    break
                found.append(j)
            out.update(found)
        return frozenset(out)

    def _asked_by_likeness(self, tokens: list[str], at: int, named: set[int]) -> bool:
        """'Which radiology job is basically the hospital's IT person?': what a question word
        asks for is likened to what it is, which is the description asked about."""
        before = range(max(0, at - LIKENESS_REACH), at)
        wh = [k for k in before if tokens[k] in self.lexicon.sets["wh_words"]]
        return bool(wh) and not any(k in named for k in range(wh[-1], at))

    def _tagged(self, tokens: list[str]) -> bool:
        """A statement closed by a tag asks ('the prelim year is always in radiology
        right'); an agreement does not ('yes that's right')."""
        sets = self.lexicon.sets
        return len(tokens) >= 4 and tokens[-1] in sets["closing_tags"] \
            and tokens[-2] not in sets["tag_agreements"]

    def _asks_clearly(self, sentence: str) -> bool:
        """A question whose own intent is clear ('How do I become one?'), though it points
        back."""
        q = self.parse(sentence)
        return bool(q.intents) and q.intents[0].score >= self.lexicon.story["asked_floor"]

    def _asks(self, sentence: str, words: list[str]) -> bool:
        """A sentence that asks: it ends in '?' or opens with a question word (not a
        condition: 'what if I don't want to be a doctor')."""
        return sentence.endswith("?") or (bool(words) and words[0] in self.lexicon.question_words
                                          and not self.opens_with_condition(sentence))

    def _asks_later(self, tokens: list[str], padded: str, words: frozenset[str]) -> bool:
        """'I'm an MS3, what comes after I graduate': a question after a statement, by a
        question word not opening a relative clause ('what I love is...'), or by an inverted
        auxiliary ('can I', 'is there')."""
        sets = self.lexicon.sets
        if _has_phrase(tuple(sets["inversions"]), padded, words):
            return True
        wh = sets["wh_words"]
        return any(t in wh and (i + 1 == len(tokens) or tokens[i + 1] not in sets["subjects"])
                   for i, t in enumerate(tokens) if i > 0)

    def _requested(self, words: frozenset[str], padded: str) -> str | None:
        sets = self.lexicon.sets
        if words & sets["subspecialty_words"] or _has_phrase(
                tuple(sets["subspecialty_phrases"]), padded, words):
            return "subspecialty"
        if words & sets["role_words"]:
            return "role"
        return None

    def _link(self, tokens: list[str]) -> list[Mention]:
        """Longest matches first, then left to right: 'imaging informatics specialist' is one
        mention, not 'imaging informatics' + 'specialist'."""
        stop = self.lexicon.stopwords
        n = len(tokens)
        found: list[tuple[int, int, str, tuple[str, ...]]] = []  # (start, size, kind, ids)
        for i in range(n):
            reach = self._entity_reach.get(tokens[i], 0)
            if not reach:
                stem0 = self._plural(tokens[i]) if tokens[i].endswith("s") else None
                reach = 1 if stem0 is not None and stem0 in self._entity_reach else 0
            for size in range(min(reach, n - i), 0, -1):
                phrase = " ".join(tokens[i:i + size])
                if size == 1 and phrase in stop and phrase not in self.aliases:
                    continue
                candidates = [phrase]
                last = tokens[i + size - 1]
                stem = self._plural(last) if last.endswith("s") else None
                if stem is not None:
                    candidates.append(" ".join([*tokens[i:i + size - 1], stem]))
                hit: tuple[str, tuple[str, ...]] | None = None
                for cand in candidates:
                    if cand in self.aliases:
                        hit = ("alias", (self.aliases[cand],))
                        break
                    if cand in self.keywords and not self._own_people(tokens, i, cand):
                        hit = ("keyword", self.keywords[cand])
                        break
                if hit is not None:
                    found.append((i, size, hit[0], hit[1]))
                    break
        taken = [False] * n
        chosen: list[tuple[int, int, str, tuple[str, ...]]] = []
        for start, size, kind, ids in sorted(found, key=lambda f: (-f[1], f[2] != "alias", f[0])):
            if any(taken[start:start + size]):
                continue
            for k in range(start, start + size):
                taken[k] = True
            chosen.append((start, size, kind, ids))
        chosen.sort()
        # (no negation anywhere: none before any mention; 333 mentions looked 333 times)
        return self._mentions(tokens, chosen)

    def _own_people(self, tokens: list[str], at: int, phrase: str) -> bool:
        """A keyword naming people right after a possessive or a number of them ('my kids',
        'two small kids', 'w/ 2 kids') speaks of the person's own family, not of what the
        work is about ('my torn ACL' still is)."""
        if phrase not in self.lexicon.sets["people_words"]:
            return False
        owners, numbers = self.lexicon.sets["owners"], self.lexicon.numbers
        before = tokens[max(0, at - 2):at]
        return any(w in owners or (w.isdigit() and int(w) > 1) or numbers.get(w, 0) > 1
                   for w in before)

    def _mentions(self, tokens: list[str],
                  chosen: list[tuple[int, int, str, tuple[str, ...]]]) -> list[Mention]:
        """The chosen spans as mentions, each with whether a negation covers it."""
        negations = self.lexicon.negations
        maybe = len(chosen) < 2 or _has_phrase(negations, f" {' '.join(tokens)} ", tokens)
        out: list[Mention] = []
        for start, size, kind, ids in chosen:
            negated = False
            if maybe:
                # a negation binds to the first name after it ("without med school, which use
                # PET?": PET is wanted), and to names joined to that one ("no CT or MRI")
                before = out[-1] if out else None
                between = tokens[before.end:start] if before is not None else []
                if before is not None and before.negated and set(between) <= self.lexicon.sets[
                        "name_joiners"]:
                    negated = True
                else:
                    negated = self._negated(tokens, start, before.end if before else 0)
            out.append(Mention(ids, start, start + size, " ".join(tokens[start:start + size]),
                               kind, negated))
        return out

    def _slip_link(self, tokens: list[str], corrections: list[tuple[str, str]],
                   mentions: list[Mention]) -> list[Mention]:
        """A real word slipped into a name of two words or more ('quality *insurance*
        specialist'): every other word of the name as typed, that one within two edits of the
        name's word. Respelled as the name (a typo the corrector leaves alone, being a word),
        over any keyword inside it. Dictionary lookups only: a name is indexed by its words
        around each one of them."""
        index = self._slip_index
        named = {i for m in mentions for i in range(m.start, m.end)}
        for i, word in enumerate(tokens[:_MAX_SLIP_WORDS]):
            if len(word) < 5 or word in self._long_name_words or word in self.lexicon.stopwords \
                    or word.removesuffix("s") in self._long_name_words or i in named:
                continue  # (a plural of a name's word is the name's: 'med students'; a word
                # that already names something means it: 'information technology')
            for size in (4, 3, 2):
                for k in range(size):
                    start = i - k
                    if start < 0 or start + size > len(tokens):
                        continue
                    around = (tuple(tokens[start:i]), tuple(tokens[i + 1:start + size]))
                    for name_word, alias in index.get(around, ()):
                        if OSA.distance(word, name_word, score_cutoff=2) <= 2:
                            corrections.append((word, name_word))
                            tokens[i] = name_word
                            mention = Mention((self.aliases[alias],), start, start + size,
                                              alias, "alias", self._negated(tokens, start))
                            kept = [m for m in mentions
                                    if m.end <= start or m.start >= start + size]
                            return sorted([*kept, mention], key=lambda m: m.start)
        return mentions

    def _fuzzy_link(self, tokens: list[str], unknown: set[str],
                    mentions: list[Mention]) -> list[Mention]:
        """A misspelt multi-word name ('medicle device sals'): word n-grams holding an unknown
        word are compared with the names of two words or more. Only runs when nothing was
        linked by name, so a correct question never pays for it."""
        taken = {i for m in mentions for i in range(m.start, m.end)}
        shortest, longest = self._long_name_lengths
        budget = _MAX_FUZZY_SPANS
        at = [i for i, t in enumerate(tokens) if t in unknown]
        for size in (4, 3, 2):
            # the runs holding an unknown word, left to right (not every run of the text)
            starts = sorted({i for p in at
                             for i in range(max(0, p - size + 1), min(p, len(tokens) - size) + 1)})
            for i in starts:
                if not taken.isdisjoint(range(i, i + size)):
                    continue
                phrase = " ".join(tokens[i:i + size])
                # A ratio of 88 needs lengths within about 4:5 of each other.
                if not shortest * 0.78 <= len(phrase) <= longest / 0.78:
                    continue
                budget -= 1
                if budget < 0:
                    return mentions
                found = process.extractOne(phrase, self._long_names, scorer=fuzz.ratio,
                                           score_cutoff=88)
                if found is not None:
                    node_id = self.aliases[found[0]]
                    mention = Mention((node_id,), i, i + size, phrase, "alias",
                                      self._negated(tokens, i))
                    return sorted([*mentions, mention], key=lambda m: m.start)
        return mentions

    def _hedged(self, tokens: list[str]) -> set[int]:
        """Positions of the hedges of a question ('kind of stuff', 'actually')."""
        out: set[int] = set()
        for i, token in enumerate(tokens):
            for size in range(min(self._hedge_reach.get(token, 0), len(tokens) - i), 0, -1):
                if " ".join(tokens[i:i + size]) in self._hedges:
                    out.update(range(i, i + size))
                    break
        return out

    def _negated(self, tokens: list[str], start: int, floor: int = 0) -> bool:
        """A negation in the few words before a name (after the name before it, `floor`), or
        a far one ('not', 'never') with only bridging words between ("I do *not* want to go to
        med school")."""
        before = tokens[max(floor, start - NEGATION_REACH):start]
        if _has_phrase(self.lexicon.negations, f" {' '.join(before)} ", before):
            return True
        sets = self.lexicon.sets
        at = start - 1
        while at >= floor and start - at <= FAR_NEGATION_REACH and tokens[at] in sets[
                "negation_bridges"]:
            at -= 1
        return at >= floor and start - at <= FAR_NEGATION_REACH and tokens[at] in sets[
            "far_negations"]

    def _cue_hits(self, tokens: list[str], hedged: set[int] | frozenset[int],
                  names: list[Mention]) -> dict[str, dict[str, float]]:
        """Each intent's cue phrases found in the words (hedges aside), with their weights.
        A career's name asks nothing (the 'machine' of 'AI and machine learning specialists'
        is no modality); the out-of-scope cues never count inside any name ('ml' of 'AI/ML'
        is no dose)."""
        kept = [i for i in range(len(tokens)) if i not in hedged]
        words = [tokens[i] for i in kept]
        named = {i for m in names for i in range(m.start, m.end)}
        careers = {i for m in names if self.graph.node(m.node_ids[0]).type in CAREER_TYPES
                   for i in range(m.start, m.end)}
        hits: dict[str, dict[str, float]] = {}
        n = len(words)
        blind = self.lexicon.sets["outside_intents"]
        for i in range(n):
            for size in range(1, min(self._cue_reach.get(words[i], 0), n - i) + 1):
                cued = self.cues.get(" ".join(words[i:i + size]))
                if not cued or all(kept[j] in careers for j in range(i, i + size)):
                    continue
                phrase = " ".join(words[i:i + size])
                in_name = all(kept[j] in named for j in range(i, i + size))
                for intent, weight in cued:
                    if not (in_name and intent in blind):
                        hits.setdefault(intent, {})[phrase] = weight
        return hits

    def _score(self, tokens: list[str], mentions: list[Mention]) -> tuple[IntentScore, ...]:
        spans = {m.start: m for m in mentions if m.kind == "alias"}
        # The question without its hedges ("what do they *actually* do?"), names as "x".
        masked: list[str] = []
        hedged = self._hedged(tokens)
        i = 0
        while i < len(tokens):
            if i in spans:
                masked.append("x")
                i = spans[i].end
            else:
                if i not in hedged:
                    masked.append(tokens[i])
                i += 1
        hits = self._cue_hits(tokens, hedged, list(spans.values()))
        text = " ".join(masked[:40])
        best_example: dict[str, tuple[str, float]] = {}
        content = sum(1 for w in masked if w != "x")
        # Short strings make ratio jumpy ("x for x" ~ "x or x"): trust it less there.
        weight = 0.0 if content < 2 else (0.5 if content < 3 else 1.0)
        if weight:
            for example, score, index in process.extract(text, self.examples, scorer=fuzz.ratio,
                                                         limit=12, score_cutoff=50):
                intent = self.example_intents[index]
                if intent not in best_example:
                    best_example[intent] = (example, float(score) * weight)
        results = []
        for name in self.intents:
            if name not in hits and name not in best_example:
                continue  # nothing for it: its total would be 0
            cue_hits = hits.get(name, {})
            cue_score = min(sum(cue_hits.values()), 6.0)
            example, sim = best_example.get(name, ("", 0.0))
            sim_score = max(0.0, (sim - 60.0) / 40.0) * (2.5 if cue_hits else 1.2)
            total = cue_score + sim_score
            if total > 0:
                results.append(IntentScore(name, round(total, 3), tuple(cue_hits), example, sim))
        results.sort(key=lambda r: -r.score)
        return tuple(results)
