"""Words and phrases for dialogs: clause-aware tokens and a longest-match phrase index.

Clauses matter because negation does not cross a comma ("no med school, I love kids"), and
case matters only where a cue is written in capitals ("IT" is not "it").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Generic, TypeVar

from knowledge import MAX_SENTENCES, strip_control
from knowledge.record import record

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})
_SENTENCE = re.compile(r"[.;!?]+(?:\s|$)|[.;!?]{2,}|\n+")
_CLAUSE = re.compile(r"[.,;:!?()\[\]{}\"]+|\s[-–—]+(?=\s)|\s[-–—]+$")
_WORD = re.compile(r"[A-Za-z0-9]+(?:'[A-Za-z]+)*")

P = TypeVar("P")


@record
class Token:
    """One word: lower-cased (and respelled) for matching, as typed for case-sensitive cues."""

    word: str
    raw: str
    clause: int
    sentence: int = 0


def fold(text: str) -> str:
    """Drop control characters and accents; unify apostrophes."""
    text = strip_control(text)
    if text.isascii():  # nothing to fold (most input): skip the per-character pass
        return text.translate(_APOSTROPHES)
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch)).translate(_APOSTROPHES)


def tokenize(text: str, respell: Mapping[str, str] | None = None) -> tuple[Token, ...]:
    """Words of `text` with their clause number; "'s" is dropped ("women's" -> "women")."""
    respell = respell or {}
    out: list[Token] = []
    index = 0
    for at, sentence in enumerate(_SENTENCE.split(fold(text))):
        number = min(at, MAX_SENTENCES - 1)  # (the rest read as part of the last: bounded)
        for clause in _CLAUSE.split(sentence):
            for match in _WORD.finditer(clause):
                raw = match.group()
                if raw.lower().endswith("'s"):
                    raw = raw[:-2]
                low = raw.lower()
                out.append(Token(respell.get(low, low), raw, index, number))
            index += 1
    return tuple(out)


def asked_sentences(text: str) -> frozenset[int]:
    """The numbers (as `tokenize` counts them) of the sentences that end in a question mark:
    "She loves kids. Which fellowship fits her?" asks only in the second."""
    return frozenset(min(i, MAX_SENTENCES - 1)
                     for i, end in enumerate(_SENTENCE.findall(fold(text))) if "?" in end)


@lru_cache(maxsize=16384)
def _plain_words(text: str) -> tuple[str, ...]:
    return tuple(t.word for t in tokenize(text))


def phrase_words(text: str, respell: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """The words of a phrase as the matcher compares them (cached: flows repeat phrases)."""
    words = _plain_words(text)
    return tuple(respell.get(w, w) for w in words) if respell else words


def is_case_sensitive(text: str) -> bool:
    """A cue written all in capitals ("IT", "PET") only matches capitals."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


@record
class Hit(Generic[P]):
    """A phrase found at tokens[start:end]."""

    start: int
    end: int
    payload: P

    @property
    def length(self) -> int:
        return self.end - self.start


class PhraseIndex(Generic[P]):
    """Phrases indexed by their first word; finds every occurrence within one clause."""

    def __init__(self, entries: Iterable[tuple[str, P]],
                 respell: Mapping[str, str] | None = None) -> None:
        self._respell = dict(respell or {})
        index: dict[str, list[tuple[tuple[str, ...], tuple[str, ...] | None, P]]] = {}
        for text, payload in entries:
            words = phrase_words(text, self._respell)
            if not words:
                continue
            raw = tuple(t.raw for t in tokenize(text)) if is_case_sensitive(text) else None
            index.setdefault(words[0], []).append((words, raw, payload))
        for candidates in index.values():
            candidates.sort(key=lambda c: -len(c[0]))
        self._index = index
        #: Words a phrase can start with: a text with none of them holds no phrase.
        self.first_words: frozenset[str] = frozenset(index)

    def scan(self, tokens: Sequence[Token]) -> list[Hit[P]]:
        hits: list[Hit[P]] = []
        words_of = tuple(t.word for t in tokens)  # compared by slice, in C
        n = len(words_of)
        index = self._index
        for i, word in enumerate(words_of):
            candidates = index.get(word)
            if candidates is None:
                continue
            clause = tokens[i].clause
            for words, raw, payload in candidates:
                end = i + len(words)
                if end > n or tokens[end - 1].clause != clause:
                    continue
                if end - i > 1 and words_of[i:end] != words:
                    continue
                if raw is not None and tuple(t.raw for t in tokens[i:end]) != raw:
                    continue
                hits.append(Hit(i, end, payload))
        return hits


def longest(hits: Iterable[Hit[P]], group: Callable[[P], Hashable]) -> list[Hit[P]]:
    """Within each group keep the longest non-overlapping hits ("doesn't want" beats "want")."""
    by_group: dict[Hashable, list[Hit[P]]] = {}
    for hit in hits:
        by_group.setdefault(group(hit.payload), []).append(hit)
    kept: list[Hit[P]] = []
    for members in by_group.values():
        members.sort(key=lambda h: (-h.length, h.start))
        taken: list[Hit[P]] = []
        covered: set[int] = set()  # the words taken: linear, where comparing with every
        for hit in members:        # hit taken was quadratic ("kids kids kids ...")
            span = range(hit.start, hit.end)
            if covered.isdisjoint(span) and (span or all(
                    hit.end <= t.start or hit.start >= t.end for t in taken)):
                taken.append(hit)
                covered.update(span)
        kept.extend(taken)
    kept.sort(key=lambda h: (h.start, -h.length))
    return kept


_SAME_APOSTROPHE = str.maketrans({"’": "'"})


class Voicing:
    """Turns text said to "you" into text about someone else, by a table of phrases from
    YAML ("you're" -> "she's"), longest first, whole words only, either apostrophe, keeping a
    capital first letter. Idempotent for tables that only rewrite second-person phrases."""

    def __init__(self, words: Mapping[str, str]) -> None:
        self._words = {k.translate(_SAME_APOSTROPHE).lower(): v for k, v in words.items()}
        alternatives = sorted(self._words, key=len, reverse=True)
        body = "|".join(re.escape(k).replace("'", "['’]") for k in alternatives)
        self._pattern = re.compile(rf"(?<![\w'’])(?:{body})(?![\w'’])", re.IGNORECASE) \
            if alternatives else None

    def _swap(self, match: re.Match[str]) -> str:
        found = match.group(0)
        to = self._words[found.translate(_SAME_APOSTROPHE).lower()]
        return to[:1].upper() + to[1:] if found[:1].isupper() else to

    def __call__(self, text: str) -> str:
        return self._pattern.sub(self._swap, text) if self._pattern is not None else text
