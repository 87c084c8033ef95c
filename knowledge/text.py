"""Text normalisation shared by every lookup, so an alias is found however it is typed."""

from __future__ import annotations

import operator
import re
import reprlib
import unicodedata
from collections.abc import Sequence
from typing import Any

#: The longest utterance read, in characters: longer input is cut here before anything looks
#: at it (nobody asks a question in more, and it bounds the work of every pattern and cache).
MAX_INPUT_CHARS = 2000
#: The most sentences a message is read as: the rest is read as part of the last one. The
#: longest message of every evaluation set has 12; sentence by sentence, 165 junk sentences
#: of 2,000 characters cost 30 times an ordinary turn.
MAX_SENTENCES = 16
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})
_NON_WORD = re.compile(r"[^a-z0-9/&+'\-]+")
_DASHES = re.compile(r"[‐-―−]")
_CONTRACTIONS = frozenset({"what's", "that's", "it's", "there's", "who's", "how's", "where's",
                           "he's", "she's", "let's", "here's", "when's", "why's"})
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


#: Texts longer than this have their repeats folded (`fold_repeats`) before a turn reads them;
#: every question asked in the evaluation sets is shorter, so what they get is unchanged.
FOLD_FROM_CHARS = 500
#: A word, phrase or sentence said more than this many times in a row is read this many times.
FOLD_KEEP = 3
#: The longest repeated run looked for: phrases of up to 12 words, runs of up to 4 sentences.
_WORD_UNIT = re.compile(r"\S+\s*")
_SENTENCE_UNIT = re.compile(r"[^.!?\n]+[.!?\n]*")
_FOLD_UNITS = ((_WORD_UNIT, 12), (_SENTENCE_UNIT, 4))


def fold_repeats(text: str) -> str:
    """A long text with each run of one word, phrase or sentence repeated back to back
    ("no no no ...", "sonographer\\r\\n" x 150, a pasted story twice) kept to `FOLD_KEEP`
    repeats: the copies say nothing the first ones did not, and every reader of a turn
    (interview cues, clauses, provenance) would pay for each. Linear: per length of run, one
    comparison of each word with the one that far ahead, done in C. Short texts (every
    ordinary question) are returned as they are."""
    if len(text) <= FOLD_FROM_CHARS:
        return text
    for unit, longest in _FOLD_UNITS:
        text = _fold_units(text, unit, longest)
    return text


def _fold_units(text: str, unit: re.Pattern[str], longest: int) -> str:
    """`text` with each run of 1 to `longest` repeated units cut to `FOLD_KEEP` copies."""
    spans = [m.span() for m in unit.finditer(text)]
    keys = [text[a:b].strip().casefold() for a, b in spans]
    kept = list(range(len(spans)))  # the units kept so far, in order
    for period in range(1, longest + 1):
        seq = [keys[i] for i in kept]
        for start, stop in reversed(_repeats(seq, period)):
            del kept[start:stop]
    if len(kept) == len(spans):
        return text
    out, at, keep = [], 0, set(kept)
    for i, (a, b) in enumerate(spans):
        if i not in keep:
            out.append(text[at:a])
            at = b
    out.append(text[at:])
    return "".join(out)


def _repeats(seq: list[str], period: int) -> list[tuple[int, int]]:
    """The ranges of `seq` to drop so that no run of `period` items repeats more than
    `FOLD_KEEP` times in a row."""
    # same[i] is 1 where seq[i] == seq[i + period]: a run of k such ones starting at i means
    # items i .. i + k + period - 1 repeat, k // period + 1 copies of them
    same = bytes(map(operator.eq, seq, seq[period:]))
    need = b"\x01" * (FOLD_KEEP * period)
    cuts = []
    at = same.find(need)
    while at >= 0:
        end = same.find(b"\x00", at)
        end = len(same) if end < 0 else end
        extra = (end - at) // period + 1 - FOLD_KEEP
        first = at + FOLD_KEEP * period
        cuts.append((first, first + extra * period))
        at = same.find(need, end)
    return cuts


#: Signs written for 'and' when they stand alone.
_JOINERS = frozenset({"+", "&"})


def strip_control(text: str) -> str:
    """Remove control and bidi characters, which must never reach a terminal or a matcher."""
    return _CONTROL.sub("", text)


def normalize(text: str) -> str:
    """Lower-case, fold accents, punctuation to spaces: 'X-Ray Tech’s' -> 'x-ray tech'."""
    text = strip_control(text)
    if text.isascii():  # nothing to fold: skip the per-character pass (most input)
        text = text.translate(_APOSTROPHES).lower()
    else:
        text = unicodedata.normalize("NFKD", text)
        # Accents off: each distinct character is looked at once, not every character.
        marks = {ord(ch): None for ch in set(text) if unicodedata.combining(ch)}
        if marks:
            text = text.translate(marks)
        text = _DASHES.sub("-", text.translate(_APOSTROPHES).lower())
    text = _NON_WORD.sub(" ", text)
    words = []
    for word in text.split():
        if word in _JOINERS:  # 'med school + residency': a word of its own
            words.append("and")
            continue
        word = word.strip("'-/&+")
        if word.endswith("'s") and word not in _CONTRACTIONS:
            word = word[:-2]
        if word:
            words.append(word)
    return " ".join(words)


def tokens(text: str) -> list[str]:
    """Normalised words, with hyphenated and slashed words also split ('x-ray' -> 'x ray')."""
    return normalize(text).replace("-", " ").replace("/", " ").split()


def key(text: str) -> str:
    """The lookup key of a name or alias: its normalised words joined by single spaces."""
    return " ".join(tokens(text))


_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxstring, _REPR.maxother, _REPR.maxlong = 3, 40, 40, 40


def brief(value: Any, limit: int = 60) -> str:
    """A foreign value as a message shows it: repr'd (controls escaped), clipped, never
    raising on deep nesting, huge strings or ints too long to print."""
    try:
        text = _REPR.repr(value)
    except Exception:  # an int beyond the digit limit, a broken __repr__
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def join_words(items: Sequence[str], word: str = "and") -> str:
    """'a, b and c' (empty items left out)."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {word} " + items[-1]
