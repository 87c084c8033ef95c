"""A semantic index over the graph: which nodes a piece of text talks about, and why.

Every node is indexed by the words of its name, aliases and keywords and of its facts (duties,
focus, specialties, statements, summary), plus the names of the nodes it links to, each word
stemmed (Snowball) and weighted by the field it came from and by its rarity across the graph
(IDF), with adjacent word pairs indexed too so "blood vessels" outweighs "blood". A word the
index does not know is matched to the closest known word within an edit or two (rapidfuzz;
swapping two letters is one edit).

One index serves linking, reverse lookups ("who runs the PET scanner?" -> the technologist
whose duties mention PET) and the interview's evidence ("I'm fascinated by the brain and
spine" -> neuroradiology), so a node added in YAML is understood without code. The words the
index ignores and the field weights are data (`knowledge/index.yaml`).

    index = SemanticIndex.of(graph)
    for hit in index.query("who runs the PET scanner?", types={"role"}):
        print(hit.node.name, hit.score, hit.words, hit.facts)
"""

from __future__ import annotations

import math
import threading
import weakref
from collections.abc import Collection, Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, ClassVar

from rapidfuzz import process
from rapidfuzz.distance import OSA

from .errors import KnowledgeError, Problem
from .graph import Graph
from .model import Node
from .record import field, record
from .text import tokens

__all__ = ["Hit", "IndexSettings", "SemanticIndex"]

SETTINGS_FILE = Path(__file__).resolve().parent / "index.yaml"
#: A query longer than this many words is cut: a lookup needs a sentence, not a book.
#: At most this many distinct unknown words of a query are looked up as typos: a text of
#: hundreds of unknown words is no question with a typo (a fuzzy search each, issue 14).
MAX_CORRECTED_WORDS = 24
MAX_QUERY_WORDS = 200
_FUZZY_CACHE = 4096
#: Fields that hold names and phrases (not sentences): their short words count too.
_PHRASE_FIELDS = frozenset({"name", "aliases", "keywords", "full_name", "related"})
_SETTING_NAMES = ("language", "stopwords", "field_weights", "fact_fields", "min_fact_word",
                  "fuzzy_min_length", "fuzzy_two_edits_from", "fuzzy_weight",
                  "phrase_part_weight", "max_term_weight")


@record
class IndexSettings:
    """How text is indexed: the stemmer's language, stopwords, field weights, typo reach."""

    language: str = "english"
    stopwords: frozenset[str] = frozenset()
    field_weights: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    fact_fields: tuple[str, ...] = ()
    min_fact_word: int = 3
    fuzzy_min_length: int = 5
    fuzzy_two_edits_from: int = 9
    fuzzy_weight: float = 0.6
    phrase_part_weight: float = 1.0
    max_term_weight: float = 4.0

    @classmethod
    def load(cls, path: str | Path | None = None) -> IndexSettings:
        """Read settings from YAML (the embedded `knowledge/index.yaml` by default).

        Raises KnowledgeError naming the file and the problem when it is malformed."""
        return _load_settings(str(path or SETTINGS_FILE))


@lru_cache(maxsize=8)
def _load_settings(path: str) -> IndexSettings:
    import yaml

    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        data = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=loader)
    except (OSError, yaml.YAMLError) as exc:
        raise _problem(path, f"cannot read index settings: {exc}") from None
    if not isinstance(data, dict):
        raise _problem(path, "index settings must be a mapping")
    try:
        weights = {str(k): float(v) for k, v in (data.get("field_weights") or {}).items()}
        settings = IndexSettings(
            language=str(data.get("language", "english")),
            stopwords=frozenset(_words(data.get("stopwords"), path)),
            field_weights=MappingProxyType(weights),
            fact_fields=tuple(str(f) for f in data.get("fact_fields") or ()),
            min_fact_word=int(data.get("min_fact_word", 3)),
            fuzzy_min_length=int(data.get("fuzzy_min_length", 5)),
            fuzzy_two_edits_from=int(data.get("fuzzy_two_edits_from", 9)),
            fuzzy_weight=float(data.get("fuzzy_weight", 0.6)),
            phrase_part_weight=float(data.get("phrase_part_weight", 1.0)),
            max_term_weight=float(data.get("max_term_weight", 4.0)),
        )
    except (TypeError, ValueError, AttributeError) as exc:
        raise _problem(path, f"malformed index settings: {exc}") from None
    _stemmer_for(settings.language, path)  # (checked here, so a bad language fails at load)
    return settings


