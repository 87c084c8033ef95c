"""Text normalisation shared by every lookup, so an alias is found however it is typed."""

from __future__ import annotations

import re
import reprlib
import unicodedata
from collections.abc import Sequence
from typing import Any

#: The longest utterance read, in characters: longer input is cut here before anything looks
#: at it (nobody asks a question in more, and it bounds the work of every pattern and cache).
MAX_INPUT_CHARS = 2000
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})
_NON_WORD = re.compile(r"[^a-z0-9/&+'\-]+")
_DASHES = re.compile(r"[‐-―−]")
_CONTRACTIONS = frozenset({"what's", "that's", "it's", "there's", "who's", "how's", "where's",
                           "he's", "she's", "let's", "here's", "when's", "why's"})
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


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
