"""Errors of the whole project, rooted here because `knowledge` is the lowest layer."""

from __future__ import annotations

from .record import record


class AdvisorError(Exception):
    """Base of every error radiology-advisor raises on purpose; catch it to catch them all."""


@record
class Problem:
    """One thing wrong in a data file, in yamllint's parsable shape `file:line:col: message`."""

    file: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: error: {self.message}"


class KnowledgeError(AdvisorError, ValueError):
    """A knowledge or dialog directory is invalid.

    Every problem found in one run is collected in `problems` before this is raised, so an
    editor can fix them all at once. Avoid it by running `radiology-advisor check DIR` first.
    """

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} found"
        super().__init__(head + ":\n" + "\n".join(str(p) for p in self.problems))