_STEMMING = threading.Lock()
#: Stems an index built or loaded in this process already holds, per language: a word found
#: here needs no stemmer, so a start-up from the engine cache imports none (snowballstemmer
#: imports every language's stemmer at once).
_KNOWN_STEMS: dict[str, dict[str, str]] = {}


def stem(word: str, language: str = "english") -> str:
    """The Snowball stem of one word ('serving' and 'serve' -> 'serv'): the one stemmer every
    layer uses, so a word the index finds is the word the answer's notes know."""
    known = _KNOWN_STEMS.get(language)
    found = known.get(word) if known is not None else None
    return found if found is not None else _snowball(word, language)


@lru_cache(maxsize=16384)
def _snowball(word: str, language: str) -> str:
    """Cached (bounded); a Snowball stemmer keeps its word in itself, so one thread stems at
    a time."""
    with _STEMMING:
        return str(_stemmer_for(language).stemWord(word))


@lru_cache(maxsize=8)
def _stemmer_for(language: str, where: str = "") -> Any:
    """A Snowball stemmer. snowballstemmer imports every language's stemmer at once (~10 ms),
    so it is imported on the first word no index has stemmed yet, not at start-up."""
    import snowballstemmer

    if language not in snowballstemmer.algorithms():
        raise _problem(where or "index settings",
                       f"no Snowball stemmer for language {language!r}")
    return snowballstemmer.stemmer(language)


def _words(value: Any, path: str) -> list[str]:
    """A list of words; a bare yes/no/on/off (a YAML boolean) is refused, not read as 'true'."""
    words = list(value or ())
    bad = [w for w in words if not isinstance(w, str)]
    if bad:
        raise _problem(path, f"stopword {bad[0]!r} is not text (quote yes, no, on, off)")
    return [w.lower() for w in words]


def _problem(path: str, message: str) -> KnowledgeError:
    return KnowledgeError([Problem(path, 1, 1, message)])


@record
class Hit:
    """A node a text talks about: its score (higher is surer; comparable within one query),
    the words of the text that matched (as typed), and the node's fact sentences that hold
    them, so a reply can quote the graph rather than paraphrase it."""

    node: Node
    score: float
    words: tuple[str, ...]
    facts: tuple[str, ...] = ()


#: A term of a text: its stem (or "stem stem" for an adjacent pair) and the words it came from.
_Term = tuple[str, tuple[str, ...]]
#: A query term: a term and how much it counts (less when read as a typo of a known word).
_QueryTerm = tuple[str, tuple[str, ...], float]


