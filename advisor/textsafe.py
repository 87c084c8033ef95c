"""Terminal-safe text, in a module of its own so the scripted mode imports nothing heavier."""

from __future__ import annotations

import re

from knowledge import strip_control

_SURROGATE = re.compile(r"[\ud800-\udfff]")


def without_surrogates(text: str) -> str:
    """Lone surrogates ('\\ud800' in JSON, undecodable bytes of an argument) as U+FFFD: they
    can be neither answered nor written as UTF-8."""
    return _SURROGATE.sub("\ufffd", text)


def safe_text(text: str) -> str:
    """Text fit for a terminal: control and escape characters removed, newlines kept, and
    lone surrogates (undecodable bytes of an argument) shown as U+FFFD, which UTF-8 can encode."""
    text = without_surrogates(text)
    return "\n".join(strip_control(line.replace("\t", "    ")) for line in text.split("\n"))
