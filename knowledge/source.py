"""The source document a knowledge directory is built from, read into sections of lines.

Every fact of the graph cites a line of this document (section path and quote), and the loader
checks each quote against it, so an invented or drifted fact fails `radiology-advisor check`.
Quotes are compared after normalising case, punctuation, markdown and list markers.
"""

from __future__ import annotations

import re
from pathlib import Path

from .memo import Memo
from .model import Source
from .record import record
from .text import key

_HEADING = re.compile(r"^(#{1,6}) (.*)$")
_MARKERS = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
#: The path separator a section path is written with in YAML and shown to users.
PATH_SEP = " > "
SHOWN_SEP = " › "


_NORMAL: Memo[str, str] = Memo(items=8192, chars=400_000)


@record
class Section:
    """One heading of the document and the lines under it (up to the next heading)."""

    title: str
    path: tuple[str, ...]
    line: int
    lines: tuple[tuple[int, str], ...]  # (line number, raw text) of the heading and its body


def normal(text: str) -> str:
    """A line as quotes are compared: lower case, no markdown, list markers or punctuation.

    Memoised (bounded by count and by the summed length of the texts): every reply compares
    the same graph facts, names and quotes again, and normalising them was most of a turn."""
    found = _NORMAL.get(text)
    if found is None:
        found = _NORMAL.put(text, key(_MARKERS.sub("", text).replace("**", "").replace("__", "")))
    return found


class SourceDocument:
    """A markdown document split into sections, for finding and verifying quotes."""

    def __init__(self, text: str, name: str = "source.md") -> None:
        self.name = name
        self.sections: list[Section] = []
        stack: list[tuple[int, str]] = []
        current: list[tuple[int, str]] = []
        head: tuple[str, tuple[str, ...], int] | None = None
        lines = text.splitlines()
        start = 0
        if lines and lines[0].strip() == "---":  # YAML front matter is not content
            end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() == "---"), 0)
            start = end + 1
        for number, raw in enumerate(lines[start:], start + 1):
            match = _HEADING.match(raw)
            if match is None:
                if raw.strip():
                    current.append((number, raw.strip()))
                continue
            if head is not None:
                self.sections.append(Section(head[0], head[1], head[2], tuple(current)))
            level, title = len(match.group(1)), match.group(2).strip().rstrip("#").strip()
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, title))
            head = (title, tuple(t for _lvl, t in stack), number)
            current = [(number, title)]
        if head is not None:
            self.sections.append(Section(head[0], head[1], head[2], tuple(current)))
        self._normal = {s.path: [(n, normal(t)) for n, t in s.lines] for s in self.sections}

    @classmethod
    def read(cls, path: Path) -> SourceDocument:
        return cls(path.read_text(encoding="utf-8"), path.name)

    def section(self, name: str) -> Section | None:
        """The section a name or path names ('Sonographer/Ultrasound Technician', or
        'Technical and Allied Health Careers > Sonographer/Ultrasound Technician'); None when
        no heading or more than one fits."""
        wanted = tuple(normal(p) for p in name.split(PATH_SEP.strip()) if p.strip())
        if not wanted:
            return None
        found = [s for s in self.sections
                 if tuple(normal(p) for p in s.path[-len(wanted):]) == wanted]
        return found[0] if len(found) == 1 else None

    def find(self, section: Section, quote: str) -> int | None:
        """The line number of `section` whose text holds `quote` (normalised), else None."""
        wanted = normal(quote)
        if not wanted:
            return None
        padded = f" {wanted} "
        for number, text in self._normal[section.path]:
            if padded in f" {text} ":
                return number
        return None

    def words(self) -> tuple[str, ...]:
        """Every normalised word of the document, sorted."""
        found = {w for lines in self._normal.values() for _n, t in lines
                 for w in t.replace("-", " ").replace("/", " ").split()}
        return tuple(sorted(found))

    def line(self, number: int) -> str:
        """The raw text of a line of the document ('' when there is none)."""
        for s in self.sections:
            for n, text in s.lines:
                if n == number:
                    return text
        return ""

    def cite(self, section: Section, quote: str) -> Source | None:
        """A Source for `quote` under `section`, or None when the section does not hold it."""
        number = self.find(section, quote)
        if number is None:
            return None
        return Source(PATH_SEP.join(section.path[1:] or section.path), quote, number)