class SemanticIndex:
    """Stemmed, IDF-weighted, typo-tolerant lookup from free text to the nodes of a graph.

    Immutable once built; safe to share between threads and sessions.
    """

    _cache: ClassVar[weakref.WeakKeyDictionary[Graph, SemanticIndex]] = weakref.WeakKeyDictionary()

    def __init__(self, graph: Graph, settings: IndexSettings | None = None) -> None:
        self.graph = graph
        self.settings = settings or IndexSettings.load()
        self._stems: dict[str, str] = {}
        self._fuzzy: dict[str, str | None] = {}
        docs: dict[str, dict[str, tuple[float, float]]] = {}
        facts: dict[str, list[tuple[str, frozenset[str]]]] = {}
        surface: set[str] = set()
        cap = self.settings.max_term_weight
        for node in graph:
            # per term: (weight without words that are only part of a phrase, with them)
            doc: dict[str, tuple[float, float]] = {}
            for field_name, texts in self._fields(node):
                seen: dict[str, tuple[float, float]] = {}  # per field, the best of each term
                weight = self.settings.field_weights.get(field_name, 1.0)
                if weight <= 0:
                    continue  # (a field shown, never looked up)
                phrase = field_name in _PHRASE_FIELDS
                for text in texts:
                    terms = self._terms(text, short_ok=phrase)
                    several = phrase and sum(1 for _, w in terms if len(w) == 1) > 1
                    for term, words in terms:
                        own = 0.0 if several and len(words) == 1 else weight
                        best = seen.get(term, (0.0, 0.0))
                        seen[term] = (max(own, best[0]), max(weight, best[1]))
                        surface.update(words)
                    if field_name in self.settings.fact_fields and terms:
                        facts.setdefault(node.id, []).append(
                            (text, frozenset(t for t, _ in terms)))
                # A term in several fields (an alias, a duty, a linked modality) says more,
                # up to a cap: summed across fields, the best weight within each.
                for term, (own, whole) in seen.items():
                    was = doc.get(term, (0.0, 0.0))
                    doc[term] = (min(cap, was[0] + own), min(cap, was[1] + whole))
            docs[node.id] = doc
        count = max(1, len(docs))
        df: dict[str, int] = {}
        for doc in docs.values():
            for term in doc:
                df[term] = df.get(term, 0) + 1
        self._idf = {term: math.log(1.0 + count / n) for term, n in df.items()}
        postings: dict[str, list[tuple[str, float, float]]] = {}
        for node_id, doc in docs.items():
            for term, (own, whole) in doc.items():
                idf = self._idf[term]
                postings.setdefault(term, []).append((node_id, own * idf, whole * idf))
        self._postings = {t: tuple(p) for t, p in postings.items()}
        self._facts = {k: tuple(v) for k, v in facts.items()}
        self._surface = sorted(w for w in surface if len(w) >= self.settings.fuzzy_min_length - 1)
        self._known_stems = frozenset(self._stem(w) for w in surface)
        _KNOWN_STEMS.setdefault(self.settings.language, {}).update(self._stems)

    @classmethod
    def of(cls, graph: Graph) -> SemanticIndex:
        """The index of `graph` with the embedded settings, built once per graph and kept."""
        index = cls._cache.get(graph)
        if index is None:
            index = cls._cache[graph] = cls(graph)
        return index

    # -- building -------------------------------------------------------------------------
    def _fields(self, node: Node) -> Iterable[tuple[str, tuple[str, ...]]]:
        """(field, texts) pairs of a node, related node names included."""
        yield "name", (node.name, node.id.replace("_", " "))
        yield "aliases", node.aliases
        yield "keywords", node.keywords
        for name, value in node.fields.items():
            if isinstance(value, str):
                yield name, (value,)
            elif isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
                yield name, tuple(value)
        yield "summary", (node.summary,)
        related = tuple(n.name for n in self.graph.neighbours(node.id))
        if related:
            yield "related", related

    def _stem(self, word: str) -> str:
        found = self._stems.get(word)
        if found is None:
            found = stem(word, self.settings.language)
            if len(self._stems) < 100_000:
                self._stems[word] = found
        return found

    def _terms(self, text: str, short_ok: bool = True) -> list[_Term]:
        """Stems of the content words of `text`, then stems of adjacent content-word pairs."""
        stop = self.settings.stopwords
        words = [w for w in tokens(text)[:MAX_QUERY_WORDS] if w not in stop
                 and (short_ok or len(w) >= self.settings.min_fact_word or w.isdigit())]
        stems = [self._stem(w) for w in words]
        terms: list[_Term] = [(s, (w,)) for s, w in zip(stems, words, strict=True)]
        terms += [(f"{a} {b}", (wa, wb)) for a, b, wa, wb in
                  zip(stems, stems[1:], words, words[1:], strict=False)]
        return terms

    # -- querying -------------------------------------------------------------------------
    def terms(self, text: str) -> tuple[str, ...]:
        """The index terms of `text` (typos corrected to known words), for callers that
        compare texts by what they are about."""
        return tuple(t for t, _, _ in self._query_terms(text))

    def idf(self, term: str) -> float:
        """How rare a term is in the graph (0 for an unknown term): rarer says more."""
        return self._idf.get(term, 0.0)

    def _correct(self, word: str) -> str | None:
        """The known word a typo stands for ('pediatirc' -> 'pediatric'), or None."""
        if word in self._fuzzy:
            return self._fuzzy[word]
        best: str | None = None
        if len(word) >= self.settings.fuzzy_min_length and not word.isdigit():
            reach = 2 if len(word) >= self.settings.fuzzy_two_edits_from else 1
            found = process.extractOne(word, self._surface, scorer=OSA.distance,
                                       score_cutoff=reach)
            if found is not None:
                best = str(found[0])
        if len(self._fuzzy) >= _FUZZY_CACHE:
            self._fuzzy.clear()
        self._fuzzy[word] = best
        return best

    def _query_terms(self, text: str) -> list[_QueryTerm]:
        """Terms of a query; an unknown word is replaced by the known word it misspells,
        and counts less (a real word the graph lacks can look like a typo of one it has)."""
        stop = self.settings.stopwords
        words: list[str] = []
        typed: list[str] = []
        factors: list[float] = []
        tried: set[str] = set()
        for word in tokens(text)[:MAX_QUERY_WORDS]:
            if word in stop:
                continue
            known, factor = word, 1.0
            if self._stem(word) not in self._known_stems and (
                    word in tried or len(tried) < MAX_CORRECTED_WORDS):
                tried.add(word)
                corrected = self._correct(word)
                if corrected is not None:
                    known, factor = corrected, self.settings.fuzzy_weight
            words.append(known)
            typed.append(word)
            factors.append(factor)
        stems = [self._stem(w) for w in words]
        terms: list[_QueryTerm] = [(s, (w,), f) for s, w, f in zip(stems, typed, factors,
                                                                     strict=True)]
        terms += [(f"{a} {b}", (wa, wb), min(fa, fb)) for a, b, wa, wb, fa, fb in
                  zip(stems, stems[1:], typed, typed[1:], factors, factors[1:], strict=False)]
        return terms

    def query(self, text: str, *, types: Collection[str] | None = None, limit: int = 10,
              min_score: float = 0.0, phrase_parts: float | None = None) -> list[Hit]:
        """Nodes `text` talks about, best first: each with its score, the matched words of
        `text` as typed, and its facts that hold them. `types` restricts the node types.

        `phrase_parts` (0-1, default from the settings) is how much a word counts that is
        only part of a name, alias or keyword of several words: "blood" of "blood vessels"
        says less about sonography than "blood vessels" does."""
        parts = self.settings.phrase_part_weight if phrase_parts is None else phrase_parts
        scores: dict[str, float] = {}
        matched: dict[str, dict[str, None]] = {}
        stems: dict[str, set[str]] = {}
        seen: set[str] = set()
        for term, words, factor in self._query_terms(text):
            if term in seen:
                continue
            seen.add(term)
            for node_id, own, whole in self._postings.get(term, ()):
                weight = own + parts * (whole - own)
                if weight <= 0:
                    continue
                scores[node_id] = scores.get(node_id, 0.0) + weight * factor
                matched.setdefault(node_id, {}).update(dict.fromkeys(words))
                stems.setdefault(node_id, set()).update(term.split())
        wanted = set(types) if types is not None else None
        ranked = sorted(
            (node_id for node_id, score in scores.items() if score > min_score and (
                wanted is None or self.graph.node(node_id).type in wanted)),
            key=lambda n: (-scores[n], self.graph.order(n)))
        return [Hit(self.graph.node(n), round(scores[n], 4), tuple(matched[n]),
                    self._facts_of(n, stems[n])) for n in ranked[:max(0, limit)]]

    def score(self, node_id: str, text: str) -> Hit | None:
        """How much `text` talks about one node (None when not at all)."""
        return next((h for h in self.query(text, limit=len(self.graph))
                     if h.node.id == node_id), None)

    def _facts_of(self, node_id: str, stems: set[str]) -> tuple[str, ...]:
        """The node's fact sentences holding any matched stem, most matches first."""
        found = [(len(stems & fact_stems), i, text) for i, (text, fact_stems)
                 in enumerate(self._facts.get(node_id, ())) if stems & fact_stems]
        found.sort(key=lambda f: (-f[0], f[1]))
        return tuple(dict.fromkeys(text for _, _, text in found))

    def __getstate__(self) -> dict[str, Any]:
        """Pickled without the typo cache, with its settings as plain data."""
        state = dict(self.__dict__)
        state["_fuzzy"] = {}
        settings = state.pop("settings")
        state["_settings"] = {**{n: getattr(settings, n) for n in _SETTING_NAMES},
                              "field_weights": dict(settings.field_weights)}
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        settings = state.pop("_settings")
        settings["field_weights"] = MappingProxyType(settings["field_weights"])
        self.__dict__.update(state)
        self.settings = IndexSettings(**settings)
        _KNOWN_STEMS.setdefault(self.settings.language, {}).update(self._stems)

